#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "serve/refresher.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

// Sources that count what the thread asks for; the policy PBAD fails.
struct Counting {
    std::mutex mutex;
    std::map<std::string, int> asked;
    std::vector<CacheMode> modes;

    SourcesFor sources()
    {
        return [this](TimePoint, CacheMode mode) {
            OnCallSources s;
            s.oncalls = [this, mode](TargetKind, const std::string &target) {
                std::lock_guard<std::mutex> lock(mutex);
                const bool first = asked[target]++ == 0;
                modes.push_back(mode);
                // PBAD fails, then rests as the cache's sources make it
                // rest: not asked, and not this thread's to say again.
                OncallsAnswer a;
                a.failed = target == "PBAD";
                a.requests = a.failed && !first ? 0 : 1;
                a.problem = !a.failed ? "" : first ? "GET /oncalls: HTTP 500\nforged line" : "not asked: its refresh failed 1 s ago";
                return a;
            };
            s.phones = [](const std::vector<std::string> &) { return std::vector<PhonesAnswer>{}; };
            return s;
        };
    }
    int count(const std::string &target)
    {
        std::lock_guard<std::mutex> lock(mutex);
        return asked[target];
    }
};

ConfigResult two_routes()
{
    ConfigResult c;
    for (const char *target : {"PGOOD", "PBAD"}) {
        Route r;
        r.name = target;
        r.target = target;
        c.config.routes.push_back(r);
    }
    return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(refresher)

BOOST_AUTO_TEST_CASE(a_worker_refreshes_every_route_in_the_background_and_says_a_failure_once)
{
    ConfigResult config = two_routes();
    Counting pd;
    std::string log;
    {
        Refresher r(config, pd.sources(), [] { return std::chrono::steady_clock::now(); });
        // Several ticks (limits::refresh_tick), no request needed.
        const auto until = std::chrono::steady_clock::now() + 10s;
        while (pd.count("PBAD") < 3 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
        log = r.take_log();
        BOOST_TEST(r.take_log().empty());  // said once
    }
    BOOST_TEST(pd.count("PGOOD") >= 3);
    BOOST_TEST(pd.count("PBAD") >= 3);
    for (CacheMode m : pd.modes) BOOST_TEST((m == CacheMode::ahead));
    BOOST_TEST(log == "pd-call-forward: refresh of escalation policy PBAD failed: GET /oncalls: HTTP 500\\x0aforged "
                      "line; tried again in 30 s\n",
               log);
}

BOOST_AUTO_TEST_SUITE_END()
