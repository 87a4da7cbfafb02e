// Routes that ring fixed numbers (`dial`) instead of PagerDuty's on-call,
// and a key customer's own route (`callers`).
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "handler_fixture.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;

namespace {

// db, by the desk's two phones instead of its schedule.
std::string desk(const std::string &more = "")
{
    std::string text = base_config;
    text.replace(text.find("schedule = PSDB\n"), 16, "dial = +14155550140, +14155550141\ntitle = Service desk\n" + more);
    return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(handler)

BOOST_AUTO_TEST_CASE(a_dial_route_rings_its_numbers_screened_without_asking_pagerduty)
{
    Fixture f(desk());
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    Response r = f.run(f.post(to_number("+14155550111")));
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.all("/Response/Dial/Number") == (std::vector<std::string>{"+14155550140", "+14155550141"}));
    // Screened as any route: each number's url plays the whisper first.
    BOOST_TEST(contains(x.eval("string(/Response/Dial/Number[1]/@url)"), "/voice/screen?"));
    BOOST_TEST(contains(x.eval("string(/Response/Dial/Number[1]/@url)"), "name=Service%20desk"));
    BOOST_TEST(f.pd.requests.empty());
    BOOST_TEST(f.log.outcome == Outcome::dial);
    BOOST_TEST(f.log.source == "dial");
    BOOST_TEST(f.log.route == "db");
}

BOOST_AUTO_TEST_CASE(a_dial_route_rings_in_turn_then_falls_back_and_takes_voicemail)
{
    Fixture f(desk("ring = in-turn\nfallback_number = +14155550199\nrouting_key = RKEY\n"));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    XmlDoc first(f.run(f.post(to_number("+14155550111"))).body);
    BOOST_TEST(first.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550140"});
    std::string action = first.eval("string(/Response/Dial/@action)");
    const Params no_answer = {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550111"},
                              {"DialCallStatus", "no-answer"}};
    XmlDoc second(f.run(f.callback(action, no_answer)).body);
    BOOST_TEST(second.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550141"});
    XmlDoc third(f.run(f.callback(second.eval("string(/Response/Dial/@action)"), no_answer)).body);
    BOOST_TEST(third.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550199"});
    XmlDoc fourth(f.run(f.callback(third.eval("string(/Response/Dial/@action)"), no_answer)).body);
    BOOST_TEST(fourth.all("/Response/Record").size() == 1u);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(a_text_to_a_dial_route_becomes_an_alert)
{
    Fixture f(desk("routing_key = RKEY\n"));
    XmlDoc x(f.run(f.callback(script + "/sms", text_to("+14155550111", "printer on fire"))).body);
    BOOST_TEST(x.all("/Response/Message/@to").empty());
    BOOST_TEST(f.log.texted.empty());
    BOOST_TEST_REQUIRE(f.delivered.size() == 1u);
    BOOST_TEST(contains(f.delivered[0].body, "printer on fire"));
    BOOST_TEST(f.pd.requests.empty());
}

// A key customer's calls, from +44207..., reach db (its schedule) whichever
// line they dial.
std::string with_vip() { return base_config + "callers = +44207\n" + menu_config.substr(base_config.size()); }

BOOST_AUTO_TEST_CASE(a_key_customers_call_reaches_their_own_route_whichever_line_they_dial)
{
    for (const auto &[to, query] : std::vector<std::pair<std::string, std::string>>{
             {"+14155550100", ""}, {"+14155550150", ""}, {"+14155550100", "route=ops"}, {"+14155550100", "menu=main"}}) {
        Fixture f(with_vip());
        BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
        XmlDoc x(f.run(f.post(to_number(to, "+442079460958"), query)).body);
        BOOST_TEST(f.log.route == "db", to << " " << query);
        BOOST_TEST(f.log.outcome == Outcome::dial, to << " " << query);
        BOOST_TEST(contains(f.log.reason, "the caller is in the callers of route db"), f.log.reason);
        BOOST_TEST(contains(x.eval("string(/Response/Dial/@action)"), "route=db"));
    }
    // Anyone else still reaches the line they dialed.
    Fixture f(with_vip());
    f.run(f.post(to_number("+14155550150", "+442089460958")));
    BOOST_TEST(f.log.outcome == Outcome::menu);
    Fixture g(with_vip());
    g.run(g.post(to_number("+14155550100", "anonymous")));
    BOOST_TEST(g.log.route == "ops");
}

BOOST_AUTO_TEST_CASE(a_key_customers_text_reaches_their_own_route)
{
    Fixture f(with_vip());
    f.run(f.callback(script + "/sms", text_to("+14155550100", "our checkout is down", "+442079460958")));
    BOOST_TEST(f.log.route == "db");
    BOOST_TEST(f.log.outcome == Outcome::forwarded);
}

BOOST_AUTO_TEST_SUITE_END()
