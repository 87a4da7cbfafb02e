#include <boost/test/unit_test.hpp>

#include "call/flow_result.hpp"
#include "core/limits.hpp"
#include "flow_support.hpp"

using namespace pdcf;
using namespace pdcf::flow_tests;

BOOST_AUTO_TEST_SUITE(flow_result)

BOOST_AUTO_TEST_CASE(callback_urls_hang_below_the_script)
{
    BOOST_TEST(urls.of("/voice/screen", "route=ops") == "https://ops.example.com/pd-call-forward/voice/screen?route=ops");
    BOOST_TEST(urls.of("/health", "") == "https://ops.example.com/pd-call-forward/health");
    // With the call's state, never longer than a web server takes.
    CallState s = start();
    for (int i = 0; i < 20; ++i) s.tried.push_back(std::string(70, 'a' + i));
    std::string url = urls.of("/voice/dial-status", s, Numbers::in_url);
    BOOST_TEST(url.size() <= limits::max_callback_url);
    BOOST_TEST(url.rfind("https://ops.example.com/pd-call-forward/voice/dial-status?route=ops&", 0) == 0u, url);
}

BOOST_AUTO_TEST_CASE(texts_said_fill_the_line_the_caller_and_the_names)
{
    BOOST_TEST(say_text(route(), start(), "{title}: {caller}; {name}", {"Ada Lovelace", "Grace Hopper"}) ==
               "Platform: 1 4 1 5 5 5 5 9 8 7 6; Ada Lovelace and Grace Hopper");
    BOOST_TEST(say_text(route(), start(), "{first_name}", {"Ada Lovelace"}) == "Ada");
    Route r = route();
    r.call.voice = "Polly.Vicki";
    r.call.language = "de-DE";
    BOOST_TEST(voice_of(r.call).voice == "Polly.Vicki");
    BOOST_TEST(voice_of(r.call).language == "de-DE");
    FlowResult e = twiml_only(empty_response(), Outcome::accepted);
    BOOST_TEST(e.outcome == Outcome::accepted);
    BOOST_TEST(e.twiml.find("<Response></Response>") != std::string::npos, e.twiml);
}

BOOST_AUTO_TEST_SUITE_END()
