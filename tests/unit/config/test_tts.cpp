#include <boost/test/unit_test.hpp>

#include "config/tts.hpp"

using namespace pdcf;
using Level = VoiceCheck::Level;

BOOST_AUTO_TEST_SUITE(tts)

BOOST_AUTO_TEST_CASE(the_families_of_the_say_reference)
{
    for (const char *voice : {"man", "woman", "Polly.Joanna", "Polly.Joanna-Neural", "Polly.Matthew-Generative",
                              "Polly.Danielle-LongForm", "Polly.Someonenew", "Google.en-US-Standard-C",
                              "Google.en-US-Neural2-A", "Google.cmn-CN-Wavenet-B", "Google.es-419-Standard-A",
                              "Google.en-US-Chirp3-HD-Aoede"})
        BOOST_TEST((voice_check(voice, "").level == Level::ok), voice);
    for (const char *voice : {"Alice", "Joanna", "polly.Joanna", "Polly.joanna", "Polly.", "Polly.Joanna-Turbo",
                              "Google.en-US", "Google.english-US-Standard-A", "Google.en-us-Standard-A",
                              "Google.en-US-Standard A", "Amazon.Joanna", "", "man woman"}) {
        VoiceCheck v = voice_check(voice, "");
        BOOST_TEST((v.level == Level::error), voice);
        BOOST_TEST(v.message.find("expected one of Twilio's <Say> voices") == 0u, voice);
    }
}

BOOST_AUTO_TEST_CASE(alice_is_only_a_warning)
{
    VoiceCheck v = voice_check("alice", "en-GB");
    BOOST_TEST((v.level == Level::warning));
    BOOST_TEST(v.message.find("older text-to-speech page") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_language_the_voice_does_not_speak)
{
    BOOST_TEST((voice_check("Polly.Joanna", "en-US").level == Level::ok));
    BOOST_TEST((voice_check("Polly.Joanna", "en-GB").level == Level::ok));  // the same language
    BOOST_TEST((voice_check("Polly.Aditi", "hi-IN").level == Level::ok));   // bilingual
    BOOST_TEST((voice_check("Polly.Zhiyu", "zh-CN").level == Level::ok));   // cmn is Chinese
    BOOST_TEST((voice_check("Polly.Zeina", "ar-SA").level == Level::ok));   // arb is Arabic
    BOOST_TEST((voice_check("Polly.Someonenew", "xx-YY").level == Level::ok));  // not known: not checked
    BOOST_TEST((voice_check("man", "de-DE").level == Level::ok));
    VoiceCheck v = voice_check("Polly.Hans-Neural", "en-US");
    BOOST_TEST((v.level == Level::error));
    BOOST_TEST(v.message == "Polly.Hans-Neural speaks de-DE, not en-US: leave language out (the voice sets it) or "
                            "choose a voice for en-US");
    BOOST_TEST((voice_check("Google.de-DE-Standard-A", "de-de").level == Level::ok));
    BOOST_TEST((voice_check("Google.de-DE-Standard-A", "de-AT").level == Level::error));
}

BOOST_AUTO_TEST_CASE(spoken_language_is_the_set_one_else_the_voices_own)
{
    BOOST_TEST(spoken_language("Polly.Joanna", "") == "en-US");
    BOOST_TEST(spoken_language("Polly.Amy-Neural", "") == "en-GB");
    BOOST_TEST(spoken_language("Google.fr-CA-Standard-A", "") == "fr-CA");
    BOOST_TEST(spoken_language("man", "") == "en-US");  // Twilio's default
    BOOST_TEST(spoken_language("Polly.Someonenew", "") == "en-US");
    BOOST_TEST(spoken_language("woman", "de-DE") == "de-DE");
}

BOOST_AUTO_TEST_CASE(a_voice_for_a_language)
{
    BOOST_TEST(voice_for_language("en-US") == "Polly.Joanna");
    BOOST_TEST(voice_for_language("de-de") == "Polly.Hans");
    BOOST_TEST(voice_for_language("de-LU") == "Polly.Hans");    // the language, another region
    BOOST_TEST(voice_for_language("fr-CA") == "Polly.Chantal");
    BOOST_TEST(voice_for_language("xx-YY") == "Polly.Joanna");  // none: the default
    BOOST_TEST(voice_speaks_its_own("Polly.Amy-Neural"));
    BOOST_TEST(voice_speaks_its_own("Google.en-GB-Standard-A"));
    BOOST_TEST(!voice_speaks_its_own("woman"));
    BOOST_TEST(!voice_speaks_its_own("alice"));
}

BOOST_AUTO_TEST_SUITE_END()
