// The hunt through an escalation policy, one <Dial> at a time.  Where a
// call stands travels in the query of every URL Twilio calls back; Twilio
// signs those URLs, so a caller cannot forge it, and no call state is kept
// on the server.  Pure functions.
#pragma once

#include <string>
#include <vector>

#include "config.hpp"
#include "form.hpp"
#include "pagerduty.hpp"

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
};

// "route=ops&from=...&t=...&loop=1&level=2&index=-1&fb=0&tried=Ada+Lovelace"
std::string state_query(const CallState &state);
CallState state_parse(const Params &query);

struct NextDial {
    bool found = false;
    int level = 0;
    int index = -1;
    std::vector<Callee> callees;
};

// Who to dial after `state` in this loop: the rest of the current level
// when ringing in turn, else the next level up.  A number already dialed
// in this loop is skipped (as PagerDuty's own call routing does).
NextDial hunt_next(const std::vector<Level> &levels, const CallState &state, Ring ring);

// The caller's number as a <Say> reads it, digit by digit.
std::string spoken_number(const std::string &number);

}  // namespace pdcf
