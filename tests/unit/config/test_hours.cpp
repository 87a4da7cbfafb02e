#include <boost/test/unit_test.hpp>

#include "config/hours.hpp"
#include "core/limits.hpp"

using namespace pdcf;

namespace {

// Seconds since 1970 of a UTC time, worked out apart from the code under
// test (python3 calendar.timegm), so a zone taken for UTC would show.
constexpr long long mon_23_march_0630_utc = 1774247400;  // 07:30 CET in Berlin
constexpr long long mon_30_march_0630_utc = 1774852200;  // 08:30 CEST: the clocks went forward on the 29th
constexpr long long mon_30_march_0600_utc = 1774850400;  // 08:00 CEST
constexpr long long sun_29_march_0100_utc = 1774746000;  // 03:00 CEST, the first minute after 01:59 CET
constexpr long long mon_28_dec_0700_utc = 1798441200;    // 08:00 CET

Hours hours(const std::string &text, const std::string &zone = "Europe/Berlin", std::vector<std::int32_t> holidays = {})
{
    Hours h;
    h.text = text;
    if (!text.empty()) h.ranges = *hours_parse(text);
    h.zone = *zone_find(zone);
    h.zone_name = zone;
    h.holidays = std::move(holidays);
    return h;
}

// A local time in the hours' zone.
long long at(const Hours &h, const std::string &local) { return *local_time_parse(local, h.zone); }

bool open_at(const Hours &h, const std::string &local) { return hours_open(h, at(h, local)); }

std::int32_t day(int y, unsigned m, unsigned d) { return day_number(y, m, d).value(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(opening_hours)

BOOST_AUTO_TEST_CASE(ranges_are_read_with_days_times_and_several_spans)
{
    auto r = hours_parse("Mon-Fri 08:00-12:00 13:00-18:00, sat 09:30-24:00; Sunday 22:00-06:00");
    BOOST_TEST_REQUIRE(bool(r));
    BOOST_TEST_REQUIRE(r->size() == 4u);
    BOOST_TEST(int((*r)[0].days) == 0b0111110);
    BOOST_TEST((*r)[0].start == 8 * 60);
    BOOST_TEST((*r)[1].end == 18 * 60);
    BOOST_TEST(int((*r)[2].days) == 0b1000000);
    BOOST_TEST((*r)[2].end == 24 * 60);
    BOOST_TEST(int((*r)[3].days) == 0b0000001);
    BOOST_TEST((*r)[3].start == 22 * 60);
    BOOST_TEST((*r)[3].end == 6 * 60);
    // Days that wrap past Sunday.
    BOOST_TEST(int(hours_parse("Fri-Mon 00:00-24:00")->front().days) == 0b1100011);
}

BOOST_AUTO_TEST_CASE(wrong_hours_say_what_is_expected)
{
    BOOST_TEST(hours_parse("Mo-Fr 08:00-18:00").error().find("\"Mo-Fr\" is not a day") != std::string::npos);
    BOOST_TEST(hours_parse("Mon-Fri").error().find("has no times") != std::string::npos);
    BOOST_TEST(hours_parse("Mon-Fri 8-18").error().find("expected HH:MM-HH:MM") != std::string::npos);
    BOOST_TEST(hours_parse("Mon 24:00-06:00").error().find("not a time range") != std::string::npos);
    BOOST_TEST(hours_parse("Mon 08:60-09:00").error().find("not a time range") != std::string::npos);
    BOOST_TEST(hours_parse("Mon 08:00-08:00").error().find("00:00-24:00") != std::string::npos);
    BOOST_TEST(hours_parse("").error().find("no hours") != std::string::npos);
    std::string many;
    for (std::size_t i = 0; i <= limits::max_hours_ranges; ++i) many += "Mon 08:00-09:00, ";
    BOOST_TEST(hours_parse(many).error().find("more than") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(zones_come_from_the_system_database)
{
    BOOST_TEST(bool(zone_find("Europe/Berlin")));
    BOOST_TEST(bool(zone_find("America/New_York")));
    BOOST_TEST(zone_find("Europe/Berlyn").error().find("IANA name") != std::string::npos);
    BOOST_TEST(!zone_find("CET+1"));
}

BOOST_AUTO_TEST_CASE(office_hours_follow_the_zones_dst)
{
    const Hours h = hours("Mon-Fri 08:00-18:00");
    // The same UTC time on two Mondays: before the clocks go forward it is
    // 07:30 in Berlin, after it 08:30.
    BOOST_TEST(!hours_open(h, mon_23_march_0630_utc));
    BOOST_TEST(hours_open(h, mon_30_march_0630_utc));
    BOOST_TEST(open_at(h, "2026-03-27 17:59"));
    BOOST_TEST(!open_at(h, "2026-03-27 18:00"));
    BOOST_TEST(!open_at(h, "2026-03-28 10:00"));  // a Saturday
}

BOOST_AUTO_TEST_CASE(an_overnight_range_runs_into_the_next_day)
{
    const Hours h = hours("Mon-Fri 22:00-06:00");
    BOOST_TEST(!open_at(h, "2026-12-04 21:59"));  // Friday
    BOOST_TEST(open_at(h, "2026-12-04 22:00"));
    BOOST_TEST(open_at(h, "2026-12-05 05:59"));   // Saturday morning, begun on Friday
    BOOST_TEST(!open_at(h, "2026-12-05 06:00"));
    BOOST_TEST(!open_at(h, "2026-12-05 23:00"));  // Saturday night
    BOOST_TEST(!open_at(h, "2026-12-07 03:00"));  // Monday morning: Sunday night has none
    BOOST_TEST(open_at(h, "2026-12-08 03:00"));   // Tuesday morning
}

BOOST_AUTO_TEST_CASE(a_holiday_closes_its_whole_local_day)
{
    const Hours h = hours("Mon-Fri 08:00-18:00", "Europe/Berlin", {day(2026, 12, 24), day(2026, 12, 25)});
    BOOST_TEST(open_at(h, "2026-12-23 10:00"));
    BOOST_TEST(!open_at(h, "2026-12-24 10:00"));
    BOOST_TEST(!open_at(h, "2026-12-25 10:00"));
    BOOST_TEST(open_at(h, "2026-12-28 10:00"));
    // Holidays alone: open at any hour of any other day.
    const Hours days_off = hours("", "Europe/Berlin", {day(2026, 12, 24)});
    BOOST_TEST(open_at(days_off, "2026-12-23 03:00"));
    BOOST_TEST(!open_at(days_off, "2026-12-24 23:59"));
    // The day is the zone's: 23:30 UTC on the 23rd is already the 24th in Berlin.
    BOOST_TEST(!hours_open(days_off, at(hours("", "Etc/UTC"), "2026-12-23 23:30")));
}

BOOST_AUTO_TEST_CASE(the_next_change_is_found_across_nights_weekends_and_holidays)
{
    const Hours h = hours("Mon-Fri 08:00-18:00", "Europe/Berlin", {day(2026, 12, 24), day(2026, 12, 25)});
    BOOST_TEST(*hours_next_change(h, at(h, "2026-12-23 17:00")) == at(h, "2026-12-23 18:00"));
    BOOST_TEST(*hours_next_change(h, at(h, "2026-12-23 18:00")) == mon_28_dec_0700_utc);
    // The Monday after the clocks went forward opens at 06:00 UTC, not 07:00.
    BOOST_TEST(*hours_next_change(h, at(h, "2026-03-28 12:00")) == mon_30_march_0600_utc);
}

BOOST_AUTO_TEST_CASE(a_time_the_clocks_skip_is_the_change_itself)
{
    // 02:30 does not happen in Berlin on 29 March 2026: the range opens when
    // the clocks jump to 03:00.
    const Hours h = hours("Sun 02:30-04:00");
    BOOST_TEST(*hours_next_change(h, at(h, "2026-03-28 12:00")) == sun_29_march_0100_utc);
    BOOST_TEST(hours_open(h, sun_29_march_0100_utc));
    BOOST_TEST(!hours_open(h, sun_29_march_0100_utc - 1));
}

BOOST_AUTO_TEST_CASE(an_hour_said_twice_is_tried_both_times)
{
    // New York goes back from 02:00 EDT to 01:00 EST on 1 November 2026:
    // open until 01:30 (EDT), open again at 01:00 EST, closed at 01:30 EST.
    const Hours h = hours("Mon-Sun 08:00-01:30", "America/New_York");
    const long long closes_edt = 1793511000;  // 2026-11-01 05:30 UTC, 01:30 EDT
    const long long opens_est = 1793512800;   // 06:00 UTC, 01:00 EST
    BOOST_TEST(!hours_open(h, closes_edt));
    BOOST_TEST(hours_open(h, opens_est));
    BOOST_TEST(*hours_next_change(h, closes_edt) == opens_est);
    BOOST_TEST(*hours_next_change(h, opens_est) == opens_est + 1800);
}

BOOST_AUTO_TEST_CASE(a_line_that_never_changes_has_no_next_change)
{
    BOOST_TEST(!hours_next_change(hours("Mon-Sun 00:00-24:00"), mon_23_march_0630_utc).has_value());
    BOOST_TEST(!hours_next_change(Hours{}, mon_23_march_0630_utc).has_value());
    BOOST_TEST(hours_open(Hours{}, mon_23_march_0630_utc));
}

BOOST_AUTO_TEST_CASE(times_are_shown_and_read_in_the_zone)
{
    const Hours h = hours("Mon 08:00-09:00");
    BOOST_TEST(zone_time_text(h.zone, mon_30_march_0630_utc) == "Mon 2026-03-30 08:30 CEST");
    BOOST_TEST(zone_time_text(nullptr, mon_30_march_0630_utc) == "Mon 2026-03-30 06:30 UTC");
    BOOST_TEST(*local_time_parse("2026-03-30 08:30", h.zone) == mon_30_march_0630_utc);
    BOOST_TEST(*local_time_parse("2026-03-30T06:30", nullptr) == mon_30_march_0630_utc);
    BOOST_TEST(local_time_parse("2026-03-30", h.zone).error().find("YYYY-MM-DD HH:MM") != std::string::npos);
    BOOST_TEST(!local_time_parse("2026-02-30 10:00", h.zone));
}

BOOST_AUTO_TEST_CASE(the_time_where_the_engineer_is_is_spoken_as_a_caller_hears_it)
{
    const long long utc_1210 = *local_time_parse("2026-12-02 12:10", nullptr);
    const auto berlin = *zone_find("Europe/Berlin");
    BOOST_TEST(spoken_time("America/Los_Angeles", berlin, utc_1210, "") == "4:10 in the morning");
    BOOST_TEST(spoken_time("America/Los_Angeles", berlin, utc_1210, "en-GB") == "4:10 in the morning");
    BOOST_TEST(spoken_time("Asia/Tokyo", nullptr, utc_1210, "en-US") == "9:10 in the evening");
    BOOST_TEST(spoken_time("", berlin, utc_1210, "") == "1:10 in the afternoon");  // the route's zone
    BOOST_TEST(spoken_time("Mars/Olympus", berlin, utc_1210, "") == "1:10 in the afternoon");
    BOOST_TEST(spoken_time("", nullptr, utc_1210 - 12 * 3600, "") == "12:10 in the morning");  // UTC, past midnight
    BOOST_TEST(spoken_time("America/Los_Angeles", nullptr, utc_1210, "de-DE") == "04:10");
}

BOOST_AUTO_TEST_CASE(dates_are_listed_and_checked)
{
    auto d = date_list_parse("2026-12-24, 2026-12-25 2027-01-01");
    BOOST_TEST_REQUIRE(bool(d));
    BOOST_TEST(d->size() == 3u);
    BOOST_TEST(d->front() == day(2026, 12, 24));
    BOOST_TEST(date_list_parse("2026-02-29").error().find("\"2026-02-29\" is not a date") != std::string::npos);
    BOOST_TEST(!date_list_parse("24.12.2026"));
    BOOST_TEST(!day_number(2026, 13, 1).has_value());
    std::vector<std::int32_t> days{3, 1, 3, 2};
    settle_days(days);
    BOOST_TEST((days == std::vector<std::int32_t>{1, 2, 3}));
}

BOOST_AUTO_TEST_SUITE_END()
