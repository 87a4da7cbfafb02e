// The hunt through an escalation policy, one <Dial> at a time, from where
// the call stands (call_state.hpp).  Pure functions.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "pagerduty/pagerduty.hpp"
#include "twilio/call_state.hpp"

namespace pdcf {

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
