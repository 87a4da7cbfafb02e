// A line that sounds like its company: recordings instead of the spoken
// texts, and a menu whose choices are each in their route's language.
#include <boost/test/unit_test.hpp>

#include "handler_fixture.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;
using pdcf::testing::set_key;

namespace {

const std::string hello = "https://cdn.example.com/audio/hello.mp3";
const std::string hold = "https://cdn.example.com/audio/hold.mp3?sig=a&b=c";
const std::string message = "https://cdn.example.com/audio/leave-a-message.wav";

Params no_answer(const std::string &to = "+14155550100")
{
    return {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", to}, {"DialCallStatus", "no-answer"}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(handler)

BOOST_AUTO_TEST_CASE(recordings_play_instead_of_the_greeting_the_hold_message_and_the_voicemail_prompt)
{
    Fixture f(set_key(ops_with("greeting_audio = " + hello + "\nhold_audio = " + hold + "\nvoicemail_prompt_audio = " +
                               message + "\n"),
                      "route:ops", "fallback_number", ""));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(2, "PU2", "Grace Hopper")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    XmlDoc first(f.run(f.post()).body);
    BOOST_TEST(first.eval("string(/Response/Play[1])") == hello);
    BOOST_TEST(first.all("/Response/Say").empty());
    XmlDoc second(f.run(f.callback(first.eval("string(/Response/Dial/@action)"), no_answer())).body);
    BOOST_TEST(second.eval("string(/Response/Play[1])") == hold);  // the & escaped on the wire, as the XML reads it
    BOOST_TEST(second.all("/Response/Say").empty());
    XmlDoc third(f.run(f.callback(second.eval("string(/Response/Dial/@action)"), no_answer())).body);
    BOOST_TEST(third.eval("string(/Response/Play[1])") == message);
    BOOST_TEST(third.all("/Response/Record").size() == 1u);
    BOOST_TEST(third.all("/Response/Say").empty());
}

BOOST_AUTO_TEST_CASE(a_menus_recording_plays_inside_its_gather)
{
    Fixture f(set_key(menu_config, "menu:main", "menu_prompt_audio", hello));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    XmlDoc x(f.run(f.post(to_number("+14155550150"))).body);
    BOOST_TEST(x.eval("string(/Response/Gather/Play)") == hello);
    BOOST_TEST(x.all("/Response/Gather/Say").empty());
}

BOOST_AUTO_TEST_CASE(each_choice_of_a_menu_is_said_in_its_routes_language)
{
    // db is the Spanish desk: its own voice, language and words.
    std::string text = set_key(set_key(set_key(menu_config, "route:db", "language", "es-US"), "route:db", "menu_choice",
                                       "Para español, oprima {key}."),
                               "route:ops", "menu_choice", "For English, press {key}.");
    text = set_key(text, "menu:main", "prompt", "Example Corp. {choices}");
    Fixture f(text);
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    XmlDoc x(f.run(f.post(to_number("+14155550150"))).body);
    BOOST_TEST(x.all("/Response/Gather/Say") ==
               (std::vector<std::string>{"Example Corp. For English, press 1.", "Para español, oprima 2.",
                                         "To leave a message, press 0."}));
    BOOST_TEST(x.eval("string(/Response/Gather/Say[2]/@language)") == "es-US");
    BOOST_TEST(x.eval("string(/Response/Gather/Say[2]/@voice)") == "Polly.Lupe");
    BOOST_TEST(x.eval("string(/Response/Gather/Say[1]/@voice)") == "Polly.Joanna");
    BOOST_TEST(x.eval("string(/Response/Gather/Say[3]/@voice)") == "Polly.Joanna");
    // --check and the log still show the prompt as one text.
    BOOST_TEST(f.config.config.menus[0].prompt ==
               "Example Corp. For English, press 1. Para español, oprima 2. To leave a message, press 0.");
}

BOOST_AUTO_TEST_CASE(a_recording_must_be_https)
{
    for (const std::string bad : {"http://cdn.example.com/a.mp3", "https://", "https://user:pw@cdn.example.com/a.mp3",
                                  "https://cdn.example.com/a b.mp3", "cdn.example.com/a.mp3"}) {
        Fixture f(ops_with("greeting_audio = " + bad + "\n"));
        BOOST_TEST(!f.config.ok(), bad);
        BOOST_TEST(f.config.summary().find("[route:ops] greeting_audio: expected an https:// URL") != std::string::npos,
                   f.config.summary());
    }
    Fixture menu(set_key(menu_config, "menu:main", "greeting_audio", hello));
    BOOST_TEST(menu.config.summary().find("only for routes") != std::string::npos, menu.config.summary());
    Fixture none(ops_with("greeting_audio =\n"));
    BOOST_TEST(none.config.ok());
}

BOOST_AUTO_TEST_SUITE_END()
