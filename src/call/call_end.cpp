#include "call/call_end.hpp"

#include "call/call_alert.hpp"
#include "call/flow.hpp"
#include "call/screen.hpp"
#include "config/route.hpp"
#include "core/form.hpp"

namespace pdcf {

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

Response voice_call_recording(Prepared &c)
{
    const Params &twilio = c.w.twilio();
    // "CallSid ... always refers to the parent leg of a two-leg call"
    // (TwiML <Recording>): the caller's call, which the screen marked.
    const std::string sid = form_value(twilio, "CallSid");
    const auto marked = [&](const std::string &m) { return c.ctx.alerts.marked && c.ctx.alerts.marked(sid, m); };
    // Only the <Dial> someone accepted recorded the conversation.
    const bool answered = marked(accepted_mark(c.state));
    auto link = call_alert_recorded(c.route, c.state, twilio, answered);
    FlowResult r = twiml_only(empty_response(), link ? Outcome::alert : Outcome::ignored);
    if (link && marked(to_string(AlertKind::resolve))) {
        // Late: after our resolve the link would open a new alert.
        link.reset();
        r.outcome = Outcome::ignored;
        r.reason = "the call's alert was resolved before its recording was ready; the recording is in Twilio's console";
    } else if (!link) {
        r.reason = form_value(twilio, "RecordingStatus") == "completed" ? "no alert of the call to add the recording to"
                                                                         : "Twilio could not store the recording";
    }
    Response resp = done(c, r);
    std::vector<Alert> events;
    if (link) events.push_back(*link);
    // The resolve that waited for the link goes now: after it, or with no
    // link to wait for.
    if (link || form_value(twilio, "RecordingStatus") == "failed")
        if (auto resolve = c.ctx.alerts.take_held ? c.ctx.alerts.take_held(sid, AlertKind::resolve) : std::nullopt)
            events.push_back(*resolve);
    after_answer(c, events);
    return resp;
}

namespace {

// The line's route or menu as the call began, by the mark its start left
// where the line keeps hours (hours now are not hours then); without one,
// as the line is now.  A route a menu's choice marked is the more precise.
NewCall status_call(Prepared &c)
{
    const Config &cfg = c.ctx.config->config;
    const std::string sid = form_value(c.w.twilio(), "CallSid");
    NewCall call = new_call(c);
    if (!c.ctx.alerts.marked) return call;
    const Route *route = nullptr;
    const Menu *menu = nullptr;
    for (const auto &m : cfg.menus)
        if (c.ctx.alerts.marked(sid, routed_mark(m.name))) menu = &m;
    for (const auto &r : cfg.routes)
        if (c.ctx.alerts.marked(sid, routed_mark(r.name))) route = &r;
    if (!route && !menu) return call;
    call.route = route ? *route : menu_route(*menu);
    call.menu = route ? nullptr : menu;
    call.state.route = call.route.name;
    c.log.route = call.route.name;
    return call;
}

}  // namespace

Response voice_status(Prepared &c)
{
    NewCall call = status_call(c);
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
            if (auto resolve = call_alert_hung_up(route, call.state, sid); resolve && marked(resolve_mark(route))) {
                // One the <Dial> action holds already stays as it is: it
                // knows the call's alert best.
                auto held = c.ctx.alerts.take_held ? c.ctx.alerts.take_held(sid, AlertKind::resolve) : std::nullopt;
                after_answer(c, {held ? *held : *resolve}, call_alert_resolve_wait(route));
            }
    return resp;
}

}  // namespace pdcf
