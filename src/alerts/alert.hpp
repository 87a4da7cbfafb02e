// PagerDuty alerts for voicemail and missed calls, as Events API v2
// trigger events.  Pure: building the event; sending and spooling it are
// in events.hpp and spool.hpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "twilio/call_state.hpp"

namespace pdcf {

// What an event does to the call's one alert in PagerDuty.  `call`,
// `voicemail`, `missed` and `text` trigger it; `acknowledge` and `resolve`
// change it, and go out only after the call's trigger has (spool.hpp).
// `readiness` is no call's: --check --ahead --notify's alert of the day.
enum class AlertKind { voicemail, missed, text, call, acknowledge, resolve, recording, readiness };

struct Alert {
    AlertKind kind = AlertKind::voicemail;
    std::string call_sid;     // the dedup_key: a retry or a second callback is the same alert
    std::string routing_key;
    std::string body;         // the whole event, JSON
};

struct Recording {
    std::string url;          // RecordingUrl
    long long seconds = 0;    // RecordingDuration
    std::string transcription;
};

// "Voicemail on Platform line from +14155559876 (34 s)", with a link to the
// recording and who was tried.
Alert alert_voicemail(const CallSettings &call, const CallState &state, const std::string &call_sid,
                      const Recording &recording);

// "Missed call on Platform line from +14155559876 after 41 s"
Alert alert_missed(const CallSettings &call, const CallState &state, const std::string &call_sid, long long seconds);

// A caller turned away by caller_limit: "Call 6 on Platform line from
// +14155559876 turned away by caller_limit (5 within 30 min)", in the
// window's alert (state.first_call), so a caller who keeps calling is
// seen, and a flood is one alert.
Alert alert_limited(const CallSettings &call, const CallState &state, const std::string &call_sid);

// The voicemail alert `voicemail` with Twilio's transcription of the
// message in its summary and details: the engineer reads it where the
// page shows (Voicemail on Platform line from +1415... (34 s): "the
// database is down").
Alert with_transcription(const Alert &voicemail, const std::string &text);

// A text message to the line.
struct TextMessage {
    std::string sid;   // MessageSid: the dedup_key
    std::string from;
    std::string to;
    std::string body;
    std::vector<std::string> media;  // MediaUrl0, MediaUrl1...
};

// "Text on Platform line from +14155559876: \"the database is down\"", with
// the whole text, its attachments, who it went to (`forwarded`) and, when
// it reached nobody, why (`problem`).
Alert alert_text(const CallSettings &call, const std::string &route, const TextMessage &message,
                 const std::vector<std::string> &forwarded, const std::string &problem);

// The call's own alert (call_alert; README "What PagerDuty sees of a
// call").  Its dedup_key is the CallSid, as the voicemail and missed-call
// alerts' are, so one call is one alert: a later trigger of the same key
// only adds to its log (Events API v2).  The caller is masked as in the
// log.  `now` is seconds since the epoch.
//
// "Call on Platform line from +*******9876 taken by Ada Lovelace", at
// answered_severity: raised when an engineer accepts, acknowledged at once.
Alert alert_answered(const Route &route, const CallState &state, const std::string &call_sid,
                     const std::string &who, long long now);
// "Incoming call on Platform line from +*******9876, ringing level 1", at
// severity: raised as the hunt starts (call_alert = always).  PagerDuty
// keeps the first trigger's severity, and a call nobody takes must page.
Alert alert_ringing(const Route &route, const CallState &state, const std::string &call_sid, int level,
                    long long now);
// The recording of an answered call (record_calls), ready: "Recording of
// the call on Platform line from +*******9876 (95 s)" at
// answered_severity, with its link.  A later trigger only adds to the open
// alert's log, and the link is in it.
Alert alert_call_recording(const Route &route, const CallState &state, const std::string &call_sid,
                           const Recording &recording);

// An acknowledge or resolve event for the call's alert.
Alert alert_change(AlertKind change, const CallSettings &call, const CallState &state, const std::string &call_sid);

// The dedup_key of a call's alerts: its CallSid, or for a repeat caller
// the first CallSid of the window (repeats.hpp), whose open alert the
// call joins; its summaries say "(call 3 from this number within 30 min)".
// Each Alert keeps its own call's CallSid, for the spool's claims.
std::string alert_key(const CallState &state, const std::string &call_sid);

// An alert made from its event's JSON (a spooled one): its routing key is
// in it.
Alert alert_from_event(AlertKind kind, const std::string &call_sid, const std::string &event);

// --check --ahead --notify: "On-call readiness: …" (`summary`) at warning,
// `findings` one a line in its details, with the day's dedup_key
// ("readiness-2026-12-01"), so it is one alert a day.
Alert alert_readiness(const CallSettings &call, const std::string &day, const std::string &summary,
                      const std::vector<std::string> &findings);

// "voicemail", "missed", "text", "call", "acknowledge", "resolve",
// "recording", "readiness": for
// file names, claims and the log.
const char *to_string(AlertKind kind);

// What is remembered of a call beside its alerts, so that a missed-call
// alert held for a while is dropped when the call turned out otherwise.
enum class CallMark {
    answered,  // an engineer took it
    recorded,  // the caller left a message
    refused,   // the caller was refused (allow_callers, withheld number)
    reason_ready,  // the caller's recorded reason can be played (ask_reason)
};

// "answered", "recorded", "refused", "reason-ready": the names of the
// marks in the spool.
const char *to_string(CallMark mark);

// A caller's calls to a line within its repeat_window (repeats.hpp).
struct CallerCalls {
    std::string first_call;  // the CallSid whose alert the call joins: the dedup_key of its alerts
    int calls = 1;           // this call's place in the window, from 1
};

// Where the handlers send alerts (see alert_desk.hpp).
struct Alerts {
    // Sends `alert` once per call and kind, or keeps it to send later;
    // returns what happened, for the log ("sent", "spooled (...)",
    // "duplicate", "rejected (...)", "LOST (...)").
    std::function<std::string(const Alert &alert, TimePoint deadline)> deliver;
    // Holds `alert` for `seconds`, for what may still come; it then goes
    // out once, unless the call turned out not to need it (alert_desk.hpp).
    // Returns what happened, for the log ("held 30 s", or as deliver).
    std::function<std::string(const Alert &alert, long seconds, TimePoint deadline)> hold;
    // The held alert of a call and kind, taken back to be sent now (with
    // more in it), if it is still held.
    std::function<std::optional<Alert>(const std::string &call_sid, AlertKind kind)> take_held;
    // Marks a call (to_string of a CallMark, or a flow's pickup_mark), and
    // asks whether it is marked.  A mark is not an alert kind: those are
    // claimed by deliver.
    std::function<void(const std::string &call_sid, const std::string &mark)> mark;
    std::function<bool(const std::string &call_sid, const std::string &mark)> marked;
    // caller_calls (repeats.hpp) on the spool, at the wall clock's now:
    // (line, caller, call_sid, window, count).
    std::function<std::optional<CallerCalls>(const std::string &line, const std::string &caller,
                                             const std::string &call_sid, long window, bool count)>
        caller_calls;
    // caller_answered (repeats.hpp): (line, caller).
    std::function<void(const std::string &line, const std::string &caller)> caller_answered;
};

}  // namespace pdcf
