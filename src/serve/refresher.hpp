// Keeping the cache fresh in a FastCGI worker, so that no caller waits for
// PagerDuty however rarely the line rings: a thread looks at every route
// each limits::refresh_tick and asks PagerDuty for what stops being fresh
// within its lead (sources.hpp refresh_lead), for the routes a call used
// within refresh_idle.  Every worker of the pool runs one; the cache's lock
// on each entry lets one of them ask while the others go on.  In CGI mode
// no process stays: `--refresh`, run by the timer or cron, does it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "call/context.hpp"

namespace pdcf {

class Refresher {
public:
    // Starts the thread; `sources` and `clock` are the requests' own.
    Refresher(const ConfigResult &config, SourcesFor sources, Clock clock);
    ~Refresher();
    Refresher(const Refresher &) = delete;
    Refresher &operator=(const Refresher &) = delete;

    // What the refreshes since the last call had to say, for the log: only
    // failures, each once per limits::refresh_retry whichever worker asked.
    std::string take_log();

private:
    void run();
    void pass();

    const PagerDutySettings &settings_;
    const std::vector<RefreshTarget> targets_;
    const SourcesFor sources_;
    const Clock clock_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::string log_;
    std::thread thread_;
};

}  // namespace pdcf
