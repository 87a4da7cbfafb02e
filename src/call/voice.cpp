#include "call/voice.hpp"

#include <algorithm>
#include <cctype>

#include "call/flow.hpp"
#include "call/menu.hpp"
#include "config/route.hpp"
#include "core/form.hpp"
#include "pagerduty/oncall.hpp"

namespace pdcf {

namespace {

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

// A call as it comes in (or, for the status callback, as it was): its route
// or menu by ?route=, ?menu= or the called number, and its state before
// any dial.  A menu stands in as its own route.
struct NewCall {
    Route route;
    const Menu *menu = nullptr;
    CallState state;
    std::string problem;  // why no route matched
};

NewCall new_call(const Context &ctx, const Webhook &w, LogRecord &log)
{
    const Config &cfg = ctx.config->config;
    const std::string *route_param = form_get(w.query, "route");
    const std::string *menu_param = form_get(w.query, "menu");
    RouteChoice choice = route_choose(cfg, route_param ? *route_param : "", route_param != nullptr, log.to,
                                      menu_param ? *menu_param : "", menu_param != nullptr);
    NewCall c{choice.route ? *choice.route : choice.menu ? menu_route(*choice.menu) : default_route(cfg), choice.menu,
              {}, choice.problem};
    log.route = c.route.name;
    c.state.route = c.route.name;
    c.state.from = log.from;
    c.state.to = log.to;
    c.state.started = now_epoch(ctx);
    return c;
}

// The route's own flow from the start: its caller lists, then the greeting
// and the first dial (or fallback, voicemail...).  A call from a menu is
// marked when refused, so the number's status callback raises no alert;
// the menu has answered it (`answered`).
Response start_route(const Request &req, const Context &ctx, const Route &route, const CallState &state,
                     TimePoint deadline, const std::string &call_sid, bool answered, LogRecord &log)
{
    CallerCheck who = caller_check(route.call.callers, state.from);
    if (who.verdict != CallerVerdict::pass) {
        if (ctx.alerts.mark) ctx.alerts.mark(call_sid, to_string(CallMark::refused));
        return finish(flow_refused(route, state, who, answered), ctx, deadline, log);
    }
    Snapshot snap = ask_pagerduty(ctx, route, deadline, [&](const std::vector<Level> &levels) {
        return flow_can_dial(route, levels, state);
    }, log);
    return finish(flow_incoming(route, urls_of(req, ctx), state, snap), ctx, deadline, log);
}

}  // namespace

Response voice_incoming(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    NewCall call = new_call(ctx, w, log);
    TimePoint deadline = start + ctx.config->config.pagerduty.timeout;
    if (!call.problem.empty()) log.reason = call.problem;
    if (!call.menu) return start_route(req, ctx, call.route, call.state, deadline, log.call_sid, false, log);

    CallerCheck who = caller_check(call.menu->call.callers, call.state.from);
    if (who.verdict != CallerVerdict::pass)
        return finish(flow_refused(call.route, call.state, who, false), ctx, deadline, log);
    MenuState menu{call.menu->name, call.state.from, call.state.to, call.state.started, 1};
    return finish(menu_prompt(*call.menu, urls_of(req, ctx), menu), ctx, deadline, log);
}

Response voice_menu(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    const Config &cfg = ctx.config->config;
    TimePoint deadline = start + cfg.pagerduty.timeout;
    MenuState state = menu_parse(w.query, w.twilio());
    const Menu *menu = menu_find(cfg, state.menu);
    if (!menu) {
        // The config changed mid-call: what the [call] settings offer.
        log.reason = "no [menu:" + state.menu + "] (any more); using the [call] settings";
        FlowResult r = flow_voicemail(default_route(cfg), urls_of(req, ctx), menu_call_state(state, ""));
        r.reason = log.reason;
        return finish(r, ctx, deadline, log);
    }
    log.route = menu->name;
    MenuStep step = menu_step(*menu, form_value(w.twilio(), "Digits"), state.attempt);
    const std::string said = "menu " + menu->name + ": " + step.reason;
    switch (step.pick) {
    case MenuPick::again: {
        MenuState next = state;
        ++next.attempt;
        FlowResult r = menu_prompt(*menu, urls_of(req, ctx), next, step.wrong_key ? menu->invalid_message : "");
        r.reason = said;
        return finish(r, ctx, deadline, log);
    }
    case MenuPick::voicemail: {
        FlowResult r = flow_voicemail(menu_route(*menu), urls_of(req, ctx), menu_call_state(state, menu->name));
        r.reason = said + (r.reason.empty() ? "" : "; " + r.reason);
        return finish(r, ctx, deadline, log);
    }
    case MenuPick::route: break;
    }
    Route route = route_named(cfg, step.route, log);
    Response resp = start_route(req, ctx, route, menu_call_state(state, route.name), deadline, log.call_sid, true, log);
    log.reason = said + (log.reason.empty() ? "" : "; " + log.reason);
    return resp;
}

Response voice_dial_status(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    const Config &cfg = ctx.config->config;
    CallState state = state_parse(w.query, w.twilio());
    Route route = route_named(cfg, state.route, log);
    TimePoint deadline = start + cfg.pagerduty.timeout;
    const std::string sid = form_value(w.twilio(), "CallSid");

    switch (dial_end(w.twilio())) {
    case DialEnd::answered:
        if (ctx.alerts.mark) ctx.alerts.mark(sid, to_string(CallMark::answered));
        return finish(flow_answered(state), ctx, deadline, log);
    case DialEnd::caller_gone:
        return finish(flow_caller_gone(route, state, sid, now_epoch(ctx)), ctx, deadline, log);
    case DialEnd::declined:
    case DialEnd::not_answered:
        break;
    }
    Snapshot snap;
    int loops = state.loop;
    if (!state.fallback) {
        snap = ask_pagerduty(ctx, route, deadline, [&](const std::vector<Level> &levels) {
            return flow_can_dial(route, levels, state);
        }, log);
        if (dial_end(w.twilio()) == DialEnd::declined && ctx.alerts.marked) {
            std::vector<std::string> picked_up;
            for (const auto &c : flow_level_callees(route, snap.levels, state))
                if (ctx.alerts.marked(sid, pickup_mark(state.loop, state.level, c.number))) picked_up.push_back(c.number);
            if (auto again = flow_ring_rest(route, urls_of(req, ctx), state, snap, picked_up))
                return finish(*again, ctx, deadline, log);
        }
        if (!snap.oncalls_failed && !flow_can_dial(route, snap.levels, state) && state.loop < route.call.max_loops)
            loops = loops_allowed(ctx, route, deadline, log);
    }
    log.reason = "dial " + form_value(w.twilio(), "DialCallStatus");
    return finish(flow_next(route, urls_of(req, ctx), state, snap, loops), ctx, deadline, log);
}

Response voice_screen(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    CallState state = state_parse(w.query, w.twilio());
    Route route = route_named(ctx.config->config, state.route, log);
    // The callee's leg: this phone picked up first, and the rest of its
    // together-ring were hung up.  Said before the screen, so that the
    // <Dial> action can tell who declined whatever way the screen ends.
    const std::string parent = form_value(w.twilio(), "ParentCallSid");
    if (!parent.empty() && state.level > 0 && ctx.alerts.mark)
        ctx.alerts.mark(parent, pickup_mark(state.loop, state.level, form_value(w.twilio(), "To")));
    return finish(flow_screen(route, urls_of(req, ctx), state), ctx, start, log);
}

Response voice_screen_result(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    Route route = route_named(ctx.config->config, form_value(w.query, "route"), log);
    FlowResult r = flow_screen_result(route, w.twilio());
    // An engineer took the call: said here as well as by the <Dial> action,
    // which Twilio's documentation does not promise once a bridged call
    // ends, so the status callback's missed-call alert never goes out for it.
    const std::string parent = form_value(w.twilio(), "ParentCallSid");
    if (r.outcome == Outcome::accepted && !parent.empty() && ctx.alerts.mark) ctx.alerts.mark(parent, to_string(CallMark::answered));
    return finish(r, ctx, start, log);
}

Response voice_recorded(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    CallState state = state_parse(w.query, w.twilio());
    Route route = route_named(ctx.config->config, state.route, log);
    FlowResult r = flow_recorded(route, state, w.twilio(), now_epoch(ctx));
    // Told before the call ends, so the number's status callback that
    // follows knows a voicemail is on its way.
    if (r.outcome == Outcome::recorded && ctx.alerts.mark) ctx.alerts.mark(form_value(w.twilio(), "CallSid"), to_string(CallMark::recorded));
    return finish(r, ctx, start + ctx.config->config.pagerduty.timeout, log);
}

Response voice_recording(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    CallState state = state_parse(w.query, w.twilio());
    Route route = route_named(ctx.config->config, state.route, log);
    FlowResult r = flow_recording(route, state, w.twilio());
    // Said here too, in case the <Record> action never came.
    if (r.alert && ctx.alerts.mark) ctx.alerts.mark(form_value(w.twilio(), "CallSid"), to_string(CallMark::recorded));
    return finish(r, ctx, start + ctx.config->config.pagerduty.timeout, log);
}

Response voice_transcription(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    CallState state = state_parse(w.query, w.twilio());
    Route route = route_named(ctx.config->config, state.route, log);
    FlowResult r = flow_transcription(route, state, w.twilio());
    const std::string sid = form_value(w.twilio(), "CallSid");
    if (r.alert) {
        // The voicemail alert waiting for this text goes out now with it.
        // If it has gone already, the text stays out of PagerDuty: a second
        // trigger only adds to the alert's log, and opens a new alert if
        // the first was resolved meanwhile (a page for a handled message).
        if (auto held = ctx.alerts.take_held ? ctx.alerts.take_held(sid, AlertKind::voicemail) : std::nullopt) {
            r.alert = with_transcription(*held, form_value(w.twilio(), "TranscriptionText"));
        } else if (ctx.alerts.marked && ctx.alerts.marked(sid, to_string(AlertKind::voicemail))) {
            r.alert.reset();
            r.outcome = Outcome::ignored;
            r.reason = "the transcription came after the voicemail alert had gone out; see the recording";
        }
    } else if (form_value(w.twilio(), "TranscriptionStatus") == "failed" && ctx.alerts.take_held) {
        // No text will come: the voicemail alert need not wait any longer.
        if (auto held = ctx.alerts.take_held(sid, AlertKind::voicemail)) {
            r.alert = held;
            r.outcome = Outcome::alert;
            r.reason = "Twilio could not transcribe the message";
        }
    }
    return finish(r, ctx, start + ctx.config->config.pagerduty.timeout, log);
}

Response voice_status(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    Webhook w;
    if (auto stop = open_webhook(req, ctx, log, w)) return *stop;
    NewCall call = new_call(ctx, w, log);
    FlowResult r = flow_call_status(call.route, call.state, w.twilio());
    const std::string sid = form_value(w.twilio(), "CallSid");
    if (r.alert && caller_check(call.route.call.callers, call.state.from).verdict != CallerVerdict::pass) {
        r.alert.reset();
        r.outcome = Outcome::ignored;
        r.reason = "the caller was refused";
    }
    if (r.alert && ctx.alerts.marked &&
        (ctx.alerts.marked(sid, to_string(CallMark::answered)) || ctx.alerts.marked(sid, to_string(CallMark::recorded)) || ctx.alerts.marked(sid, to_string(CallMark::refused)))) {
        r.alert.reset();
        r.outcome = Outcome::ignored;
        r.reason = "the call was answered, left a voicemail or was refused";
    }
    return finish(r, ctx, start + ctx.config->config.pagerduty.timeout, log);
}

}  // namespace pdcf
