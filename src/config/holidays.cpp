#include "config/holidays.hpp"

#include <algorithm>
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

// One VEVENT's days into `out`.
void add_event(icalcomponent *event, HolidaysRead &out)
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
    std::vector<std::int32_t> starts{*first}, excluded;
    for (auto *p = icalcomponent_get_first_property(event, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(event, ICAL_EXDATE_PROPERTY))
        if (auto d = day_of(icalproperty_get_exdate(p))) excluded.push_back(*d);
    for (auto *p = icalcomponent_get_first_property(event, ICAL_RDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(event, ICAL_RDATE_PROPERTY))
        if (auto d = day_of(icalproperty_get_rdate(p).time)) starts.push_back(*d);
    if (auto *rule = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY)) {
        std::unique_ptr<icalrecur_iterator, IteratorFree> it(icalrecur_iterator_new(icalproperty_get_rrule(rule), start));
        if (!it) {
            out.warnings.push_back(event_name(event, start) + " has a repeat rule libical cannot follow; only its first day is taken");
        } else {
            int taken = 0;
            for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t) && t.year <= limits::holidays_until_year;
                 t = icalrecur_iterator_next(it.get())) {
                if (++taken > limits::max_holiday_occurrences) {
                    out.warnings.push_back(event_name(event, start) + " repeats more than " +
                                           std::to_string(limits::max_holiday_occurrences) + " times; only the first are taken");
                    break;
                }
                if (auto d = day_of(t)) starts.push_back(*d);
            }
        }
    }
    settle_days(excluded);
    settle_days(starts);
    for (std::int32_t s : starts) {
        if (std::binary_search(excluded.begin(), excluded.end(), s)) continue;
        for (int i = 0; i < length && i < limits::max_holiday_occurrences; ++i) out.days.push_back(s + i);
    }
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
    HolidaysRead out;
    int events = 0;
    // A file of several calendars parses as an XROOT holding them.
    std::vector<icalcomponent *> calendars;
    if (icalcomponent_isa(root.get()) == ICAL_VCALENDAR_COMPONENT) calendars.push_back(root.get());
    for (auto *c = icalcomponent_get_first_component(root.get(), ICAL_VCALENDAR_COMPONENT); c;
         c = icalcomponent_get_next_component(root.get(), ICAL_VCALENDAR_COMPONENT))
        calendars.push_back(c);
    for (auto *cal : calendars)
        for (auto *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
             e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
            ++events;
            add_event(e, out);
        }
    if (events == 0) return fail("no events (VEVENT) in it; expected the company's holidays as all-day events");
    settle_days(out.days);
    return out;
}

}  // namespace pdcf
