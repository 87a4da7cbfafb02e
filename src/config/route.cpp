#include "config/route.hpp"

#include "core/log.hpp"

namespace pdcf {

const Route *route_for_caller(const Config &config, std::string_view from)
{
    if (from.empty() || is_anonymous(from)) return nullptr;
    const Route *best = nullptr;
    std::size_t longest = 0;
    for (const auto &r : config.routes)
        for (const auto &prefix : r.from_callers)
            if (prefix.size() > longest && from.substr(0, prefix.size()) == prefix) {
                best = &r;
                longest = prefix.size();
            }
    return best;
}

RouteChoice route_choose(const Config &config, std::string_view route_param, bool has_route_param, std::string_view to,
                         std::string_view menu_param, bool has_menu_param, std::string_view from)
{
    RouteChoice choice;
    if (const Route *own = route_for_caller(config, from)) {
        choice.route = own;
        choice.note = "the caller is in the callers of route " + own->name;
        return choice;
    }
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

namespace {

bool closed(const CallSettings &c, long long epoch) { return c.after_hours && !hours_open(c.hours, epoch); }

// "desk closed (Mon-Fri 08:00-18:00, Europe/Berlin); after_hours oncall"
std::string closed_note(const std::string &name, const CallSettings &c)
{
    return name + " closed (" + (c.hours.text.empty() ? "holiday" : c.hours.text) + ", " + c.hours.zone_name +
           "); after_hours " + (c.after_hours->empty() ? "voicemail" : *c.after_hours);
}

}  // namespace

OpenLine open_route(const Config &config, const Route &route, long long epoch)
{
    OpenLine open{&route, false, {}};
    // The parser refuses a chain that comes back; the bound is for the
    // config's sake all the same.
    for (std::size_t hop = 0; hop <= config.routes.size() && closed(open.route->call, epoch); ++hop) {
        add_note(open.note, closed_note(open.route->name, open.route->call));
        const std::string &next = *open.route->call.after_hours;
        const Route *r = next.empty() ? nullptr : route_find(config, next);
        if (!r) {
            open.voicemail = true;
            return open;
        }
        open.route = r;
    }
    return open;
}

OpenLine open_menu(const Config &config, const Menu &menu, long long epoch)
{
    if (!closed(menu.call, epoch)) return {};
    const std::string &next = *menu.call.after_hours;
    const Route *r = next.empty() ? nullptr : route_find(config, next);
    if (!r) return {nullptr, true, closed_note(menu.name, menu.call)};
    OpenLine open = open_route(config, *r, epoch);
    open.note = closed_note(menu.name, menu.call) + (open.note.empty() ? "" : "; " + open.note);
    return open;
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
