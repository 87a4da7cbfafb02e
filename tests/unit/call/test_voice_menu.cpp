#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "files.hpp"
#include "handler_fixture.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(handler)

BOOST_AUTO_TEST_CASE(a_call_to_a_menu_number_hears_the_prompt)
{
    Fixture f(menu_config);
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    Response r = f.run(f.post(to_number("+14155550150")));
    BOOST_TEST(r.status == 200);
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("string(/Response/Gather/Say)") ==
               "For Platform, press 1. For db, press 2. To leave a message, press 0.");
    BOOST_TEST(x.eval("string(/Response/Gather/@actionOnEmptyResult)") == "true");
    BOOST_TEST(x.eval("string(/Response/Gather/@action)") ==
               script + "/voice/menu?menu=main&t=5000&try=1");
    BOOST_TEST(f.log.outcome == Outcome::menu);
    BOOST_TEST(f.log.route == "main");
    // Nobody is dialed yet, so PagerDuty waits for the choice.
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(menu_param_in_the_url_wins_over_the_number)
{
    Fixture f(menu_config);
    Response r = f.run(f.post(incoming, "menu=main"));  // To is ops' number
    BOOST_TEST(f.log.outcome == Outcome::menu);
    BOOST_TEST(f.log.route == "main");
    std::string action = XmlDoc(r.body).eval("string(/Response/Gather/@action)");
    BOOST_TEST(contains(action, "/voice/menu?menu=main&"), action);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(menu_key_two_dials_route_twos_on_call)
{
    Fixture f(menu_config);
    std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");
    Response r = f.run(f.callback(action, {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550150"},
                                           {"Digits", "2"}}));
    BOOST_TEST(r.status == 200);
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(f.log.outcome == Outcome::dial);
    BOOST_TEST(f.log.route == "db");
    BOOST_TEST(f.log.reason == "menu main: key 2");
    BOOST_TEST_REQUIRE(!f.pd.requests.empty());
    BOOST_TEST(f.pd.requests[0].rfind("/schedules/PSDB/users?", 0) == 0u, f.pd.requests[0]);
    BOOST_TEST(x.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(x.eval("string(/Response/Say)") == "Connecting you to Ada Lovelace.");
    // The hunt goes on as route db's, from the call's own start.
    std::string next = x.eval("string(/Response/Dial/@action)");
    BOOST_TEST(contains(next, "/voice/dial-status?route=db&t=5000&"), next);

    f.pd.requests.clear();
    f.run(f.callback(action, {{"CallSid", "CA0001"}, {"Digits", "1"}}));
    BOOST_TEST(f.log.route == "ops");
    BOOST_TEST(contains(f.pd.requests.at(0), "escalation_policy_ids%5B%5D=PEP1"), f.pd.requests.at(0));
}

BOOST_AUTO_TEST_CASE(menu_wrong_key_then_silence_then_the_default)
{
    Fixture f(menu_config);
    std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");

    XmlDoc again(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"Digits", "9"}})).body);
    BOOST_REQUIRE(again.ok());
    BOOST_TEST(f.log.outcome == Outcome::menu);
    BOOST_TEST(f.log.reason == "menu main: key 9 is not a choice (1 of 3)");
    BOOST_TEST(again.eval("string(/Response/Say)") == "Sorry, that is not one of the choices.");
    action = again.eval("string(/Response/Gather/@action)");
    BOOST_TEST(contains(action, "&try=2"), action);

    // No key: the prompt again, without the invalid message.
    XmlDoc silent(f.run(f.callback(action, {{"CallSid", "CA0001"}})).body);
    BOOST_TEST(f.log.reason == "menu main: no key (2 of 3)");
    BOOST_TEST(silent.eval("count(/Response/Say)") == "0");
    action = silent.eval("string(/Response/Gather/@action)");
    BOOST_TEST(contains(action, "&try=3"), action);

    // The last prompt unanswered: the default, the menu's voicemail.
    XmlDoc vm(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"Digits", ""}})).body);
    BOOST_TEST(f.log.outcome == Outcome::voicemail);
    BOOST_TEST(f.log.reason == "menu main: no key; default");
    BOOST_TEST(vm.eval("count(/Response/Record)") == "1");
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(menu_zero_leaves_a_message_for_the_menus_alert)
{
    Fixture f(menu_config);
    std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");
    XmlDoc vm(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"Digits", "0"}})).body);
    BOOST_TEST(f.log.outcome == Outcome::voicemail);
    BOOST_TEST(f.log.reason == "menu main: key 0");
    std::string ready = vm.eval("string(/Response/Record/@recordingStatusCallback)");
    BOOST_TEST(contains(ready, "route=main&"), ready);
    f.run(f.callback(ready, {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"},
                             {"RecordingUrl", "https://api.twilio.com/r/RE1"}, {"RecordingDuration", "9"}}));
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    BOOST_TEST(f.delivered[0].routing_key == "MKEY");
}

BOOST_AUTO_TEST_CASE(a_route_refuses_a_caller_the_menu_let_in)
{
    std::string text = menu_config;
    text.insert(text.find("unavailable_message = Nobody"), "allow_callers = +44\n");
    Fixture f(text);
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");
    BOOST_TEST(f.log.outcome == Outcome::menu);
    f.run(f.callback(action, {{"CallSid", "CA0001"}, {"Digits", "2"}}));
    BOOST_TEST(f.log.outcome == Outcome::refused);
    BOOST_TEST(f.pd.requests.empty());
    // The status callback comes for the menu's number, whose lists let the
    // caller in: the call is remembered as refused.
    f.run(f.callback(script + "/voice/status", {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550150"},
                                                {"CallStatus", "completed"}, {"CallDuration", "20"}}));
    BOOST_TEST(f.delivered.empty());
    BOOST_TEST(f.log.outcome == Outcome::ignored);
}

BOOST_AUTO_TEST_CASE(a_menus_own_lists_keep_a_caller_out)
{
    std::string text = menu_config + "block_callers = +1415555987\n";
    Fixture f(text);
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    XmlDoc x(f.run(f.post(to_number("+14155550150"))).body);
    BOOST_TEST(x.eval("count(/Response/Reject)") == "1");
    BOOST_TEST(x.eval("count(/Response/Gather)") == "0");
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(f.log.route == "main");
    f.run(f.callback(script + "/sms", text_to("+14155550150", "1 hi")));
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(a_caller_a_menu_key_leads_to_a_block_is_hung_up_on)
{
    // The menu's prompt answered the call: <Reject> would no longer keep it
    // unanswered (it only does as the call's first verb), so it is a hang-up.
    std::string text = ops_with("block_callers = +1415555987\n");
    text += menu_config.substr(base_config.size());
    Fixture f(text);
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");
    XmlDoc x(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550150"},
                                        {"Digits", "1"}}))
                 .body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/Reject)") == "0");
    BOOST_TEST(x.eval("name(/Response/*[1])") == "Hangup");
    BOOST_TEST(x.eval("count(/Response/*)") == "1");
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_SUITE_END()
