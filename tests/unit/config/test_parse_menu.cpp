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
         "/x.ini:17: [menu:main] 10: unknown key (expected number, prompt, menu_prompt_audio, 0-9, *, #, default, menu_retries, "
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

BOOST_AUTO_TEST_SUITE_END()
