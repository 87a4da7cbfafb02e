// ask_reason: before the hunt the caller says who they are and why they
// call, in up to reason_max_length seconds; the engineer's screen plays it
// before "press 1", and the call's alerts link it.  Pure.
#pragma once

#include <string>

#include "call/flow_result.hpp"
#include "core/form.hpp"

namespace pdcf {

// Seconds of silence that end the caller's words: a caller who says
// nothing goes on to the hunt this soon.
constexpr int reason_silence_seconds = 3;

// reason_prompt, then the recording.  Its action (/voice/reason) starts
// the hunt.  A <Redirect> to the same URL follows: Twilio's documentation
// quoted here does not say whether a <Record> that heard only silence
// still requests its action, and either way the hunt must go on.  Its
// recording status callback (/voice/reason-ready) says when the words can
// be played (CallMark::reason_ready).
FlowResult flow_ask_reason(const Route &route, const FlowUrls &urls, const CallState &state);

// What the <Record> action (or the <Redirect>) brings.
struct Reason {
    bool caller_gone = false;  // Digits=hangup: the caller hung up
    std::string url;           // the words' RecordingUrl; empty: none worth playing
    std::string said;          // for the log
};
Reason reason_of(const Params &twilio);

}  // namespace pdcf
