#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "alerts/alert_desk.hpp"
#include "alerts/events.hpp"
#include "alerts/flusher.hpp"
#include "alerts/spool.hpp"
#include "alerts_support.hpp"
#include "core/limits.hpp"
#include "files.hpp"

using namespace pdcf;
using namespace pdcf::alerts_tests;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(alerts)

BOOST_AUTO_TEST_CASE(sent_at_once)
{
    FakeTime t;
    SendResult r = events_send(replies(t, {{202, R"({"status":"success"})", "", -1}}), t.sleep(), t.clock(), "{}",
                               t.now + 5s);
    BOOST_TEST((r.status == SendStatus::sent));
    BOOST_TEST(r.attempts == 1);
}

BOOST_AUTO_TEST_CASE(retried_while_the_budget_allows)
{
    FakeTime t;
    SendResult r = events_send(replies(t, {{0, "", "connection closed or read failed", -1}, {503, "", "", -1},
                                           {502, "", "", -1}, {202, "", "", -1}}),
                               t.sleep(), t.clock(), "{}", t.now + 5s);
    BOOST_TEST((r.status == SendStatus::sent));
    BOOST_TEST(r.attempts == 4);
    BOOST_TEST(t.slept == (std::vector<std::chrono::milliseconds>{200ms, 400ms, 800ms}));
}

BOOST_AUTO_TEST_CASE(gives_up_within_the_deadline)
{
    FakeTime t;
    TimePoint deadline = t.now + 2s;
    SendResult r = events_send(replies(t, {}), t.sleep(), t.clock(), "{}", deadline);
    BOOST_TEST((r.status == SendStatus::failed));
    BOOST_TEST(r.detail == "HTTP 503");
    BOOST_TEST((t.now <= deadline));
}

BOOST_AUTO_TEST_CASE(a_rate_limited_event_waits_minutes_not_seconds)
{
    // PagerDuty: on a 429, "retry ... preferably with a backoff of a few
    // minutes".  Not again within the request, even when the wait it names
    // would fit.
    FakeTime t;
    SendResult r = events_send(replies(t, {{429, "", "", 1}, {202, "", "", -1}}), t.sleep(), t.clock(), "{}", t.now + 5s);
    BOOST_TEST((r.status == SendStatus::rate_limited));
    BOOST_TEST(r.attempts == 1);
    BOOST_TEST(t.slept.empty());
    BOOST_TEST(rate_limited_delay(r) == rate_limited_backoff_seconds);
    BOOST_TEST(rate_limited_backoff_seconds >= 120);
    r.retry_after = 600;
    BOOST_TEST(rate_limited_delay(r) == 600);
}

BOOST_AUTO_TEST_CASE(a_wait_named_by_a_5xx_or_408_does_not_stop_the_retry)
{
    // A 502 may carry PagerDuty's rate-limit headers, a 503 a Retry-After:
    // only a 429's wait is a request to hold off.  The others are retried
    // after our own pause, within the budget.
    for (int status : {502, 503, 500, 408}) {
        FakeTime t;
        SendResult r = events_send(replies(t, {{status, "", "", 40}, {202, "", "", -1}}), t.sleep(), t.clock(), "{}",
                                   t.now + 5s);
        BOOST_TEST((r.status == SendStatus::sent), status);
        BOOST_TEST(r.attempts == 2, status);
        BOOST_TEST(t.slept == std::vector<std::chrono::milliseconds>{200ms}, status);
    }
}

BOOST_AUTO_TEST_CASE(a_bad_event_is_never_retried)
{
    FakeTime t;
    SendResult r = events_send(
        replies(t, {{400, R"({"status":"invalid event","message":"Event object is invalid","errors":["payload.summary is missing."]})", "", -1}}),
        t.sleep(), t.clock(), "{}", t.now + 5s);
    BOOST_TEST((r.status == SendStatus::rejected));
    BOOST_TEST(r.attempts == 1);
    BOOST_TEST(r.detail == "HTTP 400: Event object is invalid; payload.summary is missing.");
}

BOOST_AUTO_TEST_CASE(not_retried_on_other_client_errors)
{
    FakeTime t;
    SendResult r = events_send(replies(t, {{404, "", "", -1}}), t.sleep(), t.clock(), "{}", t.now + 5s);
    BOOST_TEST((r.status == SendStatus::failed));
    BOOST_TEST(r.attempts == 1);
}

BOOST_AUTO_TEST_SUITE_END()
