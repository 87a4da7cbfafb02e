#include <boost/test/unit_test.hpp>

#include "call/reason.hpp"
#include "call/screen.hpp"
#include "files.hpp"
#include "flow_support.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::flow_tests;

BOOST_AUTO_TEST_SUITE(reason)

BOOST_AUTO_TEST_CASE(the_caller_is_asked_and_recorded_and_the_call_goes_on_either_way)
{
    Route r = route();
    r.call.ask_reason = true;
    FlowResult f = flow_ask_reason(r, urls, start());
    BOOST_TEST(f.outcome == Outcome::reason);
    XmlDoc x(f.twiml);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("string(/Response/Say)") == "After the tone, please say your name and why you are calling.");
    BOOST_TEST(x.eval("string(/Response/Record/@maxLength)") == "10");
    BOOST_TEST(x.eval("string(/Response/Record/@timeout)") == "3");  // silence goes on soon
    BOOST_TEST(x.eval("string(/Response/Record/@trim)") == "trim-silence");
    const std::string action = x.eval("string(/Response/Record/@action)");
    BOOST_TEST(action.rfind("https://ops.example.com/pd-call-forward/voice/reason?route=ops&", 0) == 0u, action);
    // Whatever Twilio does after silence, the hunt goes on.
    BOOST_TEST(x.eval("string(/Response/Redirect)") == action);
    BOOST_TEST(x.eval("name(/Response/*[3])") == "Redirect");
    const std::string ready = x.eval("string(/Response/Record/@recordingStatusCallback)");
    BOOST_TEST(ready.find("/voice/reason-ready?") != std::string::npos, ready);
    BOOST_TEST(ready.find("from=%2B14155559876") != std::string::npos, ready);  // it carries no From
}

BOOST_AUTO_TEST_CASE(words_silence_a_key_and_a_hang_up)
{
    Reason words = reason_of(params({{"RecordingUrl", "https://api.twilio.com/rec/RW1"}, {"RecordingDuration", "4"}}));
    BOOST_TEST(words.url == "https://api.twilio.com/rec/RW1");
    BOOST_TEST(words.said == "the caller's reason recorded (4 s)");
    Reason silence = reason_of(params({{"RecordingUrl", "https://api.twilio.com/rec/RW1"}, {"RecordingDuration", "0"}}));
    BOOST_TEST(silence.url.empty());
    BOOST_TEST(silence.said == "the caller said nothing; on to the hunt");
    BOOST_TEST(reason_of(params({})).url.empty());  // the <Redirect>
    BOOST_TEST(reason_of(params({{"RecordingUrl", "http://x/rec"}, {"RecordingDuration", "4"}})).url.empty());
    Reason gone = reason_of(params({{"Digits", "hangup"}, {"RecordingDuration", "2"}}));
    BOOST_TEST(gone.caller_gone);
}

BOOST_AUTO_TEST_CASE(the_screen_plays_the_words_before_press_1)
{
    CallState s = start();
    s.level = 1;
    s.reason_url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RW1";
    FlowResult r = flow_screen(route(), urls, s, "Ada Lovelace");
    check_golden("flow-screen-reason.xml", r.twiml);
    XmlDoc x(r.twiml);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("name(/Response/Gather/*[1])") == "Play");
    BOOST_TEST(x.eval("string(/Response/Gather/Play)") == s.reason_url);
    BOOST_TEST(x.eval("name(/Response/Gather/*[2])") == "Say");
    // A key that means nothing plays them again, with the screen.
    FlowResult again = flow_screen_result(route(), urls, s, "Ada Lovelace", params({{"Digits", "7"}}), 1);
    BOOST_TEST(XmlDoc(again.twiml).eval("string(/Response/Gather/Play)") == s.reason_url);
}

BOOST_AUTO_TEST_SUITE_END()
