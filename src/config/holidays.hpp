// holidays_file: the days off in an iCalendar file exported from a company
// calendar (RFC 5545), read by libical.  All-day events, single or several
// days, recurring (RRULE, RDATE, EXDATE) or not; an event from midnight to
// midnight counts as the days it covers.  Pure: the file's text comes in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace pdcf {

struct HolidaysRead {
    std::vector<std::int32_t> days;     // local dates, days since 1970-01-01, sorted, unique
    std::vector<std::string> warnings;  // events passed over, each saying why
};

// Fails when the text is not an iCalendar file at all, or has no event.
Result<HolidaysRead> holidays_parse(std::string_view ics);

}  // namespace pdcf
