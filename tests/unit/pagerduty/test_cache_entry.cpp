#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <sys/stat.h>
#include <unistd.h>

#include "cache_support.hpp"
#include "core/limits.hpp"
#include "pagerduty/oncall.hpp"

using namespace pdcf;
using namespace pdcf::cache_tests;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(refresh_ahead_of_expiry)

Refreshed refresh(Fixture &f, CacheMode mode = CacheMode::ahead)
{
    OnCallSources s = cached_sources(f.settings, f.fake.fetch(), std::chrono::steady_clock::now() + 5s, mode);
    return refresh_ahead(s, TargetKind::escalation_policy, "PEP1");
}

std::size_t oncalls_requests(const Fixture &f)
{
    return std::count_if(f.fake.requests.begin(), f.fake.requests.end(),
                         [](const std::string &r) { return r.rfind("/oncalls?", 0) == 0; });
}

BOOST_AUTO_TEST_CASE(a_rarely_called_line_never_waits_and_pagerduty_is_asked_at_most_twice_a_ttl)
{
    Fixture f;
    f.pd.timeout = 5000ms;  // a lead of 6 s
    f.ask();                // the first call ever, which marks the route as used
    f.fake.requests.clear();
    // Ten minutes of a worker's refresh thread, every second, and a call
    // every two minutes: no call asks PagerDuty.
    for (int second = 1; second <= 600; ++second) {
        f.now += 1;
        BOOST_TEST(refresh(f).problems.empty());
        if (second % 120 == 0) {
            Snapshot s = f.ask();
            BOOST_TEST(s.requests == 0, "second " << second);
            BOOST_TEST((s.source == Source::cache));
            BOOST_TEST(f.dialed(s) == std::vector<std::string>{"+14155550101"});
        }
    }
    // Refreshed 6 s before each expiry: once every 54 s, never twice in 60.
    BOOST_TEST(oncalls_requests(f) == 11u);
    BOOST_TEST(oncalls_requests(f) <= 2u * 600 / 60);
    // The phone (contact_ttl 3600) was fresh all along.
    BOOST_TEST(f.fake.requests.size() == oncalls_requests(f));
}

BOOST_AUTO_TEST_CASE(nothing_is_asked_while_far_from_expiry)
{
    Fixture f;
    f.ask();
    f.fake.requests.clear();
    f.now += 60 - refresh_lead(60, f.pd.timeout) - 1;
    BOOST_TEST(refresh(f).requests == 0);
    BOOST_TEST(f.fake.requests.empty());
    f.now += 1;
    BOOST_TEST(refresh(f).requests == 1);
}

BOOST_AUTO_TEST_CASE(the_lead_is_the_budget_and_a_second_at_most_half_the_life)
{
    BOOST_TEST(refresh_lead(60, 5000ms) == 6);
    BOOST_TEST(refresh_lead(60, 2500ms) == 4);
    BOOST_TEST(refresh_lead(8, 5000ms) == 4);
    BOOST_TEST(refresh_lead(1, 5000ms) == 0);
}

BOOST_AUTO_TEST_CASE(the_next_shifts_person_has_a_phone_before_the_hand_over)
{
    Fixture f;
    f.now = *parse_rfc3339("2027-01-15T07:59:00Z");
    f.ask();
    f.fake.requests.clear();
    f.fake.replies["/oncalls"] = {
        200, F::page({entry_with_end("\"2027-01-15T08:00:30Z\""), bob_from("\"2027-01-15T08:00:30Z\"")}), "", -1};
    f.fake.phones("PU2", {F::phone("4155550102")});
    f.now += 55;
    BOOST_TEST(refresh(f).requests == 2);  // the on-calls, then Bob's phone
    f.fake.requests.clear();
    f.now += 36;  // 08:00:31, past the hand-over
    Snapshot s = f.ask();
    BOOST_TEST(f.fake.requests.empty());
    BOOST_TEST(f.dialed(s) == std::vector<std::string>{"+14155550102"});
}

BOOST_AUTO_TEST_CASE(only_routes_called_within_refresh_idle)
{
    Fixture f;
    f.pd.refresh_idle = 86400s;
    BOOST_TEST(refresh(f).requests == 0);  // never called
    BOOST_TEST(f.fake.requests.empty());
    f.ask();
    f.fake.requests.clear();
    f.now += 58;
    BOOST_TEST(refresh(f).requests == 1);
    f.now += 86400;
    BOOST_TEST(refresh(f).requests == 0);  // a day without a call
    // --refresh asks for every route, called or not.
    BOOST_TEST(refresh(f, CacheMode::ahead_of_run).requests == 2);
    f.pd.refresh_idle = 0s;  // no refreshing in the background at all
    f.ask();
    f.now += 58;
    BOOST_TEST(refresh(f).requests == 0);
}

BOOST_AUTO_TEST_CASE(a_run_refreshes_what_expires_before_the_next_one)
{
    Fixture f;
    f.ask();
    f.fake.requests.clear();
    f.now += 60 - refresh_lead(60, f.pd.timeout) - limits::refresh_every - 1;
    BOOST_TEST(refresh(f, CacheMode::ahead_of_run).requests == 0);
    f.now += 1;
    BOOST_TEST(refresh(f, CacheMode::ahead_of_run).requests == 1);
}

BOOST_AUTO_TEST_CASE(another_process_refreshing_is_left_to_it)
{
    Fixture f;
    f.ask();
    f.fake.requests.clear();
    f.now += 58;
    {
        Cache::Lock held = f.cache.try_lock("oncalls-escalation_policy-PEP1");
        BOOST_TEST(refresh(f).requests == 0);  // no waiting for it either
    }
    // It refreshed the file meanwhile: this process sees so, past what
    // it remembers, and asks nothing.
    Cache other(f.dir.path + "/cache");
    other.write("oncalls-escalation_policy-PEP1",
                {oncalls_to_json({{{1, "PU1", "Ada Lovelace", "", "", ""}}, f.now + 60}), f.now, f.now + 60});
    BOOST_TEST(refresh(f).requests == 0);
    BOOST_TEST(f.fake.requests.empty());
}

BOOST_AUTO_TEST_CASE(a_failure_is_told_and_the_last_answer_stays)
{
    Fixture f;
    f.ask();
    f.now += 58;
    f.fake.replies["/oncalls"] = {500, "", "", -1};
    Refreshed r = refresh(f);
    BOOST_TEST(r.problems.size() == 1u);
    BOOST_TEST(r.problems.at(0).find("HTTP 500") != std::string::npos);
    f.fake.requests.clear();
    BOOST_TEST(f.dialed(f.ask()) == std::vector<std::string>{"+14155550101"});  // still fresh
    BOOST_TEST(f.fake.requests.empty());
}

BOOST_AUTO_TEST_CASE(after_a_failure_no_process_asks_again_for_a_while)
{
    Fixture f;
    f.ask();
    f.now += 58;
    f.fake.replies["/oncalls"] = {500, "", "", -1};
    BOOST_TEST(refresh(f).requests == 1);
    // Another worker, which remembers nothing of it, leaves it too.
    Fixture other_worker;
    other_worker.settings.cache = &f.cache;
    other_worker.settings.epoch_seconds = [&f] { return f.now; };
    other_worker.fake = f.fake;
    other_worker.fake.requests.clear();
    f.now += 1;
    Refreshed r = refresh(other_worker);
    BOOST_TEST(r.requests == 0);
    BOOST_TEST(r.problems.empty());
    BOOST_TEST(r.not_asked == std::vector<std::string>{"not asked: its refresh failed 1 s ago"});
    // The process that failed rests even when the file could not be kept.
    BOOST_REQUIRE(unlink((f.dir.path + "/cache/oncalls-escalation_policy-PEP1.refresh-failed").c_str()) == 0);
    BOOST_TEST(refresh(f).requests == 0);
    // --refresh, run every 30 s by one timer, tries at each run.
    BOOST_TEST(refresh(f, CacheMode::ahead_of_run).requests == 1);
    f.now += limits::refresh_retry.count();
    BOOST_TEST(refresh(f).requests == 1);
}

BOOST_AUTO_TEST_CASE(an_answer_is_never_fresher_than_what_it_knows)
{
    // The answer was asked for since..until a moment before it came: it is
    // fresh no further than that until, or a call after it would be given
    // the people of its last known moment while the next shift is in it.
    Fixture f;
    f.now = *parse_rfc3339("2027-01-15T08:00:00Z");
    auto fetch = f.fake.fetch();
    Fetch slow = [&](const std::string &path) {
        HttpReply r = fetch(path);
        if (path.rfind("/oncalls", 0) == 0) f.now += 2;  // it took two seconds
        return r;
    };
    f.fake.replies["/oncalls"] = {
        200, F::page({entry_with_end("\"2027-01-15T08:01:00Z\""), bob_from("\"2027-01-15T08:01:00Z\"")}), "", -1};
    f.fake.phones("PU2", {F::phone("4155550102")});
    OnCallSources s = cached_sources(f.settings, slow, std::chrono::steady_clock::now() + 5s, CacheMode::use);
    (void)pagerduty_snapshot(s, TargetKind::escalation_policy, "PEP1", "", nullptr);
    BOOST_TEST(f.cache.read("oncalls-escalation_policy-PEP1", 0)->fresh_until == *parse_rfc3339("2027-01-15T08:01:00Z"));
    f.now = *parse_rfc3339("2027-01-15T08:01:01Z");
    BOOST_TEST(f.dialed(f.ask()) == std::vector<std::string>{"+14155550102"});
}

BOOST_AUTO_TEST_CASE(an_entry_in_the_earlier_form_stands_in_as_who_was_on_when_it_was_fetched)
{
    // Written by the version before, then PagerDuty fails: its people, as
    // of when it was fetched, still take the call.
    Fixture f;
    f.cache.write("oncalls-escalation_policy-PEP1",
                  {R"([{"level": 1, "user_id": "PU1", "name": "Ada Lovelace", "end": ""}])", f.now - 600, f.now - 540});
    f.fake.replies["/oncalls"] = {503, "", "", -1};
    Snapshot s = f.ask();
    BOOST_TEST((s.source == Source::stale));
    BOOST_TEST(f.dialed(s) == std::vector<std::string>{"+14155550101"});
}

BOOST_AUTO_TEST_CASE(a_call_marks_its_route_once_in_a_while_whatever_process_it_is)
{
    // A CGI run remembers nothing: it looks at the mark before writing it.
    Fixture f;
    f.ask();
    const std::string mark = f.dir.path + "/cache/oncalls-escalation_policy-PEP1.wanted";
    struct stat first {};
    BOOST_REQUIRE(stat(mark.c_str(), &first) == 0);
    BOOST_TEST(first.st_mtime == f.now);
    f.now += 60;
    for (int run = 0; run < 3; ++run) {
        Cache fresh_process(f.dir.path + "/cache");
        f.settings.cache = &fresh_process;
        f.ask();
    }
    struct stat later {};
    BOOST_REQUIRE(stat(mark.c_str(), &later) == 0);
    BOOST_TEST(later.st_mtime == first.st_mtime);
    BOOST_TEST(later.st_ino == first.st_ino);  // not written anew
}

BOOST_AUTO_TEST_SUITE_END()
