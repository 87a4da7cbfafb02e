// PagerDuty down: once a request to it has failed outright after keeping
// its call waiting (sources.cpp says when that counts), the calls of every
// process (the FastCGI pool, CGI runs) stop waiting for it for a short
// while and answer at once from the last-known on-call or the fallback,
// while one call at a time still asks it with the whole budget.  Without
// this a burst of callers queues behind workers that each wait out the
// budget, and the last ones pass Twilio's 15 s.  The state is one empty
// file in cache_dir whose time is that of the last failure, another whose
// time is that of the last answer; "one at a time" is a lock beside them.
#pragma once

#include <optional>
#include <string>

#include "pagerduty/cache.hpp"
#include "pagerduty/pagerduty.hpp"

namespace pdcf {

class Breaker {
public:
    explicit Breaker(std::string dir);  // cache_dir

    // Times are microseconds since the epoch: whether an answer came
    // before or after a request began is a question of milliseconds.
    //
    // Seconds since PagerDuty last failed outright, while that is less than
    // limits::pagerduty_down_for ago; nullopt when it counts as up.  A
    // failure time ahead of `now`, or a file that is not ours, counts as
    // none: nothing can keep it down for ever.
    std::optional<long long> down(long long now) const;
    // A request that began at `began` failed outright at `now`: the wait
    // starts again from `now`, unless PagerDuty answered another request,
    // in any process, after `began`.  Then it is there and answering, and
    // this request was late for reasons of its own (a machine too busy to
    // read the answer in time): the calls after it must not stop asking.
    // Best effort, as the cache.
    void failed(long long began, long long now) const;
    // PagerDuty answered at `now`: the wait is over for every process.
    void answered(long long now) const;
    // The right to ask PagerDuty while it counts as down, for as long as
    // the lock is held; not held while another call has it (`busy`), or
    // when the lock file cannot be made.
    [[nodiscard]] Cache::Lock try_probe(bool *busy) const;

private:
    std::string dir_;
    std::string state_;     // the file whose time is the last failure
    std::string answered_;  // the file whose time is the last answer
    std::string probe_;  // the lock file
};

// Whether a reply (after its retry) is PagerDuty failing outright: no HTTP
// answer at all (time-out, refused, reset, TLS), a 5xx, or a 408.  Any
// other answer, however slow, a 401, a 404 or a 429 included, shows that
// PagerDuty is there and talking.
bool pagerduty_failed_outright(const HttpReply &reply);

}  // namespace pdcf
