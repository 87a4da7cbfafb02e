#include <boost/test/unit_test.hpp>

#include <condition_variable>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/own_dir.hpp"
#include "fake_pagerduty.hpp"
#include "files.hpp"
#include "pagerduty/cache.hpp"
#include "pagerduty/oncall.hpp"
#include "pagerduty/retry.hpp"
#include "pagerduty/sources.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

using F = FakePagerDuty;

// A cache over a fake PagerDuty, with a wall clock the test moves.
struct Fixture {
    TempDir dir;
    Cache cache{dir.path + "/cache"};
    PagerDutySettings pd;
    F fake;
    long long now = 1'800'000'000;  // 2027-01-15
    SourceSettings settings;

    Fixture()
    {
        BOOST_REQUIRE(bool(cache.prepare()));
        pd.oncall_ttl = 60s;
        pd.contact_ttl = 3600s;
        pd.stale_max = 86400s;
        settings.pagerduty = &pd;
        settings.cache = &cache;
        settings.clock = [] { return std::chrono::steady_clock::now(); };
        settings.epoch_seconds = [this] { return now; };
        fake.oncalls({F::entry(1, "PU1", "Ada Lovelace")});
        fake.phones("PU1", {F::phone("4155550101")});
    }

    Snapshot ask(CacheMode mode = CacheMode::use)
    {
        OnCallSources s = cached_sources(settings, fake.fetch(), std::chrono::steady_clock::now() + 5s, mode);
        return pagerduty_snapshot(s, TargetKind::escalation_policy, "PEP1", "", nullptr);
    }
    std::vector<std::string> dialed(const Snapshot &s)
    {
        std::vector<std::string> out;
        for (const auto &l : s.levels)
            for (const auto &c : l.callees) out.push_back(c.number);
        return out;
    }
};

std::string entry_with_end(const std::string &end)
{
    return R"({"escalation_level": 1, "user": {"id": "PU1", "type": "user_reference", "summary": "Ada Lovelace"},)"
           R"( "start": "2027-01-15T00:00:00Z", "end": )" + end + "}";
}

// An entry as another hand would write it: Mallory (PU9) on call, with a
// phone of her own.
const std::string mallory_oncalls = R"([{"level": 1, "user_id": "PU9", "name": "Mallory", "end": ""}])";
const std::string mallory_phones = R"([{"number": "+19005550199", "label": "Mobile", "sms": false, "state": "usable"}])";

void plant(const std::string &path, const std::string &value, long long fetched_at, long long fresh_until)
{
    nlohmann::json doc = {{"fetched_at", fetched_at}, {"fresh_until", fresh_until}, {"value", value}};
    std::ofstream(path) << doc.dump();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cache)

BOOST_AUTO_TEST_CASE(rfc3339_times)
{
    BOOST_TEST(*parse_rfc3339("1970-01-01T00:00:00Z") == 0);
    BOOST_TEST(*parse_rfc3339("2015-03-07T15:28:51-05:00") == 1425760131);
    BOOST_TEST(*parse_rfc3339("2015-03-07T20:28:51Z") == 1425760131);
    BOOST_TEST(*parse_rfc3339("2015-03-07T21:28:51.123+01:00") == 1425760131);
    BOOST_TEST(*parse_rfc3339("2024-02-29T00:00:00Z") == 1709164800);
    for (const char *bad : {"", "2015-03-07", "2015-03-07T15:28:51", "2015-13-07T15:28:51Z", "2015-03-07T15:28:51+5",
                            "yesterday", "2015-03-07T15:28:51Zjunk"})
        BOOST_TEST(!parse_rfc3339(bad), bad);
}

BOOST_AUTO_TEST_CASE(rfc3339_times_written)
{
    BOOST_TEST(format_rfc3339(0) == "1970-01-01T00:00:00Z");
    BOOST_TEST(format_rfc3339(1425760131) == "2015-03-07T20:28:51Z");
    BOOST_TEST(format_rfc3339(1709164800) == "2024-02-29T00:00:00Z");
    BOOST_TEST(format_rfc3339(1'800'000'000) == "2027-01-15T08:00:00Z");
    BOOST_TEST(format_rfc3339(253402300799) == "9999-12-31T23:59:59Z");
    BOOST_TEST(format_rfc3339(-1) == "1969-12-31T23:59:59Z");
    for (long long t = 0; t < 4'200'000'000; t += 86'399 * 37 + 11)
        BOOST_TEST(*parse_rfc3339(format_rfc3339(t)) == t);
}

BOOST_AUTO_TEST_CASE(earliest_shift_end)
{
    std::vector<OnCall> e = {{1, "PA", "A", "2027-01-15T12:00:00Z"}, {2, "PB", "B", ""}, {1, "PC", "C", "2027-01-15T10:00:00Z"}};
    BOOST_TEST(*earliest_end(e) == *parse_rfc3339("2027-01-15T10:00:00Z"));
    BOOST_TEST(!earliest_end({{1, "PB", "B", ""}}));
}

BOOST_AUTO_TEST_CASE(cache_forms_round_trip)
{
    std::vector<OnCall> e = {{1, "PA", "Zoë \"Z\"", "2027-01-15T12:00:00Z"}, {2, "PB", "B", ""}};
    auto back = oncalls_from_json(oncalls_to_json(e));
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(back->at(0).name == "Zoë \"Z\"");
    BOOST_TEST(back->at(1).level == 2);
    std::vector<Phone> p = {{"+14155550101", "Mobile"}};
    BOOST_TEST(phones_from_json(phones_to_json(p))->at(0).number == "+14155550101");
    BOOST_TEST(!oncalls_from_json("garbage"));
    BOOST_TEST(!oncalls_from_json(R"([{"level": 1, "user_id": "../x"}])"));
    BOOST_TEST(!phones_from_json(R"([{"number": "not a number"}])"));
}

BOOST_AUTO_TEST_CASE(entry_size_limit_at_and_over)
{
    TempDir d;
    Cache cache(d.path);
    BOOST_REQUIRE(bool(cache.prepare()));
    auto put = [&](const std::string &key, std::size_t size) {
        std::string text = R"({"fetched_at": 1, "fresh_until": 2000000000, "value": "[]"})";
        text.resize(size, ' ');  // JSON allows trailing white space
        std::FILE *f = std::fopen((d.path + "/" + key + ".json").c_str(), "wb");
        BOOST_REQUIRE(f);
        std::fwrite(text.data(), 1, text.size(), f);
        std::fclose(f);
    };
    put("at", limits::max_cache_entry);
    put("over", limits::max_cache_entry + 1);
    BOOST_TEST(cache.read("at", 1000).has_value());
    BOOST_TEST(!cache.read("over", 1000).has_value());
}

BOOST_AUTO_TEST_CASE(entries_are_written_whole_and_private)
{
    Fixture f;
    f.cache.write("k", {"[1, 2]", 10, 20});
    auto e = f.cache.read("k", 0);
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(e->value == "[1, 2]");
    BOOST_TEST(e->fetched_at == 10);
    BOOST_TEST(e->fresh_until == 20);
    struct stat st;
    BOOST_REQUIRE(stat((f.dir.path + "/cache").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0700u);
    BOOST_REQUIRE(stat((f.dir.path + "/cache/k.json").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
    BOOST_TEST(!f.cache.read("missing", 0));
    f.cache.write("../escape", {"x", 1, 2});
    BOOST_TEST(access((f.dir.path + "/escape.json").c_str(), F_OK) != 0);
}

BOOST_AUTO_TEST_CASE(a_reader_never_sees_half_an_entry)
{
    // Another process's view: a Cache of its own over the same directory,
    // reading while this one rewrites the entry with ever longer values.
    Fixture f;
    Cache other(f.dir.path + "/cache");
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 0; i < 2000; ++i)
            f.cache.write("k", {"[" + std::string(static_cast<std::size_t>(i % 300), '1') + "]", i, i});
        done = true;
    });
    int seen = 0, torn = 0;
    while (!done) {
        // A time past every fresh_until: never from memory, always the file.
        if (auto e = other.read("k", 1LL << 40)) {
            ++seen;
            if (e->value.front() != '[' || e->value.back() != ']') ++torn;
        }
    }
    writer.join();
    BOOST_TEST(seen > 0);
    BOOST_TEST(torn == 0);
}

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

BOOST_AUTO_TEST_CASE(fresh_only_until_the_shift_ends)
{
    Fixture f;
    f.fake.replies["/oncalls"] = {200, F::page({entry_with_end("\"2027-01-15T08:00:30Z\"")}), "", -1};
    f.now = *parse_rfc3339("2027-01-15T08:00:00Z");
    f.ask();
    auto e = f.cache.read("oncalls-escalation_policy-PEP1", 0);
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(e->fresh_until == f.now + 30);  // the shift ends before oncall_ttl
    f.fake.replies["/oncalls"] = {200, F::page({entry_with_end("null")}), "", -1};
    f.now += 31;
    f.ask();
    BOOST_TEST(f.cache.read("oncalls-escalation_policy-PEP1", 0)->fresh_until == f.now + 60);
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

BOOST_AUTO_TEST_CASE(a_planted_link_is_neither_read_nor_written_through)
{
    Fixture f;
    own_dir_take_notes();
    const std::string cache = f.dir.path + "/cache/";
    const std::string elsewhere = f.dir.path + "/elsewhere.json";
    plant(elsewhere, mallory_oncalls, f.now, f.now + 60);
    plant(cache + "phone-methods-PU9.json", mallory_phones, f.now, f.now + 3600);
    BOOST_REQUIRE(symlink(elsewhere.c_str(), (cache + "oncalls-escalation_policy-PEP1.json").c_str()) == 0);
    // Where a lock and a temporary file were once made: a link there
    // would have created or overwritten its target.
    const std::string victim = f.dir.path + "/victim";
    std::ofstream(victim) << "precious";
    BOOST_REQUIRE(symlink((f.dir.path + "/created").c_str(), (cache + "oncalls-escalation_policy-PEP1.lock").c_str()) == 0);
    const std::string tmp = cache + "phone-methods-PU1.json.tmp." + std::to_string(getpid());
    BOOST_REQUIRE(symlink(victim.c_str(), tmp.c_str()) == 0);

    Snapshot s = f.ask();
    BOOST_TEST(f.dialed(s) == std::vector<std::string>{"+14155550101"});
    BOOST_TEST((s.source == Source::pagerduty));
    BOOST_TEST(access((f.dir.path + "/created").c_str(), F_OK) != 0);
    std::string kept;
    std::ifstream in(victim);
    std::getline(in, kept);
    BOOST_TEST(kept == "precious");
    std::string notes;
    for (const auto &n : own_dir_take_notes()) notes += n + "\n";
    BOOST_TEST(notes.find(cache + "oncalls-escalation_policy-PEP1.json: a symbolic link") != std::string::npos, notes);
}

BOOST_AUTO_TEST_CASE(an_entry_of_another_user_is_ignored)
{
    if (geteuid() != 0) {
        BOOST_TEST_MESSAGE("not root: cannot give a file away; skipped");
        return;
    }
    Fixture f;
    own_dir_take_notes();
    const std::string oncalls = f.dir.path + "/cache/oncalls-escalation_policy-PEP1.json";
    plant(oncalls, mallory_oncalls, f.now, f.now + 60);
    plant(f.dir.path + "/cache/phone-methods-PU9.json", mallory_phones, f.now, f.now + 3600);
    BOOST_REQUIRE(chown(oncalls.c_str(), 65534, 65534) == 0);
    f.fake.replies["/oncalls"] = {503, "", "", -1};
    // Neither fresh nor standing in when PagerDuty fails.
    Snapshot s = f.ask();
    BOOST_TEST(f.dialed(s).empty());
    std::string notes;
    for (const auto &n : own_dir_take_notes()) notes += n + "\n";
    BOOST_TEST(notes.find(oncalls + ": it belongs to ") != std::string::npos, notes);
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
                      {oncalls_to_json({{1, "PU1", "Ada Lovelace", ""}}), f.now, f.now + 60});
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
