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

BOOST_AUTO_TEST_CASE(fresh_entries_cost_no_request)
{
    Fixture f;
    Snapshot first = f.ask();
    BOOST_TEST(first.requests == 2);
    BOOST_TEST((first.source == Source::pagerduty));
    f.fake.requests.clear();
    f.now += 59;
    Snapshot again = f.ask();
    BOOST_TEST(f.fake.requests.empty());
    BOOST_TEST(again.requests == 0);
    BOOST_TEST((again.source == Source::cache));
    BOOST_TEST(again.age == 59);
    BOOST_TEST(f.dialed(again) == std::vector<std::string>{"+14155550101"});
}

BOOST_AUTO_TEST_CASE(on_calls_expire_after_the_ttl_contacts_later)
{
    Fixture f;
    f.ask();
    f.fake.requests.clear();
    f.now += 61;
    f.ask();
    BOOST_TEST(f.fake.requests.size() == 1u);  // /oncalls again; the phone is still fresh
    BOOST_TEST(f.fake.requests.at(0).rfind("/oncalls?", 0) == 0u);
    f.fake.requests.clear();
    f.now += 3600;
    f.ask();
    BOOST_TEST(f.fake.requests.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_hand_over_within_the_answers_life_needs_no_request)
{
    Fixture f;
    // /oncalls over the answer's whole life lists both shifts, as
    // PagerDuty does for every on-call that overlaps since..until.
    f.fake.replies["/oncalls"] = {
        200, F::page({entry_with_end("\"2027-01-15T08:00:30Z\""), bob_from("\"2027-01-15T08:00:30Z\"")}), "", -1};
    f.fake.phones("PU2", {F::phone("4155550102")});
    f.now = *parse_rfc3339("2027-01-15T08:00:00Z");
    BOOST_TEST(f.dialed(f.ask()) == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(f.fake.requests.at(0) ==
               "/oncalls?escalation_policy_ids%5B%5D=PEP1&include%5B%5D=users&since=2027-01-15T08%3A00%3A00Z"
               "&until=2027-01-15T08%3A01%3A00Z&limit=100&offset=0");
    auto e = f.cache.read("oncalls-escalation_policy-PEP1", 0);
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(e->fresh_until == f.now + 60);  // the hand-over is in it
    f.now += 29;
    BOOST_TEST(f.dialed(f.ask()) == std::vector<std::string>{"+14155550101"});
    f.fake.requests.clear();
    f.now += 1;
    Snapshot bob = f.ask();
    BOOST_TEST(f.dialed(bob) == std::vector<std::string>{"+14155550102"});
    BOOST_TEST(f.fake.requests == std::vector<std::string>{"/users/PU2/contact_methods"});
}

BOOST_AUTO_TEST_CASE(past_what_it_knows_a_stale_answer_gives_whoever_it_last_knew)
{
    Fixture f;
    f.fake.replies["/oncalls"] = {
        200, F::page({entry_with_end("\"2027-01-15T08:00:30Z\""), bob_from("\"2027-01-15T08:00:30Z\"")}), "", -1};
    f.fake.phones("PU2", {F::phone("4155550102")});
    f.now = *parse_rfc3339("2027-01-15T08:00:00Z");
    f.ask();
    f.now += 30;
    f.ask();  // Bob's phone, kept
    // PagerDuty fails an hour later: who came after Bob is not known.  Bob,
    // the last the answer knew of, is the best guess; not Ada, whose shift
    // it knew had ended, nor nobody.
    f.fake.replies["/oncalls"] = {503, "", "", -1};
    f.now += 3600;
    Snapshot s = f.ask();
    BOOST_TEST((s.source == Source::stale));
    BOOST_TEST(f.dialed(s) == std::vector<std::string>{"+14155550102"});
}

BOOST_AUTO_TEST_CASE(a_schedules_people_are_fresh_for_the_ttl)
{
    // PagerDuty names no shift ends for them: those of the moment asked.
    Fixture f;
    f.fake.replies["/schedules/PS1/users"] = {200, R"({"users": [)" + F::user("PU1", "Ada Lovelace") + "]}", "", -1};
    f.now = *parse_rfc3339("2027-01-15T08:00:00Z");
    OnCallSources s = cached_sources(f.settings, f.fake.fetch(), std::chrono::steady_clock::now() + 5s, CacheMode::use);
    BOOST_TEST(s.oncalls(TargetKind::schedule, "PS1").entries.size() == 1u);
    BOOST_TEST(f.cache.read("schedule-users-PS1", 0)->fresh_until == f.now + 60);
}

BOOST_AUTO_TEST_CASE(why_a_phone_is_unusable_survives_the_cache)
{
    Fixture f;
    f.fake.phones("PU1", {R"({"type": "phone_contact_method", "label": "Mobile", "country_code": 1, "address": "4155550101", "enabled": false})"});
    const std::string why = "Ada Lovelace (PU1) has no usable phone contact method: 1 disabled";
    Snapshot first = f.ask();
    BOOST_TEST(first.problem == why);
    BOOST_TEST(f.dialed(first).empty());
    f.fake.requests.clear();
    f.now += 10;
    Snapshot again = f.ask();
    BOOST_TEST(f.fake.requests.empty());
    BOOST_TEST(again.problem == why);
    BOOST_TEST(f.dialed(again).empty());
}

BOOST_AUTO_TEST_CASE(phones_cached_before_disabled_ones_were_told_apart_are_not_used)
{
    // Written by an older version: Ada's phone, since disabled in
    // PagerDuty, kept as if usable.  Neither fresh nor as a stand-in.
    Fixture f;
    f.fake.phones("PU1", {R"({"type": "phone_contact_method", "label": "Mobile", "country_code": 1, "address": "4155550101", "enabled": false})"});
    f.cache.write("contact-methods-PU1", {R"([{"number": "+14155550101", "label": "Mobile", "sms": false}])", f.now, f.now + 3600});
    Snapshot s = f.ask();
    BOOST_TEST(f.dialed(s).empty());
    BOOST_TEST(s.problem == "Ada Lovelace (PU1) has no usable phone contact method: 1 disabled");
    f.fake.replies["/users/PU1/contact_methods"] = {503, "", "", -1};
    f.cache.write("phone-methods-PU1", {R"([{"number": "+14155550101", "label": "Mobile", "sms": false}])", f.now, f.now});
    f.now += 100;
    s = f.ask();
    BOOST_TEST(f.dialed(s).empty());
    BOOST_TEST(s.contacts_failed);
}

BOOST_AUTO_TEST_CASE(a_schedules_people_are_fresh_for_oncall_ttl)
{
    // Its answer names no shift ends: oncall_ttl alone says when to ask
    // again, and the request names the time of the call.
    Fixture f;
    f.fake.schedule_users("PSCHED1", {F::user("PU1", "Ada Lovelace")});
    auto ask = [&] {
        OnCallSources s = cached_sources(f.settings, f.fake.fetch(), std::chrono::steady_clock::now() + 5s, CacheMode::use);
        return pagerduty_snapshot(s, TargetKind::schedule, "PSCHED1", "", nullptr);
    };
    Snapshot first = ask();
    BOOST_TEST(f.dialed(first) == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(f.fake.requests.at(0) ==
               "/schedules/PSCHED1/users?since=2027-01-15T08%3A00%3A00Z&until=2027-01-15T08%3A00%3A01Z");
    auto e = f.cache.read("schedule-users-PSCHED1", 0);
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(e->fresh_until == f.now + 60);
    f.fake.requests.clear();
    f.now += 59;
    BOOST_TEST((ask().source == Source::cache));
    BOOST_TEST(f.fake.requests.empty());
    f.now += 2;
    ask();
    BOOST_TEST(f.fake.requests.at(0) ==
               "/schedules/PSCHED1/users?since=2027-01-15T08%3A01%3A01Z&until=2027-01-15T08%3A01%3A02Z");
}

BOOST_AUTO_TEST_CASE(an_entry_is_fresh_no_longer_than_the_ttl_configured_now)
{
    // However far its fresh_until: written under a longer ttl, or planted.
    Fixture f;
    const std::string oncalls = f.dir.path + "/cache/oncalls-escalation_policy-PEP1.json";
    const long long ten_years = 10LL * 365 * 86400;
    plant(oncalls, mallory_oncalls, f.now - 61, f.now + ten_years);
    plant(f.dir.path + "/cache/phone-methods-PU9.json", mallory_phones, f.now, f.now + ten_years);
    Snapshot s = f.ask();
    BOOST_TEST(f.dialed(s) == std::vector<std::string>{"+14155550101"});
    BOOST_TEST((s.source == Source::pagerduty));

    // Within the ttl it is used, and only until the ttl ends.
    Fixture g;
    plant(g.dir.path + "/cache/oncalls-escalation_policy-PEP1.json", mallory_oncalls, g.now - 30, g.now + ten_years);
    plant(g.dir.path + "/cache/phone-methods-PU9.json", mallory_phones, g.now, g.now + ten_years);
    BOOST_TEST(g.dialed(g.ask()) == std::vector<std::string>{"+19005550199"});
    g.now += 31;
    BOOST_TEST(g.dialed(g.ask()) == std::vector<std::string>{"+14155550101"});

    // With no lifetime at all, never.
    Fixture h;
    h.pd.oncall_ttl = 0s;
    plant(h.dir.path + "/cache/oncalls-escalation_policy-PEP1.json", mallory_oncalls, h.now, h.now + ten_years);
    BOOST_TEST(h.dialed(h.ask()) == std::vector<std::string>{"+14155550101"});
}

BOOST_AUTO_TEST_CASE(an_entry_fetched_in_the_future_is_not_believed)
{
    // Fresh or stale, a time to come cannot be when PagerDuty answered.
    Fixture f;
    plant(f.dir.path + "/cache/oncalls-escalation_policy-PEP1.json", mallory_oncalls, f.now + 86400, f.now + 86400);
    plant(f.dir.path + "/cache/phone-methods-PU9.json", mallory_phones, f.now, f.now + 3600);
    f.fake.replies["/oncalls"] = {503, "", "", -1};
    Snapshot s = f.ask();
    BOOST_TEST(f.dialed(s).empty());
    BOOST_TEST((s.source != Source::stale));
    BOOST_TEST((s.source != Source::cache));
}

BOOST_AUTO_TEST_CASE(a_schedule_entry_from_oncalls_is_not_used)
{
    // Written by an older version from /oncalls?schedule_ids[], which has
    // nobody for a schedule no policy uses: neither fresh nor as a stand-in.
    Fixture f;
    f.cache.write("oncalls-schedule-PSCHED1", {"[]", f.now, f.now + 60});
    f.fake.schedule_users("PSCHED1", {F::user("PU1", "Ada Lovelace")});
    OnCallSources s = cached_sources(f.settings, f.fake.fetch(), std::chrono::steady_clock::now() + 5s, CacheMode::use);
    Snapshot snap = pagerduty_snapshot(s, TargetKind::schedule, "PSCHED1", "", nullptr);
    BOOST_TEST(f.dialed(snap) == std::vector<std::string>{"+14155550101"});
    BOOST_TEST((snap.source == Source::pagerduty));
}

BOOST_AUTO_TEST_CASE(pagerduty_failing_the_last_answer_stands_in)
{
    Fixture f;
    f.ask();
    f.now += 600;
    f.fake.replies["/oncalls"] = {500, R"({"error":{"message":"Internal Server Error"}})", "", -1};
    f.fake.replies["/users/PU1/contact_methods"] = {0, "", "connection closed or read failed", -1};
    f.now += 4000;  // the phone is past contact_ttl too
    Snapshot s = f.ask();
    BOOST_TEST(!s.oncalls_failed);
    BOOST_TEST(!s.contacts_failed);
    BOOST_TEST((s.source == Source::stale));
    BOOST_TEST(s.age == 4600);
    BOOST_TEST(f.dialed(s) == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(s.problem.find("GET /oncalls: HTTP 500") != std::string::npos, s.problem);
    BOOST_TEST(s.problem.find("connection closed or read failed") != std::string::npos, s.problem);
}

BOOST_AUTO_TEST_CASE(too_old_to_stand_in)
{
    Fixture f;
    f.ask();
    f.fake.replies["/oncalls"] = {503, "", "", -1};
    f.now += 86400;
    Snapshot s = f.ask();
    BOOST_TEST(s.oncalls_failed);
    BOOST_TEST((s.source == Source::pagerduty));
}

BOOST_AUTO_TEST_CASE(nobody_on_call_is_an_answer_not_a_failure)
{
    Fixture f;
    f.ask();
    f.fake.oncalls({});
    f.now += 61;
    Snapshot s = f.ask();
    BOOST_TEST(!s.oncalls_failed);
    BOOST_TEST(s.levels.empty());
    BOOST_TEST((s.source == Source::pagerduty));
    // And it is cached like any answer.
    f.fake.requests.clear();
    f.ask();
    BOOST_TEST(f.fake.requests.empty());
}

BOOST_AUTO_TEST_CASE(refresh_asks_even_when_fresh)
{
    Fixture f;
    f.ask();
    f.fake.requests.clear();
    f.ask(CacheMode::refresh);
    BOOST_TEST(f.fake.requests.size() == 2u);
}

BOOST_AUTO_TEST_CASE(while_another_process_refreshes_the_entry_serves)
{
    Fixture f;
    f.ask();
    f.now += 61;
    f.fake.requests.clear();
    Cache::Lock held = f.cache.try_lock("oncalls-escalation_policy-PEP1");
    BOOST_REQUIRE(held.held());
    Snapshot s = f.ask();
    BOOST_TEST(f.fake.requests.size() == 0u);  // no second request for the same entry
    BOOST_TEST((s.source == Source::cache));
    BOOST_TEST(f.dialed(s) == std::vector<std::string>{"+14155550101"});
}

BOOST_AUTO_TEST_CASE(without_an_entry_the_others_wait_for_the_refresh)
{
    Fixture f;
    Cache::Lock held = f.cache.try_lock("oncalls-escalation_policy-PEP1");
    std::thread refresher([&] {
        std::this_thread::sleep_for(100ms);
        f.cache.write("oncalls-escalation_policy-PEP1",
                      {oncalls_to_json({{{1, "PU1", "Ada Lovelace", "", "", ""}}, f.now + 60}), f.now, f.now + 60});
        held = Cache::Lock();
    });
    Snapshot s = f.ask();
    refresher.join();
    BOOST_TEST(f.fake.requests.size() == 1u);  // the phone; /oncalls came from the other's refresh
    BOOST_TEST(f.dialed(s) == std::vector<std::string>{"+14155550101"});
}

BOOST_AUTO_TEST_CASE(no_cache_dir_means_always_asking)
{
    Fixture f;
    f.settings.cache = nullptr;
    f.ask();
    f.fake.requests.clear();
    f.ask();
    BOOST_TEST(f.fake.requests.size() == 2u);
}

BOOST_AUTO_TEST_CASE(several_phones_at_once)
{
    Fixture f;
    f.fake.oncalls({F::entry(1, "PU1", "Ada"), F::entry(1, "PU2", "Grace"), F::entry(1, "PU3", "Alan")});
    f.fake.phones("PU2", {F::phone("4155550102")});
    f.fake.phones("PU3", {F::phone("4155550103")});
    std::mutex m;
    std::condition_variable all_in;
    int in_flight = 0, most = 0, arrived = 0;
    F &fake = f.fake;
    // Each phone request waits (up to 2 s) until the three are in flight
    // together: a fixed pause would race with thread start-up on a slow
    // machine or under valgrind.  Requests made one after the other never
    // get there, and `most` stays 1.
    Fetch slow = [&](const std::string &path) {
        std::unique_lock<std::mutex> l(m);
        most = std::max(most, ++in_flight);
        if (path.rfind("/users/", 0) == 0) {
            ++arrived;
            all_in.notify_all();
            all_in.wait_for(l, 2s, [&] { return arrived >= 3; });
        }
        HttpReply r = fake.get(path);
        --in_flight;
        return r;
    };
    OnCallSources s = cached_sources(f.settings, slow, std::chrono::steady_clock::now() + 5s, CacheMode::use);
    Snapshot snap = pagerduty_snapshot(s, TargetKind::escalation_policy, "PEP1", "", nullptr);
    BOOST_TEST(f.dialed(snap) == (std::vector<std::string>{"+14155550101", "+14155550102", "+14155550103"}));
    BOOST_TEST(most == 3);
}

BOOST_AUTO_TEST_SUITE_END()

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
    BOOST_TEST(r.problems == std::vector<std::string>{"not asked: its refresh failed 1 s ago"});
    BOOST_TEST(refresh(f).requests == 0);
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
