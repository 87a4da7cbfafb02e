#include "call/webhook.hpp"

#include <algorithm>
#include <cctype>

#include "config/callers.hpp"
#include "config/route.hpp"
#include "core/phone.hpp"
#include "twilio/signature.hpp"

namespace pdcf {

namespace {

bool is_form(const std::string &content_type)
{
    std::string t = content_type.substr(0, content_type.find(';'));
    t.erase(std::remove_if(t.begin(), t.end(), [](char c) { return c == ' ' || c == '\t'; }), t.end());
    std::transform(t.begin(), t.end(), t.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return t.empty() || t == "application/x-www-form-urlencoded";
}

}  // namespace

std::string url_for_log(const std::string &url)
{
    std::size_t q = url.find('?');
    if (q == std::string::npos) return url;
    std::string out = url.substr(0, q + 1);
    std::string_view rest(url);
    rest.remove_prefix(q + 1);
    while (true) {
        std::size_t amp = rest.find('&');
        std::string_view part = rest.substr(0, amp);
        std::string_view name = part.substr(0, part.find('='));
        if (name == "from" || name == "tried") {
            // The caller's number masked as in from=; a name only counted.
            auto one = form_decode(part);
            std::string value = one && !one->empty() ? one->front().value : "";
            out += std::string(name) + "=" + (name == "from" ? mask_number(value) : "*");
        } else {
            out += part;
        }
        if (amp == std::string_view::npos) break;
        out += '&';
        rest.remove_prefix(amp + 1);
    }
    return out;
}

Response plain_response(int status, std::string body)
{
    Response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(body) + "\n";
    return r;
}

Response rejected_response(LogRecord &log, int status, const std::string &body, const std::string &reason)
{
    log.outcome = Outcome::rejected;
    log.reason = reason;
    return plain_response(status, body);
}

std::optional<Response> open_webhook(const Request &req, const Context &ctx, LogRecord &log, Webhook &w)
{
    const Config &cfg = ctx.config->config;
    w.post = req.method == "POST";
    if (w.post && !is_form(req.content_type))
        return rejected_response(log, 415, "unsupported media type: expected application/x-www-form-urlencoded",
                                 "Content-Type " + req.content_type);
    auto query = form_decode(req.query_string);
    if (!query)
        return rejected_response(log, 400, "bad request: query string: " + query.error(), "query string: " + query.error());
    w.query = std::move(*query);
    if (w.post) {
        auto form = form_decode(req.body);
        if (!form) return rejected_response(log, 400, "bad request: body: " + form.error(), "body: " + form.error());
        w.form = std::move(*form);
    }
    log.call_sid = form_value(w.twilio(), "CallSid");
    log.parent_call_sid = form_value(w.twilio(), "ParentCallSid");
    log.message_sid = form_value(w.twilio(), "MessageSid");
    log.from = form_value(w.twilio(), "From");
    log.to = form_value(w.twilio(), "To");

    if (req.trusted) {
        // --test-call: nothing was signed, and nothing needs to be.
    } else if (cfg.twilio.validate_signature) {
        std::string url = request_url(req, cfg.twilio.public_url);
        SignatureCheck check = signature_check(url, w.post ? w.form : Params{}, req.signature, req.signature_settings,
                                               {cfg.twilio.auth_tokens, cfg.twilio.shared_keys});
        if (check != SignatureCheck::valid) {
            log.url = url_for_log(url);
            return rejected_response(log, 403, "forbidden", to_string(check));
        }
    } else {
        log.signature_off = true;
    }
    log.from_twilio = true;
    return std::nullopt;
}

std::optional<Response> prepare(Prepared &c, Needs needs)
{
    if (needs == Needs::nothing) return std::nullopt;
    if (auto stop = open_webhook(c.req, c.ctx, c.log, c.w)) return stop;
    if (needs == Needs::state) {
        c.state = state_parse(c.w.query, c.w.twilio());
        c.route = route_named(c.ctx.config->config, c.state.route, c.log);
    }
    return std::nullopt;
}

Route default_route(const Config &cfg)
{
    Route r;
    r.call = cfg.call;
    r.lines = cfg.lines;
    if (r.call.title.empty()) r.call.title = "on-call";
    return r;
}

Route route_named(const Config &cfg, const std::string &name, LogRecord &log)
{
    if (const Route *r = route_find(cfg, name)) {
        log.route = r->name;
        return *r;
    }
    if (const Menu *m = menu_find(cfg, name)) {
        log.route = m->name;
        return menu_route(*m);
    }
    log.reason = "no [route:" + name + "] (any more); using the [call] settings";
    return default_route(cfg);
}

FlowUrls urls_of(const Request &req, const Context &ctx)
{
    return {script_url(req, ctx.config->config.twilio.public_url)};
}

Snapshot ask_pagerduty(const Context &ctx, const Route &route, TimePoint deadline, const Enough &enough, LogRecord &log,
                       Medium medium)
{
    if (route.kind == TargetKind::numbers) {
        // `dial`: the route's own numbers, one level, PagerDuty not asked.
        log.source = "dial";
        return dial_snapshot(route);
    }
    if (route.target.empty()) return {};
    TimePoint asked = ctx.clock();
    Snapshot snap = pagerduty_snapshot(sources_for(ctx, deadline, CacheMode::use), route.kind, route.target,
                                       ctx.config->config.pagerduty.prefer_label, enough, medium);
    log.pd_ms = ms_between(asked, ctx.clock());
    log.pd_requests = snap.requests;
    log.source = to_string(snap.source);
    if (snap.source != Source::pagerduty) log.age = snap.age;
    return snap;
}

Response finish(const FlowResult &r, const Context &ctx, TimePoint deadline, LogRecord &log)
{
    log.outcome = r.outcome;
    if (!r.reason.empty()) log.reason = r.reason;
    log.dialed = r.dialed;
    log.level = r.level;
    if (r.alert) log.alert_kind = to_string(r.alert->kind);
    if (r.alert && r.hold > 0 && ctx.alerts.hold)
        log.alert = ctx.alerts.hold(*r.alert, r.hold, deadline);
    else if (r.alert && ctx.alerts.deliver)
        log.alert = ctx.alerts.deliver(*r.alert, deadline);
    Response resp;
    resp.body = r.twiml;
    return resp;
}

long long now_epoch(const Context &ctx) { return ctx.epoch_seconds ? ctx.epoch_seconds() : 0; }

std::string routed_mark(const std::string &name) { return "routed-" + name; }

NewCall new_call(const Prepared &c)
{
    const Config &cfg = c.ctx.config->config;
    const std::string *route_param = form_get(c.w.query, "route");
    const std::string *menu_param = form_get(c.w.query, "menu");
    RouteChoice choice = route_choose(cfg, route_param ? *route_param : "", route_param != nullptr, c.log.to,
                                      menu_param ? *menu_param : "", menu_param != nullptr, c.log.from);
    NewCall call{choice.route ? *choice.route : choice.menu ? menu_route(*choice.menu) : default_route(cfg),
                 choice.menu, {}, choice.problem, false, std::nullopt, false, choice.note};
    call.keeps_hours = choice.route ? choice.route->call.after_hours.has_value()
                       : choice.menu && choice.menu->call.after_hours.has_value();
    const OpenLine open = choice.route ? open_route(cfg, *choice.route, now_epoch(c.ctx))
                          : choice.menu ? open_menu(cfg, *choice.menu, now_epoch(c.ctx)) : OpenLine{};
    if (open.route || open.voicemail) {
        if (!open.note.empty()) call.closed_line = call.route;
        if (open.route) call.route = *open.route;
        call.menu = nullptr;
        call.voicemail = open.voicemail;
        if (!open.note.empty()) add_note(call.note, open.note);
    }
    c.log.route = call.route.name;
    call.state.route = call.route.name;
    call.state.from = c.log.from;
    call.state.to = c.log.to;
    call.state.started = now_epoch(c.ctx);
    return call;
}

std::vector<Route> routes_of(Prepared &c, const NewCall &call)
{
    if (!call.menu) return {call.route};
    std::vector<Route> routes;
    LogRecord ignored;
    for (const auto &entry : call.menu->entries)
        if (!entry.route.empty()) routes.push_back(route_named(c.ctx.config->config, entry.route, ignored));
    return routes;
}

std::optional<CallerCalls> join_window(Prepared &c, const Route &route, CallState &state, bool count)
{
    if (!c.ctx.alerts.caller_calls) return std::nullopt;
    auto calls = c.ctx.alerts.caller_calls(route.name, state.from, form_value(c.w.twilio(), "CallSid"),
                                           route.call.repeat_window, count);
    // Withheld numbers share a count (caller_limit), not an alert: they
    // may be anyone.
    if (calls && calls->calls > 1 && !is_anonymous(state.from)) {
        state.first_call = calls->first_call;
        state.calls = calls->calls;
    }
    return calls;
}

Response done(Prepared &c, const FlowResult &r) { return finish(r, c.ctx, c.deadline, c.log); }

void after_answer(Prepared &c, const std::vector<Alert> &events, long wait)
{
    for (const auto &a : events) {
        std::string said = c.ctx.alerts.hold ? c.ctx.alerts.hold(a, wait, c.deadline)
                           : c.ctx.alerts.deliver ? c.ctx.alerts.deliver(a, c.deadline) : "";
        if (!said.empty()) add_note(c.log.alert, std::string(to_string(a.kind)) + " " + (said == "held 0 s" ? "queued" : said));
    }
}

}  // namespace pdcf
