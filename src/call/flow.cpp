#include "call/flow.hpp"

#include <algorithm>

#include "call/flow_result.hpp"
#include "call/screen.hpp"
#include "config/tts.hpp"
#include "core/escape.hpp"
#include "core/limits.hpp"
#include "core/placeholders.hpp"
#include "twilio/twiml.hpp"

namespace pdcf {

namespace {

// <Dial> with its action back to us and, when screening, the whisper on
// each engineer's leg.
FlowResult dial(const Route &route, const FlowUrls &urls, const CallState &after, const std::vector<Callee> &callees,
                const Prompt &say, Outcome outcome, const std::string &notice = "")
{
    const CallSettings &call = route.call;
    DialOptions options;
    options.timeout = call.dial_timeout;
    options.caller_id = call.caller_id;
    options.action = urls.of("/voice/dial-status", after, Numbers::from_twilio);
    // Its callback carries no From or To.
    if (call.record_calls) options.recording_callback = urls.of("/voice/call-recording", after, Numbers::in_url);
    // The screen marks the phone that picks up (pickup_mark): it needs the
    // round and level, and the call's alert who took it.  Without the
    // screen, the call's alert still learns there who picked up.
    const bool on_pickup = call.screening || (call.call_alert != CallAlert::off && call.can_alert());
    FlowResult r;
    for (const auto &c : callees) {
        r.dialed.push_back(c.number);
        // Who takes it, for the call's alert: fallback_number has no name.
        const std::string who = c.name.empty() && after.fallback ? "the fallback number" : c.name;
        CallState screened = after;
        screened.time_zone = c.time_zone;  // the whisper's {local_time}
        if (on_pickup) options.number_urls.push_back(urls.of("/voice/screen", screen_query(route, screened, who)));
    }
    Twiml twiml;
    twiml.say(voice_of(call), notice).prompt(voice_of(call), say).dial(options, r.dialed);
    r.twiml = twiml.str();
    r.outcome = outcome;
    r.level = after.level;
    return r;
}

std::string voicemail_twiml(const Route &route, const FlowUrls &urls, const CallState &st)
{
    const CallSettings &call = route.call;
    RecordOptions options;
    options.action = urls.of("/voice/recorded", st, Numbers::from_twilio);
    // The recording status callback carries no From or To.
    options.status_callback = urls.of("/voice/recording", st, Numbers::in_url);
    options.max_length = call.voicemail_max_length;
    // Silence at either end goes, so a caller who said nothing leaves a
    // recording of (nearly) nothing, which is no message.
    options.trim_silence = true;
    if (call.transcribe) options.transcribe_callback = urls.of("/voice/transcription", st, Numbers::in_url);
    Twiml twiml;
    twiml.prompt(voice_of(call), {say_text(route, st, call.voicemail_prompt), call.voicemail_prompt_audio}).record(options);
    return twiml.str();
}

// Nobody (more) from PagerDuty to dial: fallback_number once, then
// voicemail, or without a routing key the unavailable message.  `notice`:
// said before a dial (recording_notice, at the call's start).
FlowResult end_of_hunt(const Route &route, const FlowUrls &urls, const CallState &st, const std::string &reason,
                       const std::string &notice = "")
{
    const CallSettings &call = route.call;
    FlowResult r;
    if (!call.fallback_number.empty() && !st.fallback) {
        CallState after = st;
        after.fallback = true;
        r = dial(route, urls, after, {{"", call.fallback_number, ""}}, {say_text(route, st, call.fallback_greeting), ""},
                 Outcome::fallback, notice);
        r.level = 0;
    } else if (call.can_alert()) {
        r = twiml_only(voicemail_twiml(route, urls, st), Outcome::voicemail);
    } else {
        Twiml twiml;
        twiml.say(voice_of(call), say_text(route, st, call.unavailable_message)).hangup();
        r = twiml_only(twiml.str(), Outcome::unavailable);
    }
    r.reason = reason;
    return r;
}

CallState after_dial(const CallState &st, int loop, const NextDial &next)
{
    CallState after = st;
    after.loop = loop;
    after.level = next.level;
    after.index = next.index;
    after.picked = 0;
    for (const auto &c : next.callees)
        if (std::find(after.tried.begin(), after.tried.end(), c.name) == after.tried.end())
            after.tried.push_back(c.name);
    return after;
}

std::vector<std::string> names_of(const std::vector<Callee> &callees)
{
    std::vector<std::string> names;
    for (const auto &c : callees) names.push_back(c.name);
    return names;
}

long long number_param(const Params &p, const char *name)
{
    const std::string v = form_value(p, name);
    if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return 0;
    return std::stoll(v);
}

}  // namespace

bool flow_can_dial(const Route &route, const std::vector<Level> &levels, const CallState &state)
{
    Snapshot snap;
    snap.levels = levels;
    return hunt_next(without_lines(snap, route.lines, state.to).levels, state, route.call.ring).found;
}

FlowResult flow_incoming(const Route &route, const FlowUrls &urls, const CallState &state, const Snapshot &raw)
{
    Snapshot snap = without_lines(raw, route.lines, state.to);
    // Said first, before anything is recorded (record_calls).
    const std::string notice = route.call.record_calls ? say_text(route, state, route.call.recording_notice) : "";
    if (snap.oncalls_failed) return end_of_hunt(route, urls, state, snapshot_reason(snap), notice);
    NextDial next = hunt_next(snap.levels, state, route.call.ring);
    if (!next.found) return end_of_hunt(route, urls, state, snapshot_reason(snap), notice);
    CallState after = after_dial(state, 1, next);
    FlowResult r = dial(route, urls, after, next.callees,
                        {say_text(route, state, route.call.greeting, names_of(next.callees), next.callees.front().time_zone),
                         route.call.greeting_audio},
                        Outcome::dial, notice);
    r.reason = snap.problem;
    return r;
}

DialEnd dial_end(const Params &p)
{
    const std::string status = form_value(p, "DialCallStatus");
    const std::string *bridged = form_get(p, "DialBridged");
    // A declined screen also ends "completed": only a bridged call counts.
    bool completed = status == "completed" || status == "answered";
    if (completed && (!bridged || *bridged == "true")) return DialEnd::answered;
    // Twilio still requests the action when the caller hangs up mid-dial.
    const std::string call_status = form_value(p, "CallStatus");
    if (call_status == "completed" || call_status == "canceled") return DialEnd::caller_gone;
    return completed ? DialEnd::declined : DialEnd::not_answered;
}

std::vector<Callee> flow_level_callees(const Route &route, const std::vector<Level> &raw, const CallState &state)
{
    Snapshot snap;
    snap.levels = raw;
    CallState before = state;
    before.level = state.level - 1;
    before.index = -1;
    NextDial rung = hunt_next(without_lines(snap, route.lines, state.to).levels, before, Ring::together);
    return rung.found && rung.level == state.level ? rung.callees : std::vector<Callee>{};
}

std::optional<FlowResult> flow_ring_rest(const Route &route, const FlowUrls &urls, const CallState &state,
                                         const Snapshot &snap, const std::vector<std::string> &picked_up)
{
    if (route.call.ring != Ring::together || state.fallback || snap.oncalls_failed) return std::nullopt;
    std::vector<Callee> level = flow_level_callees(route, snap.levels, state), rest;
    std::vector<std::string> declined;
    for (const auto &c : level) {
        if (std::find(picked_up.begin(), picked_up.end(), c.number) == picked_up.end())
            rest.push_back(c);
        else
            declined.push_back(c.name);
    }
    // Each ring again needs one more phone that picked up and declined:
    // without new marks (marks that cannot be made, or a number that does
    // not match them) the hunt moves on, so this ends after at most as many
    // rings as the level has phones.
    if (rest.empty() || declined.size() <= static_cast<std::size_t>(state.picked)) return std::nullopt;
    CallState after = state;
    after.picked = static_cast<int>(declined.size());
    FlowResult r = dial(route, urls, after, rest, {say_text(route, state, route.call.hold_message), route.call.hold_audio},
                            Outcome::dial);
    Placeholders who = name_placeholders(declined);
    r.reason = "the first phone to pick up at level " + std::to_string(state.level) + " declined (" +
               who.front().second + "); ringing the rest of the level again";
    return r;
}

FlowResult flow_next(const Route &route, const FlowUrls &urls, const CallState &state, const Snapshot &raw, int loops)
{
    if (state.fallback) return end_of_hunt(route, urls, state, "fallback_number did not answer");
    Snapshot snap = without_lines(raw, route.lines, state.to);
    if (snap.oncalls_failed) return end_of_hunt(route, urls, state, snapshot_reason(snap));
    NextDial next = hunt_next(snap.levels, state, route.call.ring);
    int loop = state.loop;
    if (!next.found && loop < loops) {
        CallState again = state;
        again.loop = ++loop;
        again.level = 0;
        again.index = -1;
        next = hunt_next(snap.levels, again, route.call.ring);
    }
    if (!next.found) return end_of_hunt(route, urls, state, "nobody answered");
    CallState after = after_dial(state, loop, next);
    FlowResult r = dial(route, urls, after, next.callees, {say_text(route, state, route.call.hold_message), route.call.hold_audio},
                            Outcome::dial);
    r.reason = snap.problem;
    return r;
}

FlowResult flow_voicemail(const Route &route, const FlowUrls &urls, const CallState &state)
{
    if (route.call.can_alert()) return twiml_only(voicemail_twiml(route, urls, state), Outcome::voicemail);
    Twiml twiml;
    twiml.say(voice_of(route.call), say_text(route, state, route.call.unavailable_message)).hangup();
    FlowResult r = twiml_only(twiml.str(), Outcome::unavailable);
    r.reason = "no routing_key, so no voicemail";
    return r;
}

FlowResult flow_refused(const Route &route, const CallState &state, const CallerCheck &check, bool answered)
{
    Twiml twiml;
    // TwiML <Reject>: "If the first verb in a TwiML document is <Reject>,
    // Twilio will not pick up the call"; once answered, it is a hang-up
    // with extra steps, so say so plainly.
    if (check.verdict == CallerVerdict::blocked && answered)
        twiml.hangup();
    else if (check.verdict == CallerVerdict::blocked)
        twiml.reject();
    else
        twiml.say(voice_of(route.call), say_text(route, state, route.call.rejected_message)).hangup();
    FlowResult r = twiml_only(twiml.str(), check.verdict == CallerVerdict::blocked ? Outcome::blocked : Outcome::refused);
    r.reason = check.reason;
    return r;
}

FlowResult flow_limited(const Route &route, const CallState &state, const std::string &call_sid)
{
    Twiml twiml;
    twiml.say(voice_of(route.call), say_text(route, state, route.call.rejected_message)).hangup();
    FlowResult r = twiml_only(twiml.str(), Outcome::limited);
    r.reason = "call " + std::to_string(state.calls) + " from this number within repeat_window; caller_limit is " +
               std::to_string(route.call.caller_limit);
    // The first one turned away in a window: a flood of them must not
    // become a flood of events, which PagerDuty would rate-limit, holding
    // up every other alert of the routing key.
    if (route.call.can_alert() && route.call.alert_missed_calls && state.calls == route.call.caller_limit + 1)
        r.alert = alert_limited(route.call, state, call_sid);
    return r;
}

FlowResult flow_answered(const CallState &)
{
    Twiml twiml;
    twiml.hangup();
    FlowResult r = twiml_only(twiml.str(), Outcome::answered);
    r.answered = true;
    return r;
}

FlowResult flow_caller_gone(const Route &route, const CallState &state, const std::string &call_sid, long long now)
{
    FlowResult r = twiml_only(empty_response(), Outcome::gone);
    r.reason = "the caller hung up before anyone answered";
    if (route.call.can_alert() && route.call.alert_missed_calls)
        r.alert = alert_missed(route.call, state, call_sid, state.started > 0 ? std::max(0LL, now - state.started) : 0);
    return r;
}

FlowResult flow_recorded(const Route &route, const CallState &state, const Params &twilio, long long now)
{
    const CallSettings &call = route.call;
    Twiml twiml;
    twiml.say(voice_of(call), say_text(route, state, call.voicemail_closing)).hangup();
    FlowResult r = twiml_only(twiml.str(), Outcome::recorded);
    if (form_value(twilio, "RecordingUrl").empty() || number_param(twilio, "RecordingDuration") < min_message_seconds) {
        // Nothing was recorded, or only a second of it: the caller hung up
        // at the prompt or the beep.  The call's last request: no waiting.
        r.outcome = Outcome::gone;
        r.reason = "the caller left no message";
        if (call.can_alert() && call.alert_missed_calls)
            r.alert = alert_missed(call, state, form_value(twilio, "CallSid"),
                                   state.started > 0 ? std::max(0LL, now - state.started) : 0);
    }
    return r;
}

bool transcription_expected(const CallSettings &call, long long seconds)
{
    // Whatever the line's language: Twilio cannot tell what the caller
    // spoke and transcribes it as American English all the same.
    return call.transcribe && seconds > transcription_min_seconds && seconds < transcription_max_seconds;
}

FlowResult flow_recording(const Route &route, const CallState &state, const Params &twilio)
{
    FlowResult r = twiml_only(empty_response(), Outcome::ignored);
    if (!route.call.can_alert()) return r;
    // Twilio reports `completed` or `failed`, and more (`absent` for a
    // silent one) only when recordingStatusCallbackEvent asks, which we do
    // not: a silent recording is kept and comes as `completed`.
    const std::string status = form_value(twilio, "RecordingStatus");
    const std::string sid = form_value(twilio, "CallSid");
    Recording rec{form_value(twilio, "RecordingUrl"), number_param(twilio, "RecordingDuration"), ""};
    if (status == "completed" && rec.seconds < min_message_seconds) {
        // The <Record> action said so too, and raised the missed-call alert.
        r.reason = "the recording is silent or shorter than " + std::to_string(min_message_seconds) + " s: no message";
        return r;
    }
    if (status == "completed" || status == "failed") {
        if (status == "failed") r.reason = "Twilio could not store the recording";
        r.outcome = Outcome::alert;
        r.alert = alert_voicemail(route.call, state, sid, rec);
        if (status == "completed" && transcription_expected(route.call, rec.seconds))
            r.hold = route.call.transcription_wait;
    }
    return r;
}

FlowResult flow_transcription(const Route &route, const CallState &state, const Params &twilio)
{
    FlowResult r = twiml_only(empty_response(), Outcome::ignored);
    const std::string text = form_value(twilio, "TranscriptionText");
    if (!route.call.can_alert() || form_value(twilio, "TranscriptionStatus") != "completed" || text.empty()) return r;
    // The callback brings no RecordingDuration: a held voicemail alert,
    // which has it, is used instead when there is one (the handler).
    Recording rec{form_value(twilio, "RecordingUrl"), 0, text};
    r.outcome = Outcome::alert;
    r.alert = alert_voicemail(route.call, state, form_value(twilio, "CallSid"), rec);
    return r;
}

FlowResult flow_call_status(const Route &route, const CallState &state, const Params &twilio)
{
    FlowResult r = twiml_only(empty_response(), Outcome::ignored);
    const std::string status = form_value(twilio, "CallStatus");
    bool ended = status == "completed" || status == "busy" || status == "no-answer" || status == "failed" ||
                 status == "canceled";
    if (!ended || !route.call.can_alert() || !route.call.alert_missed_calls) return r;
    // Only a candidate.  The status callback is asynchronous (TwiML
    // changelog 2024-03-20): it may come before the <Dial> or <Record>
    // action that says the call was answered or left a message.  So the
    // alert waits missed_call_wait for those, and is dropped if they come.
    r.outcome = Outcome::alert;
    r.alert = alert_missed(route.call, state, form_value(twilio, "CallSid"), number_param(twilio, "CallDuration"));
    r.hold = route.call.missed_call_wait;
    return r;
}

}  // namespace pdcf
