#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include <sys/stat.h>

#include "base_config.hpp"
#include "config/config.hpp"
#include "core/limits.hpp"

using namespace pdcf;

namespace {

const std::string base = R"([pagerduty]
token = pd-secret
[twilio]
auth_token = tw-secret
[route:ops]
number = +14155550100
escalation_policy = PABC123
routing_key = RKEY
)";

std::map<std::string, std::string> secret_files;

ConfigResult parse(const std::string &text, const std::string &path = "/etc/pdcf/pd.ini")
{
    return config_parse(text, path, [](const std::string &file) -> Result<std::string> {
        auto it = secret_files.find(file);
        if (it == secret_files.end()) return fail("No such file or directory");
        return it->second;
    });
}

// The one error of `r`, as printed.
std::string only_error(const ConfigResult &r)
{
    BOOST_TEST_REQUIRE(r.errors.size() == 1u, "errors: " << r.errors.size() << (r.errors.empty() ? "" : " first: " + r.errors[0].str()));
    return r.errors[0].str();
}

bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(minimal_file_and_defaults)
{
    auto r = parse(base);
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const Config &c = r.config;
    BOOST_TEST(c.pagerduty.token == "pd-secret");
    BOOST_TEST(c.pagerduty.api_url == "https://api.pagerduty.com");
    BOOST_TEST(c.pagerduty.timeout.count() == 5000);
    BOOST_TEST(c.twilio.auth_tokens == std::vector<std::string>{"tw-secret"});
    BOOST_TEST(c.twilio.validate_signature);
    BOOST_REQUIRE_EQUAL(c.routes.size(), 1u);
    BOOST_TEST(c.routes[0].name == "ops");
    BOOST_TEST(c.routes[0].number == "+14155550100");
    BOOST_TEST(c.routes[0].target == "PABC123");
    BOOST_TEST((c.routes[0].kind == TargetKind::escalation_policy));
    BOOST_TEST(c.routes[0].call.voice == "Polly.Joanna");
    BOOST_TEST(c.routes[0].call.language == "");
    BOOST_TEST(c.routes[0].call.dial_timeout == 25);
    BOOST_TEST(r.warnings.empty());
}

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

BOOST_AUTO_TEST_CASE(hunt_and_voicemail_keys)
{
    secret_files["/etc/pdcf/ops-key"] = "R0UTINGKEY0PS\n";
    auto r = parse(R"([pagerduty]
token = t
events_url = https://events.eu.pagerduty.com/v2/enqueue
spool_dir = /var/spool/pdcf/
[twilio]
auth_token = a
[call]
routing_key = DEFAULTKEY
ring = in-turn
max_loops = 3
screening = no
screen_timeout = 15
whisper = Line {title}, caller {caller}: press 1.
hold_message = Still ringing.
voicemail_prompt = Speak now.
voicemail_max_length = 300
transcribe = yes
voicemail_closing = Bye.
severity = warning
alert_missed_calls = no
missed_call_wait = 10
transcription_wait = 90
[route:ops]
number = +14155550100
escalation_policy = PEP1
title = Platform
routing_key_file = ops-key
ring = together
[route:db]
schedule = PS1
)");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const Config &c = r.config;
    BOOST_TEST(c.pagerduty.events_url == "https://events.eu.pagerduty.com/v2/enqueue");
    BOOST_TEST(c.pagerduty.spool_dir == "/var/spool/pdcf");
    const CallSettings &ops = c.routes.at(0).call, &db = c.routes.at(1).call;
    BOOST_TEST(ops.title == "Platform");
    BOOST_TEST(db.title == "db");  // a route's name when unset
    BOOST_TEST(ops.routing_key == "R0UTINGKEY0PS");
    BOOST_TEST(db.routing_key == "DEFAULTKEY");
    BOOST_TEST((ops.ring == Ring::together));
    BOOST_TEST((db.ring == Ring::in_turn));
    BOOST_TEST(db.max_loops == 3);
    BOOST_TEST(!db.screening);
    BOOST_TEST(db.screen_timeout == 15);
    BOOST_TEST(db.whisper == "Line {title}, caller {caller}: press 1.");
    BOOST_TEST(db.hold_message == "Still ringing.");
    BOOST_TEST(db.voicemail_prompt == "Speak now.");
    BOOST_TEST(db.voicemail_max_length == 300);
    BOOST_TEST(db.transcribe);
    BOOST_TEST(db.voicemail_closing == "Bye.");
    BOOST_TEST(db.severity == "warning");
    BOOST_TEST(!db.alert_missed_calls);
    BOOST_TEST(db.missed_call_wait == 10);
    BOOST_TEST(db.transcription_wait == 90);
    BOOST_TEST(ops.missed_call_wait == 10);
}

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

BOOST_AUTO_TEST_CASE(hunt_defaults)
{
    auto r = parse(base);
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const CallSettings &c = r.config.routes.at(0).call;
    BOOST_TEST(r.config.pagerduty.events_url == "https://events.pagerduty.com/v2/enqueue");
    BOOST_TEST((c.ring == Ring::together));
    BOOST_TEST(c.max_loops == 1);
    BOOST_TEST(c.screening);
    BOOST_TEST(c.voicemail_max_length == 120);
    BOOST_TEST(!c.transcribe);
    BOOST_TEST(c.severity == "critical");
    BOOST_TEST(c.alert_missed_calls);
    BOOST_TEST(c.routing_key == "RKEY");
    BOOST_TEST(c.title == "ops");
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

BOOST_AUTO_TEST_CASE(unknown_sections_and_keys_name_the_line)
{
    auto r = parse(base + "[callz]\nvoice = man\n", "/x.ini");
    BOOST_TEST(only_error(r) == "/x.ini:9: [callz]: unknown section (expected [pagerduty], [twilio], [call], [route:NAME] or [menu:NAME])");
    r = parse(base + "[call]\ngreting = hi\n", "/x.ini");
    BOOST_TEST(contains(only_error(r), "/x.ini:10: [call] greting: unknown key"));
    r = parse("tokn = x\n" + base, "/x.ini");
    BOOST_TEST(contains(only_error(r), "/x.ini:1: tokn: key outside any section"));
    r = parse(base + "fallback = 1\n", "/x.ini");
    BOOST_TEST(contains(only_error(r), "/x.ini:9: [route:ops] fallback: unknown key"));
}

BOOST_AUTO_TEST_CASE(syntax_errors_name_the_line)
{
    auto e = only_error(parse(base + "this line has no equals sign\n", "/x.ini"));
    BOOST_TEST(contains(e, "/x.ini:9: "), e);
    e = only_error(parse(base + "number = +14155550101\n", "/x.ini"));
    BOOST_TEST(contains(e, "/x.ini:9: duplicate key"), e);
}

BOOST_AUTO_TEST_CASE(routes_need_exactly_one_target)
{
    auto e = only_error(parse("[pagerduty]\ntoken = a\n[twilio]\nauth_token = x\n[route:a]\nnumber = +14155550100\n"));
    BOOST_TEST(contains(e, ":5: [route:a]: missing escalation_policy or schedule"), e);
    e = only_error(parse(base + "schedule = PS1\n"));
    BOOST_TEST(contains(e, "[route:ops] schedule: set either escalation_policy or schedule, not both"), e);
    e = only_error(parse("[pagerduty]\ntoken = a\n[twilio]\nauth_token = x\n"));
    BOOST_TEST(contains(e, "no [route:NAME] section"), e);
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

BOOST_AUTO_TEST_CASE(bad_values_say_what_is_expected)
{
    struct Case {
        std::string section, line, expect;
    };
    const Case cases[] = {
        {"pagerduty", "timeout = soon", "expected seconds from 0.1 to 12"},
        {"pagerduty", "timeout = 0", "expected seconds"},
        {"pagerduty", "timeout = 30", "expected seconds"},
        {"pagerduty", "timeout = 1.2345", "expected seconds"},
        {"pagerduty", "api_url = api.pagerduty.com", "expected a URL starting with https://"},
        {"pagerduty", "api_url = http://api.pagerduty.com", "expected https://"},
        {"pagerduty", "api_url = https://api.pagerduty.com/?x=1", "without query"},
        {"twilio", "validate_signature = maybe", "expected yes or no"},
        {"twilio", "public_url = ftp://x", "expected a URL"},
        {"call", "dial_timeout = 3", "expected whole seconds from 5 to 600"},
        {"call", "dial_timeout = 25s", "expected whole seconds"},
        {"call", "caller_id = 4155550100", "E.164"},
        {"call", "fallback_number = +1 415 555 0100", "E.164"},
        {"call", "voice = alice; rm", "expected one of Twilio's <Say> voices: man, woman, Polly.NAME"},
        {"call", "voice = Joanna", "expected one of Twilio's <Say> voices"},
        {"call", "voice = Polly.joanna", "expected one of Twilio's <Say> voices"},
        {"call", "voice = Google.english", "expected one of Twilio's <Say> voices"},
        {"call", "voice = Polly.Hans\nlanguage = en-US", "Polly.Hans speaks de-DE, not en-US: leave language out"},
        {"call", "voice = Google.en-GB-Standard-A\nlanguage = en-US", "Google.en-GB-Standard-A speaks en-GB, not en-US"},
        {"call", "language = en US", "expected a language tag"},
        {"call", "greeting = Hi {nmae}", "unknown placeholder {nmae} (expected {name}, {first_name} or {title})"},
        {"call", "unavailable_message = Sorry {name}", "unknown placeholder {name} (expected {title})"},
        {"call", "title = Ops {name}", "takes no placeholders"},
        {"call", "ring = round-robin", "expected together (everyone at a level at once) or in-turn"},
        {"call", "max_loops = 0", "expected a number of rounds from 1 to 9"},
        {"call", "screening = sometimes", "expected yes or no"},
        {"call", "screen_timeout = 1", "expected whole seconds from 3 to 60"},
        {"call", "whisper = Call from {from}", "unknown placeholder {from} (expected {title} or {caller})"},
        {"call", "voicemail_max_length = 7200", "expected whole seconds from 5 to 3600"},
        {"call", "transcribe = maybe", "expected yes or no"},
        {"call", "missed_call_wait = 2", "expected whole seconds from 5 to 60"},
        {"call", "missed_call_wait = 61", "expected whole seconds from 5 to 60"},
        {"call", "transcription_wait = 301", "expected whole seconds from 10 to 300"},
        {"call", "severity = high", "expected critical, error, warning or info"},
        {"pagerduty", "events_url = http://events.pagerduty.com/v2/enqueue", "expected https://"},
        {"pagerduty", "spool_dir = spool", "expected an absolute directory name"},
        {"route:ops", "escalation_policy = P/../x", "expected a PagerDuty id"},
        {"route:ops", "number = 555", "E.164"},
    };
    for (const auto &c : cases) {
        std::string text = base;
        if (c.section == "route:ops") {
            std::string key = c.line.substr(0, c.line.find(' '));
            std::size_t at = text.find(key + " = ");
            text.replace(at, text.find('\n', at) - at, c.line);
        } else if (c.section == "pagerduty" || c.section == "twilio") {
            text.insert(text.find('\n', text.find("[" + c.section + "]")) + 1, c.line + "\n");
        } else {
            text += "[" + c.section + "]\n" + c.line + "\n";
        }
        auto r = parse(text);
        BOOST_TEST(r.errors.size() == 1u, c.line);
        if (!r.errors.empty()) BOOST_TEST(contains(r.errors[0].str(), c.expect), c.line << " -> " << r.errors[0].str());
    }
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

BOOST_AUTO_TEST_CASE(every_error_is_reported_at_once)
{
    auto r = parse("[pagerduty]\ntimeout = x\n[twilio]\nauth_token = y\n[call]\ndial_timeout = 1\n[route:a]\nnumber = 1\n");
    BOOST_TEST(r.errors.size() == 5u);  // token, timeout, dial_timeout, number, target
    BOOST_TEST(contains(r.summary(), "(and 4 more)"));
}

BOOST_AUTO_TEST_CASE(secrets_never_in_messages)
{
    auto r = parse("[pagerduty]\ntoken = sekrit-pd\ntimeout = x\n[twilio]\nauth_token = sekrit-tw\n[route:a]\nescalation_policy = P1\n");
    for (const auto &e : r.errors) {
        BOOST_TEST(!contains(e.str(), "sekrit"));
    }
}

BOOST_AUTO_TEST_CASE(load_names_the_missing_file)
{
    auto r = config_load("/nonexistent/pd-call-forward.ini");
    BOOST_TEST(only_error(r) == "/nonexistent/pd-call-forward.ini: cannot read the configuration file: No such file or directory");
}

BOOST_AUTO_TEST_CASE(config_and_secret_file_size_limits)
{
    char dir[] = "/tmp/pdcf-config-XXXXXX";
    BOOST_REQUIRE(mkdtemp(dir));
    std::string d = dir;
    const std::string text = "[pagerduty]\ntoken_file = pd-token\n[twilio]\nauth_token_file = tw\n[route:a]\nschedule = P1\n"
                             "routing_key_file = tw\n";
    auto write = [&](const std::string &name, const std::string &content, mode_t mode) {
        std::ofstream(d + "/" + name) << content;
        chmod((d + "/" + name).c_str(), mode);
    };
    // Padded with a comment to exactly the limit, then one byte more.
    std::string at = text + ";" + std::string(limits::max_config_file - text.size() - 2, 'x') + "\n";
    BOOST_REQUIRE_EQUAL(at.size(), limits::max_config_file);
    write("tw", "tw-token", 0600);
    write("pd-token", std::string(limits::max_secret_file, 't'), 0600);
    write("pd.ini", at, 0600);
    auto r = config_load(d + "/pd.ini");
    BOOST_TEST(r.ok(), r.summary());
    write("pd.ini", at + "x", 0600);
    r = config_load(d + "/pd.ini");
    BOOST_TEST(contains(only_error(r), "larger than 262144 bytes"));
    write("pd.ini", text, 0600);
    write("pd-token", std::string(limits::max_secret_file + 1, 't'), 0600);
    r = config_load(d + "/pd.ini");
    BOOST_TEST(contains(only_error(r), "larger than 4096 bytes"));
    std::system(("rm -rf '" + d + "'").c_str());
}

BOOST_AUTO_TEST_CASE(load_reads_secret_files_beside_the_config)
{
    char dir[] = "/tmp/pdcf-config-XXXXXX";
    BOOST_REQUIRE(mkdtemp(dir));
    std::string d = dir;
    std::ofstream(d + "/pd.ini") << "[pagerduty]\ntoken_file = pd-token\n[twilio]\nauth_token_file = tw\n[route:a]\nschedule = P1\nrouting_key = k\n";
    std::ofstream(d + "/pd-token") << "pd-from-file\n";
    std::ofstream(d + "/tw") << "tw-from-file";
    chmod((d + "/pd.ini").c_str(), 0640);
    chmod((d + "/pd-token").c_str(), 0640);
    chmod((d + "/tw").c_str(), 0600);
    auto r = config_load(d + "/pd.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.pagerduty.token == "pd-from-file");
    BOOST_TEST(r.config.twilio.auth_tokens[0] == "tw-from-file");
    BOOST_TEST(r.warnings.empty());
    for (const char *f : {"/pd.ini", "/pd-token", "/tw"}) std::remove((d + f).c_str());
    std::remove(dir);
}

BOOST_AUTO_TEST_CASE(load_warns_about_secrets_every_user_can_read)
{
    char dir[] = "/tmp/pdcf-config-XXXXXX";
    BOOST_REQUIRE(mkdtemp(dir));
    std::string d = dir;
    std::ofstream(d + "/pd.ini") << "[pagerduty]\ntoken_file = pd-token\n[twilio]\nauth_token = inline\n[route:a]\nschedule = P1\nrouting_key = k\n";
    std::ofstream(d + "/pd-token") << "pd-from-file\n";
    chmod((d + "/pd.ini").c_str(), 0644);
    chmod((d + "/pd-token").c_str(), 0604);
    auto r = config_load(d + "/pd.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_REQUIRE_EQUAL(r.warnings.size(), 2u);
    BOOST_TEST(r.warnings[0].str() == d + "/pd.ini: holds a secret and every user can read it; make it readable only "
                                           "by the program's user or group (chmod o-rwx " + d + "/pd.ini)");
    BOOST_TEST(contains(r.warnings[1].str(), d + "/pd-token: holds a secret"));
    chmod((d + "/pd.ini").c_str(), 0640);
    chmod((d + "/pd-token").c_str(), 0600);
    BOOST_TEST(config_load(d + "/pd.ini").warnings.empty());
    for (const char *f : {"/pd.ini", "/pd-token"}) std::remove((d + f).c_str());
    std::remove(dir);
}

// Two routes and room for a menu from line 15 on.
const std::string routes = R"([pagerduty]
token = t
[twilio]
auth_token = a
[route:ops]
number = +14155550100
escalation_policy = PEP1
title = Platform
routing_key = RKEY
[route:db]
number = +14155550111
schedule = PSDB
title = Database
routing_key = RKEY
)";

ConfigResult with_menu(const std::string &menu) { return parse(routes + menu, "/x.ini"); }

const Menu &first_menu(const ConfigResult &r)
{
    BOOST_TEST_REQUIRE(r.config.menus.size() >= 1u);
    return r.config.menus[0];
}

std::string keys_of(const Menu &m)
{
    std::string s;
    for (const auto &e : m.entries) s += e.key;
    return s;
}

BOOST_AUTO_TEST_CASE(menu_entries_in_key_order_and_the_generated_prompt)
{
    auto r = with_menu(R"([menu:main]
number = +14155550150
# = db
0 = voicemail
star = ops
2 = db
1 = ops
routing_key = MKEY
)");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.warnings.empty());
    const Menu &m = first_menu(r);
    BOOST_TEST(m.name == "main");
    BOOST_TEST(m.number == "+14155550150");
    // 1-9, then 0, *, #: the order they are offered in, whatever the file's.
    BOOST_TEST(keys_of(m) == "120*#");
    BOOST_TEST(m.entries[0].route == "ops");
    BOOST_TEST(m.entries[2].route.empty());  // voicemail
    BOOST_TEST(m.entries[4].route == "db");  // the "# = db" line was not taken for a comment
    BOOST_TEST(m.prompt == "For Platform, press 1. For Database, press 2. To leave a message, press 0. "
                           "For Platform, press star. For Database, press pound.");
    BOOST_TEST(m.call.title == "main");
    BOOST_TEST(m.call.routing_key == "MKEY");
    BOOST_TEST(m.retries == 2);
    BOOST_TEST(m.timeout == 5);
    BOOST_TEST(m.invalid_message == "Sorry, that is not one of the choices.");
    BOOST_TEST(m.fallback.route.empty());  // default: voicemail
}

BOOST_AUTO_TEST_CASE(menu_hash_and_star_spellings)
{
    for (const char *lines : {"hash = db\n* = ops\n", "#=db\nstar = ops\n", "  #   =   db\n*=ops\n"}) {
        auto r = with_menu(std::string("[menu:main]\nnumber = +14155550150\ndefault = ops\n1 = ops\n") + lines);
        BOOST_TEST_REQUIRE(r.ok(), lines << r.summary());
        const Menu &m = first_menu(r);
        BOOST_TEST(keys_of(m) == "1*#", lines);
        BOOST_TEST(m.entries[2].route == "db", lines);
    }
    // A real comment in a menu, and a "# = x" line outside menus, stay comments.
    auto r = with_menu("[menu:main]\nnumber = +14155550150\n# the main line\n1 = ops\ndefault = ops\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(keys_of(first_menu(r)) == "1");
    r = parse(base + "# = nothing\n");
    BOOST_TEST(r.ok(), r.summary());
}

BOOST_AUTO_TEST_CASE(menu_prompt_says_hash_outside_north_america)
{
    const std::string keys = "1 = ops\n# = db\ndefault = ops\n";
    auto said = [&](const std::string &extra) {
        auto r = with_menu("[menu:main]\nnumber = +14155550150\n" + extra + keys);
        BOOST_TEST_REQUIRE(r.ok(), r.summary());
        return first_menu(r).prompt;
    };
    BOOST_TEST(said("") == "For Platform, press 1. For Database, press pound.");
    BOOST_TEST(said("language = en-CA\n") == "For Platform, press 1. For Database, press pound.");
    BOOST_TEST(said("language = en-GB\n") == "For Platform, press 1. For Database, press hash.");
    BOOST_TEST(said("language = en-AU\n") == "For Platform, press 1. For Database, press hash.");
    // The menu's language may come from [call].
    auto r = parse(routes + "[call]\nlanguage = en-GB\n[menu:main]\nnumber = +14155550150\n" + keys, "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(first_menu(r).prompt == "For Platform, press 1. For Database, press hash.");
    // Without a language, the voice's own.
    BOOST_TEST(said("voice = Polly.Amy\n") == "For Platform, press 1. For Database, press hash.");
    BOOST_TEST(said("voice = Google.en-CA-Standard-A\n") == "For Platform, press 1. For Database, press pound.");
}

BOOST_AUTO_TEST_CASE(configs_written_for_alice_keep_working)
{
    // Only a language, as for the old default voice alice: a voice that
    // speaks it.
    auto r = parse(routes + "[call]\nlanguage = de-DE\n", "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.call.voice == "Polly.Hans");
    BOOST_TEST(r.config.routes[0].call.voice == "Polly.Hans");
    BOOST_TEST(r.config.routes[0].call.language == "de-DE");
    r = parse(routes + "[route:fr]\nnumber = +14155550113\nescalation_policy = PFR\nlanguage = fr-CA\n", "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.routes.back().call.voice == "Polly.Chantal");
    BOOST_TEST(r.config.routes[0].call.voice == "Polly.Joanna");
    // The old example's [call] voice = alice, language = en-US, and a route
    // that picks a German Polly voice: the inherited en-US was meant for
    // alice, not for it.
    r = parse(routes + "[call]\nvoice = alice\nlanguage = en-US\n[route:de]\nnumber = +4930555000\n"
                       "escalation_policy = PDE\nvoice = Polly.Marlene\n", "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.routes.back().call.language == "");
    BOOST_TEST(r.config.routes[0].call.language == "en-US");  // alice needs it
    BOOST_TEST(spoken_language(r.config.routes.back().call.voice, r.config.routes.back().call.language) == "de-DE");
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

BOOST_AUTO_TEST_CASE(menu_custom_prompt_and_keys)
{
    auto r = with_menu(R"([menu:main]
number = +14155550150
prompt = Welcome to {title}. {choices} Or stay on the line.
title = Acme Support
invalid_message = That key does nothing on the {title} line.
menu_retries = 0
menu_timeout = 60
default = db
1 = ops
2 = db
routing_key = MKEY
)");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const Menu &m = first_menu(r);
    // Both are kept as said: {title} is the menu's own, set below the prompt.
    BOOST_TEST(m.prompt == "Welcome to Acme Support. For Platform, press 1. For Database, press 2. Or stay on the line.");
    BOOST_TEST(m.call.title == "Acme Support");
    BOOST_TEST(m.invalid_message == "That key does nothing on the Acme Support line.");
    BOOST_TEST(m.retries == 0);
    BOOST_TEST(m.timeout == 60);
    BOOST_TEST(m.fallback.route == "db");
    // A prompt without {choices} is said as written.
    r = with_menu("[menu:main]\nnumber = +14155550150\nprompt = Press 1 for ops.\n1 = ops\ndefault = ops\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(first_menu(r).prompt == "Press 1 for ops.");
}

BOOST_AUTO_TEST_CASE(menu_retries_and_timeout_bounds)
{
    struct Case {
        const char *line;
        bool ok;
    };
    const Case cases[] = {
        {"menu_retries = 0", true},  {"menu_retries = 5", true},   {"menu_retries = 6", false},
        {"menu_retries = -1", false}, {"menu_retries = two", false}, {"menu_timeout = 1", true},
        {"menu_timeout = 60", true},  {"menu_timeout = 0", false},   {"menu_timeout = 61", false},
        {"menu_timeout = 5s", false},
    };
    for (const auto &c : cases) {
        // The key is on line 17.
        auto r = with_menu(std::string("[menu:main]\nnumber = +14155550150\n") + c.line + "\n1 = ops\ndefault = ops\n");
        if (c.ok) {
            BOOST_TEST(r.ok(), c.line << ": " << r.summary());
            continue;
        }
        bool retries = std::string(c.line).rfind("menu_retries", 0) == 0;
        std::string key = retries ? "menu_retries" : "menu_timeout";
        BOOST_TEST(only_error(r) == "/x.ini:17: [menu:main] " + key + ": " +
                                        (retries ? "expected a number of repeats from 0 to 5"
                                                 : "expected whole seconds from 1 to 60"),
                   c.line);
    }
}

BOOST_AUTO_TEST_CASE(menu_errors_name_file_and_line)
{
    struct Case {
        std::string menu, expect;
    };
    const Case cases[] = {
        {"[menu:main]\nnumber = +14155550150\n1 = ops\n2 = nope\ndefault = ops\n",
         "/x.ini:18: [menu:main] 2: no [route:nope]; expected a route name or voicemail"},
        {"[menu:main]\nnumber = +14155550150\n1 = ops\n# = nope\ndefault = ops\n",
         "/x.ini:18: [menu:main] hash: no [route:nope]; expected a route name or voicemail"},
        {"[menu:main]\nnumber = +14155550150\n1 = ops\ndefault = nope\n",
         "/x.ini:18: [menu:main] default: no [route:nope]; expected a route name or voicemail"},
        {"[menu:main]\nnumber = +14155550150\ndefault = ops\nprompt = Hi\n",
         "/x.ini:15: [menu:main]: no choices; add keys such as 1 = ROUTE and 2 = ROUTE"},
        {"[menu:main]\nnumber = +14155550150\n1 = ops\ndefault = ops\nprompt = Press {key}\n",
         "/x.ini:19: [menu:main] prompt: unknown placeholder {key} (expected {choices} or {title})"},
        {"[menu:main]\nnumber = +14155550150\n1 = ops\ndefault = ops\nprompt =\n",
         "/x.ini:19: [menu:main] prompt: expected what the caller hears, or leave the key out for the default"},
        {"[menu:main]\nnumber = +14155550150\n1 = ops\ndefault = ops\ninvalid_message = No {name}\n",
         "/x.ini:19: [menu:main] invalid_message: unknown placeholder {name} (expected {title})"},
        {"[menu:main]\nnumber = 4155550150\n1 = ops\ndefault = ops\n",
         "/x.ini:16: [menu:main] number: expected the Twilio number in E.164 form, such as +14155550100"},
        {"[menu:main]\nnumber = +14155550150\n1 = ops\n* = db\nstar = ops\ndefault = ops\n",
         "/x.ini:19: [menu:main] star: key * is set twice"},
        {"[menu:main]\nnumber = +14155550150\n10 = ops\n1 = ops\ndefault = ops\n",
         "/x.ini:17: [menu:main] 10: unknown key (expected number, prompt, 0-9, *, #, default, menu_retries, "
         "menu_timeout, invalid_message, or a [call] key for the menu's own voicemail)"},
        {"[menu:ops]\nnumber = +14155550150\n1 = db\ndefault = db\n",
         "/x.ini:15: [menu:ops]: a route is also called ops; give the menu another name"},
        {"[menu:main]\nnumber = +14155550111\n1 = ops\ndefault = ops\n",
         "/x.ini:16: [menu:main] number: the number is already used by [route:db]"},
        {"[menu:main]\n1 = ops\ndefault = ops\n[route:rest]\nschedule = PS9\nrouting_key = k\n",
         "/x.ini:15: [menu:main]: both [route:rest] and this section have no number; only one may catch all calls"},
    };
    for (const auto &c : cases) {
        std::string e = only_error(with_menu(c.menu));
        BOOST_TEST(e == c.expect, e);
    }
}

// One published number for every team: routes without a number that a
// menu leads to are not catch-alls, so any number of them may go without.
BOOST_AUTO_TEST_CASE(routes_behind_a_menu_need_no_number)
{
    const std::string text = R"([pagerduty]
token = t
[twilio]
auth_token = a
[route:ops]
escalation_policy = PEP1
[route:db]
schedule = PSDB
[route:pay]
escalation_policy = PEP3
[menu:main]
number = +14155550150
1 = ops
2 = db
default = pay
)";
    auto r = parse(text, "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    for (const auto &route : r.config.routes) BOOST_TEST(route.behind_menu, route.name);

    // A route no menu names still catches all: one such section only.
    auto e = only_error(parse(text + "[route:rest]\nschedule = PS9\n[route:more]\nschedule = PS8\n", "/x.ini"));
    BOOST_TEST(contains(e, "[route:more]: both [route:rest] and this section have no number"), e);
    auto one = parse(text + "[route:rest]\nschedule = PS9\n", "/x.ini");
    BOOST_TEST_REQUIRE(one.ok(), one.summary());
    BOOST_TEST(!one.config.routes.back().behind_menu);
    // A menu without a number is the catch-all itself.
    auto menu_rest = parse(text.substr(0, text.find("number = +14155550150")) + "1 = ops\n2 = db\ndefault = pay\n", "/x.ini");
    BOOST_TEST(menu_rest.ok(), menu_rest.summary());
}

BOOST_AUTO_TEST_CASE(menu_star_error_names_its_line)
{
    // The '*' line itself, like every other key's error.
    auto r = with_menu("[menu:main]\nnumber = +14155550150\n1 = ops\n* = nope\ndefault = ops\n");
    std::string e = only_error(r);
    BOOST_TEST(contains(e, "/x.ini:18: [menu:main] "), e);
    BOOST_TEST(contains(e, "no [route:nope]; expected a route name or voicemail"), e);
}

BOOST_AUTO_TEST_CASE(menu_clashes_between_menus)
{
    auto r = with_menu("[menu:a]\nnumber = +14155550150\n1 = ops\ndefault = ops\n"
                       "[menu:b]\nnumber = +14155550150\n1 = db\ndefault = db\n");
    BOOST_TEST(only_error(r) == "/x.ini:20: [menu:b] number: the number is already used by [menu:a]");
    r = with_menu("[menu:a]\n1 = ops\ndefault = ops\n[menu:b]\n1 = db\ndefault = db\n");
    BOOST_TEST(only_error(r) ==
               "/x.ini:18: [menu:b]: both [menu:a] and this section have no number; only one may catch all calls");
    // One section without a number is the catch-all, a menu as well as a route.
    r = with_menu("[menu:a]\n1 = ops\ndefault = ops\n");
    BOOST_TEST(r.ok(), r.summary());
    BOOST_TEST(first_menu(r).number.empty());
}

BOOST_AUTO_TEST_CASE(menu_rejects_route_only_keys)
{
    // A menu hands its calls and texts to routes, which use their own.
    for (const char *line : {"greeting = Hi", "fallback_greeting = Hi", "hold_message = Hold", "dial_timeout = 20",
                             "caller_id = +14155550999", "fallback_number = +14155550199", "ring = in-turn",
                             "max_loops = 2", "screening = no", "screen_timeout = 10", "whisper = Call {caller}",
                             "sms_forward = {text}", "sms_reply = Thanks.", "sms_unavailable = Nobody.",
                             "sms_alert = yes"}) {
        auto r = with_menu(std::string("[menu:main]\nnumber = +14155550150\n1 = ops\ndefault = ops\n") + line + "\n");
        std::string key = std::string(line).substr(0, std::string(line).find(' '));
        BOOST_TEST(only_error(r) == "/x.ini:19: [menu:main] " + key +
                                        ": only for routes: a menu dials and texts nobody itself (set it in the routes it leads to)",
                   line);
    }
}

BOOST_AUTO_TEST_CASE(menu_takes_its_own_line_keys)
{
    auto r = parse(routes + R"([call]
voice = man
[menu:main]
number = +14155550150
1 = ops
0 = voicemail
title = Switchboard
language = en-GB
routing_key = MKEY
severity = warning
alert_missed_calls = no
voicemail_prompt = Speak.
voicemail_max_length = 60
transcribe = yes
voicemail_closing = Bye.
unavailable_message = Closed.
allow_callers = +1415
block_callers = +14155559999
allow_anonymous = yes
rejected_message = Not you.
)",
                   "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const CallSettings &c = first_menu(r).call;
    BOOST_TEST(c.voice == "man");  // from [call]
    BOOST_TEST(c.title == "Switchboard");
    BOOST_TEST(c.language == "en-GB");
    BOOST_TEST(c.routing_key == "MKEY");
    BOOST_TEST(c.severity == "warning");
    BOOST_TEST(!c.alert_missed_calls);
    BOOST_TEST(c.voicemail_prompt == "Speak.");
    BOOST_TEST(c.voicemail_max_length == 60);
    BOOST_TEST(c.transcribe);
    BOOST_TEST(c.voicemail_closing == "Bye.");
    BOOST_TEST(c.unavailable_message == "Closed.");
    BOOST_TEST(c.callers.allow == std::vector<std::string>{"+1415"});
    BOOST_TEST(c.callers.block == std::vector<std::string>{"+14155559999"});
    BOOST_TEST((c.callers.allow_anonymous == std::optional<bool>(true)));
    BOOST_TEST(c.rejected_message == "Not you.");
}

BOOST_AUTO_TEST_CASE(menu_voicemail_without_routing_key_is_warned_about)
{
    const std::string warning =
        "/x.ini:15: [menu:main]: no routing_key: its voicemail is off, so a caller who chooses it (or nothing) hears "
        "unavailable_message";
    // Reachable by a key, or as the default.
    for (const char *keys : {"1 = ops\n0 = voicemail\ndefault = ops\n", "1 = ops\n", "1 = ops\ndefault = voicemail\n"}) {
        auto r = with_menu(std::string("[menu:main]\nnumber = +14155550150\n") + keys);
        BOOST_TEST_REQUIRE(r.ok(), r.summary());
        BOOST_REQUIRE_EQUAL(r.warnings.size(), 1u);
        BOOST_TEST(r.warnings[0].str() == warning, keys);
    }
    // Not reachable, or with a key (the menu's own or [call]'s): no warning.
    for (const char *keys : {"1 = ops\ndefault = ops\n", "1 = ops\nrouting_key = MKEY\n"}) {
        auto r = with_menu(std::string("[menu:main]\nnumber = +14155550150\n") + keys);
        BOOST_TEST_REQUIRE(r.ok(), r.summary());
        BOOST_TEST(r.warnings.empty(), keys);
    }
    auto r = parse(routes + "[call]\nrouting_key = CKEY\n[menu:main]\nnumber = +14155550150\n1 = ops\n", "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.warnings.empty());
    BOOST_TEST(first_menu(r).call.routing_key == "CKEY");
}

BOOST_AUTO_TEST_CASE(caller_and_text_keys_and_their_defaults)
{
    auto r = parse(base);
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const CallSettings &d = r.config.routes.at(0).call;
    BOOST_TEST(d.callers.allow.empty());
    BOOST_TEST(d.callers.block.empty());
    BOOST_TEST(!d.callers.allow_anonymous.has_value());
    BOOST_TEST(d.rejected_message == "Sorry, this line does not accept calls or texts from your number.");
    BOOST_TEST(d.sms_forward == "Text to the {title} line from {caller}: {text}");
    BOOST_TEST(d.sms_reply.empty());
    BOOST_TEST(d.sms_unavailable.empty());
    BOOST_TEST(!d.sms_alert);

    r = parse(base + R"([call]
allow_callers = +14155550100, +4420 +1628
block_callers = +1900
allow_anonymous = no
rejected_message = The {title} line is private.
sms_forward = {title}: {text} (from {caller})
sms_reply = {name} ({first_name}) on {title} has it.
sms_unavailable = Nobody on {title}.
sms_alert = yes
[route:db]
number = +14155550111
schedule = PSDB
routing_key = k
allow_callers = +44
allow_anonymous = yes
sms_alert = no
)");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const CallSettings &ops = r.config.routes.at(0).call, &db = r.config.routes.at(1).call;
    BOOST_TEST(ops.callers.allow == (std::vector<std::string>{"+14155550100", "+4420", "+1628"}));
    BOOST_TEST(ops.callers.block == std::vector<std::string>{"+1900"});
    BOOST_TEST((ops.callers.allow_anonymous == std::optional<bool>(false)));
    BOOST_TEST(ops.rejected_message == "The {title} line is private.");
    BOOST_TEST(ops.sms_forward == "{title}: {text} (from {caller})");
    BOOST_TEST(ops.sms_reply == "{name} ({first_name}) on {title} has it.");
    BOOST_TEST(ops.sms_unavailable == "Nobody on {title}.");
    BOOST_TEST(ops.sms_alert);
    // A route overrides what it sets and inherits the rest.
    BOOST_TEST(db.callers.allow == std::vector<std::string>{"+44"});
    BOOST_TEST(db.callers.block == std::vector<std::string>{"+1900"});
    BOOST_TEST((db.callers.allow_anonymous == std::optional<bool>(true)));
    BOOST_TEST(!db.sms_alert);
    BOOST_TEST(db.sms_reply == ops.sms_reply);
}

BOOST_AUTO_TEST_CASE(caller_and_text_keys_bad_values)
{
    std::string thousand_and_one;
    for (int i = 0; i < 1001; ++i) thousand_and_one += " +1415555" + std::to_string(1000 + i);
    struct Case {
        std::string line, expect;
    };
    const Case cases[] = {
        {"allow_callers = +14155550100, 4155550101",
         "allow_callers: \"4155550101\" is not a number or prefix; expected \"+\" and 1 to 15 digits"},
        {"block_callers = +1-900", "block_callers: \"+1-900\" is not a number or prefix"},
        {"block_callers =" + thousand_and_one, "block_callers: more than 1000 numbers"},
        {"allow_anonymous = maybe", "allow_anonymous: expected yes or no"},
        {"sms_alert = sometimes", "sms_alert: expected yes or no"},
        {"rejected_message = Go away {name}", "rejected_message: unknown placeholder {name} (expected {title})"},
        {"sms_forward = Text from {caller}", "sms_forward: expected {text} in it, where the message goes"},
        {"sms_reply = Got {text}", "sms_reply: unknown placeholder {text} (expected {name}, {first_name} or {title})"},
        {"sms_unavailable = Sorry {caller}", "sms_unavailable: unknown placeholder {caller} (expected {title})"},
    };
    for (const auto &c : cases) {
        // In [call] on line 10, and in a route on line 9.
        auto e = only_error(parse(base + "[call]\n" + c.line + "\n", "/x.ini"));
        BOOST_TEST(contains(e, "/x.ini:10: [call] " + c.expect), e);
        e = only_error(parse(base + c.line + "\n", "/x.ini"));
        BOOST_TEST(contains(e, "/x.ini:9: [route:ops] " + c.expect), e);
    }
    // 1000 is the limit, not over it.
    std::string thousand = thousand_and_one.substr(0, thousand_and_one.rfind(' '));
    auto r = parse(base + "block_callers =" + thousand + "\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.routes[0].call.callers.block.size() == 1000u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(base_config)

// The unit and fuzz tests build their configurations on one base: a key
// set must land in its section, replacing the base's own, or the tests
// would run on another configuration than they say.
BOOST_AUTO_TEST_CASE(set_key_replaces_adds_and_makes_sections)
{
    using testing::set_key;
    std::string c = set_key(testing::base_config, "pagerduty", "timeout", "5");
    c = set_key(c, "route:ops", "max_loops", "2");
    c = set_key(c, "route:db", "ring", "in-turn");
    c = set_key(c, "menu:main", "number", "+14155550150");
    c = set_key(c, "menu:main", "1", "ops");
    ConfigResult r = parse(c);
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.pagerduty.timeout.count() == 5000);
    BOOST_REQUIRE_EQUAL(r.config.routes.size(), 2u);
    BOOST_TEST(r.config.routes[0].call.max_loops == 2);
    BOOST_TEST(r.config.routes[0].call.fallback_number == "+14155550199");
    BOOST_TEST((r.config.routes[1].call.ring == Ring::in_turn));
    BOOST_REQUIRE_EQUAL(r.config.menus.size(), 1u);
    BOOST_TEST(r.config.menus[0].number == "+14155550150");
    BOOST_TEST(parse(testing::base_config).ok());
}

BOOST_AUTO_TEST_SUITE_END()
