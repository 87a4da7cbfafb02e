#include <boost/test/unit_test.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cache_support.hpp"
#include "core/limits.hpp"
#include "core/own_dir.hpp"
#include "pagerduty/oncall.hpp"
#include "pagerduty/retry.hpp"

using namespace pdcf;
using namespace pdcf::cache_tests;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(cache)

BOOST_AUTO_TEST_CASE(rest_retry_once_and_429_only_if_it_fits)
{
    using namespace std::chrono;
    TimePoint now = TimePoint{} + 1h;
    Clock clock = [&] { return now; };
    std::vector<milliseconds> slept;
    Sleep sleep = [&](milliseconds ms) { slept.push_back(ms); now += ms; };
    int calls = 0;
    auto failing = [&] { ++calls; return HttpReply{503, "", "", -1}; };
    with_retries(failing, RetryPolicy{2, 100ms}, clock, sleep, now + 5s);
    BOOST_TEST(calls == 2);
    calls = 0;
    auto limited = [&] { ++calls; return HttpReply{429, "", "", 30}; };
    with_retries(limited, RetryPolicy{2, 100ms}, clock, sleep, now + 5s);
    BOOST_TEST(calls == 1);  // a 30 s wait does not fit a 5 s budget
    // A 5xx naming a wait (a 502 with ratelimit-reset: 40, a 503 with
    // Retry-After: 40) is retried after our own pause all the same.
    for (int status : {502, 503, 408}) {
        calls = 0;
        slept.clear();
        auto flaky = [&] { return ++calls == 1 ? HttpReply{status, "", "", 40} : HttpReply{200, "{}", "", -1}; };
        HttpReply r = with_retries(flaky, RetryPolicy{2, 100ms}, clock, sleep, now + 5s);
        BOOST_TEST(calls == 2, status);
        BOOST_TEST(r.status == 200, status);
        BOOST_TEST(slept == std::vector<milliseconds>{100ms}, status);
    }
    calls = 0;
    auto refused = [&] { ++calls; return HttpReply{401, "", "", -1}; };
    with_retries(refused, RetryPolicy{2, 100ms}, clock, sleep, now + 5s);
    BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_SUITE_END()
