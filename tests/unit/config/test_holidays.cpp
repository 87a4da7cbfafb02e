#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "config/holidays.hpp"
#include "config/hours.hpp"
#include "core/limits.hpp"

using namespace pdcf;

namespace {

std::int32_t day(int y, unsigned m, unsigned d) { return day_number(y, m, d).value(); }

bool has(const HolidaysRead &r, int y, unsigned m, unsigned d)
{
    return std::binary_search(r.days.begin(), r.days.end(), day(y, m, d));
}

// A calendar as Google Calendar and Outlook export it: CRLF lines.
std::string calendar(const std::string &events)
{
    std::string text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Example Corp//Holidays//EN\n" + events + "END:VCALENDAR\n";
    std::string crlf;
    for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    return crlf;
}

std::string event(const std::string &lines)
{
    return "BEGIN:VEVENT\nUID:" + std::to_string(std::hash<std::string>{}(lines)) + "@example.com\nDTSTAMP:20260101T000000Z\n" +
           lines + "END:VEVENT\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(holidays)

BOOST_AUTO_TEST_CASE(all_day_events_of_one_and_several_days)
{
    auto r = holidays_parse(calendar(event("SUMMARY:Christmas Eve\nDTSTART;VALUE=DATE:20261224\nDTEND;VALUE=DATE:20261225\n") +
                                     event("SUMMARY:Company offsite\nDTSTART;VALUE=DATE:20260601\nDTEND;VALUE=DATE:20260604\n") +
                                     event("SUMMARY:No end given\nDTSTART;VALUE=DATE:20260101\n")));
    BOOST_TEST_REQUIRE(bool(r));
    BOOST_TEST(r->days.size() == 5u);
    BOOST_TEST(has(*r, 2026, 12, 24));
    BOOST_TEST(!has(*r, 2026, 12, 25));  // DTEND is the day after
    BOOST_TEST(has(*r, 2026, 6, 1));
    BOOST_TEST(has(*r, 2026, 6, 3));
    BOOST_TEST(!has(*r, 2026, 6, 4));
    BOOST_TEST(has(*r, 2026, 1, 1));
    BOOST_TEST(r->warnings.empty());
}

BOOST_AUTO_TEST_CASE(recurring_events_with_exceptions_and_extra_dates)
{
    auto r = holidays_parse(calendar(
        event("SUMMARY:Christmas\nDTSTART;VALUE=DATE:20201225\nDTEND;VALUE=DATE:20201227\nRRULE:FREQ=YEARLY\n"
              "EXDATE;VALUE=DATE:20271225\nRDATE;VALUE=DATE:20260102\n") +
        // Thanksgiving: the fourth Thursday of November.
        event("SUMMARY:Thanksgiving\nDTSTART;VALUE=DATE:20241128\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\n")));
    BOOST_TEST_REQUIRE(bool(r));
    BOOST_TEST(has(*r, 2026, 12, 25));
    BOOST_TEST(has(*r, 2026, 12, 26));
    BOOST_TEST(has(*r, 2099, 12, 25));
    BOOST_TEST(!has(*r, 2027, 12, 25));  // EXDATE
    BOOST_TEST(!has(*r, 2027, 12, 26));
    BOOST_TEST(has(*r, 2026, 1, 2));     // RDATE, two days as the event
    BOOST_TEST(has(*r, 2026, 1, 3));
    BOOST_TEST(has(*r, 2026, 11, 26));
    BOOST_TEST(has(*r, 2027, 11, 25));
    BOOST_TEST(!has(*r, 2026, 11, 27));
    // A rule without an end stops at the horizon, without a warning.
    BOOST_TEST(!has(*r, limits::holidays_until_year + 1, 12, 25));
    BOOST_TEST(r->warnings.empty());
}

BOOST_AUTO_TEST_CASE(midnight_to_midnight_counts_and_other_timed_events_are_passed_over)
{
    auto r = holidays_parse(calendar(
        event("SUMMARY:New Year\nDTSTART;TZID=Europe/Berlin:20270101T000000\nDTEND;TZID=Europe/Berlin:20270102T000000\n") +
        event("SUMMARY:Team lunch\nDTSTART:20261223T120000Z\nDTEND:20261223T140000Z\n") +
        event("SUMMARY:Cancelled party\nSTATUS:CANCELLED\nDTSTART;VALUE=DATE:20261218\n")));
    BOOST_TEST_REQUIRE(bool(r));
    BOOST_TEST(has(*r, 2027, 1, 1));
    BOOST_TEST(!has(*r, 2026, 12, 23));
    BOOST_TEST(!has(*r, 2026, 12, 18));
    BOOST_TEST_REQUIRE(r->warnings.size() == 1u);
    BOOST_TEST(r->warnings[0].find("\"Team lunch\" on 20261223T120000Z is not an all-day event") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_rule_past_the_occurrence_limit_is_cut_with_a_warning)
{
    auto r = holidays_parse(calendar(event("SUMMARY:Every day\nDTSTART;VALUE=DATE:20260101\nRRULE:FREQ=DAILY\n")));
    BOOST_TEST_REQUIRE(bool(r));
    BOOST_TEST(r->days.size() == std::size_t(limits::max_holiday_occurrences));
    BOOST_TEST_REQUIRE(r->warnings.size() == 1u);
    BOOST_TEST(r->warnings[0].find("repeats more than") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_rule_finer_than_a_day_is_not_followed_and_a_moved_occurrence_moves)
{
    auto r = holidays_parse(calendar(
        // Would step second by second, never matching, for centuries.
        event("SUMMARY:Odd\nDTSTART:20260101T000000\nRRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30\n") +
        // The office party, every first Friday of December, moved once.
        "BEGIN:VEVENT\nUID:party@example.com\nDTSTAMP:20260101T000000Z\nSUMMARY:Party\nDTSTART;VALUE=DATE:20251205\n"
        "RRULE:FREQ=YEARLY;BYMONTH=12;BYDAY=1FR\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:party@example.com\nDTSTAMP:20260101T000000Z\nSUMMARY:Party (moved)\n"
        "RECURRENCE-ID;VALUE=DATE:20261204\nDTSTART;VALUE=DATE:20261211\nEND:VEVENT\n"));
    BOOST_TEST_REQUIRE(bool(r));
    BOOST_TEST(has(*r, 2026, 1, 1));  // the odd rule's first day only
    BOOST_TEST(!has(*r, 2026, 1, 2));
    BOOST_TEST(has(*r, 2025, 12, 5));
    BOOST_TEST(!has(*r, 2026, 12, 4));  // moved...
    BOOST_TEST(has(*r, 2026, 12, 11));  // ...to here
    BOOST_TEST(has(*r, 2027, 12, 3));
    BOOST_TEST_REQUIRE(r->warnings.size() == 1u);
    BOOST_TEST(r->warnings[0].find("not in whole days") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_file_of_long_repeating_events_is_bounded)
{
    // Three years a day, every day: each would set a million days.
    std::string many;
    for (int i = 0; i < 20; ++i)
        many += event("SUMMARY:Long " + std::to_string(i) + "\nDTSTART;VALUE=DATE:20000101\nDTEND;VALUE=DATE:20030101\n"
                      "RRULE:FREQ=DAILY\n");
    auto r = holidays_parse(calendar(many));
    BOOST_TEST_REQUIRE(bool(r));
    bool said = false;
    for (const auto &w : r->warnings) said = said || w.find("holiday days in the file; the rest are passed over") != std::string::npos;
    BOOST_TEST(said);
}

BOOST_AUTO_TEST_CASE(what_is_not_a_calendar_says_so)
{
    BOOST_TEST(holidays_parse("2026-12-24\n2026-12-25\n").error().find("not an iCalendar file") != std::string::npos);
    BOOST_TEST(holidays_parse("").error().find("not an iCalendar file") != std::string::npos);
    BOOST_TEST(holidays_parse(calendar("")).error().find("no events") != std::string::npos);
    // An event's name in a warning is cut short.
    auto r = holidays_parse(calendar(event("SUMMARY:" + std::string(100, 'x') + "\nDTSTART:20261223T120000Z\n")));
    BOOST_TEST_REQUIRE(bool(r));
    BOOST_TEST(r->warnings.at(0).find(std::string(61, 'x')) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
