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

BOOST_AUTO_TEST_CASE(a_text_goes_to_everyone_at_level_one)
{
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(1, "PU2", "Grace Hopper"), F::entry(2, "PU3", "Cy")});
    // Ada's SMS method wins over her phone, listed first.
    f.pd.phones("PU1", {F::phone("4155550101"), sms_method("4155550191")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    Response r = f.run(f.callback(script + "/sms", text_to("+14155550100", "the db is down")));
    BOOST_TEST(r.status == 200);
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.all("/Response/Message/@to") == (std::vector<std::string>{"+14155550191", "+14155550102"}));
    BOOST_TEST(x.all("/Response/Message") ==
               std::vector<std::string>(2, "Text to the Platform line from +14155559876: the db is down"));
    BOOST_TEST(f.log.outcome == Outcome::forwarded);
    BOOST_TEST(f.log.route == "ops");
    BOOST_TEST(f.log.level == 1);
    BOOST_TEST(f.log.message_sid == "SM0001");
    BOOST_TEST(f.log.texted == (std::vector<std::string>{"+14155550191", "+14155550102"}));
    BOOST_TEST(f.log.dialed.empty());
    // Level 2 is not asked about once level 1 has someone.
    for (const auto &q : f.pd.requests) BOOST_TEST(!contains(q, "PU3"), q);
    std::string line = f.log.line();
    BOOST_TEST(contains(line, " message_sid=SM0001 "), line);
    BOOST_TEST(contains(line, " texted=+*******0191,+*******0102 "), line);
    BOOST_TEST(!contains(line, "4155550191"), line);
    BOOST_TEST(!contains(line, " dialed="), line);
    BOOST_TEST(f.delivered.empty());  // sms_alert is off
}

BOOST_AUTO_TEST_CASE(a_text_to_a_menu_number_naming_a_choice)
{
    Fixture f(menu_config);
    f.run(f.callback(script + "/sms", text_to("+14155550150", "2 replication stopped")));
    BOOST_TEST(f.log.outcome == Outcome::forwarded);
    BOOST_TEST(f.log.route == "db");
    BOOST_TEST(f.log.reason == "menu main: the text names 2");
    BOOST_TEST_REQUIRE(!f.pd.requests.empty());
    BOOST_TEST(f.pd.requests[0].rfind("/schedules/PSDB/users?", 0) == 0u, f.pd.requests[0]);
    BOOST_TEST(f.log.texted == std::vector<std::string>{"+14155550101"});

    f.pd.requests.clear();
    f.run(f.callback(script + "/sms", text_to("+14155550150", "platform: disk full")));
    BOOST_TEST(f.log.route == "ops");
    BOOST_TEST(contains(f.pd.requests.at(0), "escalation_policy_ids%5B%5D=PEP1"));
}

BOOST_AUTO_TEST_CASE(a_text_to_a_menu_naming_nothing_is_unrouted)
{
    Fixture f(menu_config);
    XmlDoc x(f.run(f.callback(script + "/sms", text_to("+14155550150", "hello?"))).body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(f.log.outcome == Outcome::unrouted);
    BOOST_TEST(f.log.route == "main");
    BOOST_TEST(x.eval("string(/Response/Message)") ==
               "Your message has been passed on as an alert. To reach a team directly, start your text with 1 for "
               "Platform, 2 for db.");
    BOOST_TEST(x.eval("count(/Response/Message/@to)") == "0");
    BOOST_TEST(f.pd.requests.empty());
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    BOOST_TEST((f.delivered[0].kind == AlertKind::text));
    BOOST_TEST(f.delivered[0].routing_key == "MKEY");
    BOOST_TEST(f.delivered[0].call_sid == "SM0001");
}

BOOST_AUTO_TEST_CASE(a_text_from_a_lines_own_number_is_neither_answered_nor_forwarded)
{
    // The db line forwarded a text to an on-call whose phone is the ops
    // line: answering or forwarding it would start the two texting each
    // other, an alert each turn.
    Fixture f(ops_with("sms_alert = yes\n"));
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace")});
    f.pd.phones("PU1", {F::phone("4155550101")});
    XmlDoc x(f.run(f.callback(script + "/sms", text_to("+14155550100", "Text to the db line: hi", "+14155550111"))).body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/*)") == "0");
    BOOST_TEST(f.log.outcome == Outcome::ignored);
    BOOST_TEST(f.log.route == "ops");
    BOOST_TEST(contains(f.log.reason, "[route:db]"), f.log.reason);
    BOOST_TEST(f.pd.requests.empty());
    BOOST_TEST(f.delivered.empty());
}

BOOST_AUTO_TEST_CASE(a_text_with_a_bad_signature_is_403)
{
    Fixture f;
    Request r = f.callback(script + "/sms", text_to("+14155550100", "hi"));
    r.signature = "L/OH5YylLD5NRKLltdqwSvS0BnU=";
    Response resp = f.run(r);
    BOOST_TEST(resp.status == 403);
    BOOST_TEST(f.log.outcome == Outcome::rejected);
    BOOST_TEST(f.log.url == script + "/sms");
    BOOST_TEST(f.pd.requests.empty());
    BOOST_TEST(f.log.texted.empty());
}

BOOST_AUTO_TEST_CASE(a_blocked_sender_gets_no_answer)
{
    Fixture f(ops_with("block_callers = +1415555987\n"));
    XmlDoc x(f.run(f.callback(script + "/sms", text_to("+14155550100", "hi"))).body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/*)") == "0");
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(hostile_input_in_menus_and_texts)
{
    // As in hostile_input_in_every_callback, for the menu's callback and
    // the incoming text: the answer stays well-formed TwiML, the head ours
    // and the log one line.
    const std::string evil = std::string("a\r\nSet-Cookie: x=1\r\n\r\n<b>&\"'\0\xff\xc3", 32) + "</Message><Hangup/>";
    const std::string e = encode({{"x", evil}}).substr(2);
    int texts = 0;
    for (const std::string &to : {std::string("+14155550150"), std::string("+14155550100"), evil}) {
        for (const std::string &body : {evil, "2 " + evil, std::string(3000, 'x')}) {
            Fixture f(menu_config);
            Params p = {{"MessageSid", evil}, {"From", evil},      {"To", to},     {"Body", body},
                        {"NumMedia", evil},   {"MediaUrl0", evil}, {"Digits", evil}, {"CallSid", evil}};
            for (const std::string &url : {script + "/sms", script + "/sms?menu=" + e,
                                           script + "/voice/menu?menu=main&from=" + e + "&to=" + e + "&t=" + e + "&try=" + e,
                                           script + "/voice/menu?menu=" + e}) {
                Response resp = f.run(f.callback(url, p));
                std::string what = url.substr(0, 60) + ": " + f.log.line();
                BOOST_TEST(resp.status == 200, what);
                BOOST_TEST(foreign_headers(response_cgi(resp)).empty(), what);
                XmlDoc x(resp.body);
                BOOST_TEST(x.ok(), what << ": " << x.error());
                BOOST_TEST(x.eval("count(//Hangup)") == (contains(resp.body, "<Hangup/>") ? "1" : "0"), what);
                BOOST_TEST(x.eval("count(//Message/*)") == "0", what);
                texts += x.eval("count(//Message[@to])") != "0";
                BOOST_TEST(f.log.line().find_first_of(std::string("\r\n\0", 3)) == std::string::npos, what);
                for (const Alert &a : f.delivered)
                    BOOST_TEST(!nlohmann::json::parse(a.body, nullptr, false).is_discarded(), what);
            }
        }
    }
    BOOST_TEST(texts > 0);  // the hostile texts were forwarded, not only refused
}

BOOST_AUTO_TEST_SUITE_END()
