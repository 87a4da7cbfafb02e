#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "alerts/alert_desk.hpp"
#include "alerts/events.hpp"
#include "alerts/flusher.hpp"
#include "alerts/spool.hpp"
#include "alerts_support.hpp"
#include "core/limits.hpp"
#include "files.hpp"

#include <nlohmann/json.hpp>

using namespace pdcf;
using namespace pdcf::alerts_tests;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(alerts)

BOOST_AUTO_TEST_CASE(marks_and_alert_kinds_never_share_a_name)
{
    // Both are claims of a call in the spool: a mark named as an alert
    // kind would stop that alert from ever being sent.
    std::set<std::string> names;
    for (CallMark m : {CallMark::answered, CallMark::recorded, CallMark::refused})
        BOOST_TEST(names.insert(to_string(m)).second, to_string(m));
    for (AlertKind k : {AlertKind::voicemail, AlertKind::missed, AlertKind::text, AlertKind::call,
                        AlertKind::acknowledge, AlertKind::resolve, AlertKind::recording})
        BOOST_TEST(names.insert(to_string(k)).second, to_string(k));
}

namespace {

Route platform()
{
    Route r;
    r.name = "ops";
    r.target = "PEP1";
    r.call.title = "Platform";
    r.call.routing_key = "RKEY";
    r.call.severity = "critical";
    r.call.answered_severity = "info";
    return r;
}

CallState caller()
{
    CallState st;
    st.route = "ops";
    st.from = "+14155559876";
    st.to = "+14155550100";
    st.started = 1796072040;  // 2026-11-30T20:54:00Z
    st.tried = {"Ada Lovelace"};
    return st;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_answered_calls_alert_names_the_line_the_masked_caller_and_who_took_it)
{
    Alert a = alert_answered(platform(), caller(), "CA42", "Ada Lovelace", 1796072052);
    BOOST_TEST((a.kind == AlertKind::call));
    BOOST_TEST(a.call_sid == "CA42");
    auto e = nlohmann::json::parse(a.body);
    BOOST_TEST(e["event_action"] == "trigger");
    BOOST_TEST(e["dedup_key"] == "CA42");  // the CallSid, as the voicemail's: one call, one alert
    BOOST_TEST(e["routing_key"] == "RKEY");
    BOOST_TEST(e["payload"]["summary"] == "Call on Platform line from +*******9876 taken by Ada Lovelace");
    BOOST_TEST(e["payload"]["severity"] == "info");  // answered_severity: it pages nobody
    BOOST_TEST(e["payload"]["class"] == "call");
    const auto &d = e["payload"]["custom_details"];
    BOOST_TEST(d["caller"] == "+*******9876");
    BOOST_TEST(d["answered_by"] == "Ada Lovelace");
    BOOST_TEST(d["escalation_policy"] == "PEP1");
    BOOST_TEST(d["started_at"] == "2026-11-30T20:54:00Z");
    BOOST_TEST(d["at"] == "2026-11-30T20:54:12Z");
    BOOST_TEST(a.body.find("+14155559876") == std::string::npos);  // masked everywhere

    // A schedule's route names the schedule; an unknown name says so.
    Route db = platform();
    db.kind = TargetKind::schedule;
    auto s = nlohmann::json::parse(alert_answered(db, caller(), "CA42", "", 0).body);
    BOOST_TEST(s["payload"]["custom_details"]["schedule"] == "PEP1");
    BOOST_TEST(s["payload"]["summary"] == "Call on Platform line from +*******9876 taken by the on-call engineer");
    BOOST_TEST(!s["payload"]["custom_details"].contains("at"));
}

BOOST_AUTO_TEST_CASE(a_ringing_calls_alert_pages_at_the_lines_severity)
{
    auto e = nlohmann::json::parse(alert_ringing(platform(), caller(), "CA42", 1, 1796072041).body);
    BOOST_TEST(e["payload"]["summary"] == "Incoming call on Platform line from +*******9876, ringing level 1");
    // PagerDuty keeps the first trigger's severity: a call nobody takes
    // must page, so the first ring is at `severity`.
    BOOST_TEST(e["payload"]["severity"] == "critical");
    BOOST_TEST(e["dedup_key"] == "CA42");
    auto fallback = nlohmann::json::parse(alert_ringing(platform(), caller(), "CA42", 0, 0).body);
    BOOST_TEST(fallback["payload"]["summary"] ==
               "Incoming call on Platform line from +*******9876, ringing the fallback number");
}

BOOST_AUTO_TEST_CASE(acknowledge_and_resolve_carry_only_what_pagerduty_reads)
{
    Route r = platform();
    Alert ack = alert_change(AlertKind::acknowledge, r.call, CallState{}, "CA42");
    Alert resolve = alert_change(AlertKind::resolve, r.call, CallState{}, "CA42");
    BOOST_TEST((ack.kind == AlertKind::acknowledge));
    BOOST_TEST((resolve.kind == AlertKind::resolve));
    BOOST_TEST(ack.body == R"({"dedup_key":"CA42","event_action":"acknowledge","routing_key":"RKEY"})");
    BOOST_TEST(resolve.body == R"({"dedup_key":"CA42","event_action":"resolve","routing_key":"RKEY"})");
    BOOST_TEST(ack.routing_key == "RKEY");
}

BOOST_AUTO_TEST_SUITE_END()
