// The call flow, in one place: greet → dial level n → screen → next level →
// fallback_number → voicemail → alert.  Each function maps one request
// Twilio makes (and what PagerDuty said) to the TwiML answer, the log's
// outcome and the alert to raise.  No I/O: the handlers do that.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "alerts/alert.hpp"
#include "call/flow_result.hpp"
#include "call/hunt.hpp"
#include "config/callers.hpp"
#include "config/config.hpp"
#include "core/outcome.hpp"
#include "core/form.hpp"
#include "pagerduty/pagerduty.hpp"

namespace pdcf {

// A recording shorter than this is no message: a caller who hangs up at
// the beep leaves a second of line noise, which Twilio keeps ("by default,
// silent recordings are saved").  Its call raises a missed-call alert.
constexpr long long min_message_seconds = 2;

// Whether Twilio will transcribe this route's message of `seconds` (its
// length, not its language, decides).
bool transcription_expected(const CallSettings &call, long long seconds);

// Whether the hunt can dial someone after `state` in these levels (what
// flow_incoming and flow_next would find, the lines' own numbers left
// out): lets the handler stop asking PagerDuty about higher levels.
bool flow_can_dial(const Route &route, const std::vector<Level> &levels, const CallState &state);

// A call comes in: the greeting and the first dial, or, when PagerDuty
// names nobody to dial, fallback_number, voicemail or unavailable_message.
FlowResult flow_incoming(const Route &route, const FlowUrls &urls, const CallState &state, const Snapshot &snap);

// How a <Dial> ended, from the parameters of its action request.
enum class DialEnd {
    answered,      // DialCallStatus=completed and the callee took the call
    caller_gone,   // the caller hung up while it rang (CallStatus=completed)
    declined,      // completed, never bridged: the phone that picked up declined the screen
    not_answered,  // busy, no-answer, failed, canceled
};
DialEnd dial_end(const Params &twilio);

// A together-ring ends at the first pickup: "The first call to pick up is
// connected to the current call and the rest are hung up" (TwiML
// <Number>), and "a cellphone in airplane mode ... may pick up after a
// single ring".  So when the phone that picked up declined the screen (a
// voicemail box, a phone that is off), the others at that level never
// really rang.  The screen marks each phone that picks up (pickup_mark, on
// the callee's leg, which carries ParentCallSid and To: screen.hpp); after a declined
// screen the rest of the level rings again without the marked ones
// (flow_ring_rest), until one accepts or none is left.

// Who the together-ring of `state`'s level rang (the level's people not
// rung at a lower level of this round), the lines' own numbers left out.
std::vector<Callee> flow_level_callees(const Route &route, const std::vector<Level> &levels, const CallState &state);

// The level rung again without `picked_up` (numbers that picked up and
// declined); nothing when nobody is left, or nobody was left out (without
// the marks, as when the spool is not usable, the hunt moves on).
std::optional<FlowResult> flow_ring_rest(const Route &route, const FlowUrls &urls, const CallState &state,
                                         const Snapshot &snap, const std::vector<std::string> &picked_up);

// The dial ended unanswered: the next step of the hunt.  `loops` is how
// many rounds the policy allows now (max_loops and the policy's num_loops).
FlowResult flow_next(const Route &route, const FlowUrls &urls, const CallState &state, const Snapshot &snap,
                     int loops);

// Straight to voicemail (a menu's "0 = voicemail"), or without a routing
// key the unavailable message.
FlowResult flow_voicemail(const Route &route, const FlowUrls &urls, const CallState &state);

// A caller the line's lists keep out: a blocked one is rejected unanswered,
// a refused one hears rejected_message.  `answered`: something said before
// (a menu) has answered the call already, so a blocked caller is hung up
// on instead: <Reject> keeps a call unanswered only as its first verb.
FlowResult flow_refused(const Route &route, const CallState &state, const CallerCheck &check, bool answered);

// A caller past caller_limit calls within repeat_window: rejected_message,
// and for the first one turned away in the window (as for a missed call)
// an alert in the window's alert.
FlowResult flow_limited(const Route &route, const CallState &state, const std::string &call_sid);

FlowResult flow_answered(const CallState &state);
FlowResult flow_caller_gone(const Route &route, const CallState &state, const std::string &call_sid,
                            long long now);

// <Record>'s action (the recording ended), its recordingStatusCallback (the
// recording is ready: the voicemail alert, held for its transcription when
// one will come), its transcribeCallback (the voicemail alert with the
// text, for when none is held), and the number's own call status callback
// (a missed-call alert, held for the call's last request, which Twilio
// may send after it).
FlowResult flow_recorded(const Route &route, const CallState &state, const Params &twilio, long long now);
FlowResult flow_recording(const Route &route, const CallState &state, const Params &twilio);
FlowResult flow_transcription(const Route &route, const CallState &state, const Params &twilio);
FlowResult flow_call_status(const Route &route, const CallState &state, const Params &twilio);

}  // namespace pdcf
