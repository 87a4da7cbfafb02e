#include "config/route.hpp"

namespace pdcf {

RouteChoice route_choose(const Config &config, std::string_view route_param, bool has_route_param, std::string_view to,
                         std::string_view menu_param, bool has_menu_param)
{
    RouteChoice choice;
    if (has_route_param) {
        choice.route = route_find(config, route_param);
        if (!choice.route) choice.problem = "no [route:" + std::string(route_param) + "] for ?route= in the webhook URL";
        return choice;
    }
    if (has_menu_param) {
        choice.menu = menu_find(config, menu_param);
        if (!choice.menu) choice.problem = "no [menu:" + std::string(menu_param) + "] for ?menu= in the webhook URL";
        return choice;
    }
    RouteChoice catch_all;
    for (const auto &r : config.routes) {
        if (!to.empty() && r.number == to) {
            choice.route = &r;
            return choice;
        }
        if (r.number.empty() && !r.behind_menu) catch_all.route = &r;
    }
    for (const auto &m : config.menus) {
        if (!to.empty() && m.number == to) {
            choice.menu = &m;
            return choice;
        }
        if (m.number.empty()) catch_all.menu = &m;
    }
    if (!catch_all.route && !catch_all.menu)
        catch_all.problem = "no route or menu has number " + std::string(to) + " and none catches all calls";
    return catch_all;
}

const Route *route_find(const Config &config, std::string_view name)
{
    for (const auto &r : config.routes)
        if (r.name == name) return &r;
    return nullptr;
}

const Menu *menu_find(const Config &config, std::string_view name)
{
    for (const auto &m : config.menus)
        if (m.name == name) return &m;
    return nullptr;
}

Route menu_route(const Menu &menu)
{
    Route r;
    r.name = menu.name;
    r.number = menu.number;
    r.call = menu.call;
    return r;
}

}  // namespace pdcf
