// Which [route:NAME] answers a call.
#pragma once

#include <string>
#include <string_view>

#include "config.hpp"

namespace pdcf {

struct RouteChoice {
    const Route *route = nullptr;  // nullptr: no route matches
    std::string problem;           // why none matched, for the log
};

// `?route=NAME` in the webhook URL wins; else the route whose number is
// the called number `to`; else the route without a number.
RouteChoice route_choose(const Config &config, std::string_view route_param, bool has_route_param, std::string_view to);

}  // namespace pdcf
