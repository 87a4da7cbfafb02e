#include "voice.hpp"

#include <algorithm>
#include <cctype>

#include "flow.hpp"
#include "form.hpp"
#include "oncall.hpp"
#include "route.hpp"
#include "signature.hpp"

namespace pdcf {

namespace {

long ms_between(TimePoint a, TimePoint b)
{
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count());
}

bool is_form(const std::string &content_type)
{
    std::string t = content_type.substr(0, content_type.find(';'));
    t.erase(std::remove_if(t.begin(), t.end(), [](char c) { return c == ' ' || c == '\t'; }), t.end());
    std::transform(t.begin(), t.end(), t.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return t.empty() || t == "application/x-www-form-urlencoded";
}

// A request from Twilio, decoded and its signature checked.
struct Webhook {
    Params query;
    Params form;
    const Params &twilio() const { return post ? form : query; }
    bool post = false;
};

// Decodes and verifies; a response when the request must go no further.
std::optional<Response> open_webhook(const Request &req, const Context &ctx, LogRecord &log, Webhook &w)
{
    const Config &cfg = ctx.config->config;
    w.post = req.method == "POST";
    if (w.post && !is_form(req.content_type))
        return rejected_response(log, 415, "unsupported media type: expected application/x-www-form-urlencoded",
                                 "Content-Type " + req.content_type);
    FormResult query = form_decode(req.query_string);
    if (!query) return rejected_response(log, 400, "bad request: query string: " + query.error, "query string: " + query.error);
    w.query = std::move(query.params);
    if (w.post) {
        FormResult form = form_decode(req.body);
        if (!form) return rejected_response(log, 400, "bad request: body: " + form.error, "body: " + form.error);
        w.form = std::move(form.params);
    }
    // Twilio sends its parameters in the body for POST, in the query for GET.
    log.call_sid = form_value(w.twilio(), "CallSid");
    log.from = form_value(w.twilio(), "From");
    log.to = form_value(w.twilio(), "To");

    if (req.trusted) {
        // --test-call: nothing was signed, and nothing needs to be.
    } else if (cfg.twilio.validate_signature) {
        std::string url = request_url(req, cfg.twilio.public_url);
        SignatureCheck check = signature_check(url, w.post ? w.form : Params{}, req.signature, cfg.twilio.auth_tokens);
        if (check != SignatureCheck::valid) {
            log.url = url;
            return rejected_response(log, 403, "forbidden", to_string(check));
        }
    } else {
        log.signature_off = true;
    }
    return std::nullopt;
}

// The [call] settings as a route of their own, for calls that match no
// route (or whose route went away mid-call): no PagerDuty target.
Route default_route(const Config &cfg)
{
    Route r;
    r.call = cfg.call;
    if (r.call.title.empty()) r.call.title = "on-call";
    return r;
}

// The route a callback belongs to: named in its URL when we made it.
Route route_named(const Config &cfg, const std::string &name, LogRecord &log)
{
    for (const auto &r : cfg.routes)
        if (r.name == name) {
            log.route = r.name;
            return r;
        }
    log.reason = "no [route:" + name + "] (any more); using the [call] settings";
    return default_route(cfg);
}

FlowUrls urls_of(const Request &req, const Context &ctx)
{
    return {script_url(req, ctx.config->config.twilio.public_url)};
}

// Asks for the route's on-calls, level by level until `enough`.
Snapshot ask_pagerduty(const Context &ctx, const Route &route, TimePoint deadline, const Enough &enough, LogRecord &log)
{
    if (route.target.empty()) return {};
    TimePoint asked = ctx.clock();
    Snapshot snap = pagerduty_snapshot(sources_for(ctx, deadline, CacheMode::use), route.kind, route.target,
                                       ctx.config->config.pagerduty.prefer_label, enough);
    log.pd_ms = ms_between(asked, ctx.clock());
    log.pd_requests = snap.requests;
    log.source = to_string(snap.source);
    if (snap.source != Source::pagerduty) log.age = snap.age;
    return snap;
}

// How many rounds the hunt may make now: max_loops, capped by the policy's
// own num_loops (repeats after the first round).  Asked only when a round
// has ended and another is allowed.
int loops_allowed(const Context &ctx, const Route &route, TimePoint deadline, LogRecord &log)
{
    if (route.call.max_loops <= 1 || route.kind == TargetKind::schedule) return route.call.max_loops;
    HttpReply r = ctx.pagerduty ? ctx.pagerduty("/escalation_policies/" + route.target, deadline) : HttpReply{};
    ++log.pd_requests;
    auto loops = r.status == 200 ? policy_num_loops(r.body) : std::nullopt;
    if (!loops) {
        log.reason = "pagerduty: GET /escalation_policies/" + route.target + ": no num_loops; not repeating";
        return 1;
    }
    return std::min(route.call.max_loops, *loops + 1);
}

// The flow's answer as a response, its alert delivered, the log filled in.
Response finish(const FlowResult &r, const Context &ctx, TimePoint deadline, LogRecord &log)
{
    log.outcome = r.outcome;
    if (!r.reason.empty()) log.reason = r.reason;
    log.dialed = r.dialed;
    log.level = r.level;
    if (r.alert && ctx.alerts.deliver) log.alert = ctx.alerts.deliver(*r.alert, deadline);
    Response resp;
    resp.body = r.twiml;
    return resp;
}

long long now_epoch(const Context &ctx) { return ctx.epoch_seconds ? ctx.epoch_seconds() : 0; }

// A call as it comes in (or, for the status callback, as it was): its route
// by ?route= or the called number, and its state before any dial.
struct NewCall {
    Route route;
    CallState state;
    std::string problem;  // why no route matched
};

NewCall new_call(const Context &ctx, const Webhook &w, LogRecord &log)
{
    const Config &cfg = ctx.config->config;
    const std::string *route_param = form_get(w.query, "route");
    RouteChoice choice = route_choose(cfg, route_param ? *route_param : "", route_param != nullptr, log.to);
    NewCall c{choice.route ? *choice.route : default_route(cfg), {}, choice.problem};
    log.route = c.route.name;
    c.state.route = c.route.name;
    c.state.from = log.from;
    c.state.to = log.to;
    c.state.started = now_epoch(ctx);
    return c;
}

}  // namespace

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
    log.outcome = "rejected";
    log.reason = reason;
    return plain_response(status, body);
}

Response voice_incoming(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    NewCall call = new_call(ctx, w, log);
    TimePoint deadline = start + ctx.config->config.pagerduty.timeout;
    Snapshot snap = ask_pagerduty(ctx, call.route, deadline, [&](const std::vector<Level> &levels) {
        return flow_can_dial(levels, call.state, call.route.call.ring);
    }, log);
    FlowResult r = flow_incoming(call.route, urls_of(req, ctx), call.state, snap);
    if (!call.problem.empty()) r.reason = call.problem;
    return finish(r, ctx, deadline, log);
}

Response voice_dial_status(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    const Config &cfg = ctx.config->config;
    CallState state = state_parse(w.query);
    Route route = route_named(cfg, state.route, log);
    TimePoint deadline = start + cfg.pagerduty.timeout;
    const std::string sid = form_value(w.twilio(), "CallSid");

    switch (dial_end(w.twilio())) {
    case DialEnd::answered:
        if (ctx.alerts.mark) ctx.alerts.mark(sid, "answered");
        return finish(flow_answered(state), ctx, deadline, log);
    case DialEnd::caller_gone:
        return finish(flow_caller_gone(route, state, sid, now_epoch(ctx)), ctx, deadline, log);
    case DialEnd::not_answered:
        break;
    }
    Snapshot snap;
    int loops = state.loop;
    if (!state.fallback) {
        snap = ask_pagerduty(ctx, route, deadline, [&](const std::vector<Level> &levels) {
            return flow_can_dial(levels, state, route.call.ring);
        }, log);
        if (!snap.oncalls_failed && !flow_can_dial(snap.levels, state, route.call.ring) && state.loop < route.call.max_loops)
            loops = loops_allowed(ctx, route, deadline, log);
    }
    log.reason = "dial " + form_value(w.twilio(), "DialCallStatus");
    return finish(flow_next(route, urls_of(req, ctx), state, snap, loops), ctx, deadline, log);
}

Response voice_screen(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    CallState state = state_parse(w.query);
    Route route = route_named(ctx.config->config, state.route, log);
    return finish(flow_screen(route, urls_of(req, ctx), state), ctx, start, log);
}

Response voice_screen_result(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    Route route = route_named(ctx.config->config, form_value(w.query, "route"), log);
    return finish(flow_screen_result(route, w.twilio()), ctx, start, log);
}

Response voice_recorded(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    CallState state = state_parse(w.query);
    Route route = route_named(ctx.config->config, state.route, log);
    FlowResult r = flow_recorded(route, state, w.twilio(), now_epoch(ctx));
    // Told before the call ends, so the number's status callback that
    // follows knows a voicemail is on its way.
    if (r.outcome == "recorded" && ctx.alerts.mark) ctx.alerts.mark(form_value(w.twilio(), "CallSid"), "recorded");
    return finish(r, ctx, start + ctx.config->config.pagerduty.timeout, log);
}

Response voice_recording(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    CallState state = state_parse(w.query);
    Route route = route_named(ctx.config->config, state.route, log);
    return finish(flow_recording(route, state, w.twilio()), ctx, start + ctx.config->config.pagerduty.timeout, log);
}

Response voice_transcription(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    CallState state = state_parse(w.query);
    Route route = route_named(ctx.config->config, state.route, log);
    return finish(flow_transcription(route, state, w.twilio()), ctx, start + ctx.config->config.pagerduty.timeout,
                  log);
}

Response voice_status(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    NewCall call = new_call(ctx, w, log);
    FlowResult r = flow_call_status(call.route, call.state, w.twilio());
    const std::string sid = form_value(w.twilio(), "CallSid");
    if (r.alert && ctx.alerts.marked &&
        (ctx.alerts.marked(sid, "answered") || ctx.alerts.marked(sid, "recorded"))) {
        r.alert.reset();
        r.outcome = "ignored";
        r.reason = "the call was answered or left a voicemail";
    }
    return finish(r, ctx, start + ctx.config->config.pagerduty.timeout, log);
}

}  // namespace pdcf
