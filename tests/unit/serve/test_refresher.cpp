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
                ++asked[target];
                modes.push_back(mode);
                OncallsAnswer a;
                a.requests = 1;
                a.failed = target == "PBAD";
                a.problem = a.failed ? "GET /oncalls: HTTP 500\nforged line" : "";
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

BOOST_AUTO_TEST_CASE(a_worker_refreshes_every_route_in_the_background_and_rests_one_that_fails)
{
    ConfigResult config = two_routes();
    Counting pd;
    std::string log;
    {
        Refresher r(config, pd.sources(), [] { return std::chrono::steady_clock::now(); });
        // Several ticks (limits::refresh_tick), no request needed.
        const auto until = std::chrono::steady_clock::now() + 10s;
        while (pd.count("PGOOD") < 3 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
        log = r.take_log();
        BOOST_TEST(r.take_log().empty());  // said once
    }
    BOOST_TEST(pd.count("PGOOD") >= 3);
    // Failed once, then left alone for limits::refresh_retry.
    BOOST_TEST(pd.count("PBAD") == 1);
    for (CacheMode m : pd.modes) BOOST_TEST((m == CacheMode::ahead));
    BOOST_TEST(log == "pd-call-forward: refresh of escalation policy PBAD failed: GET /oncalls: HTTP 500\\x0aforged "
                      "line; tried again in 30 s\n",
               log);
}

BOOST_AUTO_TEST_SUITE_END()
