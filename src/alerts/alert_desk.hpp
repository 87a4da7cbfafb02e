// Where alerts go: once per call and kind (the spool's claims), to the
// Events API, into the spool when PagerDuty cannot take them now, and
// into the spool's held/ when something may still come that changes them.
#pragma once

#include <string>

#include "alerts/alert.hpp"
#include "alerts/events.hpp"
#include "alerts/spool.hpp"
#include "core/clock.hpp"

namespace pdcf {

// The Alerts the handlers use, made of the spool and the Events API.
Alerts alerts_via(const Spool &spool, Post post, Sleep sleep, Clock clock);

// Whether a held alert whose time has come still goes out: "" when it
// does (and it is claimed, so it goes out once), else why not.  A held
// missed-call alert is dropped when the call turned out answered, left a
// message or was refused: Twilio's status callback, which raised it, may
// come before the call's last request (TwiML changelog 2024-03-20).
std::string release_held(const Spool &spool, const std::string &call, const std::string &kind);

// The rules of a flush pass: `early` as FlushRules says, and
// release_held.
FlushRules flush_rules(const Spool &spool, long early = 0);

}  // namespace pdcf
