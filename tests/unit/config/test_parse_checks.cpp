#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include <sys/stat.h>

#include "base_config.hpp"
#include "config/config.hpp"
#include "config_support.hpp"
#include "core/limits.hpp"

using namespace pdcf;
using namespace pdcf::config_tests;

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(transcribe_where_twilio_will_not_is_a_warning)
{
    // Twilio transcribes only American English messages shorter than 120 s.
    const std::string top = "[pagerduty]\ntoken = t\n[twilio]\nauth_token = a\n[call]\nrouting_key = K\n";
    auto r = parse(top + "transcribe = yes\nvoicemail_max_length = 300\n[route:ops]\nescalation_policy = P1\n"
                         "[route:de]\nnumber = +4930555000\nescalation_policy = P2\nvoice = Polly.Vicki\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST_REQUIRE(r.warnings.size() == 2u);
    BOOST_TEST(r.warnings[0].where == "[call] transcribe");
    BOOST_TEST(contains(r.warnings[0].message, "shorter than 120 s and voicemail_max_length is 300"));
    // The route that speaks German says so itself; ops inherits [call]'s
    // settings and is not warned about twice.
    BOOST_TEST(r.warnings[1].where == "[route:de] transcribe");
    BOOST_TEST(contains(r.warnings[1].message, "only American English (en-US) and this line speaks de-DE"));
    r = parse(top + "[route:ops]\nescalation_policy = P1\ntranscribe = yes\nlanguage = en-us\nvoice = woman\n");
    BOOST_TEST(r.warnings.empty());  // the same tag, written in small letters
    r = parse(top + "transcribe = yes\n[route:ops]\nescalation_policy = P1\n");
    BOOST_TEST(r.warnings.empty());
    r = parse(top + "[route:ops]\nescalation_policy = P1\ntranscribe = yes\nlanguage = en-GB\nvoice = woman\n");
    BOOST_TEST(r.warnings.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_route_without_routing_key_is_warned_about)
{
    auto r = parse("[pagerduty]\ntoken = a\n[twilio]\nauth_token = x\n[route:ops]\nnumber = +14155550100\n"
                   "escalation_policy = P1\n", "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_REQUIRE_EQUAL(r.warnings.size(), 1u);
    BOOST_TEST(r.warnings[0].str() == "/x.ini:5: [route:ops]: no routing_key: voicemail and missed-call alerts are off, "
                                      "so a caller nobody answers hears unavailable_message");
}

BOOST_AUTO_TEST_CASE(route_numbers_are_unique_and_one_catch_all)
{
    auto e = only_error(parse(base + "[route:b]\nnumber = +14155550100\nschedule = PS1\n"));
    BOOST_TEST(contains(e, "[route:b] number: the number is already used by [route:ops]"), e);
    e = only_error(parse(base + "[route:b]\nschedule = PS1\n[route:c]\nschedule = PS2\n"));
    BOOST_TEST(contains(e, "[route:c]: both [route:b] and this section have no number"), e);
}

BOOST_AUTO_TEST_CASE(every_route_knows_the_lines_own_numbers)
{
    ConfigResult r = parse(base + "[route:db]\nnumber = +14155550111\nschedule = PS1\n[route:rest]\nschedule = PS2\n"
                                  "[menu:main]\nnumber = +14155550150\n1 = ops\ndefault = ops\n");
    BOOST_REQUIRE_MESSAGE(r.ok(), r.summary());
    const std::vector<std::pair<std::string, std::string>> want = {
        {"+14155550100", "route:ops"}, {"+14155550111", "route:db"}, {"+14155550150", "menu:main"}};
    for (const auto &route : r.config.routes) {
        std::vector<std::pair<std::string, std::string>> got;
        for (const auto &l : route.lines) got.push_back({l.number, l.line});
        BOOST_TEST(got == want, route.name);
    }
}

BOOST_AUTO_TEST_CASE(a_fallback_number_may_not_be_a_line)
{
    auto e = only_error(parse(base + "fallback_number = +14155550111\n[route:db]\nnumber = +14155550111\nschedule = PS1\n"));
    BOOST_TEST(contains(e, "[route:ops] fallback_number: this is the number of [route:db]"), e);
    e = only_error(parse("[call]\nfallback_number = +14155550100\n" + base));
    BOOST_TEST(contains(e, "[call] fallback_number: this is the number of [route:ops]"), e);
}

BOOST_AUTO_TEST_CASE(voice_and_language_are_checked_together_where_they_are_set)
{
    // A route that sets only the language is checked with the voice it
    // inherits, and the error names the route's key.
    auto r = parse(routes + "[call]\nvoice = Polly.Joanna\n[route:db2]\nnumber = +14155550112\n"
                            "escalation_policy = PDB2\nlanguage = de-DE\n", "/x.ini");
    BOOST_TEST_REQUIRE(r.errors.size() == 1u, r.summary());
    BOOST_TEST(r.errors[0].where == "[route:db2] language");
    BOOST_TEST(contains(r.errors[0].message, "Polly.Joanna speaks en-US, not de-DE"));
    // An invalid [call] voice is reported once, not again for each route.
    r = parse(routes + "[call]\nvoice = Samantha\n", "/x.ini");
    BOOST_TEST(r.errors.size() == 1u, r.summary());
    // alice works, with a warning that says what to use instead.
    r = parse(routes + "[call]\nvoice = alice\nlanguage = en-GB\n", "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST_REQUIRE(r.warnings.size() == 1u);
    BOOST_TEST(r.warnings[0].where == "[call] voice");
    BOOST_TEST(contains(r.warnings[0].message, "use Polly.Joanna, woman or man"));
}

BOOST_AUTO_TEST_SUITE_END()
