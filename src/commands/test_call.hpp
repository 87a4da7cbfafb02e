// pd-call-forward --test-call TO [--from FROM] [--at TIME]: the answer a
// call to TO would get right now (or then), made without HTTP and without a signature, through
// the same handler a real call goes through.
#pragma once

#include <cstdio>
#include <string>

#include "call/context.hpp"
#include "config/config.hpp"
#include "twilio/request.hpp"

namespace pdcf {

// The request Twilio would send for a call from `from` to `to`; `to` is an
// E.164 number or, failing that, a route or menu name (then ?route=NAME or
// ?menu=NAME, and To is its number).  Pure.
Request test_call_request(const Config &config, const std::string &to, const std::string &from);

// Prints the TwiML to `out` and the log line to `log_out`; returns 0 when
// the call would dial someone from PagerDuty or hear a menu, 1 otherwise,
// 2 for an `at` that is not a time.  `at` ("2026-12-24 10:00", in the
// line's time_zone, else [call]'s, else UTC): the call then instead of
// now, its hours kept and PagerDuty asked for that time.
int test_call_run(const Context &context, const std::string &to, const std::string &from, const std::string &at,
                  std::FILE *out, std::FILE *log_out);

}  // namespace pdcf
