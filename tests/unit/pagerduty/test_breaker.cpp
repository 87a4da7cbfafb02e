#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <functional>

#include "core/limits.hpp"
#include "fake_pagerduty.hpp"
#include "files.hpp"
#include "pagerduty/breaker.hpp"
#include "pagerduty/oncall.hpp"
#include "pagerduty/sources.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

using F = FakePagerDuty;

constexpr long long sec = 1'000'000;  // the breaker's times are in microseconds

const HttpReply hanging{0, "", "timed out after 5000 ms ([pagerduty] timeout)", -1};

// A cache and its breaker over a fake PagerDuty, with clocks the test moves:
// each request to the fake takes `takes` of the request clock.
struct Fixture {
    TempDir dir;
    Cache cache{dir.path};
    Breaker breaker{dir.path};
    PagerDutySettings pd;
    F fake;
    long long now = 1'800'000'000;  // 2027-01-15; epoch() moves on with clock_now
    const TimePoint clock_start = TimePoint{} + 1h;
    TimePoint clock_now = clock_start;
    std::chrono::milliseconds takes{10};
    // Done halfway through each request: another process's request
    // answered meanwhile, say.
    std::function<void()> meanwhile;
    SourceSettings settings;

    long long micros() const
    {
        return now * sec + std::chrono::duration_cast<std::chrono::microseconds>(clock_now - clock_start).count();
    }
    long long epoch() const { return micros() / sec; }

    Fixture()
    {
        BOOST_REQUIRE(bool(cache.prepare()));
        pd.timeout = 5000ms;
        pd.oncall_ttl = 0s;  // every call asks, as a burst would
        pd.contact_ttl = 0s;
        pd.stale_max = 86400s;
        settings.pagerduty = &pd;
        settings.cache = &cache;
        settings.breaker = &breaker;
        settings.clock = [this] { return clock_now; };
        settings.epoch_seconds = [this] { return epoch(); };
        settings.epoch_micros = [this] { return micros(); };
        fake.oncalls({F::entry(1, "PU1", "Ada Lovelace")});
        fake.phones("PU1", {F::phone("4155550101")});
    }

    Fetch timed()
    {
        return [this](const std::string &path) {
            clock_now += takes / 2;
            if (meanwhile) meanwhile();
            clock_now += takes - takes / 2;
            return fake.get(path);
        };
    }
    // One call's sources, with `budget` left of the request's.
    OnCallSources sources(std::chrono::milliseconds budget = 5000ms)
    {
        return cached_sources(settings, timed(), clock_now + budget, CacheMode::use);
    }
    Snapshot ask(const OnCallSources &s)
    {
        return pagerduty_snapshot(s, TargetKind::escalation_policy, "PEP1", "", nullptr);
    }
    Snapshot ask(std::chrono::milliseconds budget = 5000ms) { return ask(sources(budget)); }
    // PagerDuty stops answering, a while after its last answer: each
    // request waits out what is left.
    void hang()
    {
        now += 10;
        fake.replies["/oncalls"] = hanging;
        fake.replies["/users/PU1/contact_methods"] = hanging;
        takes = 5000ms;
    }
    void back()
    {
        fake.oncalls({F::entry(1, "PU1", "Ada Lovelace")});
        fake.phones("PU1", {F::phone("4155550101")});
        takes = 10ms;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(breaker)

BOOST_AUTO_TEST_CASE(down_for_a_while_after_a_failure_then_up_again)
{
    TempDir dir;
    Breaker b(dir.path);
    const long long t = 1'800'000'000 * sec;
    const long long down_for = limits::pagerduty_down_for * sec;
    BOOST_TEST(!b.down(t).has_value());
    b.failed(t, t);
    BOOST_TEST(b.down(t).value() == 0);
    BOOST_TEST(b.down(t + down_for - 1).value() == limits::pagerduty_down_for - 1);
    BOOST_TEST(!b.down(t + down_for).has_value());
    // Another failure starts the wait again; an answer ends it at once.
    b.failed(t + 20 * sec, t + 20 * sec);
    BOOST_TEST(b.down(t + down_for + 10 * sec).has_value());
    b.answered(t + 21 * sec);
    BOOST_TEST(!b.down(t + 21 * sec).has_value());
}

BOOST_AUTO_TEST_CASE(an_answer_to_another_request_meanwhile_keeps_it_closed)
{
    // A machine too busy to read PagerDuty's answer in time fails one
    // request while others get theirs: PagerDuty is there.
    TempDir dir;
    Breaker b(dir.path);
    const long long t = 1'800'000'000 * sec;
    b.answered(t + 2 * sec);
    b.failed(t, t + 5 * sec);
    BOOST_TEST(!b.down(t + 5 * sec).has_value());
    // An answer a millisecond before the request began says nothing of
    // what came after: that failure counts.
    b.failed(t + 2 * sec + 1000, t + 7 * sec);
    BOOST_TEST(b.down(t + 7 * sec).value() == 0);
    // A later answer ends the wait, and a failure that saw it counts not.
    b.answered(t + 9 * sec);
    BOOST_TEST(!b.down(t + 9 * sec).has_value());
    b.failed(t + 6 * sec, t + 11 * sec);
    BOOST_TEST(!b.down(t + 11 * sec).has_value());
}

BOOST_AUTO_TEST_CASE(a_failure_time_ahead_of_the_clock_counts_as_none)
{
    // A clock set back, or a file made to keep every call from asking for
    // ever: not believed.
    TempDir dir;
    Breaker b(dir.path);
    b.failed(1'900'000'000 * sec, 1'900'000'000 * sec);
    BOOST_TEST(!b.down(1'800'000'000 * sec).has_value());
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_file_of_ours_counts_as_none)
{
    TempDir dir;
    Breaker b(dir.path);
    const long long t = time(nullptr) * sec;
    for (const char *name : {"/pagerduty-down", "/pagerduty-answered"})
        BOOST_REQUIRE(symlink("/etc/hostname", (dir.path + name).c_str()) == 0);
    BOOST_TEST(!b.down(t).has_value());
    // Written anew, each replaces its link rather than touching the target.
    b.failed(t, t);
    BOOST_TEST(b.down(t).has_value());
    b.answered(t + sec);
    BOOST_TEST(!b.down(t + sec).has_value());
    b.failed(t, t + 2 * sec);  // that answer came meanwhile
    BOOST_TEST(!b.down(t + 2 * sec).has_value());
    struct stat st {};
    BOOST_TEST(lstat((dir.path + "/pagerduty-answered").c_str(), &st) == 0);
    BOOST_TEST(S_ISREG(st.st_mode));
    BOOST_TEST(lstat((dir.path + "/pagerduty-down").c_str(), &st) != 0);  // the answer removed it
}

BOOST_AUTO_TEST_CASE(one_probe_at_a_time)
{
    TempDir dir;
    Breaker b(dir.path);
    bool busy = true;
    Cache::Lock first = b.try_probe(&busy);
    BOOST_TEST(first.held());
    BOOST_TEST(!busy);
    Cache::Lock second = b.try_probe(&busy);
    BOOST_TEST(!second.held());
    BOOST_TEST(busy);
    first = Cache::Lock();
    Cache::Lock third = b.try_probe(&busy);
    BOOST_TEST(third.held());
}

BOOST_AUTO_TEST_CASE(what_counts_as_failing_outright)
{
    for (int status : {0, 408, 500, 502, 503, 504})
        BOOST_TEST(pagerduty_failed_outright({status, "", "", -1}), status);
    // PagerDuty is there and talking, however slowly or unhappily.
    for (int status : {200, 400, 401, 403, 404, 429})
        BOOST_TEST(!pagerduty_failed_outright({status, "", "", -1}), status);
}

BOOST_AUTO_TEST_CASE(a_call_that_waited_out_the_budget_opens_it)
{
    Fixture f;
    f.ask();
    f.hang();
    Snapshot s = f.ask();
    BOOST_TEST((s.source == Source::stale));
    BOOST_TEST(f.breaker.down(f.micros()).has_value());
}

BOOST_AUTO_TEST_CASE(a_time_out_while_other_calls_get_answers_leaves_it_closed)
{
    // Under load one call's requests time out while another process's
    // are answered: the next calls still ask, and get the on-call.
    Fixture f;
    f.ask();
    f.hang();
    int requests = 0;  // the answer comes while /oncalls hangs, only
    f.meanwhile = [&] {
        if (requests++ == 0) f.breaker.answered(f.micros());
    };
    Snapshot s = f.ask();
    BOOST_TEST(requests == 2);  // /oncalls, then the phones, which had no time left
    BOOST_TEST((s.source == Source::stale));
    BOOST_TEST(!f.breaker.down(f.micros()).has_value());
    // Once nothing answers any more, it opens.
    f.meanwhile = nullptr;
    f.ask();
    BOOST_TEST(f.breaker.down(f.micros()).has_value());
}

BOOST_AUTO_TEST_CASE(while_one_call_asks_the_others_answer_at_once_from_the_last_answer)
{
    Fixture f;
    f.ask();
    f.hang();
    f.ask();  // the failure
    f.now += 3;
    f.fake.requests.clear();
    OnCallSources prober = f.sources();  // holds the probe until it is done
    f.ask(prober);
    BOOST_TEST(f.fake.requests.size() == 2u);  // /oncalls and the phones, which hung
    f.now += 2;
    f.fake.requests.clear();
    const TimePoint before = f.clock_now;
    Snapshot s = f.ask();
    BOOST_TEST(f.fake.requests.empty());
    BOOST_TEST((f.clock_now == before));  // no time spent waiting
    BOOST_TEST((s.source == Source::stale));
    BOOST_TEST(s.levels.at(0).callees.at(0).number == "+14155550101");
    // The probe's last failure (its phones, 5 s) was 2 s + 5 s ago.
    BOOST_TEST(s.problem == "not asked: PagerDuty failed 7 s ago; one call at a time asks it until it answers");
}

BOOST_AUTO_TEST_CASE(with_nothing_cached_the_others_get_no_answer_at_once)
{
    Fixture f;
    f.hang();
    f.ask();
    f.fake.requests.clear();
    OnCallSources prober = f.sources();
    f.ask(prober);
    f.fake.requests.clear();
    Snapshot s = f.ask();
    BOOST_TEST(f.fake.requests.empty());
    BOOST_TEST(s.oncalls_failed);  // the caller gets the fallback
    BOOST_TEST(s.problem.find("not asked: PagerDuty failed 0 s ago") == 0u, s.problem);
}

BOOST_AUTO_TEST_CASE(the_first_answer_closes_it_for_everyone)
{
    Fixture f;
    f.ask();
    f.hang();
    f.ask();
    f.back();
    f.fake.requests.clear();
    Snapshot s = f.ask();  // the probe: nobody else holds it
    BOOST_TEST((s.source == Source::pagerduty));
    BOOST_TEST(f.fake.requests.size() == 2u);
    BOOST_TEST(!f.breaker.down(f.micros()).has_value());
    // Calls at once after it ask as usual, concurrently.
    OnCallSources first = f.sources();
    f.ask(first);
    f.fake.requests.clear();
    Snapshot second = f.ask();
    BOOST_TEST((second.source == Source::pagerduty));
    BOOST_TEST(f.fake.requests.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_call_without_time_left_neither_opens_it_nor_takes_the_probe)
{
    // A call that queued in the web server keeps a second of its budget
    // and times out after that second; one with no time left at all fails
    // at once.  Neither says PagerDuty is down: a slow but healthy one
    // must not look it.
    Fixture f;
    f.ask();
    f.fake.replies["/oncalls"] = hanging;
    f.takes = std::chrono::milliseconds(limits::min_budget_after_queue);
    f.ask(std::chrono::milliseconds(limits::min_budget_after_queue));
    BOOST_TEST(!f.breaker.down(f.micros()).has_value());
    f.takes = 2500ms;
    f.ask(2500ms);  // half the budget is not more than half
    BOOST_TEST(!f.breaker.down(f.micros()).has_value());
    f.takes = 0ms;
    f.ask(0ms);
    BOOST_TEST(!f.breaker.down(f.micros()).has_value());
    // Down, a call with no time left does not keep the probe from others.
    f.breaker.failed(f.micros(), f.micros());
    OnCallSources spent = f.sources(0ms);
    f.ask(spent);
    bool busy = false;
    BOOST_TEST(f.breaker.try_probe(&busy).held());
}

BOOST_AUTO_TEST_CASE(a_call_that_queued_does_not_probe_and_answers_at_once)
{
    // Its second is too little to tell a hang from a slow answer, and its
    // caller has waited enough: a call with time to spare probes instead.
    Fixture f;
    f.ask();
    f.breaker.failed(f.micros(), f.micros());
    f.fake.requests.clear();
    Snapshot s = f.ask(std::chrono::milliseconds(limits::min_budget_after_queue));
    BOOST_TEST(f.fake.requests.empty());
    BOOST_TEST((s.source == Source::stale));
    bool busy = false;
    BOOST_TEST(f.breaker.try_probe(&busy).held());
}

BOOST_AUTO_TEST_CASE(failing_fast_keeps_nobody_waiting_and_leaves_it_closed)
{
    for (HttpReply r : {HttpReply{0, "", "cannot connect", -1}, HttpReply{503, "", "", -1}}) {
        Fixture f;
        f.fake.replies["/oncalls"] = r;
        f.ask();
        BOOST_TEST(!f.breaker.down(f.micros()).has_value(), r.status);
    }
}

BOOST_AUTO_TEST_CASE(a_failure_that_took_a_second_opens_it)
{
    // A 502 from a proxy that waited, or a time-out with a second to spend.
    for (HttpReply r : {HttpReply{502, "", "", -1}, hanging}) {
        Fixture f;
        f.fake.replies["/oncalls"] = r;
        f.takes = std::chrono::milliseconds(limits::pagerduty_costly_failure);
        f.ask();
        BOOST_TEST(f.breaker.down(f.micros()).has_value(), r.status);
    }
}

BOOST_AUTO_TEST_CASE(an_answer_however_slow_keeps_it_closed)
{
    Fixture f;
    f.takes = 4900ms;
    f.ask();
    BOOST_TEST(!f.breaker.down(f.micros()).has_value());
    for (int status : {401, 404, 429}) {
        f.fake.replies["/oncalls"] = {status, "", "", -1};
        f.ask();
        BOOST_TEST(!f.breaker.down(f.micros()).has_value(), status);
    }
}

BOOST_AUTO_TEST_CASE(check_asks_even_while_it_is_open)
{
    Fixture f;
    f.ask();
    f.breaker.failed(f.micros(), f.micros());
    bool busy = false;
    Cache::Lock elsewhere = f.breaker.try_probe(&busy);
    f.fake.requests.clear();
    OnCallSources s = cached_sources(f.settings, f.timed(), f.clock_now + 5s, CacheMode::refresh);
    Snapshot snap = f.ask(s);
    BOOST_TEST(f.fake.requests.size() == 2u);
    BOOST_TEST((snap.source == Source::pagerduty));
    BOOST_TEST(!f.breaker.down(f.micros()).has_value());  // and its answer closes it
}

BOOST_AUTO_TEST_CASE(an_entry_refreshed_while_the_lock_was_free_is_not_asked_for_again)
{
    // Another process refreshes the entry and lets go of its lock between
    // this call's look at the cache and its taking the lock.  Here that
    // moment is this call's look at the breaker, which reads the clock
    // between the two.
    Fixture f;
    f.pd.oncall_ttl = 60s;
    f.pd.contact_ttl = 3600s;
    f.ask();
    f.now += 61;
    f.fake.requests.clear();
    int reads = 0;
    f.settings.epoch_seconds = [&] {
        if (++reads == 2)
            f.cache.write("oncalls-escalation_policy-PEP1",
                          {oncalls_to_json({{{1, "PU1", "Ada Lovelace", "", "", ""}}, f.now + 60}), f.now, f.now + 60});
        return f.now;
    };
    Snapshot s = f.ask();
    BOOST_TEST(f.fake.requests.empty());
    BOOST_TEST((s.source == Source::cache));
}

BOOST_AUTO_TEST_CASE(a_refresh_ahead_neither_takes_the_probe_nor_keeps_pagerduty_down)
{
    // Refreshing ahead keeps nobody waiting: while PagerDuty counts as down
    // it asks nothing, the probe stays the calls', and its own failures do
    // not hold the calls back.
    Fixture f;
    f.pd.oncall_ttl = 60s;
    f.pd.contact_ttl = 3600s;
    f.ask();
    f.now += 58;
    f.breaker.failed(f.micros(), f.micros());
    f.fake.requests.clear();
    {
        OnCallSources ahead = cached_sources(f.settings, f.timed(), f.clock_now + 5000ms, CacheMode::ahead);
        Refreshed r = refresh_ahead(ahead, TargetKind::escalation_policy, "PEP1");
        BOOST_TEST(f.fake.requests.empty());
        BOOST_TEST(r.problems.empty());
        BOOST_TEST(r.not_asked == std::vector<std::string>{"not asked: PagerDuty counts as down"});
        bool busy = false;
        BOOST_TEST(f.breaker.try_probe(&busy).held());
    }
    f.breaker.answered(f.micros());
    f.hang();  // 10 s on: the entry has expired and is due again
    f.now -= 10;
    OnCallSources ahead = cached_sources(f.settings, f.timed(), f.clock_now + 5000ms, CacheMode::ahead);
    BOOST_TEST(refresh_ahead(ahead, TargetKind::escalation_policy, "PEP1").problems.size() == 1u);
    BOOST_TEST(!f.breaker.down(f.micros()).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
