#include "pagerduty/retry.hpp"

namespace pdcf {

namespace {
using namespace std::chrono;
// An attempt needs at least this much time left to be worth starting.
constexpr milliseconds min_attempt{250};
}  // namespace

bool retryable(const HttpReply &r)
{
    return r.status == 0 || r.status == 408 || r.status == 429 || r.status >= 500;
}

HttpReply with_retries(const std::function<HttpReply()> &attempt, const RetryPolicy &policy, const Clock &clock,
                       const Sleep &sleep, TimePoint deadline, int *attempts)
{
    milliseconds pause = policy.first_pause;
    int n = 0;
    for (;;) {
        HttpReply r = attempt();
        ++n;
        if (attempts) *attempts = n;
        if (!retryable(r) || n >= policy.max_attempts || (r.status == 429 && !policy.retry_rate_limited)) return r;
        // Only a 429's wait is the server asking us to hold off: PagerDuty
        // documents ratelimit-reset as how long to wait "if your application
        // is being rate limited".  It is believed if it fits what is left,
        // else we give up.  A 5xx or 408 may carry the same headers (a 502
        // with a 40 s reset), or a Retry-After on a 503 estimating an outage;
        // neither is a reason to drop the retry that fits: someone is
        // waiting on the line, and if the retry fails too, a stale answer
        // stands in.  Those get our own short pause.
        milliseconds wait = r.status == 429 && r.retry_after >= 0 ? milliseconds(r.retry_after * 1000) : pause;
        if (duration_cast<milliseconds>(deadline - clock()) < wait + min_attempt) return r;
        sleep(wait);
        pause *= 2;
    }
}

}  // namespace pdcf
