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

BOOST_AUTO_TEST_CASE(every_key_read)
{
    secret_files["/etc/pdcf/pd-token"] = "from-file\n";
    secret_files["/run/keys/tw"] = "tw-file\n";
    auto r = parse(R"(# comment
; comment
[pagerduty]
token_file = pd-token
api_url = https://api.eu.pagerduty.com/
timeout = 2.5
prefer_label = Mobile
ca_file = /etc/ssl/private-ca.pem
[twilio]
auth_token_file = /run/keys/tw
secondary_auth_token = old-token
validate_signature = yes
public_url = https://ops.example.com/pd-call-forward/
[call]
greeting = "  Hello {first_name}  "
fallback_greeting = Hold on.
voice = Polly.Joanna
language = en-GB
dial_timeout = 30
caller_id = +14155550999
fallback_number = +14155550199
unavailable_message = Nobody.
[route:db]
number = +14155550111
schedule = PSCHED1
voice = man
dial_timeout = 40
[route:rest]
escalation_policy = PREST01
)");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const Config &c = r.config;
    BOOST_TEST(c.pagerduty.token == "from-file");
    BOOST_TEST(c.pagerduty.api_url == "https://api.eu.pagerduty.com");
    BOOST_TEST(c.pagerduty.timeout.count() == 2500);
    BOOST_TEST(c.pagerduty.prefer_label == "Mobile");
    BOOST_TEST(c.pagerduty.ca_file == "/etc/ssl/private-ca.pem");
    BOOST_TEST(c.twilio.auth_tokens == (std::vector<std::string>{"tw-file", "old-token"}));
    BOOST_TEST(c.twilio.public_url == "https://ops.example.com/pd-call-forward");
    BOOST_TEST(c.call.greeting == "  Hello {first_name}  ");
    BOOST_TEST(c.call.caller_id == "+14155550999");
    BOOST_REQUIRE_EQUAL(c.routes.size(), 2u);
    const Route &db = c.routes[0];
    BOOST_TEST((db.kind == TargetKind::schedule));
    BOOST_TEST(db.target == "PSCHED1");
    BOOST_TEST(db.call.voice == "man");           // overridden
    BOOST_TEST(db.call.dial_timeout == 40);       // overridden
    BOOST_TEST(db.call.language == "en-GB");      // from [call]
    BOOST_TEST(db.call.fallback_number == "+14155550199");
    BOOST_TEST(c.routes[1].number.empty());       // catch-all
    BOOST_TEST(c.routes[1].call.voice == "Polly.Joanna");
}

// The base configuration with one more [pagerduty] key.
std::string with_pagerduty_key(const std::string &line)
{
    std::string text = testing::base_config;
    text.insert(text.find("[pagerduty]\n") + 12, line + "\n");
    return text;
}

BOOST_AUTO_TEST_CASE(how_long_an_unused_route_is_kept_fresh)
{
    BOOST_TEST(parse(testing::base_config).config.pagerduty.refresh_idle.count() == 7 * 86400);
    auto r = parse(with_pagerduty_key("refresh_idle = 0"));
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.pagerduty.refresh_idle.count() == 0);
    r = parse(with_pagerduty_key("refresh_idle = 8000000"));
    BOOST_TEST(!r.ok());
    BOOST_TEST(r.summary().find("refresh_idle: expected whole seconds from 0 to 7776000") != std::string::npos,
               r.summary());
}

BOOST_AUTO_TEST_CASE(call_section_after_routes_still_applies)
{
    auto r = parse(base + "[call]\nvoice = man\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.routes[0].call.voice == "man");
}

BOOST_AUTO_TEST_CASE(missing_token)
{
    auto e = only_error(parse("[pagerduty]\n[twilio]\nauth_token = x\n[route:a]\nescalation_policy = P1\n", "/x.ini"));
    BOOST_TEST(e == "/x.ini:1: [pagerduty]: missing token (or token_file)");
}

BOOST_AUTO_TEST_CASE(token_and_token_file_together)
{
    auto e = only_error(parse(base + "[pagerduty]\n"));  // duplicate section: syntax error
    BOOST_TEST(contains(e, "duplicate section"), e);
    auto r = parse("[pagerduty]\ntoken = a\ntoken_file = b\n[twilio]\nauth_token = x\n[route:a]\nescalation_policy = P1\n",
                   "/x.ini");
    BOOST_TEST(only_error(r) == "/x.ini:3: [pagerduty] token_file: set either token or token_file, not both");
}

BOOST_AUTO_TEST_CASE(unreadable_or_empty_secret_file)
{
    secret_files["/etc/pdcf/empty"] = "\n";
    auto e = only_error(parse("[pagerduty]\ntoken_file = /nope\n[twilio]\nauth_token = x\n[route:a]\nescalation_policy = P1\n"));
    BOOST_TEST(contains(e, ":2: [pagerduty] token_file: cannot read /nope: No such file or directory"), e);
    e = only_error(parse("[pagerduty]\ntoken_file = empty\n[twilio]\nauth_token = x\n[route:a]\nescalation_policy = P1\n"));
    BOOST_TEST(contains(e, "/etc/pdcf/empty is empty"), e);
    secret_files["/etc/pdcf/two"] = "line1\nline2\n";
    e = only_error(parse("[pagerduty]\ntoken_file = two\n[twilio]\nauth_token = x\n[route:a]\nescalation_policy = P1\n"));
    BOOST_TEST(contains(e, "one line"), e);
}

BOOST_AUTO_TEST_CASE(missing_auth_token_unless_signatures_are_off)
{
    auto e = only_error(parse("[pagerduty]\ntoken = a\n[twilio]\n[route:a]\nescalation_policy = P1\n"));
    BOOST_TEST(contains(e, "[twilio]: missing auth_token"), e);
    auto r = parse("[pagerduty]\ntoken = a\n[twilio]\nvalidate_signature = no\n[route:a]\nescalation_policy = P1\nrouting_key = k\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(!r.config.twilio.validate_signature);
    BOOST_REQUIRE_EQUAL(r.warnings.size(), 1u);
    BOOST_TEST(contains(r.warnings[0].str(), ":4: [twilio] validate_signature: signature checking is off"));
}

BOOST_AUTO_TEST_CASE(shared_keys_of_a_webhook_setting)
{
    secret_files["/etc/pdcf/twilio-shared-key"] = "sk-secret\n";
    auto r = parse("[pagerduty]\ntoken = a\n[twilio]\nauth_token = x\nshared_key_file = twilio-shared-key\n"
                   "secondary_shared_key = sk-old\n[route:a]\nescalation_policy = P1\nrouting_key = k\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.twilio.shared_keys == (std::vector<std::string>{"sk-secret", "sk-old"}));
    BOOST_TEST(r.config.twilio.auth_tokens == std::vector<std::string>{"x"});
    // Its file is checked for who can read it, like every secret file.
    const auto &files = r.config.secret_files;
    BOOST_TEST((std::find(files.begin(), files.end(), "/etc/pdcf/twilio-shared-key") != files.end()));
    BOOST_TEST(r.config.inline_secrets);
    // A shared key alone will do: Twilio then signs every URL with it.
    r = parse("[pagerduty]\ntoken = a\n[twilio]\nshared_key = s\n[route:a]\nescalation_policy = P1\nrouting_key = k\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.twilio.auth_tokens.empty());
    auto e = only_error(parse("[pagerduty]\ntoken = a\n[twilio]\nauth_token = x\nshared_key = s\n"
                              "shared_key_file = twilio-shared-key\n[route:a]\nescalation_policy = P1\n",
                              "/x.ini"));
    BOOST_TEST(e == "/x.ini:6: [twilio] shared_key_file: set either shared_key or shared_key_file, not both");
}

BOOST_AUTO_TEST_CASE(routes_need_exactly_one_target)
{
    auto e = only_error(parse("[pagerduty]\ntoken = a\n[twilio]\nauth_token = x\n[route:a]\nnumber = +14155550100\n"));
    BOOST_TEST(contains(e, ":5: [route:a]: missing escalation_policy or schedule"), e);
    e = only_error(parse(base + "schedule = PS1\n"));
    BOOST_TEST(contains(e, "[route:ops] schedule: set one of escalation_policy, schedule and dial, not two"), e);
    e = only_error(parse(base + "dial = +14155550000\n"));
    BOOST_TEST(contains(e, "set one of escalation_policy, schedule and dial, not two"), e);
    e = only_error(parse("[pagerduty]\ntoken = a\n[twilio]\nauth_token = x\n"));
    BOOST_TEST(contains(e, "no [route:NAME] section"), e);
}

BOOST_AUTO_TEST_CASE(a_route_may_take_its_own_callers_calls)
{
    const std::string head = "[pagerduty]\ntoken = a\n[twilio]\nauth_token = x\n[route:ops]\nnumber = +14155550100\n"
                             "escalation_policy = PEP1\n[route:vip]\nescalation_policy = PVIP\n";
    auto r = parse(head + "callers = +1415555, +44207\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const Route &vip = r.config.routes.at(1);
    BOOST_TEST((vip.from_callers == std::vector<std::string>{"+1415555", "+44207"}));
    // No number: reached by its callers only, no catch-all.
    BOOST_TEST(vip.behind_menu);
    BOOST_TEST(contains(only_error(parse(head + "callers = 0044207\n")), "[route:vip] callers: \"0044207\" is not a number or prefix"));
    BOOST_TEST(contains(only_error(parse(head + "callers =\n")), "expected the callers' numbers or prefixes"));
    auto twice = parse(head + "callers = +44207\n[route:vip2]\nescalation_policy = PVIP2\ncallers = +1212, +44207\n");
    BOOST_TEST(contains(only_error(twice), "[route:vip2] callers: +44207 is in the callers of [route:vip] too"));
    BOOST_TEST(contains(only_error(parse(head + "callers = +44207\n[call]\ncallers = +1\n")), "[call] callers: unknown key"));
}

BOOST_AUTO_TEST_CASE(a_route_may_dial_fixed_numbers_instead)
{
    const std::string desk = "[pagerduty]\ntoken = a\n[twilio]\nauth_token = x\n[route:desk]\nnumber = +14155550100\n";
    auto r = parse(desk + "dial = +14155550000, +14155550001\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const Route &d = r.config.routes.at(0);
    BOOST_TEST((d.kind == TargetKind::numbers));
    BOOST_TEST(d.target.empty());
    BOOST_TEST((d.dial == std::vector<std::string>{"+14155550000", "+14155550001"}));
    BOOST_TEST(contains(only_error(parse(desk + "dial = +1415\n")), "[route:desk] dial: \"+1415\" is not a whole number"));
    BOOST_TEST(contains(only_error(parse(desk + "dial = 4155550000\n")), "is not a number or prefix"));
    BOOST_TEST(contains(only_error(parse(desk + "dial =\n")), "expected the numbers to ring"));
    std::string eleven = "dial =";
    for (int i = 0; i < 11; ++i) eleven += " +1415555000" + std::to_string(i);
    BOOST_TEST(contains(only_error(parse(desk + eleven + "\n")), "more than 10 numbers"));
    BOOST_TEST(contains(only_error(parse(desk + "dial = +14155550000, +14155550100\n")),
                        "[route:desk] dial: +14155550100 is the number of [route:desk]"));
    BOOST_TEST(contains(only_error(parse(desk + "dial = +14155550000\n[call]\ndial = +14155550001\n")),
                        "[call] dial: unknown key"));
}

BOOST_AUTO_TEST_CASE(plain_http_only_to_loopback)
{
    auto r = parse("[pagerduty]\ntoken = a\napi_url = http://127.0.0.1:8080/pd\n[twilio]\nauth_token = x\n[route:a]\nescalation_policy = P1\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.pagerduty.api_url == "http://127.0.0.1:8080/pd");
}

// Plain http would carry the API token in clear text: only to a host that
// cannot be anything but this machine, written as a literal address.
BOOST_AUTO_TEST_CASE(plain_http_only_to_a_literal_loopback_address)
{
    auto with_url = [](const std::string &url) {
        return parse("[pagerduty]\ntoken = a\napi_url = " + url + "\nevents_url = " + url +
                     "/v2/enqueue\n[twilio]\nauth_token = x\n[route:a]\nescalation_policy = P1\n");
    };
    for (const char *url : {"http://127.0.0.1", "http://127.0.0.1:8080/pd", "http://127.255.3.4:1",
                            "http://localhost:9000", "http://LocalHost", "http://[::1]:8080", "http://[::1]",
                            "http://[0:0:0:0:0:0:0:1]:80", "https://127.0.0.1.nip.io"}) {
        auto r = with_url(url);
        BOOST_TEST(r.ok(), url << ": " << r.summary());
    }
    // Names that merely start like loopback, IPv4 forms inet_aton would
    // take but a literal address is not written as, other networks, and a
    // mapped IPv6 address.
    for (const char *url : {"http://127.0.0.1.nip.io", "http://127.0.0.1.nip.io:8080/pd", "http://127.1",
                            "http://127.0.1", "http://0177.0.0.1", "http://127.000.000.001", "http://2130706433",
                            "http://0x7f.0.0.1", "http://127.0.0.1.", "http://localhost.evil.com",
                            "http://localhost.", "http://128.0.0.1", "http://10.0.0.1", "http://[::2]",
                            "http://[::ffff:127.0.0.1]", "http://[::1%25lo]", "http://[::1", "http://example.com/127.0.0.1"}) {
        auto r = with_url(url);
        BOOST_TEST(r.errors.size() == 2u, url);  // api_url and events_url
        for (const auto &e : r.errors)
            BOOST_TEST(contains(e.str(), "plain http is allowed only to a loopback address"), url << ": " << e.str());
    }
    // User info is refused on its own account, loopback or not.
    BOOST_TEST(contains(only_error(parse("[pagerduty]\ntoken = a\napi_url = http://127.0.0.1@evil.com\n[twilio]\n"
                                         "auth_token = x\n[route:a]\nescalation_policy = P1\n")),
                        "without user name or password"));
}

BOOST_AUTO_TEST_SUITE_END()
