// Where alerts go: once per call and kind (the spool's claims), to the
// Events API, and into the spool when PagerDuty cannot take them now.
#pragma once

#include <string>

#include "events.hpp"
#include "handler.hpp"
#include "spool.hpp"

namespace pdcf {

// The Alerts the handlers use, made of the spool and the Events API.
Alerts alerts_via(const Spool &spool, Post post, Sleep sleep, Clock clock);

}  // namespace pdcf
