// Where a request's on-call answers come from: the cache while fresh; else
// PagerDuty, asked by one process per entry while the others use what they
// have; else, when PagerDuty fails, the last answer it gave (stale_max).
// While PagerDuty counts as down (breaker.hpp) only one call at a time asks
// it; the others take the last answer, or none, at once.
// Contact methods of several people are asked at once, each request on a
// connection of its own from a pool that lives as long as the process.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "config/config.hpp"
#include "pagerduty/breaker.hpp"
#include "pagerduty/cache.hpp"
#include "pagerduty/cache_entry.hpp"
#include "pagerduty/http_client.hpp"
#include "pagerduty/pagerduty.hpp"

namespace pdcf {

// SourceSettings and refresh_lead: cache_entry.hpp.

// The sources for one request, held to `deadline`.  With an ahead mode
// (cache.hpp) they refresh what is due and give the cache's whole answer:
// every shift in it, not only who is on call now.
OnCallSources cached_sources(const SourceSettings &settings, const Fetch &fetch, TimePoint deadline, CacheMode mode);

}  // namespace pdcf
