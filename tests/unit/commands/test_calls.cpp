#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "commands/calls.hpp"
#include "core/limits.hpp"
#include "files.hpp"
#include "serve/history.hpp"

using namespace pdcf;

namespace {

bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

void add(const Journal &j, const std::string &sid, const std::string &path, Outcome outcome, long long t,
         const std::string &who = "")
{
    LogRecord log;
    log.call_sid = sid;
    log.path = path;
    log.outcome = outcome;
    log.route = "ops";
    log.from = "+14155559876";
    log.answered_by = who;
    log.from_twilio = true;
    BOOST_REQUIRE(bool(j.append(*history_record(log, t))));
}

// UTC, whatever the machine says.
struct Utc {
    Utc()
    {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(calls)

BOOST_AUTO_TEST_CASE(a_table_of_the_last_day_newest_first)
{
    Utc utc;
    TempDir d;
    Journal j(d.path + "/calls", limits::min_history);
    const long long now = 1796097600;  // 2026-12-01 04:00:00 UTC
    add(j, "CAold", "", Outcome::dial, now - 2 * 86400);
    add(j, "CA1", "", Outcome::dial, now - 3000);
    add(j, "CA1", "/voice/screen-result", Outcome::accepted, now - 2990, "Ada Lovelace");
    add(j, "CA1", "/voice/status", Outcome::ignored, now - 2835);
    add(j, "CA2", "", Outcome::voicemail, now - 60);
    Captured out;
    BOOST_TEST(calls_run(j, now, 86400, false, out.file) == 0);
    const std::string text = out.str();
    BOOST_TEST(contains(text, "TIME"), text);
    BOOST_TEST(contains(text, "ANSWERED BY"));
    BOOST_TEST(!contains(text, "2026-11-29"));
    BOOST_TEST(text.find("2026-12-01 03:59:00") < text.find("2026-12-01 03:10:00"), text);
    BOOST_TEST(contains(text, "Ada Lovelace"));
    BOOST_TEST(contains(text, "2 min 45 s"));
    BOOST_TEST(contains(text, "answered"));
    BOOST_TEST(!contains(text, "+14155559876"));
}

BOOST_AUTO_TEST_CASE(json_for_scripts)
{
    TempDir d;
    Journal j(d.path + "/calls", limits::min_history);
    const long long now = 1796097600;
    add(j, "CA1", "", Outcome::dial, now - 100);
    add(j, "CA1", "/voice/dial-status", Outcome::answered, now - 40);
    Captured out;
    BOOST_TEST(calls_run(j, now, 3600, true, out.file) == 0);
    auto a = nlohmann::json::parse(out.str());
    BOOST_REQUIRE(a.is_array());
    BOOST_REQUIRE_EQUAL(a.size(), 1u);
    BOOST_TEST(a[0]["time"] == "2026-12-01T03:58:20Z");
    BOOST_TEST(a[0]["call_sid"] == "CA1");
    BOOST_TEST(a[0]["outcome"] == "answered");
    BOOST_TEST(a[0]["seconds"] == 60);
    BOOST_TEST(a[0]["line"] == "ops");
}

BOOST_AUTO_TEST_CASE(no_calls_is_said_not_failed)
{
    TempDir d;
    Journal j(d.path + "/calls", limits::min_history);
    Captured out;
    BOOST_TEST(calls_run(j, 1796097600, 86400, false, out.file) == 0);
    BOOST_TEST(contains(out.str(), "no calls in " + d.path + "/calls since"));
    Captured json;
    BOOST_TEST(calls_run(j, 1796097600, 86400, true, json.file) == 0);
    BOOST_TEST(json.str() == "[]\n");
}

BOOST_AUTO_TEST_SUITE_END()
