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
