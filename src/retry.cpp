#include "retry.hpp"

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
        // A server that names its wait (429 Retry-After) is believed, if the
        // wait fits what is left.
        milliseconds wait = r.retry_after >= 0 ? milliseconds(r.retry_after * 1000) : pause;
        if (duration_cast<milliseconds>(deadline - clock()) < wait + min_attempt) return r;
        sleep(wait);
        pause *= 2;
    }
}

}  // namespace pdcf
