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

using namespace pdcf;
using namespace pdcf::alerts_tests;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(alerts)

BOOST_AUTO_TEST_CASE(desk_spools_a_rate_limited_alert_for_minutes)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    FakeTime t;
    std::vector<std::string> bodies;
    Alerts desk = alerts_via(spool, replies(t, {{429, "", "", -1}, {202, "", "", -1}}, &bodies), t.sleep(), t.clock());
    const long long before = std::time(nullptr);
    std::string r = desk.deliver(alert("CA1"), t.now + 5s);
    BOOST_TEST(r == "spooled (HTTP 429; next try in 180 s)");
    BOOST_TEST(bodies.size() == 1u);
    auto due = spool.next_due();
    BOOST_TEST_REQUIRE(due.has_value());
    BOOST_TEST(*due >= before + rate_limited_backoff_seconds);
    // Neither a worker's pass nor --flush (which does not wait out the
    // short pause after an ordinary failure) sends it before then.
    int sent = 0;
    auto send = [&](const std::string &, TimePoint) { ++sent; return SendResult{SendStatus::sent, "", 1}; };
    Spool::Flushed f = spool.flush(send, t.clock(), t.now + 5s, FlushRules{retry_pause_seconds, {}});
    BOOST_TEST(sent == 0);
    BOOST_TEST(f.waiting == 1);
}

BOOST_AUTO_TEST_CASE(desk_sends_spools_rejects_and_dedups)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    FakeTime t;
    std::vector<std::string> bodies;
    Alerts desk = alerts_via(spool, replies(t, {{202, "", "", -1}}, &bodies), t.sleep(), t.clock());
    BOOST_TEST(desk.deliver(alert("CA1"), t.now + 5s) == "sent");
    BOOST_TEST(desk.deliver(alert("CA1"), t.now + 5s) == "duplicate");
    BOOST_TEST(bodies.size() == 1u);
    BOOST_TEST(files(d.path + "/pending").empty());

    // Down: kept whole for later.
    std::string r = desk.deliver(alert("CA2"), t.now + 1s);
    BOOST_TEST(r.rfind("spooled (HTTP 503", 0) == 0u, r);
    BOOST_TEST(files(d.path + "/pending") == std::vector<std::string>{"CA2.voicemail.json"});
    std::ifstream kept(d.path + "/pending/CA2.voicemail.json");
    std::string content((std::istreambuf_iterator<char>(kept)), std::istreambuf_iterator<char>());
    BOOST_TEST(content == alert("CA2").body);
    BOOST_TEST(spool.next_due().has_value());

    Alerts refusing = alerts_via(spool, replies(t, {{400, "{}", "", -1}}), t.sleep(), t.clock());
    r = refusing.deliver(alert("CA3", AlertKind::missed), t.now + 5s);
    BOOST_TEST(r.rfind("rejected (HTTP 400)", 0) == 0u, r);
    BOOST_TEST(files(d.path + "/rejected") == std::vector<std::string>{"CA3.missed.json"});

    desk.mark("CA4", "answered");
    BOOST_TEST(desk.marked("CA4", "answered"));
    BOOST_TEST(!desk.marked("CA4", "voicemail"));
}

BOOST_AUTO_TEST_CASE(the_desk_keeps_an_acknowledge_while_its_trigger_waits)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    FakeTime t;
    std::vector<std::string> bodies;
    Alerts desk = alerts_via(spool, replies(t, {{202, "", "", -1}, {202, "", "", -1}}, &bodies), t.sleep(), t.clock());
    BOOST_REQUIRE(bool(spool.keep(alert("CA1", AlertKind::call), 0)));
    std::string r = desk.deliver(alert("CA1", AlertKind::acknowledge), t.now + 5s);
    BOOST_TEST(r == "spooled (after the call's earlier event, which waits in the spool)");
    BOOST_TEST(bodies.empty());
    BOOST_TEST(files(d.path + "/pending") == (std::vector<std::string>{"CA1.acknowledge.json", "CA1.call.json"}));
    // Once none waits, it goes at once.
    BOOST_TEST(desk.deliver(alert("CA2", AlertKind::acknowledge), t.now + 5s) == "sent");
}

BOOST_AUTO_TEST_CASE(a_lost_spool_still_sends)
{
    FakeTime t;
    Spool nowhere("/nonexistent/pdcf-spool");
    std::vector<std::string> bodies;
    Alerts desk = alerts_via(nowhere, replies(t, {{202, "", "", -1}}, &bodies), t.sleep(), t.clock());
    BOOST_TEST(desk.deliver(alert("CA1"), t.now + 5s) == "sent");
    std::string r = desk.deliver(alert("CA2"), t.now + 1s);
    BOOST_TEST(r.rfind("LOST (HTTP 503; cannot create", 0) == 0u, r);
}

BOOST_AUTO_TEST_CASE(a_held_alert_waits_then_goes_or_is_dropped)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    FakeTime t;
    std::vector<std::string> sent;
    auto send = [&](const std::string &event, TimePoint) {
        sent.push_back(event);
        return SendResult{SendStatus::sent, "", 1};
    };
    BOOST_REQUIRE(bool(spool.hold(alert("CA1", AlertKind::missed), 30)));
    BOOST_REQUIRE(bool(spool.hold(alert("CA2", AlertKind::missed), 30)));
    BOOST_REQUIRE(bool(spool.hold(alert("CA3", AlertKind::missed), 30)));
    auto due = spool.next_due();
    BOOST_TEST_REQUIRE(due.has_value());
    BOOST_TEST(*due >= static_cast<long long>(std::time(nullptr)) + 29);
    Spool::Flushed f = spool.flush(send, t.clock(), t.now + 5s, flush_rules(spool, retry_pause_seconds));
    BOOST_TEST(f.held == 3);
    BOOST_TEST(sent.empty());

    // CA1 was answered, CA2 missed for real, CA3's missed-call alert went
    // out already (the <Dial> action saw the caller hang up).
    spool.claim("CA1", "answered");
    spool.claim("CA3", "missed");
    for (const char *sid : {"CA1", "CA2", "CA3"})
        std::system(("touch -d '1 minute ago' '" + d.path + "/held/" + sid + ".missed.json'").c_str());
    f = spool.flush(send, t.clock(), t.now + 5s, flush_rules(spool));
    BOOST_TEST(sent == std::vector<std::string>{alert("CA2").body});
    BOOST_TEST(f.dropped == 2);
    BOOST_TEST(f.lines == (std::vector<std::string>{"dropped CA1.missed.json: the call was answered",
                                                    "dropped CA3.missed.json: already sent", "sent CA2.missed.json"}));
    BOOST_TEST(files(d.path + "/held").empty());
    BOOST_TEST(spool.claimed("CA2", "missed"));
    BOOST_TEST(!spool.next_due());
}

BOOST_AUTO_TEST_CASE(a_spool_that_cannot_hold_sends_at_once)
{
    FakeTime t;
    Spool nowhere("/nonexistent/pdcf-spool");
    Alerts desk = alerts_via(nowhere, replies(t, {{202, "", "", -1}}), t.sleep(), t.clock());
    std::string r = desk.hold(alert("CA1", AlertKind::missed), 30, t.now + 5s);
    BOOST_TEST(r.rfind("sent (not held: cannot create", 0) == 0u, r);
}

BOOST_AUTO_TEST_SUITE_END()
