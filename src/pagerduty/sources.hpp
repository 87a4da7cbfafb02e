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
#include "pagerduty/http_client.hpp"
#include "pagerduty/pagerduty.hpp"

namespace pdcf {

struct SourceSettings {
    const PagerDutySettings *pagerduty = nullptr;
    const Cache *cache = nullptr;  // nullptr: no cache
    const Breaker *breaker = nullptr;  // in cache_dir; nullptr: every call asks PagerDuty
    Clock clock;
    std::function<long long()> epoch_seconds;
    std::function<long long()> epoch_micros;  // the breaker's
};

// How long before an entry of lifetime `ttl` stops being fresh it is
// refreshed ahead (seconds): PagerDuty's whole budget (`timeout`) and a
// second, so the answer is in before it is needed; and at most half its
// life, so it is asked at most twice in one.
long long refresh_lead(long long ttl, std::chrono::milliseconds timeout);

// The sources for one request, held to `deadline`.  With an ahead mode
// (cache.hpp) they refresh what is due and give the cache's whole answer:
// every shift in it, not only who is on call now.
OnCallSources cached_sources(const SourceSettings &settings, const Fetch &fetch, TimePoint deadline, CacheMode mode);

}  // namespace pdcf
