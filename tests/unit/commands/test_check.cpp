#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "base_config.hpp"
#include "commands/check.hpp"
#include "config/hours.hpp"

using namespace pdcf;

namespace {

Route route(const std::string &fallback = "")
{
    Route r;
    r.name = "ops";
    r.number = "+14155550100";
    r.kind = TargetKind::escalation_policy;
    r.target = "PEP1";
    r.call.fallback_number = fallback;
    return r;
}

const HttpReply known = {200, R"({"escalation_policy": {"id": "PEP1", "name": "Platform"}})", ""};

Snapshot found(std::vector<Callee> callees, std::string problem = "", bool failed = false)
{
    Snapshot s;
    if (!callees.empty()) s.levels.push_back({1, std::move(callees)});
    s.problem = std::move(problem);
    s.oncalls_failed = failed;
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(check)

BOOST_AUTO_TEST_CASE(a_route_that_reaches_its_on_call)
{
    CheckRow r = check_row(route(), known, found({{"Ada Lovelace", "+14155550101"}, {"Grace", "+14155550102"}}));
    BOOST_TEST(r.ok);
    BOOST_TEST(r.target == "escalation policy PEP1 (Platform)");
    BOOST_TEST(r.on_call == "Ada Lovelace, Grace");
    BOOST_TEST(r.dials == "+*******0101,+*******0102");
    BOOST_TEST(r.problem == "-");
}

BOOST_AUTO_TEST_CASE(the_number_column_says_how_a_route_is_reached)
{
    Route r = route();
    r.number.clear();
    BOOST_TEST(check_row(r, known, Snapshot{}).number == "(any other)");
    r.behind_menu = true;
    BOOST_TEST(check_row(r, known, Snapshot{}).number == "(by menu)");
}

BOOST_AUTO_TEST_CASE(unknown_target_is_a_problem_even_with_a_fallback)
{
    CheckRow r = check_row(route("+14155550199"), {404, R"({"error":{"message":"Not Found"}})", ""}, Snapshot{});
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.problem == "unknown escalation policy PEP1: check the id");
    BOOST_TEST(r.dials == "+*******0199 (fallback_number)");
}

BOOST_AUTO_TEST_CASE(no_usable_phone_is_a_problem_even_when_level_two_answers)
{
    CheckRow r = check_row(route(), known, found({{"Bob", "+14155550102"}}, "Ada (PU1) has no usable phone contact method"));
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.on_call == "Bob");
    BOOST_TEST(r.problem == "Ada (PU1) has no usable phone contact method");
    r = check_row(route("+14155550199"), known, found({}, "Ada (PU1) has no usable phone contact method"));
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.on_call == "-");
}

BOOST_AUTO_TEST_CASE(a_lines_own_number_skipped_is_not_pagerduty_failing)
{
    // Ada's contact methods could not be read; Bob's phone is the number
    // called.  PagerDuty named someone: the row says what went wrong
    // without blaming PagerDuty for the number we skip.
    Snapshot s = found({{"Bob", "+14155550100"}}, "Ada: GET /users/PU1/contact_methods: HTTP 503");
    s.contacts_failed = true;
    CheckRow r = check_row(route(), known, s);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.on_call == "-");
    BOOST_TEST(r.problem == "Ada: GET /users/PU1/contact_methods: HTTP 503; Bob's phone is the called number itself; skipped");
    // Nobody named at all: that is PagerDuty failing.
    s.levels.clear();
    BOOST_TEST(check_row(route(), known, s).problem == "pagerduty: Ada: GET /users/PU1/contact_methods: HTTP 503");
}

BOOST_AUTO_TEST_CASE(pagerduty_failures)
{
    CheckRow r = check_row(route(), {401, R"({"error":{"message":"Unauthorized"}})", ""}, Snapshot{});
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.problem == "pagerduty: GET /escalation_policies/PEP1: HTTP 401 (Unauthorized): check [pagerduty] token");
    r = check_row(route(), known, found({}, "GET /oncalls: HTTP 500", true));
    BOOST_TEST(r.problem == "pagerduty: GET /oncalls: HTTP 500");
}

BOOST_AUTO_TEST_CASE(table_is_aligned_by_characters)
{
    CheckRow a = check_row(route(), known, found({{"Zoë", "+14155550101"}}));
    Route other = route();
    other.name = "database";
    other.number = "";
    other.kind = TargetKind::schedule;
    CheckRow b = check_row(other, {200, R"({"schedule": {"summary": "DB"}})", ""}, found({}, "nobody is on call"));
    std::string t = check_table({a, b});
    BOOST_TEST(t ==
               "ROUTE     NUMBER        TARGET                             ON CALL NOW  DIALS         PROBLEM\n"
               "ops       +14155550100  escalation policy PEP1 (Platform)  Zoë          +*******0101  -\n"
               "database  (any other)   schedule PEP1 (DB)                 -            -             nobody is on call\n");
}

BOOST_AUTO_TEST_CASE(names_from_pagerduty_cannot_forge_a_row_or_move_the_cursor)
{
    CheckRow a = check_row(route(), {200, R"({"escalation_policy": {"name": "Ops\nforged  +1  x  y  OK"}})", ""},
                           found({{"Eve\x1b[2K\rops  +14155550100  fine", "+14155550101"}}));
    std::string t = check_table({a});
    BOOST_TEST(t.find('\x1b') == std::string::npos, t);
    BOOST_TEST(std::count(t.begin(), t.end(), '\n') == 2, t);  // the header and one row
    BOOST_TEST(t.find("Ops\\x0aforged") != std::string::npos, t);
    BOOST_TEST(t.find("Eve\\x1b[2K\\x0dops") != std::string::npos, t);
}

BOOST_AUTO_TEST_CASE(menu_lines_show_where_each_key_leads_now)
{
    Menu m;
    m.name = "main";
    m.number = "+14155550150";
    m.prompt = "For Platform, press 1. For Database, press 2. To leave a message, press 0.";
    m.entries = {{'1', "ops"}, {'2', "db"}, {'0', ""}};
    m.call.routing_key = "MKEY";
    Route db = route();
    db.name = "db";
    db.number = "+14155550111";
    std::vector<CheckRow> rows = {check_row(route(), known, found({{"Ada Lovelace", "+14155550101"}})),
                                  check_row(db, known, found({}, "nobody is on call"))};
    BOOST_TEST(check_menu(m, rows) ==
               "MENU main (+14155550150): \"For Platform, press 1. For Database, press 2. To leave a message, press 0.\"\n"
               "KEY   LEADS TO             ON CALL NOW   DIALS         PROBLEM\n"
               "1     route ops            Ada Lovelace  +*******0101  -\n"
               "2     route db             -             -             nobody is on call\n"
               "0     voicemail            -             -             -\n"
               "none  voicemail (default)  -             -             -\n");
}

BOOST_AUTO_TEST_CASE(menu_voicemail_without_routing_key_and_a_default_route)
{
    Menu m;
    m.name = "main";
    m.prompt = "Press 1 or 0.";
    m.entries = {{'1', "ops"}, {'0', ""}};
    m.fallback = {'\0', "ops"};
    std::vector<CheckRow> rows = {check_row(route(), known, found({{"Ada Lovelace", "+14155550101"}}))};
    BOOST_TEST(check_menu(m, rows) ==
               "MENU main (any other number): \"Press 1 or 0.\"\n"
               "KEY   LEADS TO             ON CALL NOW   DIALS         PROBLEM\n"
               "1     route ops            Ada Lovelace  +*******0101  -\n"
               "0     unavailable_message  -             -             no routing_key, so no voicemail\n"
               "none  route ops (default)  Ada Lovelace  +*******0101  -\n");
    // The default voicemail without a key is the unavailable message too.
    m.fallback = {'\0', ""};
    std::string out = check_menu(m, rows);
    BOOST_TEST(out.substr(out.rfind("none")) ==
               "none  unavailable_message (default)  -             -             no routing_key, so no voicemail\n");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(check_dial)

BOOST_AUTO_TEST_CASE(a_dial_route_shows_its_numbers_masked_and_is_fine)
{
    Route desk;
    desk.name = "desk";
    desk.number = "+14155550100";
    desk.kind = TargetKind::numbers;
    desk.dial = {"+14155550140", "+14155550141"};
    CheckRow row = check_dial_row(desk);
    BOOST_TEST(row.target == "dial");
    BOOST_TEST(row.dials == "+*******0140,+*******0141");
    BOOST_TEST(row.ok);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(check_hours_table)

BOOST_AUTO_TEST_CASE(each_line_that_keeps_hours_says_what_answers_now_and_when_that_changes)
{
    using testing::set_key;
    std::string text = set_key(set_key(set_key(set_key(testing::base_config, "route:ops", "hours", "Mon-Fri 08:00-18:00"),
                                               "route:ops", "after_hours", "db"),
                                       "route:ops", "holidays", "2026-12-24, 2026-12-25"),
                               "call", "time_zone", "Europe/Berlin");
    text = set_key(set_key(text, "route:db", "hours", "Mon-Sun 07:00-22:00"), "route:db", "after_hours", "voicemail");
    text = set_key(text, "route:db", "routing_key", "RKEY");
    ConfigResult r = config_parse(text, "/t.ini", [](const std::string &, std::size_t) -> Result<std::string> {
        return fail("no files");
    });
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const auto berlin = *zone_find("Europe/Berlin");
    const std::string wednesday_evening = check_hours(r.config, *local_time_parse("2026-12-23 19:00", berlin));
    BOOST_TEST(wednesday_evening ==
               "LINE       HOURS                                            NOW               NEXT CHANGE\n"
               "route ops  Mon-Fri 08:00-18:00 (Europe/Berlin, 2 holidays)  closed: route db  Mon 2026-12-28 08:00 CET: open\n"
               "route db   Mon-Sun 07:00-22:00 (Europe/Berlin)              open              Wed 2026-12-23 22:00 CET: closed: voicemail\n",
               wednesday_evening);
    // ops' own change is its opening after the holidays; db's row says when
    // its evening ends.  Without a line that keeps hours, nothing is said.
    BOOST_TEST(check_hours(Config{}, 0).empty());
}

BOOST_AUTO_TEST_SUITE_END()
