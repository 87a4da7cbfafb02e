// When the call's own alert (call_alert) hears of the call: as the hunt
// starts, when an engineer accepts, when an answered call ends.  Each
// returns the events to deliver, in order; the alert desk sends each once
// per call and never an acknowledge or resolve before its trigger
// (spool.hpp).  Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "alerts/alert.hpp"
#include "call/flow_result.hpp"
#include "config/config.hpp"
#include "core/form.hpp"

namespace pdcf {

// The hunt's first answer (`first`) is out: with call_alert = always and a
// phone ringing, "Incoming call on ... ringing level 1".  Nothing when the
// call goes straight to voicemail: that alert is the call's alert.
std::optional<Alert> call_alert_ringing(const Route &route, const CallState &state, const std::string &call_sid,
                                        const FlowResult &first, long long now);

// `who` accepted the call (pressed 1, or picked up with no screen):
// answered raises the call's own alert and acknowledges it (a repeat
// caller's answered call too: it never changes an earlier call's alert);
// always acknowledges the one raised at the first ring, when this call
// opened it and the screen said a person took it (a personal voicemail
// picks up too).
std::vector<Alert> call_alert_accepted(const Route &route, const CallState &state, const std::string &call_sid,
                                       const std::string &who, long long now);

// An answered call ended: resolved with resolve_on_hangup (for always, as
// call_alert_accepted acknowledges).
std::optional<Alert> call_alert_hung_up(const Route &route, const CallState &state, const std::string &call_sid);

// With record_calls, an answered call's resolve waits this long for its
// recording: the recording's link is a trigger, which after the resolve
// would open a new alert.  It goes as soon as the link has.
constexpr long recording_wait_seconds = 300;
long call_alert_resolve_wait(const Route &route);

// Twilio's recording status callback for an answered call's recording
// (record_calls): its link, for the call's alert.  Nothing when the call
// has no alert (call_alert off), was not answered, or the recording failed.
std::optional<Alert> call_alert_recorded(const Route &route, const CallState &state, const Params &twilio,
                                         bool answered);

// The mark of a call whose alert `route` resolves when it ends.
std::string resolve_mark(const Route &route);

}  // namespace pdcf
