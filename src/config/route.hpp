// Which [route:NAME] or [menu:NAME] answers a call or a text.
#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"

namespace pdcf {

struct RouteChoice {
    const Route *route = nullptr;  // at most one of route and menu is set
    const Menu *menu = nullptr;
    std::string problem;           // why none matched, for the log
    std::string note;              // how a caller's own route was found, for the log
};

// A route whose `callers` the caller `from` is, or starts with: the longest
// such prefix wins, the first route in the file among equals.  A withheld
// number is nobody's.
const Route *route_for_caller(const Config &config, std::string_view from);

// The caller's own route (route_for_caller) wins, whichever line or URL
// the call came to; then `?route=NAME` or `?menu=NAME` in the webhook URL;
// else the route or menu whose number is the called number `to`; else the
// one without a number (a route behind a menu does not count).
RouteChoice route_choose(const Config &config, std::string_view route_param, bool has_route_param, std::string_view to,
                         std::string_view menu_param = {}, bool has_menu_param = false, std::string_view from = {});

// The route or menu called `name`, or nullptr.
const Route *route_find(const Config &config, std::string_view name);
const Menu *menu_find(const Config &config, std::string_view name);

// Where a call to a route or menu goes at `epoch` (seconds since 1970):
// the line itself while open, else its after_hours, followed while each is
// closed (hours.hpp).
struct OpenLine {
    const Route *route = nullptr;  // the route that answers; null for an open menu
    bool voicemail = false;        // the closed `route`'s (or menu's, when route is null) own voicemail
    std::string note;              // for the log, empty when the line is open
};
OpenLine open_route(const Config &config, const Route &route, long long epoch);
OpenLine open_menu(const Config &config, const Menu &menu, long long epoch);

// A menu as a route of its own, for its voicemail and alerts: its [call]
// settings and no PagerDuty target.
Route menu_route(const Menu &menu);

}  // namespace pdcf
