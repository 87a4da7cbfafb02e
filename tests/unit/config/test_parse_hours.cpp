#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "config/config.hpp"
#include "config/route.hpp"
#include "config_support.hpp"

using namespace pdcf;
using namespace pdcf::config_tests;

namespace {

// A desk by day, the on-call by night: `desk` keys added to the desk.
ConfigResult desk(const std::string &keys, const std::string &call = "")
{
    return parse(routes + "[call]\n" + call + R"(
[route:desk]
number = +14155550199
escalation_policy = PDESK1
routing_key = RKEY
)" + keys + R"(
[route:night]
escalation_policy = PNIGHT1
routing_key = RKEY
)", "/etc/pdcf/pd.ini");
}

const Route &route(const ConfigResult &r, const std::string &name)
{
    const Route *found = route_find(r.config, name);
    BOOST_TEST_REQUIRE(found);
    return *found;
}

std::int32_t day(int y, unsigned m, unsigned d) { return *day_number(y, m, d); }

const std::string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\nBEGIN:VEVENT\r\nUID:1@example.com\r\n"
                        "DTSTAMP:20260101T000000Z\r\nSUMMARY:Christmas\r\nDTSTART;VALUE=DATE:20201225\r\n"
                        "RRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:2@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
                        "SUMMARY:Lunch\r\nDTSTART:20261223T120000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(hours_time_zone_holidays_and_after_hours_are_read)
{
    secret_files["/etc/pdcf/holidays.ics"] = ics;
    auto r = desk("hours = Mon-Fri 08:00-18:00\nafter_hours = night\nholidays = 2026-12-24\n",
                  "time_zone = Europe/Berlin\nholidays_file = holidays.ics\n");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const Route &d = route(r, "desk");
    BOOST_TEST(d.call.hours.ranges.size() == 1u);
    BOOST_TEST(d.call.hours.zone_name == "Europe/Berlin");
    BOOST_TEST((d.call.after_hours == std::string("night")));
    const auto &days = d.call.hours.holidays;
    // The route's own list and [call]'s file, together.
    BOOST_TEST(std::binary_search(days.begin(), days.end(), day(2026, 12, 24)));
    BOOST_TEST(std::binary_search(days.begin(), days.end(), day(2030, 12, 25)));
    // The file's timed event is passed over, with the file named.
    BOOST_TEST_REQUIRE(r.warnings.size() == 1u);
    BOOST_TEST(contains(r.warnings[0].str(), "[call] holidays_file: /etc/pdcf/holidays.ics: \"Lunch\""));
    // The night route has no number: it is reached only after hours, and
    // catches no other number.
    BOOST_TEST(route(r, "night").behind_menu);
    BOOST_TEST(!route(r, "night").call.after_hours.has_value());
}

BOOST_AUTO_TEST_CASE(after_hours_voicemail_and_a_menus_hours)
{
    auto r = parse(routes + R"([menu:main]
number = +14155550150
1 = ops
2 = db
hours = Mon-Fri 09:00-17:00
after_hours = voicemail
time_zone = America/New_York
routing_key = MKEY
)", "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST((first_menu(r).call.after_hours == std::string()));
    BOOST_TEST(first_menu(r).call.hours.zone != nullptr);
}

BOOST_AUTO_TEST_CASE(hours_need_after_hours_and_a_time_zone)
{
    BOOST_TEST(contains(only_error(desk("hours = Mon-Fri 08:00-18:00\ntime_zone = Europe/Berlin\n")),
                        "[route:desk] hours: set after_hours too"));
    BOOST_TEST(contains(only_error(desk("hours = Mon-Fri 08:00-18:00\nafter_hours = night\n")),
                        "[route:desk] after_hours: set time_zone too"));
    auto always = desk("after_hours = night\ntime_zone = Europe/Berlin\n");
    BOOST_TEST_REQUIRE(always.ok());
    BOOST_TEST(contains(always.warnings.at(0).str(), "after_hours is never used"));
}

BOOST_AUTO_TEST_CASE(wrong_hours_keys_say_what_is_expected)
{
    const std::string zone = "time_zone = Europe/Berlin\n";
    BOOST_TEST(contains(only_error(desk("hours = weekdays 8-18\nafter_hours = night\n" + zone)), "is not a day"));
    BOOST_TEST(contains(only_error(desk("hours = Mon 08:00-18:00\nafter_hours = night\ntime_zone = Berlin\n")),
                        "[route:desk] time_zone: \"Berlin\" is not a time zone"));
    BOOST_TEST(contains(only_error(desk("after_hours = nobody\nholidays = 2026-12-24\n" + zone)),
                        "no [route:nobody]; expected a route name or voicemail"));
    BOOST_TEST(contains(only_error(desk("after_hours = desk\nholidays = 2026-12-24\n" + zone)), "names this route itself"));
    BOOST_TEST(contains(only_error(desk("holidays = 24.12.2026\n")), "[route:desk] holidays: \"24.12.2026\" is not a date"));
    BOOST_TEST(contains(only_error(desk("holidays_file = missing.ics\n")),
                        "[route:desk] holidays_file: cannot read /etc/pdcf/missing.ics"));
    secret_files["/etc/pdcf/not.ics"] = "2026-12-24\n";
    BOOST_TEST(contains(only_error(desk("holidays_file = not.ics\n")), "not an iCalendar file"));
    BOOST_TEST(contains(only_error(desk("", "hours = Mon 08:00-18:00\n")), "[call] hours: only for a route or menu"));
    BOOST_TEST(contains(only_error(desk("", "after_hours = voicemail\n")), "[call] after_hours: only for a route or menu"));
}

BOOST_AUTO_TEST_CASE(a_chain_of_after_hours_that_comes_back_is_refused)
{
    auto r = parse(routes + R"([call]
time_zone = Europe/Berlin
[route:a]
number = +14155550201
escalation_policy = PA
hours = Mon 08:00-09:00
after_hours = b
[route:b]
number = +14155550202
escalation_policy = PB
hours = Tue 08:00-09:00
after_hours = a
)", "/x.ini");
    BOOST_TEST(!r.ok());
    BOOST_TEST(contains(r.summary(), "after_hours comes back to"));
}

BOOST_AUTO_TEST_SUITE_END()
