#include <boost/test/unit_test.hpp>

#include "base_config.hpp"
#include "core/limits.hpp"
#include "fake_pagerduty.hpp"
#include "serve/handler.hpp"
#include "serve/queue_time.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

using F = FakePagerDuty;

constexpr long long now_us = 1'800'000'000'123'456LL;  // 2027-01-15, on our wall clock

// A call whose web server says when it took it, through handle(), with a
// 5 s budget: what deadline PagerDuty's requests get, and what the log says.
struct Call {
    ConfigResult config;
    F pd;
    TimePoint now = TimePoint{} + 1h;
    std::vector<TimePoint> deadlines;
    Context ctx;
    LogRecord log;

    explicit Call(const std::string &timeout = "5")
    {
        using testing::set_key;
        config = config_parse(set_key(set_key(testing::base_config, "pagerduty", "timeout", timeout), "twilio",
                                      "validate_signature", "no"),
                              "/t.ini",
                              [](const std::string &, std::size_t) -> Result<std::string> { return fail("no files in unit tests"); });
        BOOST_REQUIRE(config.ok());
        ctx.config = &config;
        ctx.clock = [this] { return now; };
        ctx.epoch_seconds = [] { return now_us / 1'000'000; };
        ctx.epoch_micros = [] { return now_us; };
        ctx.pagerduty = [this](const std::string &path, TimePoint deadline) {
            deadlines.push_back(deadline);
            if (deadline <= now) return HttpReply{0, "", "no time left in [pagerduty] timeout", -1};
            return pd.get(path);
        };
        pd.oncalls({F::entry(1, "PU1", "Ada Lovelace")});
        pd.phones("PU1", {F::phone("4155550101")});
    }

    // The deadline of its first PagerDuty request, as time left from now.
    std::chrono::milliseconds left(const std::string &request_start)
    {
        Request r;
        r.method = "POST";
        r.path_info = "/voice";
        r.body = "CallSid=CA0001&From=%2B14155559876&To=%2B14155550100";
        r.content_length = std::to_string(r.body.size());
        r.request_start = request_start;
        deadlines.clear();
        log = LogRecord{};
        handle(r, ctx, now, log);
        BOOST_REQUIRE(!deadlines.empty());
        return std::chrono::duration_cast<std::chrono::milliseconds>(deadlines.front() - now);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(queue_time)

BOOST_AUTO_TEST_CASE(the_forms_web_servers_send)
{
    BOOST_TEST(request_start_micros("t=1800000000.123").value() == 1'800'000'000'123'000LL);  // nginx $msec
    BOOST_TEST(request_start_micros("t=1800000000123456").value() == 1'800'000'000'123'456LL);  // Apache %t
    BOOST_TEST(request_start_micros("1800000000123").value() == 1'800'000'000'123'000LL);  // milliseconds
    BOOST_TEST(request_start_micros("1800000000").value() == 1'800'000'000'000'000LL);
    BOOST_TEST(request_start_micros("t=1800000000.1234567").value() == 1'800'000'000'123'456LL);
}

BOOST_AUTO_TEST_CASE(anything_else_is_no_time)
{
    for (const char *h : {"", "t=", "t=abc", "1800000000.", ".5", "t=1800000000.5x", "-1800000000", "t= 1800000000",
                          "1800000000123.5", "1800000000123456789", "99999999999999999999999", "t=1e9"})
        BOOST_TEST(!request_start_micros(h).has_value(), h);
}

BOOST_AUTO_TEST_CASE(how_long_it_waited)
{
    QueueWait w = queue_wait("t=1800000000123456", now_us + 4'000'000);
    BOOST_TEST(w.believed);
    BOOST_TEST(w.waited.count() == 4000);
    // A time a little ahead of ours (another host's clock) is no wait.
    w = queue_wait("t=1800000000623456", now_us);
    BOOST_TEST(w.believed);
    BOOST_TEST(w.waited.count() == 0);
}

BOOST_AUTO_TEST_CASE(clocks_that_disagree_are_not_believed)
{
    const long long ahead = std::chrono::microseconds(limits::max_request_start_ahead).count();
    const long long longest = std::chrono::microseconds(limits::max_queue_wait).count();
    BOOST_TEST(queue_wait("t=" + std::to_string(now_us + ahead), now_us).believed);
    BOOST_TEST(!queue_wait("t=" + std::to_string(now_us + ahead + 1), now_us).believed);
    BOOST_TEST(queue_wait("t=" + std::to_string(now_us - longest), now_us).believed);
    BOOST_TEST(!queue_wait("t=" + std::to_string(now_us - longest - 1), now_us).believed);
    BOOST_TEST(!queue_wait("garbage", now_us).believed);
}

BOOST_AUTO_TEST_CASE(the_wait_in_the_queue_counts_against_the_budget)
{
    Call c;
    BOOST_TEST(c.left("").count() == 5000);  // no header: the whole budget from arrival
    BOOST_TEST(c.log.queued_ms.empty());
    BOOST_TEST(c.left("t=" + std::to_string(now_us - 3'000'000)).count() == 2000);
    BOOST_TEST(c.log.queued_ms == "3000");
    // Queued past the budget: a second is left, enough for a healthy
    // PagerDuty to answer, and the on-call rings.
    BOOST_TEST(c.left("t=" + std::to_string(now_us - 9'000'000)).count() ==
               std::chrono::milliseconds(limits::min_budget_after_queue).count());
    BOOST_TEST(c.log.outcome == Outcome::dial);
    BOOST_TEST(c.log.queued_ms == "9000");
}

BOOST_AUTO_TEST_CASE(a_budget_under_a_second_is_kept_whole)
{
    Call c("0.5");
    BOOST_TEST(c.left("t=" + std::to_string(now_us - 3'000'000)).count() == 500);
    BOOST_TEST(c.log.queued_ms == "3000");
}

BOOST_AUTO_TEST_CASE(a_short_wait_is_not_logged)
{
    Call c;
    BOOST_TEST(c.left("t=" + std::to_string(now_us - 20'000)).count() == 4980);
    BOOST_TEST(c.log.queued_ms.empty());
}

BOOST_AUTO_TEST_CASE(a_start_not_believed_leaves_the_whole_budget_and_says_so)
{
    Call c;
    BOOST_TEST(c.left("t=" + std::to_string(now_us - 3'600'000'000LL)).count() == 5000);
    BOOST_TEST(c.log.queued_ms == "ignored");
    BOOST_TEST(c.left("t=" + std::to_string(now_us + 60'000'000)).count() == 5000);
    BOOST_TEST(c.log.queued_ms == "ignored");
    BOOST_TEST(c.left("yesterday").count() == 5000);
    BOOST_TEST(c.log.queued_ms == "ignored");
    BOOST_TEST(c.log.line().find(" queued_ms=ignored") != std::string::npos, c.log.line());
}

BOOST_AUTO_TEST_SUITE_END()
