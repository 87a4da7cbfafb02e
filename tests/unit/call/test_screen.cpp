#include <boost/test/unit_test.hpp>

#include "call/screen.hpp"
#include "core/limits.hpp"
#include "files.hpp"
#include "flow_support.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::flow_tests;

BOOST_AUTO_TEST_SUITE(screen)

BOOST_AUTO_TEST_CASE(screen_names_the_keys)
{
    CallState s = start();
    s.loop = 1;
    s.level = 2;
    FlowResult r = flow_screen(route(), urls, s, "Ada Lovelace");
    check_golden("flow-screen.xml", r.twiml);
    XmlDoc x(r.twiml);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("string(/Response/Gather/@numDigits)") == "1");
    BOOST_TEST(x.eval("string(/Response/Gather/Say)") ==
               "Call on the Platform line from 1 4 1 5 5 5 5 9 8 7 6. Press 1 to accept, or 2 to pass it on.");
    BOOST_TEST(x.eval("string(/Response/Gather/@action)") ==
               "https://ops.example.com/pd-call-forward/voice/screen-result?route=ops&from=%2B14155559876"
               "&to=%2B14155550100&t=1000&loop=1&level=2&name=Ada%20Lovelace&try=1");
    BOOST_TEST(x.eval("name(/Response/*[2])") == "Hangup");
}

BOOST_AUTO_TEST_CASE(one_accepts_two_passes_silence_declines)
{
    const CallState s = start();
    FlowResult yes = flow_screen_result(route(), urls, s, "Ada Lovelace", params({{"Digits", "1"}}), 1);
    BOOST_TEST(yes.outcome == Outcome::accepted);
    BOOST_TEST(XmlDoc(yes.twiml).eval("count(/Response/*)") == "0");  // the calls are joined

    FlowResult pass = flow_screen_result(route(), urls, s, "Ada Lovelace", params({{"Digits", "2"}}), 1);
    BOOST_TEST(pass.outcome == Outcome::passed);
    BOOST_TEST(XmlDoc(pass.twiml).eval("count(/Response/Hangup)") == "1");
    BOOST_TEST(flow_screen_result(route(), urls, s, "Ada Lovelace", params({{"Digits", "2"}}), 2).outcome == Outcome::passed);

    FlowResult none = flow_screen_result(route(), urls, s, "Ada Lovelace", params({{"Digits", ""}}), 1);
    BOOST_TEST(none.outcome == Outcome::declined);
    BOOST_TEST(XmlDoc(none.twiml).eval("count(/Response/Hangup)") == "1");
}

BOOST_AUTO_TEST_CASE(a_key_that_means_nothing_says_the_screen_once_more)
{
    const CallState s = start();
    for (const char *d : {"7", "*", "#", "11"}) {
        FlowResult again = flow_screen_result(route(), urls, s, "Ada Lovelace", params({{"Digits", d}}), 1);
        BOOST_TEST(again.outcome == Outcome::screen, d);
        XmlDoc x(again.twiml);
        BOOST_TEST(x.eval("string(/Response/Gather/Say)") ==
                   "Call on the Platform line from 1 4 1 5 5 5 5 9 8 7 6. Press 1 to accept, or 2 to pass it on.");
        BOOST_TEST(x.eval("substring-after(string(/Response/Gather/@action), '&try=')") == "2");
        // Who it is goes on to the answer, for the call's alert.
        BOOST_TEST(x.eval("string(/Response/Gather/@action)").find("&name=Ada%20Lovelace&") != std::string::npos);
        BOOST_TEST(again.reason == std::string("key ") + d + " means nothing; the screen again");
        // Once only: the second time it hangs up, declined.
        FlowResult twice = flow_screen_result(route(), urls, s, "Ada Lovelace", params({{"Digits", d}}), 2);
        BOOST_TEST(twice.outcome == Outcome::declined, d);
        BOOST_TEST(XmlDoc(twice.twiml).eval("count(/Response/Hangup)") == "1");
    }
}

BOOST_AUTO_TEST_CASE(a_long_name_is_cut_in_the_url)
{
    const std::string query = screen_query(route(), start(), std::string(500, 'x'));
    BOOST_TEST(query.size() < 300u);
    BOOST_TEST(query.find("&name=" + std::string(limits::max_name_in_url, 'x')) != std::string::npos);
    BOOST_TEST(screen_query(route(), start(), "").find("name=") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(marks_name_the_round_the_level_and_the_digits)
{
    BOOST_TEST(pickup_mark(2, 3, "+1 (415) 555-0101") == "picked-up-2-3-14155550101");
    BOOST_TEST(passed_mark(2, 3, "+1 (415) 555-0101") == "passed-2-3-14155550101");
    BOOST_TEST(passed_mark(1, 1, "+14155550101") != pickup_mark(1, 1, "+14155550101"));
}

BOOST_AUTO_TEST_SUITE_END()
