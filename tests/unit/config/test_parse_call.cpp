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

BOOST_AUTO_TEST_CASE(the_calls_own_alert_keys)
{
    auto defaults = parse(base);
    BOOST_TEST_REQUIRE(defaults.ok(), defaults.summary());
    const CallSettings &d = defaults.config.routes.at(0).call;
    BOOST_TEST((d.call_alert == CallAlert::off));
    BOOST_TEST(d.answered_severity == "info");
    BOOST_TEST(d.resolve_on_hangup);
    BOOST_TEST(d.repeat_window == 1800);
    BOOST_TEST(d.caller_limit == 0);
    BOOST_TEST(!d.record_calls);
    BOOST_TEST(!d.ask_reason);
    BOOST_TEST(d.reason_prompt == "After the tone, please say your name and why you are calling.");
    BOOST_TEST(d.reason_max_length == 10);
    BOOST_TEST(d.recording_notice.empty());

    auto r = parse(base + "[call]\ncall_alert = always\nanswered_severity = warning\nresolve_on_hangup = no\n"
                          "[route:db]\nschedule = PS1\ncall_alert = answered\n"
                          "[menu:main]\nnumber = +14155550199\n1 = ops\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const CallSettings &ops = r.config.routes.at(0).call, &db = r.config.routes.at(1).call;
    BOOST_TEST((ops.call_alert == CallAlert::always));
    BOOST_TEST(ops.answered_severity == "warning");
    BOOST_TEST(!ops.resolve_on_hangup);
    BOOST_TEST((db.call_alert == CallAlert::answered));  // a route's own
    BOOST_TEST(!db.resolve_on_hangup);                   // the rest from [call]
    // A menu dials nobody: the routes it leads to have their own.
    for (const char *key : {"call_alert = always", "answered_severity = info", "resolve_on_hangup = no",
                            "repeat_window = 60", "caller_limit = 5", "record_calls = yes",
                            "recording_notice = Recorded.", "ask_reason = yes", "reason_max_length = 20"})
        BOOST_TEST(contains(only_error(parse(base + "[menu:main]\nnumber = +14155550199\n1 = ops\n" + key + "\n")),
                            "only for routes"),
                   key);
}

BOOST_AUTO_TEST_CASE(an_answered_call_alert_that_would_page_is_warned_of)
{
    auto r = parse(base + "[call]\ncall_alert = answered\nanswered_severity = critical\n"
                          "[route:db]\nschedule = PS1\nrouting_key = K\nanswered_severity = error\n"
                          "[route:quiet]\nschedule = PS2\nrouting_key = K\nnumber = +14155550111\n"
                          "answered_severity = warning\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST_REQUIRE(r.warnings.size() == 2u);
    BOOST_TEST(r.warnings[0].where == "[call] answered_severity");
    BOOST_TEST(contains(r.warnings[0].message, "it is critical, which PagerDuty makes high urgency: every answered call "
                                               "would page; use warning or info"));
    BOOST_TEST(r.warnings[1].where == "[route:db] answered_severity");
    // Off, or always (whose first ring pages by design): nothing to warn of.
    BOOST_TEST(parse(base + "[call]\nanswered_severity = critical\n").warnings.empty());
    BOOST_TEST(parse(base + "[call]\ncall_alert = always\nanswered_severity = critical\n").warnings.empty());
    // ... unless always links recordings at that severity.
    auto linked = parse(base + "[call]\ncall_alert = always\nrecord_calls = yes\nanswered_severity = critical\n");
    BOOST_TEST_REQUIRE(linked.warnings.size() == 1u);
    BOOST_TEST(linked.warnings[0].where == "[call] answered_severity");
    BOOST_TEST(contains(linked.warnings[0].message, "a recording's link that finds the alert resolved would page"));
    // Always without the screen cannot tell a voicemail from a person.
    auto unscreened = parse(base + "[call]\ncall_alert = always\nscreening = no\n");
    BOOST_TEST_REQUIRE(unscreened.warnings.size() == 1u);
    BOOST_TEST(contains(unscreened.warnings[0].message, "neither acknowledged nor resolved"));
    BOOST_TEST(contains(unscreened.warnings[0].message, "set screening = yes, or call_alert = answered"));
    // A limit nobody hears of.
    auto silent = parse(base + "[call]\ncaller_limit = 3\nalert_missed_calls = no\n");
    BOOST_TEST_REQUIRE(silent.warnings.size() == 1u);
    BOOST_TEST(silent.warnings[0].where == "[call] caller_limit");
}

BOOST_AUTO_TEST_CASE(a_recording_nobody_would_see_or_hear_of_is_warned_of)
{
    auto notice = parse(base + "[call]\nrecording_notice = This call is recorded.\n");
    BOOST_TEST_REQUIRE(notice.warnings.size() == 1u);
    BOOST_TEST(notice.warnings[0].where == "[call] recording_notice");
    BOOST_TEST(contains(notice.warnings[0].message, "said only when record_calls is yes"));
    auto unseen = parse(base + "[call]\nrecord_calls = yes\n");
    BOOST_TEST_REQUIRE(unseen.warnings.size() == 1u);
    BOOST_TEST(contains(unseen.warnings[0].message, "with call_alert off no alert carries the link"));
    BOOST_TEST(parse(base + "[call]\nrecord_calls = yes\ncall_alert = answered\n").warnings.empty());
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
        {"call", "greeting = Hi {nmae}", "unknown placeholder {nmae} (expected {name}, {first_name}, {title} or {local_time})"},
        {"call", "unavailable_message = Sorry {name}", "unknown placeholder {name} (expected {title})"},
        {"call", "title = Ops {name}", "takes no placeholders"},
        {"call", "ring = round-robin", "expected together (everyone at a level at once) or in-turn"},
        {"call", "max_loops = 0", "expected a number of rounds from 1 to 9"},
        {"call", "screening = sometimes", "expected yes or no"},
        {"call", "screen_timeout = 1", "expected whole seconds from 3 to 60"},
        {"call", "whisper = Call from {from}", "unknown placeholder {from} (expected {title}, {caller} or {local_time})"},
        {"call", "voicemail_max_length = 7200", "expected whole seconds from 5 to 3600"},
        {"call", "transcribe = maybe", "expected yes or no"},
        {"call", "missed_call_wait = 2", "expected whole seconds from 5 to 60"},
        {"call", "missed_call_wait = 61", "expected whole seconds from 5 to 60"},
        {"call", "transcription_wait = 301", "expected whole seconds from 10 to 300"},
        {"call", "severity = high", "expected critical, error, warning or info"},
        {"call", "answered_severity = low", "expected critical, error, warning or info"},
        {"call", "call_alert = yes", "expected off, answered (an alert once an engineer accepts) or always"},
        {"call", "resolve_on_hangup = later", "expected yes or no"},
        {"call", "repeat_window = 90000", "expected whole seconds (0: off) from 0 to 86400"},
        {"call", "caller_limit = -1", "expected a number of calls (0: no limit) from 0 to 1000"},
        {"call", "caller_limit = 3\nrepeat_window = 0", "it counts calls within repeat_window, which is 0"},
        {"call", "record_calls = sometimes", "expected yes or no"},
        {"call", "ask_reason = please", "expected yes or no"},
        {"call", "reason_max_length = 2", "expected whole seconds from 3 to 60"},
        {"call", "reason_prompt = Why, {name}?", "unknown placeholder {name} (expected {title})"},
        {"call", "recording_notice = Hello {name}", "unknown placeholder {name} (expected {title})"},
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
