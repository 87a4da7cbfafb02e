// The opening-hours keys (hours.hpp): time_zone, holidays and
// holidays_file in [call], a route or a menu; hours and after_hours only in
// a route or menu, whose calls they steer.
#include "config/parser.hpp"

#include "config/config_value.hpp"
#include "config/holidays.hpp"
#include "config/route.hpp"
#include "core/limits.hpp"

namespace pdcf::ini {

bool Parser::hours_key(const std::string &section, const std::string &key, const std::string &value, CallSettings &c)
{
    const bool line = section != "call";
    if ((key == "hours" || key == "after_hours") && !line) {
        error(section, key, "only for a route or menu: set it in the [route:NAME] or [menu:NAME] whose calls it steers");
    } else if (key == "hours") {
        auto ranges = hours_parse(value);
        if (!ranges) error(section, key, ranges.error());
        c.hours.ranges = ranges.value_or({});
        c.hours.text = value;
    } else if (key == "after_hours") {
        if (value != "voicemail" && !is_name(value))
            error(section, key, "expected a route name (of a [route:NAME] section) or voicemail");
        c.after_hours = value == "voicemail" ? "" : value;
    } else if (key == "time_zone") {
        auto zone = zone_find(value);
        if (!zone) error(section, key, zone.error());
        c.hours.zone = zone.value_or(nullptr);
        c.hours.zone_name = value;
    } else if (key == "holidays") {
        auto days = date_list_parse(value);
        if (!days) error(section, key, days.error());
        c.holidays_listed = days.value_or({});
    } else if (key == "holidays_file") {
        c.holidays_filed = holidays_file(section, key, value);
    } else {
        return false;
    }
    return true;
}

std::vector<std::int32_t> Parser::holidays_file(const std::string &section, const std::string &key, const std::string &value)
{
    if (value.empty()) return {};  // none: [call]'s file is not inherited
    const std::string file = beside_config(value);
    auto text = read_file_(file, limits::max_holidays_file);
    if (!text) {
        error(section, key, "cannot read " + file + ": " + text.error());
        return {};
    }
    auto read = holidays_parse(*text);
    if (!read) {
        error(section, key, file + ": " + read.error());
        return {};
    }
    for (const auto &w : read->warnings) warning(section, key, file + ": " + w);
    return read->days;
}

void Parser::settle_hours(CallSettings &c) const
{
    c.hours.holidays = c.holidays_listed;
    c.hours.holidays.insert(c.hours.holidays.end(), c.holidays_filed.begin(), c.holidays_filed.end());
    settle_days(c.hours.holidays);
}

// Once every route is known: hours go with after_hours and a time zone,
// after_hours names another route, and no chain of them comes back.
void Parser::hours_checks(const std::string &section, const std::string &self, const CallSettings &c)
{
    if (!c.hours.ranges.empty() && !c.after_hours)
        error(section, "hours", "set after_hours too: where calls go outside these hours (a route's name, or voicemail)");
    if (!c.after_hours) return;
    if (c.hours.zone_name.empty())  // a wrong one is said already
        error(section, "after_hours", "set time_zone too (here or in [call]): an IANA name such as Europe/Berlin, "
                                      "the zone hours and holidays are kept in");
    if (c.hours.ranges.empty() && c.hours.holidays.empty())
        warning(section, "after_hours", "no hours and no holidays: the line is always open and after_hours is never used");
    if (c.after_hours->empty()) {
        if (c.routing_key.empty())
            error(section, "after_hours", "voicemail needs a routing_key (here or in [call]): without one, callers after "
                                          "hours would only hear unavailable_message, and texts would raise nothing");
        return;
    }
    if (*c.after_hours == self) {
        error(section, "after_hours", "names this route itself; expected another route or voicemail");
        return;
    }
    std::vector<std::string> seen{self};
    for (const Route *r = route_find(r_.config, *c.after_hours); r; r = r->call.after_hours && !r->call.after_hours->empty()
                                                                       ? route_find(r_.config, *r->call.after_hours) : nullptr) {
        if (std::find(seen.begin(), seen.end(), r->name) != seen.end()) {
            error(section, "after_hours", "after_hours comes back to " + r->name + "; one route in the chain must "
                                          "end it (no after_hours, or voicemail)");
            return;
        }
        seen.push_back(r->name);
    }
    if (!route_find(r_.config, *c.after_hours))
        error(section, "after_hours", "no [route:" + *c.after_hours + "]; expected a route name or voicemail");
}

}  // namespace pdcf::ini
