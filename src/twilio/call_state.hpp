// Where a call stands travels in the query of every URL Twilio calls
// back; Twilio signs those URLs, so a caller cannot forge it, and no call
// state is kept on the server.  Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/form.hpp"

namespace pdcf {

struct CallState {
    std::string route;
    std::string from;              // the caller
    std::string to;                // the number called
    long long started = 0;         // when the call came in, seconds since the epoch
    int loop = 1;                  // round through the policy, from 1
    int level = 0;                 // the escalation level dialed last; 0: none yet
    int index = -1;                // ring = in-turn: who at that level was dialed last
    bool fallback = false;         // fallback_number was dialed
    int picked = 0;                // phones at this level that picked up and declined, rung again without them
    std::vector<std::string> tried;  // names dialed so far, for the alert
    int more_tried = 0;              // names dropped to keep the URLs short
    // A caller who called the line before within repeat_window: that
    // window's first CallSid (the dedup_key of this call's alerts too) and
    // this call's place in it.  Empty and 1 for a call of its own.
    std::string first_call;
    int calls = 1;
    // ask_reason: the caller's own words, recorded before the hunt (their
    // RecordingUrl at Twilio); empty when they said nothing.
    std::string reason_url;
    // The engineer's PagerDuty time zone, on the screen's URLs only: the
    // whisper's {local_time}.
    std::string time_zone;
};

// Whether a callback URL carries the caller's and the called number.
// Twilio's requests on the caller's own leg (the <Dial>, <Record> and
// <Gather> actions) carry From and To, so their URLs leave them out and
// keep them out of every web server's access log; the recording status
// callback carries neither, and the transcription callback's parameters
// are not documented: those URLs carry both.
enum class Numbers { from_twilio, in_url };

// "route=ops&t=...&loop=1&level=2&index=-1&fb=0&tried=Ada+Lovelace", at
// most `room` bytes when it can be: the names tried are dropped first
// (`more=N` counts them), then the numbers.
std::string state_query(const CallState &state, Numbers numbers, std::size_t room);

// What the call's alerts carry beside the names tried: "&first=CA...&calls=3"
// for a repeat caller's call, "&reason=URL" for the caller's own words;
// "" when neither.  Every URL that leads to one of the call's alerts, or to
// the screen, carries it.
std::string alert_query(const CallState &state);

// The state from a callback's query; `from` and `to` that it does not
// carry come from Twilio's own From and To (`twilio`).
CallState state_parse(const Params &query, const Params &twilio);

}  // namespace pdcf
