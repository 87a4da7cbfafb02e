#include <boost/test/unit_test.hpp>

#include "call/menu.hpp"
#include "core/form.hpp"
#include "files.hpp"
#include "xml.hpp"

using namespace pdcf;

namespace {

// 1 and 2 lead to routes, 0 to the menu's own voicemail; as config_parse
// would leave it, the prompt already made from the route titles.
Menu main_menu(int retries = 2, MenuEntry fallback = {'\0', ""})
{
    Menu m;
    m.name = "main";
    m.number = "+14155550150";
    m.prompt = "For Platform, press 1. For Database, press 2. To leave a message, press 0.";
    m.entries = {{'1', "ops"}, {'2', "db"}, {'0', ""}};
    m.retries = retries;
    m.fallback = fallback;
    m.call.title = "Main";
    return m;
}

const FlowUrls urls{"https://ops.example.com/pd-call-forward"};

MenuState state(int attempt = 1)
{
    return {"main", "+14155559876", "+14155550100", 1000, attempt};
}

// The <Gather> action as Twilio requests it: on the caller's leg, with
// that call's From and To.
MenuState parse(const std::string &query, const std::string &from = "+14155559876", const std::string &to = "+14155550100")
{
    auto f = form_decode(query);
    BOOST_TEST_REQUIRE(static_cast<bool>(f), f.error());
    return menu_parse(*f, {{"From", from}, {"To", to}});
}

bool same(const MenuState &a, const MenuState &b)
{
    return a.menu == b.menu && a.from == b.from && a.to == b.to && a.started == b.started && a.attempt == b.attempt;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(menu)

BOOST_AUTO_TEST_CASE(a_valid_key_leads_to_its_route)
{
    for (int attempt : {1, 2, 3}) {
        MenuStep s = menu_step(main_menu(), "2", attempt);
        BOOST_TEST((s.pick == MenuPick::route));
        BOOST_TEST(s.route == "db");
        BOOST_TEST(!s.wrong_key);
        BOOST_TEST(s.reason == "key 2");
    }
    BOOST_TEST(menu_step(main_menu(), "1", 1).route == "ops");
}

BOOST_AUTO_TEST_CASE(zero_is_the_menus_voicemail)
{
    MenuStep s = menu_step(main_menu(), "0", 1);
    BOOST_TEST((s.pick == MenuPick::voicemail));
    BOOST_TEST(s.route.empty());
    BOOST_TEST(s.reason == "key 0");
}

BOOST_AUTO_TEST_CASE(star_and_hash_are_keys_too)
{
    Menu m = main_menu();
    m.entries.push_back({'*', "ops"});
    m.entries.push_back({'#', ""});
    BOOST_TEST(menu_step(m, "*", 1).route == "ops");
    BOOST_TEST((menu_step(m, "#", 1).pick == MenuPick::voicemail));
    // Without them in the menu they are wrong keys.
    BOOST_TEST(menu_step(main_menu(), "#", 1).wrong_key);
}

BOOST_AUTO_TEST_CASE(a_wrong_key_says_so_and_asks_again)
{
    MenuStep s = menu_step(main_menu(), "9", 1);
    BOOST_TEST((s.pick == MenuPick::again));
    BOOST_TEST(s.wrong_key);
    BOOST_TEST(s.route.empty());
    BOOST_TEST(s.reason == "key 9 is not a choice (1 of 3)");
    // Only one key is gathered; more than one is never a choice.
    s = menu_step(main_menu(), "12", 1);
    BOOST_TEST((s.pick == MenuPick::again));
    BOOST_TEST(s.wrong_key);
}

BOOST_AUTO_TEST_CASE(no_key_asks_again_without_the_invalid_message)
{
    MenuStep s = menu_step(main_menu(), "", 1);
    BOOST_TEST((s.pick == MenuPick::again));
    BOOST_TEST(!s.wrong_key);
    BOOST_TEST(s.reason == "no key (1 of 3)");
    s = menu_step(main_menu(), "", 2);
    BOOST_TEST((s.pick == MenuPick::again));
    BOOST_TEST(s.reason == "no key (2 of 3)");
}

BOOST_AUTO_TEST_CASE(retries_are_counted_then_the_default_voicemail)
{
    // menu_retries repeats after the first prompt: retries + 1 prompts in all.
    for (int retries : {0, 1, 2, 5}) {
        const std::string of = " of " + std::to_string(retries + 1) + ")";
        for (int attempt = 1; attempt <= retries; ++attempt) {
            MenuStep s = menu_step(main_menu(retries), "", attempt);
            BOOST_TEST((s.pick == MenuPick::again), retries << "/" << attempt);
            BOOST_TEST(s.reason == "no key (" + std::to_string(attempt) + of);
            s = menu_step(main_menu(retries), "9", attempt);
            BOOST_TEST((s.pick == MenuPick::again), retries << "/" << attempt);
            BOOST_TEST(s.reason == "key 9 is not a choice (" + std::to_string(attempt) + of);
        }
        MenuStep last = menu_step(main_menu(retries), "", retries + 1);
        BOOST_TEST((last.pick == MenuPick::voicemail), retries);
        BOOST_TEST(!last.wrong_key);
        BOOST_TEST(last.reason == "no key; default");
        last = menu_step(main_menu(retries), "9", retries + 1);
        BOOST_TEST((last.pick == MenuPick::voicemail), retries);
        BOOST_TEST(last.reason == "key 9 is not a choice; default");
    }
}

BOOST_AUTO_TEST_CASE(after_the_last_retry_the_default_route)
{
    Menu m = main_menu(2, {'\0', "ops"});
    BOOST_TEST((menu_step(m, "", 2).pick == MenuPick::again));
    MenuStep s = menu_step(m, "", 3);
    BOOST_TEST((s.pick == MenuPick::route));
    BOOST_TEST(s.route == "ops");
    BOOST_TEST(s.reason == "no key; default");
    // A forged try= past the end changes nothing: still the default.
    s = menu_step(m, "8", 1000);
    BOOST_TEST((s.pick == MenuPick::route));
    BOOST_TEST(s.route == "ops");
}

BOOST_AUTO_TEST_CASE(a_long_forged_digits_value_is_cut_in_the_reason)
{
    MenuStep s = menu_step(main_menu(), std::string(5000, '9'), 1);
    BOOST_TEST((s.pick == MenuPick::again));
    BOOST_TEST(s.reason == "key 9999 is not a choice (1 of 3)");
}

BOOST_AUTO_TEST_CASE(query_round_trip)
{
    MenuState s = state(2);
    s.started = 1767225600;
    std::string q = menu_query(s);
    // No numbers: Twilio's own From and To carry them.
    BOOST_TEST(q == "menu=main&t=1767225600&try=2");
    BOOST_TEST(same(parse(q), s));
    // What a caller or a config could put there survives the trip.
    MenuState odd{"a&b=c d", "anonymous", "", 0, 5};
    BOOST_TEST(same(parse(menu_query(odd), "anonymous", ""), odd));
    odd.from = "+1&try=9";
    BOOST_TEST(same(parse(menu_query(odd), odd.from, ""), odd));
}

BOOST_AUTO_TEST_CASE(parse_odd_and_hostile_values)
{
    MenuState none = parse("");
    BOOST_TEST(none.menu.empty());
    BOOST_TEST(none.started == 0);
    BOOST_TEST(none.attempt == 1);
    // A try that is not a positive count up to 1000 is the first prompt.
    for (const char *t : {"0", "-1", "abc", "", "1e3", "+2", "2.5", "1001", "99999999999999999999999"})
        BOOST_TEST(parse(std::string("menu=main&try=") + t).attempt == 1, t);
    BOOST_TEST(parse("try=1000").attempt == 1000);
    BOOST_TEST(parse("try=3").attempt == 3);
    // A bad start time is none, never a crash.
    for (const char *t : {"abc", "-5", "", "99999999999999999999999", "0x10"})
        BOOST_TEST(parse(std::string("t=") + t).started == 0, t);
    BOOST_TEST(parse("t=4990").started == 4990);
    // Unknown names are ignored.
    MenuState s = parse("menu=main&route=ops&loop=3&x=y&from=%2B1");
    BOOST_TEST(s.menu == "main");
    BOOST_TEST(s.from == "+1");
}

BOOST_AUTO_TEST_CASE(prompt_gathers_one_key_and_asks_even_without_one)
{
    Menu m = main_menu();
    m.timeout = 7;
    FlowResult r = menu_prompt(m, urls, state());
    XmlDoc x(r.twiml);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(r.outcome == Outcome::menu);
    BOOST_TEST(r.dialed.empty());
    BOOST_TEST(!r.alert);
    BOOST_TEST(x.eval("count(/Response/*)") == "1");
    BOOST_TEST(x.eval("string(/Response/Gather/@input)") == "dtmf");
    BOOST_TEST(x.eval("string(/Response/Gather/@numDigits)") == "1");
    BOOST_TEST(x.eval("string(/Response/Gather/@timeout)") == "7");
    BOOST_TEST(x.eval("string(/Response/Gather/@method)") == "POST");
    // Without it Twilio would run the next verb after a silent caller,
    // and the retries would never be counted.
    BOOST_TEST(x.eval("string(/Response/Gather/@actionOnEmptyResult)") == "true");
    // Twilio's default finishOnKey is '#': pressing it would end the input
    // as no key, and a "# = ROUTE" choice could never be made.
    BOOST_TEST(x.eval("count(/Response/Gather/@finishOnKey)") == "1");
    BOOST_TEST(x.eval("string(/Response/Gather/@finishOnKey)") == "");
    BOOST_TEST(x.eval("string(/Response/Gather/@action)") ==
               "https://ops.example.com/pd-call-forward/voice/menu?menu=main&t=1000&try=1");
    BOOST_TEST(x.eval("string(/Response/Gather/Say)") == m.prompt);
    BOOST_TEST(x.eval("string(/Response/Gather/Say/@voice)") == "Polly.Joanna");
    // The voice speaks its own language: none is written.
    BOOST_TEST(x.eval("count(/Response/Gather/Say/@language)") == "0");
}

BOOST_AUTO_TEST_CASE(prompt_action_carries_the_attempt)
{
    for (int attempt : {1, 2, 3}) {
        XmlDoc x(menu_prompt(main_menu(), urls, state(attempt)).twiml);
        BOOST_REQUIRE(x.ok());
        std::string action = x.eval("string(/Response/Gather/@action)");
        BOOST_TEST(parse(action.substr(action.find('?') + 1)).attempt == attempt);
    }
}

BOOST_AUTO_TEST_CASE(invalid_message_only_when_given)
{
    Menu m = main_menu();
    XmlDoc plain(menu_prompt(m, urls, state(2)).twiml);
    BOOST_REQUIRE(plain.ok());
    BOOST_TEST(plain.eval("count(/Response/Say)") == "0");

    XmlDoc x(menu_prompt(m, urls, state(2), m.invalid_message).twiml);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/*)") == "2");
    // Said first, outside the gather, so a key pressed during it is not taken.
    BOOST_TEST(x.eval("name(/Response/*[1])") == "Say");
    BOOST_TEST(x.eval("name(/Response/*[2])") == "Gather");
    BOOST_TEST(x.eval("string(/Response/Say)") == "Sorry, that is not one of the choices.");
    BOOST_TEST(x.eval("string(/Response/Gather/Say)") == m.prompt);
}

BOOST_AUTO_TEST_CASE(prompt_texts_are_said_in_the_menus_voice_and_stay_text)
{
    Menu m = main_menu();
    m.call.voice = "Polly.Amy";
    m.call.language = "en-GB";
    m.prompt = "Welcome to Ops & <Co>. Press 1.</Say><Hangup/>";
    XmlDoc x(menu_prompt(m, urls, state(), "No such key. <Hangup/>").twiml);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("count(//Hangup)") == "0");
    BOOST_TEST(x.eval("string(/Response/Gather/Say)") == "Welcome to Ops & <Co>. Press 1.</Say><Hangup/>");
    BOOST_TEST(x.eval("string(/Response/Say)") == "No such key. <Hangup/>");
    BOOST_TEST(x.eval("string(/Response/Say/@voice)") == "Polly.Amy");
    BOOST_TEST(x.eval("string(/Response/Gather/Say/@language)") == "en-GB");
}

BOOST_AUTO_TEST_CASE(golden_prompt_and_repeat_after_a_wrong_key)
{
    Menu m = main_menu();
    check_golden("menu-prompt.xml", menu_prompt(m, urls, state()).twiml);

    // What /voice/menu answers to key 9 at the first prompt.
    MenuStep s = menu_step(m, "9", 1);
    BOOST_TEST_REQUIRE(s.wrong_key);
    MenuState next = state(2);
    check_golden("menu-again.xml", menu_prompt(m, urls, next, m.invalid_message).twiml);
}

BOOST_AUTO_TEST_CASE(call_state_for_the_chosen_route)
{
    CallState c = menu_call_state(state(3), "db");
    BOOST_TEST(c.route == "db");
    BOOST_TEST(c.from == "+14155559876");
    BOOST_TEST(c.to == "+14155550100");
    BOOST_TEST(c.started == 1000);
    // A fresh hunt: nothing dialed yet.
    BOOST_TEST(c.loop == 1);
    BOOST_TEST(c.level == 0);
    BOOST_TEST(!c.fallback);
    BOOST_TEST(c.tried.empty());
}

BOOST_AUTO_TEST_SUITE_END()
