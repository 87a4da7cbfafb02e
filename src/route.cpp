#include "route.hpp"

namespace pdcf {

RouteChoice route_choose(const Config &config, std::string_view route_param, bool has_route_param, std::string_view to)
{
    RouteChoice choice;
    if (has_route_param) {
        for (const auto &r : config.routes)
            if (r.name == route_param) choice.route = &r;
        if (!choice.route) choice.problem = "no [route:" + std::string(route_param) + "] for ?route= in the webhook URL";
        return choice;
    }
    const Route *catch_all = nullptr;
    for (const auto &r : config.routes) {
        if (!to.empty() && r.number == to) {
            choice.route = &r;
            return choice;
        }
        if (r.number.empty()) catch_all = &r;
    }
    choice.route = catch_all;
    if (!catch_all) choice.problem = "no route has number " + std::string(to) + " and none catches all calls";
    return choice;
}

}  // namespace pdcf
