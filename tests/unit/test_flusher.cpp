#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include "files.hpp"
#include "spool.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

// A wall clock that moves only when a test moves it.
struct FakeWall {
    long long now = 1700000000;
    WallClock clock() { return [this] { return now; }; }
};

Alert alert(const std::string &sid)
{
    return {AlertKind::voicemail, sid, "RKEY", R"({"dedup_key":")" + sid + R"("})"};
}

long long mtime(const std::string &path)
{
    struct stat st;
    BOOST_TEST_REQUIRE(stat(path.c_str(), &st) == 0, path);
    return static_cast<long long>(st.st_mtime);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(flusher)

BOOST_AUTO_TEST_CASE(a_failed_alert_waits_from_the_end_of_its_attempt)
{
    // The send took the whole budget: the pause after it is still whole.
    TempDir d;
    FakeWall wall;
    Spool spool(d.path, wall.clock());
    BOOST_REQUIRE(spool.prepare().empty());
    BOOST_REQUIRE(spool.keep(alert("CA1"), 0).empty());
    const long long spooled = wall.now;
    TimePoint t{};
    spool.flush(
        [&](const std::string &, TimePoint) {
            wall.now += 30;
            return SendResult{SendStatus::failed, "timed out", 1};
        },
        [&] { return t; }, t + 60s);
    BOOST_TEST(mtime(d.path + "/pending/CA1.voicemail.json") == spooled + 30 + retry_pause_seconds);
    // And a rate-limited one, its minutes from the end of the attempt too.
    spool.flush(
        [&](const std::string &, TimePoint) {
            wall.now += 30;
            return SendResult{SendStatus::rate_limited, "HTTP 429", 1};
        },
        [&] { return t; }, t + 60s, FlushRules{retry_pause_seconds, {}});
    BOOST_TEST(mtime(d.path + "/pending/CA1.voicemail.json") == wall.now + rate_limited_backoff_seconds);
}

BOOST_AUTO_TEST_CASE(an_alert_taken_late_in_a_long_pass_is_not_stale)
{
    // The first send of the pass took longer than the stale window (a
    // server that stretched it): the second alert, taken after it, is timed
    // from its own attempt, so a pass of another process does not take it
    // for one a dead process left, and send it again.
    TempDir d;
    FakeWall wall;
    Spool spool(d.path, wall.clock());
    BOOST_REQUIRE(spool.prepare().empty());
    BOOST_REQUIRE(spool.keep(alert("CA1"), 0).empty());
    wall.now += 1;
    BOOST_REQUIRE(spool.keep(alert("CA2"), 0).empty());
    TimePoint t{};
    std::vector<std::string> sent;
    std::function<SendResult(const std::string &, TimePoint)> send = [&](const std::string &event, TimePoint) {
        sent.push_back(event);
        if (sent.size() == 1) wall.now += 700;
        if (sent.size() == 2) spool.flush(send, [&] { return t; }, t + 60s);
        return SendResult{SendStatus::sent, "", 1};
    };
    spool.flush(send, [&] { return t; }, t + 60s);
    BOOST_TEST(sent == (std::vector<std::string>{alert("CA1").body, alert("CA2").body}));
}

BOOST_AUTO_TEST_SUITE_END()
