#include "call/call_alert.hpp"

#include "core/ascii.hpp"

namespace pdcf {

namespace {

bool on(const Route &route, CallAlert mode)
{
    return route.call.call_alert == mode && route.call.can_alert();
}

// Whether a pickup is known to be a person: only the screen's 1 says so.
// Without it a personal voicemail that picks up looks the same, and with
// `always` acknowledging or resolving then would silence the page of a
// call nobody took.
bool judged(const Route &route) { return route.call.screening || route.call.call_alert != CallAlert::always; }

// An answered call's alert (answered) is its own, never a change to the
// alert of a repeat caller's earlier call (repeats.hpp), whose voicemail
// may still wait for someone: acknowledging that would silence it.
CallState own_alert(const CallState &state)
{
    CallState own = state;
    own.first_call.clear();
    return own;
}

// Whether the call opened the alert it is in (always): only then may its
// answer acknowledge or resolve it.
bool opened(const CallState &state, const std::string &call_sid) { return alert_key(state, call_sid) == call_sid; }

}  // namespace

std::optional<Alert> call_alert_ringing(const Route &route, const CallState &state, const std::string &call_sid,
                                        const FlowResult &first, long long now)
{
    if (!on(route, CallAlert::always)) return std::nullopt;
    if (first.outcome != Outcome::dial && first.outcome != Outcome::fallback) return std::nullopt;
    return alert_ringing(route, state, call_sid, first.level, now);
}

std::vector<Alert> call_alert_accepted(const Route &route, const CallState &state, const std::string &call_sid,
                                       const std::string &who, long long now)
{
    std::vector<Alert> events;
    if (on(route, CallAlert::answered)) {
        events.push_back(alert_answered(route, own_alert(state), call_sid, who, now));
        events.push_back(alert_change(AlertKind::acknowledge, route.call, own_alert(state), call_sid));
    } else if (on(route, CallAlert::always) && judged(route) && opened(state, call_sid)) {
        events.push_back(alert_change(AlertKind::acknowledge, route.call, state, call_sid));
    }
    return events;
}

std::optional<Alert> call_alert_hung_up(const Route &route, const CallState &state, const std::string &call_sid)
{
    if (!route.call.resolve_on_hangup || !route.call.can_alert()) return std::nullopt;
    if (on(route, CallAlert::answered)) return alert_change(AlertKind::resolve, route.call, own_alert(state), call_sid);
    if (on(route, CallAlert::always) && judged(route) && opened(state, call_sid))
        return alert_change(AlertKind::resolve, route.call, state, call_sid);
    return std::nullopt;
}

long call_alert_resolve_wait(const Route &route) { return route.call.record_calls ? recording_wait_seconds : 0; }

std::optional<Alert> call_alert_recorded(const Route &route, const CallState &state, const Params &twilio,
                                         bool answered)
{
    if (!route.call.record_calls || route.call.call_alert == CallAlert::off || !route.call.can_alert() || !answered)
        return std::nullopt;
    // Twilio reports `completed` or `failed` unless asked for more.
    if (form_value(twilio, "RecordingStatus") != "completed") return std::nullopt;
    const std::string url = form_value(twilio, "RecordingUrl");
    if (url.empty()) return std::nullopt;
    long long seconds = parse_decimal(form_value(twilio, "RecordingDuration"), 0, 1LL << 31).value_or(0);
    const CallState &alert = route.call.call_alert == CallAlert::answered ? own_alert(state) : state;
    return alert_call_recording(route, alert, form_value(twilio, "CallSid"), Recording{url, seconds, ""});
}

std::string resolve_mark(const Route &route) { return "resolve-" + route.name; }

}  // namespace pdcf
