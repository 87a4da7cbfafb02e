#include "config/holidays.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include <libical/ical.h>

#include "config/hours.hpp"
#include "core/escape.hpp"
#include "core/limits.hpp"

namespace pdcf {

namespace {

struct ComponentFree {
    void operator()(icalcomponent *c) const { icalcomponent_free(c); }
};
struct IteratorFree {
    void operator()(icalrecur_iterator *i) const { icalrecur_iterator_free(i); }
};

std::optional<std::int32_t> day_of(const icaltimetype &t)
{
    if (icaltime_is_null_time(t)) return std::nullopt;
    return day_number(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day));
}

bool at_midnight(const icaltimetype &t) { return t.is_date || (t.hour == 0 && t.minute == 0 && t.second == 0); }

// The event as the warnings name it: its SUMMARY and start, shortened.
std::string event_name(icalcomponent *event, const icaltimetype &start)
{
    const char *summary = icalcomponent_get_summary(event);
    std::string name = "\"" + utf8_prefix(summary ? summary : "", 60) + "\"";
    if (!icaltime_is_null_time(start)) name += std::string(" on ") + icaltime_as_ical_string(start);
    return name;
}

// The days read so far: a bit for each from 1970 to the horizon, so a
// file's size, not its rules, bounds what it costs; and a budget of days
// set, so a file of long repeating events cannot keep the start waiting.
struct Days {
    std::vector<bool> set;
    long budget = limits::max_holiday_days;
    Days() : set(static_cast<std::size_t>(*day_number(limits::holidays_until_year, 12, 31)) + 1) {}
    // False once the budget is spent.
    bool add(std::int32_t day)
    {
        if (budget-- <= 0) return false;
        if (day >= 0 && static_cast<std::size_t>(day) < set.size()) set[static_cast<std::size_t>(day)] = true;
        return true;
    }
};

// The rule made safe to follow: whole days at most (holidays are days;
// libical would step through a SECONDLY rule second by second), and an end
// no later than the horizon.
std::optional<icalrecurrencetype> day_rule(icalrecurrencetype rule)
{
    if (rule.freq < ICAL_DAILY_RECURRENCE || rule.freq == ICAL_NO_RECURRENCE) return std::nullopt;
    if (rule.count == 0 && (icaltime_is_null_time(rule.until) || rule.until.year > limits::holidays_until_year)) {
        rule.until = icaltime_null_date();
        rule.until.year = limits::holidays_until_year;
        rule.until.month = 12;
        rule.until.day = 31;
    }
    return rule;
}

// The start days of `event`: its DTSTART, RDATEs and its rule's, less its
// EXDATEs and the days `moved` (occurrences another VEVENT overrides).
std::vector<std::int32_t> event_starts(icalcomponent *event, const icaltimetype &start, std::int32_t first,
                                       std::vector<std::int32_t> excluded, HolidaysRead &out)
{
    std::vector<std::int32_t> starts{first};
    for (auto *p = icalcomponent_get_first_property(event, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(event, ICAL_EXDATE_PROPERTY))
        if (auto d = day_of(icalproperty_get_exdate(p))) excluded.push_back(*d);
    for (auto *p = icalcomponent_get_first_property(event, ICAL_RDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(event, ICAL_RDATE_PROPERTY))
        if (auto d = day_of(icalproperty_get_rdate(p).time)) starts.push_back(*d);
    if (auto *property = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY)) {
        auto rule = day_rule(icalproperty_get_rrule(property));
        std::unique_ptr<icalrecur_iterator, IteratorFree> it(rule ? icalrecur_iterator_new(*rule, start) : nullptr);
        if (!it)
            out.warnings.push_back(event_name(event, start) + " repeats by a rule that is not in whole days or that "
                                   "libical cannot follow; only its first day is taken");
        int taken = 0;
        for (icaltimetype t = it ? icalrecur_iterator_next(it.get()) : icaltime_null_time();
             !icaltime_is_null_time(t) && t.year <= limits::holidays_until_year; t = icalrecur_iterator_next(it.get())) {
            if (++taken > limits::max_holiday_occurrences) {
                out.warnings.push_back(event_name(event, start) + " repeats more than " +
                                       std::to_string(limits::max_holiday_occurrences) + " times; only the first are taken");
                break;
            }
            if (auto d = day_of(t)) starts.push_back(*d);
        }
    }
    settle_days(excluded);
    settle_days(starts);
    starts.erase(std::remove_if(starts.begin(), starts.end(),
                                [&](std::int32_t d) { return std::binary_search(excluded.begin(), excluded.end(), d); }),
                 starts.end());
    return starts;
}

// One VEVENT's days into `days`; `moved`: its occurrences that other
// VEVENTs (RECURRENCE-ID) move or cancel.
void add_event(icalcomponent *event, const std::vector<std::int32_t> &moved, Days &days, HolidaysRead &out)
{
    if (icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED) return;
    const icaltimetype start = icalcomponent_get_dtstart(event);
    const icaltimetype end = icalcomponent_get_dtend(event);
    auto first = day_of(start);
    if (!first) {
        out.warnings.push_back("an event without a start date is passed over");
        return;
    }
    // DTEND is the day after an all-day event; none means one day.
    auto last = day_of(end);
    const int length = last && *last > *first ? *last - *first : 1;
    if (!at_midnight(start) || (last && !at_midnight(end))) {
        out.warnings.push_back(event_name(event, start) +
                               " is not an all-day event and is passed over; only whole days are holidays");
        return;
    }
    for (std::int32_t s : event_starts(event, start, *first, moved, out))
        for (int i = 0; i < length; ++i)
            if (!days.add(s + i)) return;
}

}  // namespace

Result<HolidaysRead> holidays_parse(std::string_view ics)
{
    // libical's default, in some builds, is to abort on a parse error.
    icalerror_set_errors_are_fatal(0);
    const std::string text(ics);
    std::unique_ptr<icalcomponent, ComponentFree> root(icalparser_parse_string(text.c_str()));
    if (!root || (icalcomponent_isa(root.get()) != ICAL_VCALENDAR_COMPONENT &&
                  icalcomponent_isa(root.get()) != ICAL_XROOT_COMPONENT))
        return fail("not an iCalendar file (expected BEGIN:VCALENDAR, as a calendar's .ics export has)");
    // A file of several calendars parses as an XROOT holding them.
    std::vector<icalcomponent *> events;
    std::vector<icalcomponent *> calendars;
    if (icalcomponent_isa(root.get()) == ICAL_VCALENDAR_COMPONENT) calendars.push_back(root.get());
    for (auto *c = icalcomponent_get_first_component(root.get(), ICAL_VCALENDAR_COMPONENT); c;
         c = icalcomponent_get_next_component(root.get(), ICAL_VCALENDAR_COMPONENT))
        calendars.push_back(c);
    for (auto *cal : calendars)
        for (auto *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
             e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
            events.push_back(e);
    if (events.empty()) return fail("no events (VEVENT) in it; expected the company's holidays as all-day events");
    // An occurrence moved or cancelled by a VEVENT of its own (same UID,
    // RECURRENCE-ID) is no longer the repeating event's.
    std::map<std::string, std::vector<std::int32_t>> moved;
    for (auto *e : events) {
        const char *uid = icalcomponent_get_uid(e);
        auto day = day_of(icalcomponent_get_recurrenceid(e));
        if (uid && day) moved[uid].push_back(*day);
    }
    HolidaysRead out;
    Days days;
    for (auto *e : events) {
        const char *uid = icalcomponent_get_uid(e);
        const bool master = icaltime_is_null_time(icalcomponent_get_recurrenceid(e));
        auto m = uid && master ? moved.find(uid) : moved.end();
        add_event(e, m == moved.end() ? std::vector<std::int32_t>{} : m->second, days, out);
        if (days.budget < 0) {
            out.warnings.push_back("more than " + std::to_string(limits::max_holiday_days) +
                                   " holiday days in the file; the rest are passed over");
            break;
        }
    }
    for (std::size_t d = 0; d < days.set.size(); ++d)
        if (days.set[d]) out.days.push_back(static_cast<std::int32_t>(d));
    return out;
}

}  // namespace pdcf
