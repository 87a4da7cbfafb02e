#include "call/voice.hpp"

#include <algorithm>
#include <cctype>

#include "call/call_alert.hpp"
#include "call/flow.hpp"
#include "call/menu.hpp"
#include "call/reason.hpp"
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
    if (route.call.max_loops <= 1 || route.kind != TargetKind::escalation_policy) return route.call.max_loops;
    HttpReply r = ctx.pagerduty ? ctx.pagerduty("/escalation_policies/" + route.target, deadline) : HttpReply{};
    ++log.pd_requests;
    auto loops = r.status == 200 ? policy_num_loops(r.body) : std::nullopt;
    if (!loops) {
        log.reason = "pagerduty: GET /escalation_policies/" + route.target + ": no num_loops; not repeating";
        return 1;
    }
    return std::min(route.call.max_loops, *loops + 1);
}

// An engineer took the call: no missed-call alert for it, and its own
// alert says so.  `who`: their name, from the screen's URL.
void accepted(Prepared &c, const std::string &parent, const std::string &who)
{
    if (parent.empty()) return;
    c.log.answered_by = who;
    // The caller's later calls open an alert of their own (repeats.hpp).
    if (c.ctx.alerts.caller_answered) c.ctx.alerts.caller_answered(c.route.name, c.state.from);
    if (c.ctx.alerts.mark) {
        c.ctx.alerts.mark(parent, to_string(CallMark::answered));
        c.ctx.alerts.mark(parent, accepted_mark(c.state));
        // For the number's status callback, which knows the line but not
        // which of a menu's routes took the call.
        if (call_alert_hung_up(c.route, c.state, parent)) c.ctx.alerts.mark(parent, resolve_mark(c.route));
    }
    after_answer(c, call_alert_accepted(c.route, c.state, parent, who, now_epoch(c.ctx)));
}

// The on-calls of `route` for the call in `state`.
Snapshot on_calls(Prepared &c, const Route &route, const CallState &state)
{
    return ask_pagerduty(c.ctx, route, c.deadline, [&](const std::vector<Level> &levels) {
        return flow_can_dial(route, levels, state);
    }, c.log);
}

// The hunt from its start: the greeting and the first dial (or fallback,
// voicemail...), and with call_alert = always the call's alert.
Response hunt_from_start(Prepared &c, const Route &route, const CallState &state, const Snapshot &snap)
{
    FlowResult first = flow_incoming(route, urls_of(c.req, c.ctx), state, snap);
    Response resp = finish(first, c.ctx, c.deadline, c.log);
    if (auto ringing = call_alert_ringing(route, state, c.log.call_sid, first, now_epoch(c.ctx)))
        after_answer(c, {*ringing});
    return resp;
}

// The route's own flow from the start: its caller lists, then (with
// ask_reason, when someone can be dialed) the caller's reason, or the
// hunt; or, when it is closed and after_hours says so, its voicemail.  A
// call from a menu is marked when refused, so the number's status callback
// raises no alert; the menu has answered it (`answered`).
Response start_route(Prepared &c, const Route &route, const CallState &caller, bool answered, bool voicemail = false)
{
    CallerCheck who = caller_check(route.call.callers, caller.from);
    const auto refuse = [&](const FlowResult &r) {
        if (c.ctx.alerts.mark) c.ctx.alerts.mark(c.log.call_sid, to_string(CallMark::refused));
        return finish(r, c.ctx, c.deadline, c.log);
    };
    if (who.verdict != CallerVerdict::pass) return refuse(flow_refused(route, caller, who, answered));
    if (voicemail) return done(c, flow_voicemail(route, urls_of(c.req, c.ctx), caller));
    CallState state = caller;
    auto calls = join_window(c, route, state, true);
    if (calls && route.call.caller_limit > 0 && calls->calls > route.call.caller_limit) {
        // One alert for the window, withheld numbers included: a flood is
        // one incident.
        CallState limited = state;
        limited.first_call = calls->first_call;
        limited.calls = calls->calls;
        return refuse(flow_limited(route, limited, c.log.call_sid));
    }
    // Asked now, also with ask_reason: whether anyone can be dialed, and
    // the cache warm while the caller speaks.
    Snapshot snap = on_calls(c, route, state);
    if (route.call.ask_reason && !snap.oncalls_failed && flow_can_dial(route, snap.levels, state))
        return done(c, flow_ask_reason(route, urls_of(c.req, c.ctx), state));
    return hunt_from_start(c, route, state, snap);
}

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
    // For the number's status callback, which may come once the hours changed.
    if (call.keeps_hours && c.ctx.alerts.mark)
        c.ctx.alerts.mark(c.log.call_sid, routed_mark(call.menu ? call.menu->name : call.route.name));
    const auto hours = [&](Response resp) {
        if (!call.note.empty()) c.log.reason = call.note + (c.log.reason.empty() ? "" : "; " + c.log.reason);
        return resp;
    };
    if (call.closed_line) {
        // The line called turns the caller away as it would by day; marked,
        // so the status callback raises no missed-call alert for it.
        CallerCheck line = caller_check(call.closed_line->call.callers, call.state.from);
        if (line.verdict != CallerVerdict::pass) {
            if (c.ctx.alerts.mark) c.ctx.alerts.mark(c.log.call_sid, to_string(CallMark::refused));
            c.log.route = call.closed_line->name;
            return hours(done(c, flow_refused(*call.closed_line, call.state, line, false)));
        }
    }
    if (!call.menu) return hours(start_route(c, call.route, call.state, false, call.voicemail));

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
    const Route chosen = route_named(cfg, step.route, c.log);
    const OpenLine open = open_route(cfg, chosen, now_epoch(c.ctx));
    // A caller the chosen route turns away is turned away after hours too.
    const bool refused = caller_check(chosen.call.callers, state.from).verdict != CallerVerdict::pass;
    const Route &route = refused ? chosen : *open.route;
    c.log.route = route.name;
    if (!open.note.empty() && c.ctx.alerts.mark) c.ctx.alerts.mark(c.log.call_sid, routed_mark(route.name));
    Response resp = start_route(c, route, menu_call_state(state, route.name), true, !refused && open.voicemail);
    c.log.reason = said + (open.note.empty() ? "" : "; " + open.note) + (c.log.reason.empty() ? "" : "; " + c.log.reason);
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
        // Said by the screen too; without one, only here.
        if (c.ctx.alerts.caller_answered) c.ctx.alerts.caller_answered(route.name, state.from);
        Response resp = done(c, flow_answered(state));
        if (auto resolve = call_alert_hung_up(route, state, sid))
            after_answer(c, {*resolve}, call_alert_resolve_wait(route));
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

Response voice_reason(Prepared &c)
{
    Reason reason = reason_of(c.w.twilio());
    if (reason.caller_gone)
        return done(c, flow_caller_gone(c.route, c.state, form_value(c.w.twilio(), "CallSid"), now_epoch(c.ctx)));
    CallState state = c.state;
    state.reason_url = reason.url;
    Response resp = hunt_from_start(c, c.route, state, on_calls(c, c.route, state));
    add_note(c.log.reason, reason.said);
    return resp;
}

Response voice_reason_ready(Prepared &c)
{
    // Twilio reports `completed` or `failed` unless asked for more.
    const bool ready = form_value(c.w.twilio(), "RecordingStatus") == "completed";
    if (ready && c.ctx.alerts.mark) c.ctx.alerts.mark(form_value(c.w.twilio(), "CallSid"), to_string(CallMark::reason_ready));
    FlowResult r = twiml_only(empty_response(), Outcome::ignored);
    r.reason = ready ? "the caller's reason can be played" : "Twilio could not store the caller's reason";
    return done(c, r);
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
    // Played only once Twilio has said it is ready; else the whisper says
    // the caller's number, as without it.
    if (!c.state.reason_url.empty() &&
        !(c.ctx.alerts.marked && c.ctx.alerts.marked(parent, to_string(CallMark::reason_ready)))) {
        c.state.reason_url.clear();
        c.log.reason = "the caller's reason is not ready to play; the whisper says the number";
    }
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

}  // namespace pdcf
