// The screen on the engineer's leg, before a call is joined: "Call on the
// NAME line from CALLER.  Press 1 to accept, 2 to pass it on."  1 joins
// the two calls; 2 hands the call on at once (the rest of the level, or
// the next); a key that means nothing says the screen once more; silence
// hangs up that leg, so a personal voicemail never takes the call.  Pure.
#pragma once

#include <string>

#include "call/flow_result.hpp"
#include "core/form.hpp"

namespace pdcf {

// The whisper inside a <Gather> of one key.  `attempt`: 1, or 2 after a
// key that means nothing.
// `name`: the engineer's, carried on to the screen's answer.
FlowResult flow_screen(const Route &route, const FlowUrls &urls, const CallState &state, const std::string &name,
                       int attempt = 1);

// The key pressed (the <Gather> action's Digits) at screen `attempt`.
FlowResult flow_screen_result(const Route &route, const FlowUrls &urls, const CallState &state, const std::string &name,
                              const Params &twilio, int attempt);

// The marks the screen leaves on the caller's call (by its ParentCallSid):
// `number` picked up in `loop` at `level`, and it passed the call on.  The
// <Dial> action reads them to know who declined and who passed.
std::string pickup_mark(int loop, int level, const std::string &number);
std::string passed_mark(int loop, int level, const std::string &number);
// Someone accepted the <Dial> of `state` (its round, level, re-ring after
// a declined screen, or fallback_number): a recording of that <Dial> is
// the conversation's (record_calls), not a declined one's.
std::string accepted_mark(const CallState &state);

// The screen's place in the call, for the URLs of its callbacks: the
// route, the caller (for the whisper's {caller}), the round and level, and
// the name of the engineer whose phone it is (for the call's alert).
std::string screen_query(const Route &route, const CallState &state, const std::string &name);

}  // namespace pdcf
