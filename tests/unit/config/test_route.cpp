#include <boost/test/unit_test.hpp>

#include "config/route.hpp"

using namespace pdcf;

namespace {
Config make(bool with_catch_all)
{
    Config c;
    c.routes.push_back({"ops", "+14155550100", TargetKind::escalation_policy, "PEP1", {}, false, {}});
    c.routes.push_back({"db", "+14155550111", TargetKind::schedule, "PS1", {}, false, {}});
    if (with_catch_all) c.routes.push_back({"rest", "", TargetKind::escalation_policy, "PEP9", {}, false, {}});
    return c;
}
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
    c.routes.push_back({"team", "", TargetKind::escalation_policy, "PEP7", {}, false, {}});
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

BOOST_AUTO_TEST_SUITE_END()
