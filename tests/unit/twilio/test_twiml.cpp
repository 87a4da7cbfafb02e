#include <boost/test/unit_test.hpp>

#include "core/limits.hpp"
#include "core/placeholders.hpp"
#include "twilio/twiml.hpp"
#include "xml.hpp"

using namespace pdcf;

namespace {

std::string utf8_times(const std::string &ch, std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += ch;
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(twiml)

BOOST_AUTO_TEST_CASE(say_and_dial)
{
    std::string doc = Twiml()
                          .say({"alice", "en-US"}, "Hello")
                          .dial({25, "+14155550100", "", {}}, {"+14155550101", "+14155550102"})
                          .str();
    XmlDoc x(doc);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(doc.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0u);
    BOOST_TEST(x.eval("string(/Response/Say)") == "Hello");
    BOOST_TEST(x.eval("string(/Response/Say/@voice)") == "alice");
    BOOST_TEST(x.eval("string(/Response/Say/@language)") == "en-US");
    BOOST_TEST(x.eval("string(/Response/Dial/@timeout)") == "25");
    BOOST_TEST(x.eval("string(/Response/Dial/@callerId)") == "+14155550100");
    // After a <Say> the call is answered: answerOnBridge would do nothing.
    BOOST_TEST(x.eval("count(/Response/Dial/@answerOnBridge)") == "0");
    BOOST_TEST(x.all("/Response/Dial/Number") == (std::vector<std::string>{"+14155550101", "+14155550102"}));
    BOOST_TEST(x.eval("count(/Response/*)") == "2");
}

BOOST_AUTO_TEST_CASE(answer_on_bridge_only_as_the_first_verb)
{
    // Only then does it keep the caller's call unanswered until the bridge.
    XmlDoc x(Twiml().dial({30, "", "", {}}, {"+14155550101"}).str());
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("string(/Response/Dial/@answerOnBridge)") == "true");
}

BOOST_AUTO_TEST_CASE(a_recorded_dial_records_both_sides_from_the_answer)
{
    DialOptions o{30, "", "", {}};
    o.recording_callback = "https://x/voice/call-recording?a=1&b=2";
    XmlDoc x(Twiml().dial(o, {"+14155550101"}).str());
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("string(/Response/Dial/@record)") == "record-from-answer-dual");
    BOOST_TEST(x.eval("string(/Response/Dial/@recordingStatusCallback)") == "https://x/voice/call-recording?a=1&b=2");
    BOOST_TEST(x.eval("string(/Response/Dial/@recordingStatusCallbackMethod)") == "POST");
    // Not recorded unless asked.
    XmlDoc plain(Twiml().dial({30, "", "", {}}, {"+14155550101"}).str());
    BOOST_TEST(plain.eval("count(/Response/Dial/@record)") == "0");
}

BOOST_AUTO_TEST_CASE(a_gather_plays_first_and_a_redirect_posts)
{
    GatherOptions g;
    g.action = "https://x/a?b=1&c=2";
    g.play = "https://x/rec?a=1&b=2";
    XmlDoc x(Twiml().gather(g, {"man", ""}, "Press 1").redirect("https://x/r?a=1&b=2").str());
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("name(/Response/Gather/*[1])") == "Play");
    BOOST_TEST(x.eval("string(/Response/Gather/Play)") == "https://x/rec?a=1&b=2");
    BOOST_TEST(x.eval("string(/Response/Redirect)") == "https://x/r?a=1&b=2");
    BOOST_TEST(x.eval("string(/Response/Redirect/@method)") == "POST");
    g.play.clear();
    BOOST_TEST(XmlDoc(Twiml().gather(g, {"man", ""}, "Press 1").str()).eval("count(//Play)") == "0");
}

BOOST_AUTO_TEST_CASE(no_caller_id_attribute_when_empty)
{
    XmlDoc x(Twiml().dial({30, "", "", {}}, {"+14155550101"}).str());
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/Dial/@callerId)") == "0");
}

BOOST_AUTO_TEST_CASE(empty_say_is_left_out)
{
    XmlDoc x(Twiml().say({"alice", "en-US"}, "").hangup().str());
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/Say)") == "0");
    BOOST_TEST(x.eval("count(/Response/Hangup)") == "1");
}

BOOST_AUTO_TEST_CASE(hostile_names_and_greetings_stay_text)
{
    std::vector<std::string> names = {"O'Brien & <Co>", "\"Quote\" </Say><Hangup/>", "Bad\x01\xFF"};
    std::string greeting = fill_names("Connecting you to {name} & {first_name}]]>", names);
    XmlDoc x(Twiml().say({"Polly.Joanna\"", "en-US"}, greeting).str());
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("count(/Response/Hangup)") == "0");
    BOOST_TEST(x.eval("string(/Response/Say)") ==
               "Connecting you to O'Brien & <Co>, \"Quote\" </Say><Hangup/> and Bad\xEF\xBF\xBD & "
               "O'Brien, \"Quote\" and Bad\xEF\xBF\xBD]]>");
    BOOST_TEST(x.eval("string(/Response/Say/@voice)") == "Polly.Joanna\"");
}

BOOST_AUTO_TEST_CASE(fill_names_joins_and_takes_first_names)
{
    BOOST_TEST(fill_names("{name}", {"Ada Lovelace"}) == "Ada Lovelace");
    BOOST_TEST(fill_names("{first_name}", {"Ada Lovelace"}) == "Ada");
    BOOST_TEST(fill_names("{name}", {"A B", "C D"}) == "A B and C D");
    BOOST_TEST(fill_names("{first_name}", {"A B", "C D", "E F"}) == "A, C and E");
    BOOST_TEST(fill_names("Hi {name}", {}) == "Hi ");
    // A name holding a placeholder is not expanded again.
    BOOST_TEST(fill_names("{name}/{first_name}", {"{first_name} X"}) == "{first_name} X/{first_name}");
}

BOOST_AUTO_TEST_CASE(message_to_someone_and_to_the_sender)
{
    std::string doc = Twiml().message("+14155550101", "Disk full").message("", "Passed on to Ada.").str();
    XmlDoc x(doc);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("count(/Response/Message)") == "2");
    BOOST_TEST(x.eval("string(/Response/Message[1]/@to)") == "+14155550101");
    BOOST_TEST(x.eval("string(/Response/Message[1])") == "Disk full");
    // Without `to`, Twilio sends the message back to the sender.
    BOOST_TEST(x.eval("count(/Response/Message[2]/@to)") == "0");
    BOOST_TEST(x.eval("string(/Response/Message[2])") == "Passed on to Ada.");
    BOOST_TEST(doc.find("<Message>Passed on to Ada.</Message>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(message_text_and_number_are_escaped)
{
    const std::string text = "a < b & \"c\" </Message><Redirect>https://evil.example</Redirect>";
    const std::string to = "+1\"><Hangup/>";
    XmlDoc x(Twiml().message(to, text).str());
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("count(/Response/*)") == "1");
    BOOST_TEST(x.eval("count(//Redirect)") == "0");
    BOOST_TEST(x.eval("count(//Hangup)") == "0");
    BOOST_TEST(x.eval("string(/Response/Message)") == text);
    BOOST_TEST(x.eval("string(/Response/Message/@to)") == to);
}

BOOST_AUTO_TEST_CASE(reject_refuses_unanswered)
{
    std::string doc = Twiml().reject().str();
    XmlDoc x(doc);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("count(/Response/*)") == "1");
    BOOST_TEST(x.eval("string(/Response/Reject/@reason)") == "rejected");
    BOOST_TEST(doc == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Reject reason=\"rejected\"/></Response>\n");
}

BOOST_AUTO_TEST_CASE(message_clip_counts_as_twilio_does)
{
    // "must be less than 1600 characters", counted in UTF-16 units.
    static_assert(limits::max_sms_length == 1599);
    const std::size_t n = limits::max_sms_length;
    bool cut = true;
    BOOST_TEST(message_clip(std::string(n, 'a'), cut) == std::string(n, 'a'));
    BOOST_TEST(!cut);
    BOOST_TEST(message_clip(std::string(n + 1, 'a'), cut) == std::string(n, 'a'));
    BOOST_TEST(cut);
    // Two- and three-byte characters are one unit each, not two or three.
    for (const std::string ch : {"\xC3\xA9", "\xE2\x82\xAC"}) {
        BOOST_TEST(message_clip(utf8_times(ch, n), cut) == utf8_times(ch, n));
        BOOST_TEST(!cut);
        BOOST_TEST(message_clip(utf8_times(ch, n + 1), cut) == utf8_times(ch, n));
        BOOST_TEST(cut);
    }
    // A four-byte character is a surrogate pair: two units, never half of one.
    const std::string smile = "\xF0\x9F\x98\x80";
    BOOST_TEST(message_clip(utf8_times(smile, 799), cut) == utf8_times(smile, 799));
    BOOST_TEST(!cut);
    BOOST_TEST(message_clip(utf8_times(smile, 800), cut) == utf8_times(smile, 799));
    BOOST_TEST(cut);
    BOOST_TEST(message_clip(std::string(n - 2, 'a') + smile, cut) == std::string(n - 2, 'a') + smile);
    BOOST_TEST(!cut);
    BOOST_TEST(message_clip(std::string(n - 1, 'a') + smile, cut) == std::string(n - 1, 'a'));
    BOOST_TEST(cut);
    BOOST_TEST(message_clip(std::string(n - 1, 'a') + "\xC3\xA9" + "x", cut) == std::string(n - 1, 'a') + "\xC3\xA9");
    BOOST_TEST(cut);
    // A stray continuation byte becomes U+FFFD in the TwiML: one unit.
    BOOST_TEST(message_clip(std::string(n, '\x80'), cut) == std::string(n, '\x80'));
    BOOST_TEST(!cut);
    BOOST_TEST(message_clip(std::string(n + 1, '\x80'), cut) == std::string(n, '\x80'));
    BOOST_TEST(cut);
}

BOOST_AUTO_TEST_CASE(every_message_is_clipped)
{
    XmlDoc x(Twiml().message("+14155550101", std::string(2000, 'x')).message("", utf8_times("\xE2\x82\xAC", 1600)).str());
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("string-length(/Response/Message[1])") == "1599");
    BOOST_TEST(x.eval("string-length(/Response/Message[2])") == "1599");
}

BOOST_AUTO_TEST_CASE(a_prompt_plays_its_recording_else_says_its_text_and_a_gather_speaks_in_several_voices)
{
    Twiml t;
    t.prompt({"Polly.Joanna", ""}, {"Hello", "https://x.example/a.mp3?a=1&b=2"}).prompt({"Polly.Joanna", ""}, {"Hold on", ""});
    GatherOptions o;
    o.action = "https://h/menu";
    t.gather(o, {{{"Polly.Joanna", "en-US"}, "For English, press 1."}, {{"Polly.Lupe", "es-US"}, "Para español, oprima 2."}});
    BOOST_TEST(t.str().find("<Play>https://x.example/a.mp3?a=1&amp;b=2</Play><Say voice=\"Polly.Joanna\">Hold on</Say>") !=
               std::string::npos, t.str());
    BOOST_TEST(t.str().find("<Say voice=\"Polly.Joanna\" language=\"en-US\">For English, press 1.</Say>"
                            "<Say voice=\"Polly.Lupe\" language=\"es-US\">Para español, oprima 2.</Say></Gather>") !=
               std::string::npos, t.str());
    Twiml none;
    none.play("");
    BOOST_TEST(none.str().find("<Play") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
