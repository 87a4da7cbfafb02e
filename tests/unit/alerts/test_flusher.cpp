#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alerts/flusher.hpp"
#include "alerts/spool.hpp"
#include "files.hpp"

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

// An Events API nobody listens on, for a pass that must not try it.
PagerDutySettings unreachable(const std::string &spool_dir)
{
    PagerDutySettings s;
    s.events_url = "http://127.0.0.1:1/v2/enqueue";
    s.spool_dir = spool_dir;
    s.timeout = 200ms;
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(flusher)

BOOST_AUTO_TEST_CASE(one_holder_of_the_flush_lock_at_a_time)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    SpoolLock first = spool.lock_flush();
    BOOST_TEST(static_cast<bool>(first));
    // Another process, or another thread of this one (a second open file).
    BOOST_TEST(!spool.lock_flush());
    SpoolLock moved = std::move(first);
    BOOST_TEST(!first);
    BOOST_TEST(!spool.lock_flush());
    moved.release();
    BOOST_TEST(static_cast<bool>(spool.lock_flush()));
}

BOOST_AUTO_TEST_CASE(a_child_forked_with_the_lock_holds_it_until_it_exits)
{
    // flush_spool_detached takes the lock, forks, and lets go: the child
    // flushes with it, and no request starts another meanwhile.
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    SpoolLock lock = spool.lock_flush();
    BOOST_REQUIRE(static_cast<bool>(lock));
    int go[2];
    BOOST_REQUIRE(pipe(go) == 0);
    pid_t child = fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        close(go[1]);
        char c;
        (void)!read(go[0], &c, 1);  // until the parent closes its end
        _exit(0);
    }
    close(go[0]);
    lock.release();
    BOOST_TEST(!spool.lock_flush());
    close(go[1]);
    waitpid(child, nullptr, 0);
    BOOST_TEST(static_cast<bool>(spool.lock_flush()));
}

BOOST_AUTO_TEST_CASE(no_pass_while_another_process_flushes)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_REQUIRE(bool(spool.keep(alert("CA1"), 0)));
    std::system(("touch -d '1 minute ago' '" + d.path + "/pending/CA1.voicemail.json'").c_str());
    const long long due = mtime(d.path + "/pending/CA1.voicemail.json");
    SpoolLock other = spool.lock_flush();
    BOOST_REQUIRE(static_cast<bool>(other));
    BOOST_TEST(flush_spool_once(spool, unreachable(d.path)).empty());
    // Not tried: a try that failed would have timed it two seconds on.
    BOOST_TEST(mtime(d.path + "/pending/CA1.voicemail.json") == due);
    other.release();
    BOOST_TEST(flush_spool_once(spool, unreachable(d.path)).find("still pending CA1.voicemail.json") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(claims_are_swept_when_nothing_waits)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    std::ofstream(d.path + "/claims/CAold.answered");
    std::ofstream(d.path + "/claims/CAnew.answered");
    std::system(("touch -d '8 days ago' '" + d.path + "/claims/CAold.answered'").c_str());
    BOOST_TEST(!spool.next_due());
    BOOST_TEST(spool.sweep_due());
    flush_spool_once(spool, unreachable(d.path));
    BOOST_TEST(!spool.claimed("CAold", "answered"));
    BOOST_TEST(spool.claimed("CAnew", "answered"));
    BOOST_TEST(!spool.sweep_due());
}

BOOST_AUTO_TEST_CASE(the_sweep_comes_round_every_hour)
{
    TempDir d;
    FakeWall wall;
    Spool spool(d.path, wall.clock());
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_TEST(spool.sweep_due());
    spool.sweep_claims();
    BOOST_TEST(!spool.sweep_due());
    wall.now += 3599;
    BOOST_TEST(!spool.sweep_due());
    wall.now += 1;
    BOOST_TEST(spool.sweep_due());
}

BOOST_AUTO_TEST_CASE(a_failed_alert_waits_from_the_end_of_its_attempt)
{
    // The send took the whole budget: the pause after it is still whole.
    TempDir d;
    FakeWall wall;
    Spool spool(d.path, wall.clock());
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_REQUIRE(bool(spool.keep(alert("CA1"), 0)));
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
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_REQUIRE(bool(spool.keep(alert("CA1"), 0)));
    wall.now += 1;
    BOOST_REQUIRE(bool(spool.keep(alert("CA2"), 0)));
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
