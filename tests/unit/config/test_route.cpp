#include <boost/test/unit_test.hpp>

#include "config/hours.hpp"
#include "config/route.hpp"

using namespace pdcf;

namespace {
Route route_of(const std::string &name, const std::string &number, TargetKind kind, const std::string &target,
               std::vector<std::string> callers = {})
{
    Route r;
    r.name = name;
    r.number = number;
    r.kind = kind;
    r.target = target;
    r.from_callers = std::move(callers);
    r.behind_menu = number.empty() && !r.from_callers.empty();
    return r;
}

Config make(bool with_catch_all)
{
    Config c;
    c.routes.push_back(route_of("ops", "+14155550100", TargetKind::escalation_policy, "PEP1"));
    c.routes.push_back(route_of("db", "+14155550111", TargetKind::schedule, "PS1"));
    if (with_catch_all) c.routes.push_back(route_of("rest", "", TargetKind::escalation_policy, "PEP9"));
    return c;
}

// ops keeps office hours in Berlin and hands the rest of the week to db,
// which hands nights to voicemail.
Config with_hours()
{
    Config c = make(true);
    const date::time_zone *berlin = *zone_find("Europe/Berlin");
    auto keep = [&](CallSettings &call, const std::string &text, const std::string &after) {
        call.hours.text = text;
        call.hours.ranges = *hours_parse(text);
        call.hours.zone = berlin;
        call.hours.zone_name = "Europe/Berlin";
        call.after_hours = after;
    };
    keep(c.routes[0].call, "Mon-Fri 08:00-18:00", "db");
    keep(c.routes[1].call, "Mon-Sun 07:00-22:00", "");
    Menu m;
    m.name = "main";
    keep(m.call, "Mon-Fri 09:00-17:00", "ops");
    c.menus.push_back(m);
    return c;
}

long long berlin(const std::string &local) { return *local_time_parse(local, *zone_find("Europe/Berlin")); }
}  // namespace

BOOST_AUTO_TEST_SUITE(route)

BOOST_AUTO_TEST_CASE(by_called_number)
{
    Config c = make(true);
    BOOST_TEST(route_choose(c, "", false, "+14155550111").route->name == "db");
    BOOST_TEST(route_choose(c, "", false, "+14155550100").route->name == "ops");
}

BOOST_AUTO_TEST_CASE(query_route_wins_over_to)
{
    Config c = make(true);
    BOOST_TEST(route_choose(c, "db", true, "+14155550100").route->name == "db");
    auto none = route_choose(c, "nope", true, "+14155550100");
    BOOST_TEST(!none.route);
    BOOST_TEST(none.problem == "no [route:nope] for ?route= in the webhook URL");
}

BOOST_AUTO_TEST_CASE(catch_all_takes_the_rest)
{
    Config c = make(true);
    BOOST_TEST(route_choose(c, "", false, "+19995550000").route->name == "rest");
    BOOST_TEST(route_choose(c, "", false, "").route->name == "rest");
    Config strict = make(false);
    auto none = route_choose(strict, "", false, "+19995550000");
    BOOST_TEST(!none.route);
    BOOST_TEST(none.problem == "no route or menu has number +19995550000 and none catches all calls");
}

BOOST_AUTO_TEST_CASE(a_route_behind_a_menu_is_no_catch_all)
{
    Config c = make(false);
    c.routes.push_back(route_of("team", "", TargetKind::escalation_policy, "PEP7"));
    c.routes.back().behind_menu = true;
    Menu m;
    m.name = "main";
    m.number = "+14155550150";
    c.menus.push_back(m);
    BOOST_TEST(route_choose(c, "", false, "+14155550150").menu->name == "main");
    BOOST_TEST(!route_choose(c, "", false, "+19995550000").route);
    // Still reachable by name.
    BOOST_TEST(route_choose(c, "team", true, "+14155550150").route->name == "team");
    // A menu without a number takes the rest.
    c.menus.back().number.clear();
    BOOST_TEST(route_choose(c, "", false, "+19995550000").menu->name == "main");
    BOOST_TEST(route_choose(c, "", false, "+19995550000", "main", true).menu->name == "main");
    BOOST_TEST(route_choose(c, "", false, "", "nope", true).problem == "no [menu:nope] for ?menu= in the webhook URL");
}

BOOST_AUTO_TEST_CASE(a_callers_own_route_wins_over_the_url_and_the_called_number)
{
    Config c = make(true);
    c.routes.push_back(route_of("vip", "", TargetKind::escalation_policy, "PVIP", {"+1415555", "+44207"}));
    c.routes.push_back(route_of("vip-ceo", "", TargetKind::escalation_policy, "PCEO", {"+14155550123"}));
    Menu m;
    m.name = "main";
    m.number = "+14155550150";
    c.menus.push_back(m);
    // By the called number, by ?route= and by ?menu=: the caller's route all the same.
    for (const auto &choice : {route_choose(c, "", false, "+14155550100", {}, false, "+14155559876"),
                               route_choose(c, "db", true, "+14155550111", {}, false, "+14155559876"),
                               route_choose(c, "", false, "+14155550150", "main", true, "+14155559876"),
                               route_choose(c, "", false, "+19995550000", {}, false, "+442079460000")}) {
        BOOST_TEST_REQUIRE(choice.route);
        BOOST_TEST(choice.route->name == "vip");
        BOOST_TEST(choice.note == "the caller is in the callers of route vip");
    }
    // The longest prefix wins, whatever the order.
    BOOST_TEST(route_choose(c, "", false, "+14155550100", {}, false, "+14155550123").route->name == "vip-ceo");
    // Anyone else, and a withheld number, as before.
    BOOST_TEST(route_choose(c, "", false, "+14155550100", {}, false, "+14155560000").route->name == "ops");
    BOOST_TEST(route_choose(c, "", false, "+14155550100", {}, false, "anonymous").route->name == "ops");
    BOOST_TEST(route_choose(c, "", false, "+14155550100", {}, false, "").route->name == "ops");
}

BOOST_AUTO_TEST_CASE(a_closed_line_hands_its_calls_to_after_hours)
{
    Config c = with_hours();
    const Route &ops = c.routes[0];
    OpenLine day = open_route(c, ops, berlin("2026-12-02 10:00"));
    BOOST_TEST(day.route == &ops);
    BOOST_TEST(!day.voicemail);
    BOOST_TEST(day.note.empty());

    OpenLine evening = open_route(c, ops, berlin("2026-12-02 19:00"));
    BOOST_TEST(evening.route->name == "db");
    BOOST_TEST(!evening.voicemail);
    BOOST_TEST(evening.note == "ops closed (Mon-Fri 08:00-18:00, Europe/Berlin); after_hours db");

    // db is closed too at night: its own voicemail.
    OpenLine night = open_route(c, ops, berlin("2026-12-02 23:00"));
    BOOST_TEST(night.route->name == "db");
    BOOST_TEST(night.voicemail);
    BOOST_TEST(night.note == "ops closed (Mon-Fri 08:00-18:00, Europe/Berlin); after_hours db; "
                            "db closed (Mon-Sun 07:00-22:00, Europe/Berlin); after_hours voicemail");

    // A route without after_hours keeps no hours.
    BOOST_TEST(open_route(c, c.routes[2], berlin("2026-12-02 23:00")).route == &c.routes[2]);
}

BOOST_AUTO_TEST_CASE(a_closed_menu_hands_its_calls_to_after_hours)
{
    Config c = with_hours();
    const Menu &menu = c.menus[0];
    OpenLine open = open_menu(c, menu, berlin("2026-12-02 10:00"));
    BOOST_TEST(!open.route);
    BOOST_TEST(!open.voicemail);
    // 17:30: the menu is closed, ops is still open.
    OpenLine late = open_menu(c, menu, berlin("2026-12-02 17:30"));
    BOOST_TEST(late.route == &c.routes[0]);
    BOOST_TEST(late.note == "main closed (Mon-Fri 09:00-17:00, Europe/Berlin); after_hours ops");
    c.menus[0].call.after_hours = "";
    OpenLine voicemail = open_menu(c, c.menus[0], berlin("2026-12-02 17:30"));
    BOOST_TEST(!voicemail.route);
    BOOST_TEST(voicemail.voicemail);
}

BOOST_AUTO_TEST_SUITE_END()
