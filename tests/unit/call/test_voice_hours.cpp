// Calls and texts steered by a line's hours (config/hours.hpp): ops keeps
// office hours in Berlin and hands the rest to db, the schedule.
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "config/hours.hpp"
#include "handler_fixture.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;
using pdcf::testing::set_key;

namespace {

const std::string office = "hours = Mon-Fri 08:00-18:00\ntime_zone = Europe/Berlin\nholidays = 2026-12-24\n";

long long berlin(const std::string &local) { return *local_time_parse(local, *zone_find("Europe/Berlin")); }

// The fixture at a Berlin time.
void at(Fixture &f, const std::string &local)
{
    f.ctx.epoch_seconds = [t = berlin(local)] { return t; };
}

bool asked(const Fixture &f, const std::string &part)
{
    for (const auto &q : f.pd.requests)
        if (contains(q, part)) return true;
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(handler)

BOOST_AUTO_TEST_CASE(by_day_the_line_rings_its_own_policy_and_after_hours_the_other_route)
{
    for (const std::string when : {"2026-12-02 10:00", "2026-12-02 18:00", "2026-12-05 10:00", "2026-12-24 10:00"}) {
        Fixture f(ops_with(office + "after_hours = db\n"));
        BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
        at(f, when);
        Response r = f.run(f.post());
        BOOST_TEST(r.status == 200);
        const bool day = when == "2026-12-02 10:00";
        BOOST_TEST(f.log.route == (day ? "ops" : "db"), when);
        BOOST_TEST(asked(f, "escalation_policy_ids") == day, when);
        BOOST_TEST(asked(f, "/schedules/PSDB") == !day, when);
        BOOST_TEST(contains(f.log.reason, "ops closed (Mon-Fri 08:00-18:00, Europe/Berlin); after_hours db") == !day,
                   when << ": " << f.log.reason);
        // The hunt's own URLs name the route that answers, so its callbacks
        // stay with it when the hours change mid-call.
        XmlDoc x(r.body);
        BOOST_TEST(contains(x.eval("string(/Response/Dial/@action)"), day ? "route=ops" : "route=db"), when);
    }
}

BOOST_AUTO_TEST_CASE(after_hours_voicemail_records_without_asking_pagerduty)
{
    Fixture f(ops_with(office + "after_hours = voicemail\nvoicemail_prompt = We are closed. Leave a message.\n"));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    at(f, "2026-12-02 22:00");
    XmlDoc x(f.run(f.post()).body);
    BOOST_TEST(x.eval("string(/Response/Say)") == "We are closed. Leave a message.");
    BOOST_TEST(contains(x.eval("string(/Response/Record/@action)"), "route=ops"));
    BOOST_TEST(f.pd.requests.empty());
    BOOST_TEST(f.log.outcome == Outcome::voicemail);
    BOOST_TEST(contains(f.log.reason, "after_hours voicemail"), f.log.reason);
}

BOOST_AUTO_TEST_CASE(a_refused_caller_is_refused_after_hours_too)
{
    Fixture f(ops_with(office + "after_hours = voicemail\nblock_callers = +14155559876\n"));
    at(f, "2026-12-02 22:00");
    XmlDoc x(f.run(f.post()).body);
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(x.all("/Response/Record").empty());
}

BOOST_AUTO_TEST_CASE(a_closed_menu_and_a_closed_choice_follow_their_after_hours)
{
    std::string config = ops_with(office + "after_hours = db\n") + menu_config.substr(base_config.size());
    config = set_key(set_key(set_key(config, "menu:main", "hours", "Mon-Fri 09:00-17:00"), "menu:main", "after_hours", "ops"),
                     "menu:main", "time_zone", "Europe/Berlin");
    {
        // 17:30: the menu is closed; ops, its after_hours, still open.
        Fixture f(config);
        BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
        at(f, "2026-12-02 17:30");
        f.run(f.post(to_number("+14155550150")));
        BOOST_TEST(f.log.route == "ops");
        BOOST_TEST(f.log.outcome == Outcome::dial);
        BOOST_TEST(contains(f.log.reason, "main closed"), f.log.reason);
    }
    {
        // 20:00: ops is closed as well; its after_hours, db, answers.
        Fixture f(config);
        at(f, "2026-12-02 20:00");
        f.run(f.post(to_number("+14155550150")));
        BOOST_TEST(f.log.route == "db");
    }
    {
        // 10:00 the menu is open; key 1 at 18:30 (a long call) finds ops closed.
        Fixture f(config);
        at(f, "2026-12-02 10:00");
        std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");
        BOOST_TEST(f.log.outcome == Outcome::menu);
        at(f, "2026-12-02 18:30");
        f.run(f.callback(action, {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550150"}, {"Digits", "1"}}));
        BOOST_TEST(f.log.route == "db");
        BOOST_TEST(contains(f.log.reason, "menu main: key 1; ops closed"), f.log.reason);
    }
}

BOOST_AUTO_TEST_CASE(a_text_after_hours_goes_where_a_call_would)
{
    Fixture f(ops_with(office + "after_hours = voicemail\n"));
    at(f, "2026-12-24 10:00");
    f.run(f.callback(script + "/sms", text_to("+14155550100", "Is the site down?")));
    // Nobody is texted: the text becomes an alert, as when nobody is on call.
    BOOST_TEST(f.log.texted.empty());
    BOOST_TEST_REQUIRE(f.delivered.size() == 1u);
    BOOST_TEST(contains(f.delivered[0].body, "Is the site down?"), f.delivered[0].body);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(the_status_callback_keeps_to_the_route_the_call_began_with_whatever_the_hour_then)
{
    // db takes ops' calls after hours and alerts through its own key.
    const std::string text = set_key(ops_with(office + "after_hours = db\n"), "route:db", "routing_key", "DBKEY");
    const Params ended = {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                          {"CallStatus", "completed"}, {"CallDuration", "190"}};
    const auto key_of = [](const Alert &a) { return nlohmann::json::parse(a.body)["routing_key"].get<std::string>(); };
    {
        // 17:58, open: the desk's call; it ends unanswered at 18:01.
        Fixture f(text);
        at(f, "2026-12-02 17:58");
        f.run(f.post());
        BOOST_TEST(f.log.route == "ops");
        at(f, "2026-12-02 18:01");
        f.run(f.callback(script + "/voice/status", ended));
        BOOST_TEST(f.log.route == "ops");
        BOOST_TEST_REQUIRE(f.held.size() == 1u);
        BOOST_TEST(key_of(f.held[0].first) == "RKEY");
    }
    {
        // 07:58, closed: db's call, still db's when it ends at 08:01.
        Fixture f(text);
        at(f, "2026-12-02 07:58");
        f.run(f.post());
        BOOST_TEST(f.log.route == "db");
        at(f, "2026-12-02 08:01");
        f.run(f.callback(script + "/voice/status", ended));
        BOOST_TEST(f.log.route == "db");
        BOOST_TEST_REQUIRE(f.held.size() == 1u);
        BOOST_TEST(key_of(f.held[0].first) == "DBKEY");
    }
}

BOOST_AUTO_TEST_CASE(the_closed_lines_own_caller_lists_still_apply)
{
    // ops blocks the caller; at night its calls go to db, which does not.
    const std::string text = ops_with(office + "after_hours = db\nblock_callers = +14155559876\n");
    Fixture f(set_key(text, "route:db", "routing_key", "DBKEY"));
    at(f, "2026-12-02 22:00");
    XmlDoc x(f.run(f.post()).body);
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(x.all("/Response/Dial").empty());
    // Nor does its status callback page db, whose lists would let it in.
    f.run(f.callback(script + "/voice/status", {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                                                {"CallStatus", "busy"}}));
    BOOST_TEST(f.held.empty());
    BOOST_TEST(f.delivered.empty());
    // One the line does not allow hears the line's own words.
    Fixture office_only(set_key(ops_with(office + "after_hours = db\nallow_callers = +1212\n"
                                                   "rejected_message = The ops line takes calls from the office only.\n"),
                                "route:db", "rejected_message", "Not the db words."));
    at(office_only, "2026-12-02 22:00");
    XmlDoc refused(office_only.run(office_only.post()).body);
    BOOST_TEST(refused.eval("string(/Response/Say)") == "The ops line takes calls from the office only.");
    Fixture g(text);
    at(g, "2026-12-02 22:00");
    g.run(g.callback(script + "/sms", text_to("+14155550100", "hello")));
    BOOST_TEST(g.log.texted.empty());
    BOOST_TEST(g.log.route == "ops");
    // Through a menu: the chosen route's lists, then its after_hours.
    std::string menu = text + menu_config.substr(base_config.size());
    Fixture m(menu);
    at(m, "2026-12-02 22:00");
    std::string action = XmlDoc(m.run(m.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");
    m.run(m.callback(action, {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550150"}, {"Digits", "1"}}));
    BOOST_TEST(m.log.route == "ops");
    BOOST_TEST(m.log.outcome == Outcome::blocked);
}

BOOST_AUTO_TEST_CASE(the_greeting_and_whisper_say_the_engineers_local_time)
{
    Fixture f(ops_with("greeting = It is {local_time} for {name}.\nwhisper = It is {local_time}. Press 1.\n"));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    f.ctx.epoch_seconds = [] { return *local_time_parse("2026-12-02 12:10", nullptr); };
    std::string ada = F::entry(1, "PU1", "Ada Lovelace");
    ada.replace(ada.find(R"("type": "user_reference")"), 24, R"("type": "user", "time_zone": "America/Los_Angeles")");
    f.pd.oncalls({ada});
    XmlDoc x(f.run(f.post()).body);
    BOOST_TEST(x.eval("string(/Response/Say)") == "It is 4:10 in the morning for Ada Lovelace.");
    const std::string screen = x.eval("string(/Response/Dial/Number/@url)");
    BOOST_TEST(contains(screen, "&tz=America%2FLos_Angeles"), screen);
    XmlDoc whisper(f.run(f.callback(screen, {{"CallSid", "CA0002"}, {"ParentCallSid", "CA0001"}, {"To", "+14155550101"}})).body);
    BOOST_TEST(whisper.eval("string(/Response/Gather/Say)") == "It is 4:10 in the morning. Press 1.");
}

BOOST_AUTO_TEST_CASE(after_hours_voicemail_needs_a_routing_key)
{
    std::string text = ops_with(office + "after_hours = voicemail\n");
    text.erase(text.find("routing_key = RKEY\n"), 19);
    Fixture f(text);
    BOOST_TEST(!f.config.ok());
    BOOST_TEST(f.config.summary().find("[route:ops] after_hours: voicemail needs a routing_key") != std::string::npos,
               f.config.summary());
}

BOOST_AUTO_TEST_SUITE_END()
