// Opening hours of a route or menu: `hours`, `time_zone`, `holidays` and
// `holidays_file` (holidays.hpp) of pd-call-forward.ini(5).  Local times
// come from the system's time zone database through Howard Hinnant's date
// library, so DST is whatever the IANA data says.  Pure but for that
// database, which is read once, at the first time_zone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace date {
class time_zone;
}

namespace pdcf {

// "Mon-Fri 08:00-18:00": the days it starts on (bit 0 Sunday .. 6
// Saturday) and minutes since local midnight.  An end before (or at) the
// start runs overnight into the next day; 24:00 is written 1440.
struct HoursRange {
    std::uint8_t days = 0;
    int start = 0;
    int end = 0;
};

struct Hours {
    std::string text;                  // `hours` as written, for --check and the log
    std::vector<HoursRange> ranges;    // empty: open every day but holidays
    const date::time_zone *zone = nullptr;
    std::string zone_name;             // `time_zone`
    std::vector<std::int32_t> holidays;  // local dates, days since 1970-01-01, sorted, unique
};

// "Mon-Fri 08:00-18:00, Sat 09:00-12:00", "Mon-Sun 22:00-06:00" (overnight),
// "Mon-Fri 08:00-12:00 13:00-17:00": ranges separated by commas, each days
// (a day or two joined by '-', wrapping past Sunday) and one or more
// HH:MM-HH:MM.  A failure names the part that is wrong.
Result<std::vector<HoursRange>> hours_parse(std::string_view text);

// The zone called `name` in the system's database ("Europe/Berlin"), or an
// error saying where names come from.
Result<const date::time_zone *> zone_find(const std::string &name);

// "2026-12-24, 2026-12-25": each a date (commas or spaces between).
Result<std::vector<std::int32_t>> date_list_parse(std::string_view text);

// 2026-12-24 as days since 1970-01-01, or nothing for a date that does not
// exist.
std::optional<std::int32_t> day_number(int year, unsigned month, unsigned day);

// Sorted and without repeats, as Hours::holidays.
void settle_days(std::vector<std::int32_t> &days);

// Whether the line is open at `epoch` (seconds since 1970, UTC): not on a
// holiday (its whole local day), and within a range (or no ranges set).
bool hours_open(const Hours &hours, long long epoch);

// The first second after `epoch` when hours_open changes, looked for up to
// limits::max_hours_lookahead days ahead; nothing if it never does.
std::optional<long long> hours_next_change(const Hours &hours, long long epoch);

// `epoch` in the zone, as --check says it: "Thu 2026-12-24 10:00 CET".
std::string zone_time_text(const date::time_zone *zone, long long epoch);

// The time at `epoch` in the IANA zone `zone` (PagerDuty's name for a
// user's; else `fallback`, else UTC) as a caller hears it: "4:10 in the
// morning" when `language` is English or unset, "04:10" in any other.
std::string spoken_time(const std::string &zone, const date::time_zone *fallback, long long epoch,
                        const std::string &language);

// A local time as --test-call --at takes it, "2026-12-24 10:00", in `zone`
// (UTC when null): seconds since 1970; the earlier of an hour said twice.
Result<long long> local_time_parse(std::string_view text, const date::time_zone *zone);

}  // namespace pdcf
