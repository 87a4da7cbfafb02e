#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "commands/readiness.hpp"
#include "config/hours.hpp"
#include "files.hpp"
#include "handler_fixture.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;

namespace {

// A week from Tuesday 1 December 2026, 10:00 in Berlin (09:00 UTC).
const long long since = *local_time_parse("2026-12-01 09:00", nullptr);
const long long until = since + 7 * 86400;

std::string at(const std::string &utc) { return utc.substr(0, 10) + "T" + utc.substr(11) + ":00Z"; }

// An /oncalls entry with its shift.
OnCall shift(int level, const std::string &user, const std::string &name, const std::string &start,
             const std::string &end)
{
    OnCall s;
    s.level = level;
    s.user_id = user;
    s.name = name;
    s.start = start.empty() ? "" : at(start);
    s.end = end.empty() ? "" : at(end);
    return s;
}

PhonesAnswer phones_of(std::vector<Phone> phones)
{
    PhonesAnswer a;
    a.phones = std::move(phones);
    return a;
}

Phone phone(const std::string &number, PhoneState state = PhoneState::usable)
{
    Phone p;
    p.number = number;
    p.state = state;
    return p;
}

Route ops()
{
    Route r;
    r.name = "ops";
    r.target = "PEP1";
    r.lines = {{"+14155550100", "route:ops"}};
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(readiness)

BOOST_AUTO_TEST_CASE(a_shift_nobody_can_dial_and_a_level_without_anyone_are_found)
{
    const std::vector<OnCall> shifts = {
        // Level 1: Ada until Tuesday the 8th; Nora, whose only phone is
        // disabled, from Monday 7th 09:00 (a shift change inside the week).
        shift(1, "PADA", "Ada Lovelace", "2026-11-24 09:00", "2026-12-07 09:00"),
        shift(1, "PNORA", "Nora Nophone", "2026-12-07 09:00", "2026-12-14 09:00"),
        // Level 2: Grace, but only until Thursday; nobody after.
        shift(2, "PGRACE", "Grace Hopper", "", "2026-12-03 18:00"),
        // Level 3: Linus, whose only phone is the line's own number.
        shift(3, "PLINUS", "Linus Db", "", ""),
    };
    const PhonesByUser phones = {
        {"PADA", phones_of({phone("+14155550101")})},
        {"PNORA", phones_of({phone("+14155550102", PhoneState::disabled)})},
        {"PGRACE", phones_of({phone("+14155550103")})},
        {"PLINUS", phones_of({phone("+14155550100")})},
    };
    auto found = readiness_findings(ops(), shifts, phones, since, until);
    BOOST_TEST_REQUIRE(found.size() == 3u);
    // In start order: Linus's whole week, Grace's gap, Nora's shift.
    BOOST_TEST(found[0].level == 3);
    BOOST_TEST(found[0].who == "Linus Db");
    BOOST_TEST(found[0].problem == "no phone to dial: +*******0100 is the number of [route:ops]");
    BOOST_TEST(found[1].level == 2);
    BOOST_TEST(found[1].who.empty());
    BOOST_TEST(found[1].problem == "nobody on call");
    BOOST_TEST(found[1].start == *local_time_parse("2026-12-03 18:00", nullptr));
    BOOST_TEST(found[1].end == until);
    BOOST_TEST(found[2].who == "Nora Nophone");
    BOOST_TEST(found[2].problem == "no phone to dial: 1 disabled");
    BOOST_TEST(found[2].start == *local_time_parse("2026-12-07 09:00", nullptr));
    BOOST_TEST(found[2].end == until);  // clipped to the window
}

BOOST_AUTO_TEST_CASE(a_week_fully_covered_by_dialable_people_has_no_finding)
{
    const std::vector<OnCall> shifts = {shift(1, "PADA", "Ada Lovelace", "", "2026-12-04 09:00"),
                                        shift(1, "PGRACE", "Grace Hopper", "2026-12-04 09:00", "")};
    const PhonesByUser phones = {{"PADA", phones_of({phone("+14155550101")})},
                                 {"PGRACE", phones_of({phone("+14155550103")})}};
    BOOST_TEST(readiness_findings(ops(), shifts, phones, since, until).empty());
}

BOOST_AUTO_TEST_CASE(no_shifts_at_all_is_a_gap_at_level_one_and_no_phones_is_said)
{
    auto empty = readiness_findings(ops(), {}, {}, since, until);
    BOOST_TEST_REQUIRE(empty.size() == 1u);
    BOOST_TEST(empty[0].level == 1);
    BOOST_TEST(empty[0].start == since);
    BOOST_TEST(empty[0].end == until);
    PhonesAnswer failed;
    failed.failed = true;
    failed.problem = "GET /users/PADA/contact_methods: HTTP 500";
    auto none = readiness_findings(ops(), {shift(1, "PADA", "Ada", "", ""), shift(1, "PNONE", "Nobody", "", "")},
                                   {{"PADA", failed}, {"PNONE", phones_of({})}}, since, until);
    BOOST_TEST_REQUIRE(none.size() == 2u);
    BOOST_TEST(none[0].problem == "PagerDuty did not say their phones: GET /users/PADA/contact_methods: HTTP 500");
    BOOST_TEST(none[1].problem == "no phone contact method");
}

BOOST_AUTO_TEST_CASE(a_level_of_the_policy_nobody_is_on_all_week_is_a_gap)
{
    const std::vector<OnCall> shifts = {shift(1, "PADA", "Ada Lovelace", "", "")};
    const PhonesByUser phones = {{"PADA", phones_of({phone("+14155550101")})}};
    BOOST_TEST(readiness_findings(ops(), shifts, phones, since, until).empty());
    auto found = readiness_findings(ops(), shifts, phones, since, until, true, 2);
    BOOST_TEST_REQUIRE(found.size() == 1u);
    BOOST_TEST(found[0].level == 2);
    BOOST_TEST(found[0].start == since);
    BOOST_TEST(found[0].end == until);
    // The run reads the policy's levels from its escalation_rules.
    Fixture f;
    f.ctx.epoch_seconds = [] { return since; };
    f.pd.replies["/escalation_policies/PEP1"] = {200, R"({"escalation_policy": {"id": "PEP1", "escalation_rules": [{}, {}]}})", ""};
    f.pd.replies["/schedules/PSDB"] = {200, R"({"schedule": {"final_schedule": {"rendered_schedule_entries": [{"start": "2026-12-01T09:00:00Z", "end": "2026-12-08T09:00:00Z", "user": {"id": "PU1", "summary": "Ada Lovelace"}}]}}})", ""};
    Captured out;
    BOOST_TEST(readiness_run(f.ctx, 7 * 86400, false, out.file) == 1);
    BOOST_TEST(out.str().find("ops    2      Tue 2026-12-01 09:00 UTC  Tue 2026-12-08 09:00 UTC  -    nobody on call") !=
                   std::string::npos, out.str());
}

BOOST_AUTO_TEST_CASE(an_answer_cut_short_finds_no_gap_and_a_bad_time_covers_nothing)
{
    const std::vector<OnCall> shifts = {shift(1, "PADA", "Ada Lovelace", "", "2026-12-03 09:00")};
    const PhonesByUser phones = {{"PADA", phones_of({phone("+14155550101")})}};
    BOOST_TEST(readiness_findings(ops(), shifts, phones, since, until, false).empty());
    BOOST_TEST(readiness_findings(ops(), shifts, phones, since, until, true).size() == 1u);
    OnCall bad = shifts[0];
    bad.end = "soon";
    auto found = readiness_findings(ops(), {bad}, phones, since, until);
    BOOST_TEST_REQUIRE(found.size() == 2u);  // the bad time, and the gap it does not hide
    BOOST_TEST(found[0].problem == "PagerDuty gave a shift time that is not one");
    BOOST_TEST(found[1].problem == "nobody on call");
}

BOOST_AUTO_TEST_CASE(the_table_gives_times_in_the_routes_zone_and_the_alert_is_one_a_day)
{
    auto r = config_parse(testing::set_key(testing::base_config, "call", "time_zone", "Europe/Berlin"), "/t.ini",
                          [](const std::string &, std::size_t) -> Result<std::string> { return fail("no files"); });
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const std::vector<Finding> found = {{"ops", 1, *local_time_parse("2026-12-07 09:00", nullptr), until, "Nora Nophone",
                                         "no phone to dial: 1 disabled"}};
    const std::string table = readiness_table(r.config, found, since, until);
    BOOST_TEST(table ==
               "ON-CALL READINESS, the next 7 days (to Tue 2026-12-08 10:00 CET)\n"
               "ROUTE  LEVEL  FROM                      UNTIL                     WHO           PROBLEM\n"
               "ops    1      Mon 2026-12-07 10:00 CET  Tue 2026-12-08 10:00 CET  Nora Nophone  no phone to dial: 1 disabled\n"
               "1 finding.\n",
               table);
    BOOST_TEST(readiness_table(r.config, {}, since, until).find("Every shift can be dialed") != std::string::npos);

    Alert a = readiness_alert(r.config, r.config.routes[0].call, "2026-12-01", found, 7 * 86400);
    BOOST_TEST((a.kind == AlertKind::readiness));
    BOOST_TEST(a.call_sid == "readiness-2026-12-01");
    auto event = nlohmann::json::parse(a.body);
    BOOST_TEST(event["dedup_key"] == "readiness-2026-12-01");
    BOOST_TEST(event["routing_key"] == "RKEY");
    BOOST_TEST(event["payload"]["severity"] == "warning");
    BOOST_TEST(event["payload"]["summary"] == "On-call readiness: 1 problem in the next 7 days (ops)");
    BOOST_TEST(event["payload"]["custom_details"]["findings"][0] ==
               "route ops, level 1, Mon 2026-12-07 10:00 CET to Tue 2026-12-08 10:00 CET: Nora Nophone: no phone to dial: 1 disabled");
}


BOOST_AUTO_TEST_CASE(the_run_asks_every_shift_and_phone_once_and_notifies_once)
{
    Fixture f(testing::set_key(testing::base_config, "call", "routing_key", "CALLKEY"));
    f.ctx.epoch_seconds = [] { return since; };
    // ops: Ada all week; db's schedule: Nora from Monday, with a disabled phone.
    f.pd.replies["/oncalls"] = {200, F::page({F::entry(1, "PU1", "Ada Lovelace")}), ""};
    f.pd.replies["/schedules/PSDB"] = {200, R"({"schedule": {"id": "PSDB", "final_schedule": {"name": "Final Schedule",)"
                                            R"( "rendered_schedule_entries": [{"start": "2026-12-01T09:00:00Z", "end": "2026-12-07T09:00:00Z",)"
                                            R"( "user": {"id": "PU1", "type": "user_reference", "summary": "Ada Lovelace"}},)"
                                            R"( {"start": "2026-12-07T09:00:00Z", "end": "2026-12-08T09:00:00Z",)"
                                            R"( "user": {"id": "PU9", "type": "user_reference", "summary": "Nora Nophone"}}]}}})", ""};
    f.pd.phones("PU9", {R"({"type": "phone_contact_method", "country_code": 1, "address": "4155550109", "label": "Mobile", "blacklisted": false, "enabled": false})"});
    Captured out;
    BOOST_TEST(readiness_run(f.ctx, 7 * 86400, true, out.file) == 1);
    const std::string text = out.str();
    BOOST_TEST(text.find("db     1      Mon 2026-12-07 09:00 UTC") != std::string::npos, text);
    BOOST_TEST(text.find("Nora Nophone  no phone to dial: 1 disabled") != std::string::npos, text);
    BOOST_TEST(text.find("--notify: alert readiness-2026-12-01: ") != std::string::npos, text);
    // The policy asked for the whole week, every shift; each person's phones once.
    BOOST_TEST_REQUIRE(!f.pd.requests.empty());
    BOOST_TEST(f.pd.requests[0] == "/oncalls?escalation_policy_ids%5B%5D=PEP1"
                                   "&since=2026-12-01T09%3A00%3A00Z&until=2026-12-08T09%3A00%3A00Z&limit=100&offset=0");
    BOOST_TEST(std::count(f.pd.requests.begin(), f.pd.requests.end(), "/users/PU1/contact_methods") == 1);
    BOOST_TEST_REQUIRE(f.delivered.size() == 1u);
    BOOST_TEST(nlohmann::json::parse(f.delivered[0].body)["routing_key"] == "CALLKEY");

    // All well: exit 0, nothing raised.
    Fixture g;
    g.ctx.epoch_seconds = [] { return since; };
    g.pd.replies["/schedules/PSDB"] = {200, R"({"schedule": {"final_schedule": {"rendered_schedule_entries": [{"start": "2026-12-01T09:00:00Z", "end": "2026-12-08T09:00:00Z", "user": {"id": "PU1", "summary": "Ada Lovelace"}}]}}})", ""};
    Captured fine;
    BOOST_TEST(readiness_run(g.ctx, 7 * 86400, true, fine.file) == 0, fine.str());
    BOOST_TEST(g.delivered.empty());
}

BOOST_AUTO_TEST_SUITE_END()
