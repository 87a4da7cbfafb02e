// pd-call-forward --refresh: in CGI mode no process stays to refresh the
// cache ahead of its expiry, so the timer (or cron) runs this every
// limits::refresh_every seconds.  It asks PagerDuty for each route's
// on-call answer, and everyone's phones in it, that stop being fresh before
// the next run, whether or not a call used the route lately.
#pragma once

#include <cstdio>

#include "call/context.hpp"

namespace pdcf {

// A line per policy or schedule on `out`; exits 1 when a request failed or
// there is no cache to keep the answers in (`cache_usable`).
int refresh_run(const Context &ctx, bool cache_usable, std::FILE *out);

}  // namespace pdcf
