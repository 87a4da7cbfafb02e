#include "config/hours.hpp"

#include <algorithm>
#include <cstdio>
#include <array>
#include <stdexcept>

#include <date/tz.h>

#include "core/ascii.hpp"
#include "core/limits.hpp"

namespace pdcf {

namespace {

using date::days;
using date::local_days;
using date::local_seconds;
using date::sys_seconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int day_minutes = 24 * 60;

// The parts between `seps`, empty ones dropped.
std::vector<std::string_view> split(std::string_view text, std::string_view seps)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i <= text.size()) {
        std::size_t end = text.find_first_of(seps, i);
        if (end == std::string_view::npos) end = text.size();
        if (end > i) out.push_back(text.substr(i, end - i));
        i = end + 1;
    }
    return out;
}

// "Mon" or "monday": 0 (Sunday) to 6, else -1.
int weekday_of(std::string_view word)
{
    static const std::array<const char *, 7> names = {"sunday", "monday", "tuesday", "wednesday",
                                                      "thursday", "friday", "saturday"};
    const std::string w = ascii_lower(word);
    for (int i = 0; i < 7; ++i) {
        const std::string full = names[static_cast<std::size_t>(i)];
        if (w == full || w == full.substr(0, 3)) return i;
    }
    return -1;
}

// "Mon-Fri", "Sat", "Fri-Mon": a bit per day.
std::optional<std::uint8_t> days_parse(std::string_view text)
{
    std::size_t dash = text.find('-');
    int first = weekday_of(text.substr(0, dash));
    int last = dash == std::string_view::npos ? first : weekday_of(text.substr(dash + 1));
    if (first < 0 || last < 0) return std::nullopt;
    std::uint8_t bits = 0;
    for (int d = first;; d = (d + 1) % 7) {
        bits = static_cast<std::uint8_t>(bits | (1u << d));
        if (d == last) break;
    }
    return bits;
}

// "08:30" as minutes since midnight; "24:00" only as an end.
std::optional<int> clock_parse(std::string_view text, bool end)
{
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    auto h = parse_decimal(text.substr(0, 2), 0, 24);
    auto m = parse_decimal(text.substr(3, 2), 0, 59);
    if (!h || !m || (*h == 24 && (*m != 0 || !end))) return std::nullopt;
    return static_cast<int>(*h * 60 + *m);
}

local_seconds local_of(const Hours &h, long long epoch)
{
    return h.zone->to_local(sys_seconds{seconds{epoch}});
}

bool holiday(const Hours &h, local_days day)
{
    return std::binary_search(h.holidays.begin(), h.holidays.end(),
                              static_cast<std::int32_t>(day.time_since_epoch().count()));
}

bool has_day(const HoursRange &r, local_days day)
{
    return r.days & (1u << date::weekday(day).c_encoding());
}

}  // namespace

Result<std::vector<HoursRange>> hours_parse(std::string_view text)
{
    std::vector<HoursRange> out;
    for (std::string_view part : split(text, ",;")) {
        std::vector<std::string_view> words = split(part, " \t");
        if (words.empty()) continue;
        auto bits = days_parse(words[0]);
        if (!bits)
            return fail("\"" + std::string(words[0]) + "\" is not a day or days; expected such as Mon, Sat-Sun or Mon-Fri");
        if (words.size() == 1)
            return fail("\"" + std::string(part) + "\" has no times; expected such as Mon-Fri 08:00-18:00");
        for (std::size_t i = 1; i < words.size(); ++i) {
            std::string_view span = words[i];
            std::size_t dash = span.find('-');
            auto start = clock_parse(span.substr(0, dash), false);
            auto end = dash == std::string_view::npos ? std::nullopt : clock_parse(span.substr(dash + 1), true);
            if (!start || !end)
                return fail("\"" + std::string(span) + "\" is not a time range; expected HH:MM-HH:MM, such as 08:00-18:00 "
                            "(22:00-06:00 runs overnight, 00:00-24:00 is the whole day)");
            if (*start == *end)
                return fail("\"" + std::string(span) + "\" starts and ends at once; for the whole day write 00:00-24:00");
            if (out.size() == limits::max_hours_ranges)
                return fail("more than " + std::to_string(limits::max_hours_ranges) + " time ranges");
            out.push_back({*bits, *start, *end});
        }
    }
    if (out.empty()) return fail("no hours; expected such as Mon-Fri 08:00-18:00");
    return out;
}

Result<const date::time_zone *> zone_find(const std::string &name)
{
    try {
        return date::locate_zone(name);
    } catch (const std::exception &) {
        return fail("\"" + name + "\" is not a time zone of this system's database (/usr/share/zoneinfo); expected an "
                    "IANA name such as Europe/Berlin or America/New_York");
    }
}

std::optional<std::int32_t> day_number(int year, unsigned month, unsigned day)
{
    date::year_month_day ymd{date::year{year}, date::month{month}, date::day{day}};
    if (!ymd.ok()) return std::nullopt;
    return static_cast<std::int32_t>(date::sys_days{ymd}.time_since_epoch().count());
}

Result<std::vector<std::int32_t>> date_list_parse(std::string_view text)
{
    std::vector<std::int32_t> out;
    for (std::string_view d : split(text, ", \t")) {
        std::optional<std::int32_t> n;
        if (d.size() == 10 && d[4] == '-' && d[7] == '-') {
            auto y = parse_decimal(d.substr(0, 4), 1970, 9999);
            auto m = parse_decimal(d.substr(5, 2), 1, 12);
            auto dd = parse_decimal(d.substr(8, 2), 1, 31);
            if (y && m && dd) n = day_number(static_cast<int>(*y), static_cast<unsigned>(*m), static_cast<unsigned>(*dd));
        }
        if (!n) return fail("\"" + std::string(d) + "\" is not a date; expected YYYY-MM-DD, such as 2026-12-24");
        out.push_back(*n);
    }
    if (out.empty()) return fail("no dates; expected such as 2026-12-24, 2026-12-25");
    return out;
}

void settle_days(std::vector<std::int32_t> &d)
{
    std::sort(d.begin(), d.end());
    d.erase(std::unique(d.begin(), d.end()), d.end());
}

bool hours_open(const Hours &h, long long epoch)
{
    if (!h.zone) return true;
    const local_seconds local = local_of(h, epoch);
    const local_days today = date::floor<days>(local);
    if (holiday(h, today)) return false;
    if (h.ranges.empty()) return true;
    const int minute = static_cast<int>(date::floor<minutes>(local - today).count());
    for (const auto &r : h.ranges) {
        if (r.start < r.end) {
            if (has_day(r, today) && minute >= r.start && minute < r.end) return true;
        } else if ((has_day(r, today) && minute >= r.start) || (has_day(r, today - days{1}) && minute < r.end)) {
            return true;  // overnight: tonight's, or the one that began yesterday
        }
    }
    return false;
}

std::optional<long long> hours_next_change(const Hours &h, long long epoch)
{
    if (!h.zone) return std::nullopt;
    const bool open = hours_open(h, epoch);
    // Only a local midnight or a range's start or end can change it:
    // each is tried in turn, as the zone makes it a real instant (a time
    // a DST change skips is the change itself).
    std::vector<int> marks{0};
    for (const auto &r : h.ranges) {
        marks.push_back(r.start);
        marks.push_back(r.end % day_minutes);
    }
    std::sort(marks.begin(), marks.end());
    marks.erase(std::unique(marks.begin(), marks.end()), marks.end());
    // A local time said twice (the clocks going back) is tried both times,
    // and each change of the clocks itself (the hour said again opens an
    // overnight range anew).
    const local_days first = date::floor<days>(local_of(h, epoch));
    std::vector<long long> instants;
    for (int d = 0; d <= limits::max_hours_lookahead; ++d)
        for (int m : marks)
            for (auto choose : {date::choose::earliest, date::choose::latest})
                instants.push_back(h.zone->to_sys(first + days{d} + minutes{m}, choose).time_since_epoch().count());
    const long long horizon = epoch + (limits::max_hours_lookahead + 1) * 86400LL;
    for (long long t = epoch; t < horizon;) {
        const long long change = h.zone->get_info(sys_seconds{seconds{t}}).end.time_since_epoch().count();
        if (change <= t || change >= horizon) break;
        instants.push_back(change);
        t = change;
    }
    std::sort(instants.begin(), instants.end());
    for (long long t : instants)
        if (t > epoch && hours_open(h, t) != open) return t;
    return std::nullopt;
}

std::string zone_time_text(const date::time_zone *zone, long long epoch)
{
    // UTC needs no zone database (which may be missing).
    if (!zone) return date::format("%a %Y-%m-%d %H:%M UTC", sys_seconds{seconds{epoch}});
    date::zoned_seconds z{zone, sys_seconds{seconds{epoch}}};
    return date::format("%a %Y-%m-%d %H:%M %Z", z);
}

std::string spoken_time(const std::string &zone, const date::time_zone *fallback, long long epoch,
                        const std::string &language)
{
    const date::time_zone *tz = zone.empty() ? fallback : zone_find(zone).value_or(fallback);
    const sys_seconds at{seconds{epoch}};
    const long long since_midnight =
        (tz ? (tz->to_local(at) - date::floor<days>(tz->to_local(at))) : (at - date::floor<days>(at))).count();
    const int hour = static_cast<int>(since_midnight / 3600), minute = static_cast<int>(since_midnight / 60 % 60);
    char text[16];
    if (!language.empty() && ascii_lower(language.substr(0, 2)) != "en") {
        std::snprintf(text, sizeof text, "%02d:%02d", hour, minute);
        return text;
    }
    std::snprintf(text, sizeof text, "%d:%02d", hour % 12 == 0 ? 12 : hour % 12, minute);
    return std::string(text) + (hour < 12 ? " in the morning" : hour < 18 ? " in the afternoon" : " in the evening");
}

Result<long long> local_time_parse(std::string_view text, const date::time_zone *zone)
{
    // "2026-12-24 10:00" or "2026-12-24T10:00".
    if (text.size() != 16 || (text[10] != ' ' && text[10] != 'T'))
        return fail("\"" + std::string(text) + "\" is not a local time; expected YYYY-MM-DD HH:MM, such as 2026-12-24 10:00");
    auto day = date_list_parse(text.substr(0, 10));
    auto minute = clock_parse(text.substr(11), false);
    if (!day || !minute)
        return fail("\"" + std::string(text) + "\" is not a local time; expected YYYY-MM-DD HH:MM, such as 2026-12-24 10:00");
    const local_seconds at = local_days{days{day->front()}} + minutes{*minute};
    if (!zone) return static_cast<long long>(at.time_since_epoch().count());
    return static_cast<long long>(zone->to_sys(at, date::choose::earliest).time_since_epoch().count());
}

}  // namespace pdcf
