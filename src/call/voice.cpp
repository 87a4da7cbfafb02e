#include "call/voice.hpp"

#include <algorithm>
#include <cctype>

#include "call/call_alert.hpp"
#include "call/flow.hpp"
#include "call/menu.hpp"
#include "call/screen.hpp"
#include "config/route.hpp"
#include "core/ascii.hpp"
#include "core/log.hpp"
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

NewCall new_call(const Prepared &c)
{
    const Config &cfg = c.ctx.config->config;
    const std::string *route_param = form_get(c.w.query, "route");
    const std::string *menu_param = form_get(c.w.query, "menu");
    RouteChoice choice = route_choose(cfg, route_param ? *route_param : "", route_param != nullptr, c.log.to,
                                      menu_param ? *menu_param : "", menu_param != nullptr);
    NewCall call{choice.route ? *choice.route : choice.menu ? menu_route(*choice.menu) : default_route(cfg),
                 choice.menu, {}, choice.problem};
    c.log.route = call.route.name;
    call.state.route = call.route.name;
    call.state.from = c.log.from;
    call.state.to = c.log.to;
    call.state.started = now_epoch(c.ctx);
    return call;
}

// The call's own alert events (call_alert.hpp), sent once the answer is out
// through the spool, in order: a person waiting to be put through never
// waits for PagerDuty.  A spool that cannot hold them sends them now.
void after_answer(Prepared &c, const std::vector<Alert> &events)
{
    for (const auto &a : events) {
        std::string said = c.ctx.alerts.hold ? c.ctx.alerts.hold(a, 0, c.deadline)
                           : c.ctx.alerts.deliver ? c.ctx.alerts.deliver(a, c.deadline) : "";
        if (!said.empty()) add_note(c.log.alert, std::string(to_string(a.kind)) + " " + (said == "held 0 s" ? "queued" : said));
    }
}

// An engineer took the call: no missed-call alert for it, and its own
// alert says so.  `who`: their name, from the screen's URL.
void accepted(Prepared &c, const std::string &parent, const std::string &who)
{
    if (parent.empty()) return;
    if (c.ctx.alerts.mark) {
        c.ctx.alerts.mark(parent, to_string(CallMark::answered));
        // For the number's status callback, which knows the line but not
        // which of a menu's routes took the call.
        if (call_alert_hung_up(c.route, c.state, parent)) c.ctx.alerts.mark(parent, resolve_mark(c.route));
    }
    after_answer(c, call_alert_accepted(c.route, c.state, parent, who, now_epoch(c.ctx)));
}

// The routes a call to this line may have taken: its own, or its menu's.
std::vector<Route> routes_of(Prepared &c, const NewCall &call)
{
    if (!call.menu) return {call.route};
    std::vector<Route> routes;
    LogRecord ignored;
    for (const auto &entry : call.menu->entries)
        if (!entry.route.empty()) routes.push_back(route_named(c.ctx.config->config, entry.route, ignored));
    return routes;
}

// The call's place among the caller's calls to `route` within its
// repeat_window (repeats.hpp), written into `state` for a repeat call;
// `count`: this call is one of them, else it is only looked up.
std::optional<CallerCalls> join_window(Prepared &c, const Route &route, CallState &state, bool count)
{
    if (!c.ctx.alerts.caller_calls) return std::nullopt;
    auto calls = c.ctx.alerts.caller_calls(route.name, state.from, form_value(c.w.twilio(), "CallSid"),
                                           route.call.repeat_window, count);
    if (calls && calls->calls > 1) {
        state.first_call = calls->first_call;
        state.calls = calls->calls;
    }
    return calls;
}

// The route's own flow from the start: its caller lists, then the greeting
// and the first dial (or fallback, voicemail...).  A call from a menu is
// marked when refused, so the number's status callback raises no alert;
// the menu has answered it (`answered`).
Response start_route(Prepared &c, const Route &route, const CallState &caller, bool answered)
{
    CallerCheck who = caller_check(route.call.callers, caller.from);
    const auto refuse = [&](const FlowResult &r) {
        if (c.ctx.alerts.mark) c.ctx.alerts.mark(c.log.call_sid, to_string(CallMark::refused));
        return finish(r, c.ctx, c.deadline, c.log);
    };
    if (who.verdict != CallerVerdict::pass) return refuse(flow_refused(route, caller, who, answered));
    CallState state = caller;
    auto calls = join_window(c, route, state, true);
    if (calls && route.call.caller_limit > 0 && calls->calls > route.call.caller_limit)
        return refuse(flow_limited(route, state));
    Snapshot snap = ask_pagerduty(c.ctx, route, c.deadline, [&](const std::vector<Level> &levels) {
        return flow_can_dial(route, levels, state);
    }, c.log);
    FlowResult first = flow_incoming(route, urls_of(c.req, c.ctx), state, snap);
    Response resp = finish(first, c.ctx, c.deadline, c.log);
    if (auto ringing = call_alert_ringing(route, state, c.log.call_sid, first, now_epoch(c.ctx)))
        after_answer(c, {*ringing});
    return resp;
}

// The flow's result as the response, within the call's deadline.
Response done(Prepared &c, const FlowResult &r) { return finish(r, c.ctx, c.deadline, c.log); }

// `name` pressed 2 at the screen: the names tried, which the next URLs and
// the call's alerts carry, say so, and so does the log.
void passed_on(CallState &state, std::string &said, const std::string &name)
{
    for (auto &tried : state.tried)
        if (tried == name) tried = name + " (passed)";
    add_note(said, name + " passed the call on");
}

}  // namespace

Response voice_incoming(Prepared &c)
{
    NewCall call = new_call(c);
    if (!call.problem.empty()) c.log.reason = call.problem;
    if (!call.menu) return start_route(c, call.route, call.state, false);

    CallerCheck who = caller_check(call.menu->call.callers, call.state.from);
    if (who.verdict != CallerVerdict::pass) return done(c, flow_refused(call.route, call.state, who, false));
    MenuState menu{call.menu->name, call.state.from, call.state.to, call.state.started, 1};
    return done(c, menu_prompt(*call.menu, urls_of(c.req, c.ctx), menu));
}

Response voice_menu(Prepared &c)
{
    const Config &cfg = c.ctx.config->config;
    const FlowUrls urls = urls_of(c.req, c.ctx);
    MenuState state = menu_parse(c.w.query, c.w.twilio());
    const Menu *menu = menu_find(cfg, state.menu);
    if (!menu) {
        // The config changed mid-call: what the [call] settings offer.
        c.log.reason = "no [menu:" + state.menu + "] (any more); using the [call] settings";
        FlowResult r = flow_voicemail(default_route(cfg), urls, menu_call_state(state, ""));
        r.reason = c.log.reason;
        return done(c, r);
    }
    c.log.route = menu->name;
    MenuStep step = menu_step(*menu, form_value(c.w.twilio(), "Digits"), state.attempt);
    const std::string said = "menu " + menu->name + ": " + step.reason;
    switch (step.pick) {
    case MenuPick::again: {
        MenuState next = state;
        ++next.attempt;
        FlowResult r = menu_prompt(*menu, urls, next, step.wrong_key ? menu->invalid_message : "");
        r.reason = said;
        return done(c, r);
    }
    case MenuPick::voicemail: {
        FlowResult r = flow_voicemail(menu_route(*menu), urls, menu_call_state(state, menu->name));
        r.reason = said + (r.reason.empty() ? "" : "; " + r.reason);
        return done(c, r);
    }
    case MenuPick::route: break;
    }
    Route route = route_named(cfg, step.route, c.log);
    Response resp = start_route(c, route, menu_call_state(state, route.name), true);
    c.log.reason = said + (c.log.reason.empty() ? "" : "; " + c.log.reason);
    return resp;
}

Response voice_dial_status(Prepared &c)
{
    const Route &route = c.route;
    const CallState &state = c.state;
    const Params &twilio = c.w.twilio();
    const std::string sid = form_value(twilio, "CallSid");

    switch (dial_end(twilio)) {
    case DialEnd::answered: {
        if (c.ctx.alerts.mark) c.ctx.alerts.mark(sid, to_string(CallMark::answered));
        Response resp = done(c, flow_answered(state));
        if (auto resolve = call_alert_hung_up(route, state, sid)) after_answer(c, {*resolve});
        return resp;
    }
    case DialEnd::caller_gone:
        return done(c, flow_caller_gone(route, state, sid, now_epoch(c.ctx)));
    case DialEnd::declined:
    case DialEnd::not_answered:
        break;
    }
    Snapshot snap;
    int loops = state.loop;
    std::string passed;  // who passed the call on, for the log
    if (!state.fallback) {
        snap = ask_pagerduty(c.ctx, route, c.deadline, [&](const std::vector<Level> &levels) {
            return flow_can_dial(route, levels, state);
        }, c.log);
        if (dial_end(twilio) == DialEnd::declined && c.ctx.alerts.marked) {
            std::vector<std::string> picked_up;
            for (const auto &callee : flow_level_callees(route, snap.levels, state)) {
                if (c.ctx.alerts.marked(sid, pickup_mark(state.loop, state.level, callee.number)))
                    picked_up.push_back(callee.number);
                if (c.ctx.alerts.marked(sid, passed_mark(state.loop, state.level, callee.number)))
                    passed_on(c.state, passed, callee.name);
            }
            if (auto again = flow_ring_rest(route, urls_of(c.req, c.ctx), state, snap, picked_up)) {
                if (!passed.empty()) again->reason = passed + "; " + again->reason;
                return done(c, *again);
            }
        }
        if (!snap.oncalls_failed && !flow_can_dial(route, snap.levels, state) && state.loop < route.call.max_loops)
            loops = loops_allowed(c.ctx, route, c.deadline, c.log);
    }
    c.log.reason = "dial " + form_value(twilio, "DialCallStatus") + (passed.empty() ? "" : "; " + passed);
    return done(c, flow_next(route, urls_of(c.req, c.ctx), state, snap, loops));
}

Response voice_screen(Prepared &c)
{
    // The callee's leg: this phone picked up first, and the rest of its
    // together-ring were hung up.  Said before the screen, so that the
    // <Dial> action can tell who declined whatever way the screen ends.
    const std::string parent = form_value(c.w.twilio(), "ParentCallSid");
    const std::string who = form_value(c.w.query, "name");
    if (!parent.empty() && c.state.level > 0 && c.ctx.alerts.mark)
        c.ctx.alerts.mark(parent, pickup_mark(c.state.loop, c.state.level, form_value(c.w.twilio(), "To")));
    if (!c.route.call.screening) {
        // No screen (the URL is there for the call's alert): whoever picked
        // up has the call.
        Response resp = done(c, twiml_only(empty_response(), Outcome::accepted));
        accepted(c, parent, who);
        return resp;
    }
    return done(c, flow_screen(c.route, urls_of(c.req, c.ctx), c.state, who));
}

Response voice_screen_result(Prepared &c)
{
    const long long attempt = parse_decimal(form_value(c.w.query, "try"), 1, 9).value_or(1);
    const std::string who = form_value(c.w.query, "name");
    FlowResult r = flow_screen_result(c.route, urls_of(c.req, c.ctx), c.state, who, c.w.twilio(), static_cast<int>(attempt));
    Response resp = done(c, r);
    // An engineer took the call: said here as well as by the <Dial> action,
    // which Twilio's documentation does not promise once a bridged call
    // ends, so the status callback's missed-call alert never goes out for it.
    // One who passed it on is named by the <Dial> action that follows.
    const std::string parent = form_value(c.w.twilio(), "ParentCallSid");
    if (r.outcome == Outcome::accepted) accepted(c, parent, who);
    if (!parent.empty() && c.ctx.alerts.mark && r.outcome == Outcome::passed && c.state.level > 0)
        c.ctx.alerts.mark(parent, passed_mark(c.state.loop, c.state.level, form_value(c.w.twilio(), "To")));
    return resp;
}

Response voice_recorded(Prepared &c)
{
    FlowResult r = flow_recorded(c.route, c.state, c.w.twilio(), now_epoch(c.ctx));
    // Told before the call ends, so the number's status callback that
    // follows knows a voicemail is on its way.
    if (r.outcome == Outcome::recorded && c.ctx.alerts.mark)
        c.ctx.alerts.mark(form_value(c.w.twilio(), "CallSid"), to_string(CallMark::recorded));
    return done(c, r);
}

Response voice_recording(Prepared &c)
{
    FlowResult r = flow_recording(c.route, c.state, c.w.twilio());
    // Said here too, in case the <Record> action never came.
    if (r.alert && c.ctx.alerts.mark) c.ctx.alerts.mark(form_value(c.w.twilio(), "CallSid"), to_string(CallMark::recorded));
    return done(c, r);
}

Response voice_transcription(Prepared &c)
{
    const Params &twilio = c.w.twilio();
    const Alerts &alerts = c.ctx.alerts;
    FlowResult r = flow_transcription(c.route, c.state, twilio);
    const std::string sid = form_value(twilio, "CallSid");
    if (r.alert) {
        // The voicemail alert waiting for this text goes out now with it.
        // If it has gone already, the text stays out of PagerDuty: a second
        // trigger only adds to the alert's log, and opens a new alert if
        // the first was resolved meanwhile (a page for a handled message).
        if (auto held = alerts.take_held ? alerts.take_held(sid, AlertKind::voicemail) : std::nullopt) {
            r.alert = with_transcription(*held, form_value(twilio, "TranscriptionText"));
        } else if (alerts.marked && alerts.marked(sid, to_string(AlertKind::voicemail))) {
            r.alert.reset();
            r.outcome = Outcome::ignored;
            r.reason = "the transcription came after the voicemail alert had gone out; see the recording";
        }
    } else if (form_value(twilio, "TranscriptionStatus") == "failed" && alerts.take_held) {
        // No text will come: the voicemail alert need not wait any longer.
        if (auto held = alerts.take_held(sid, AlertKind::voicemail)) {
            r.alert = held;
            r.outcome = Outcome::alert;
            r.reason = "Twilio could not transcribe the message";
        }
    }
    return done(c, r);
}

Response voice_status(Prepared &c)
{
    NewCall call = new_call(c);
    for (const auto &route : routes_of(c, call))
        if (join_window(c, route, call.state, false)) break;
    FlowResult r = flow_call_status(call.route, call.state, c.w.twilio());
    const std::string sid = form_value(c.w.twilio(), "CallSid");
    if (r.alert && caller_check(call.route.call.callers, call.state.from).verdict != CallerVerdict::pass) {
        r.alert.reset();
        r.outcome = Outcome::ignored;
        r.reason = "the caller was refused";
    }
    const auto marked = [&](const std::string &m) { return c.ctx.alerts.marked && c.ctx.alerts.marked(sid, m); };
    const bool answered = marked(to_string(CallMark::answered));
    if (r.alert && (answered || marked(to_string(CallMark::recorded)) || marked(to_string(CallMark::refused)))) {
        r.alert.reset();
        r.outcome = Outcome::ignored;
        r.reason = "the call was answered, left a voicemail or was refused";
    }
    Response resp = done(c, r);
    // The <Dial> action resolves an answered call's alert; Twilio's
    // documentation does not promise that action once a bridged call ends,
    // so the call's end does it too (the second is a duplicate).
    if (answered && form_value(c.w.twilio(), "CallStatus") == "completed")
        for (const auto &route : routes_of(c, call))
            if (auto resolve = call_alert_hung_up(route, call.state, sid); resolve && marked(resolve_mark(route)))
                after_answer(c, {*resolve});
    return resp;
}

}  // namespace pdcf
