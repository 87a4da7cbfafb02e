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

BOOST_AUTO_TEST_CASE(a_rate_limited_routing_key_waits_and_the_others_go_on)
{
    // PagerDuty limits each integration key: after one 429, the alerts of
    // that key wait three minutes, by every process; another team's go.
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_REQUIRE(bool(spool.keep(keyed("CA1", "KEYA"), 0)));
    BOOST_REQUIRE(bool(spool.keep(keyed("CA2", "KEYA"), 0)));
    BOOST_REQUIRE(bool(spool.keep(keyed("CA3", "KEYB"), 0)));
    std::system(("touch -d '1 minute ago' '" + d.path + "/pending/CA1.voicemail.json'").c_str());
    FakeTime t;
    std::vector<std::string> tried;
    auto send = [&](const std::string &event, TimePoint) {
        tried.push_back(event.substr(event.find("CA"), 3));
        if (event.find("KEYA") != std::string::npos) return SendResult{SendStatus::rate_limited, "HTTP 429", 1};
        return SendResult{SendStatus::sent, "HTTP 202", 1};
    };
    const long long before = std::time(nullptr);
    Spool::Flushed f = spool.flush(send, t.clock(), t.now + 5s);
    BOOST_TEST(tried == (std::vector<std::string>{"CA1", "CA3"}));
    BOOST_TEST(f.failed == 1);
    BOOST_TEST(f.sent == 1);
    BOOST_TEST(f.waiting == 1);
    BOOST_TEST(files(d.path + "/pending") == (std::vector<std::string>{"CA1.voicemail.json", "CA2.voicemail.json"}));
    for (const char *name : {"/pending/CA1.voicemail.json", "/pending/CA2.voicemail.json"}) {
        struct stat st;
        BOOST_REQUIRE(stat((d.path + name).c_str(), &st) == 0);
        BOOST_TEST(st.st_mtime >= before + rate_limited_backoff_seconds, name);
    }
    BOOST_TEST(spool.paused_until("KEYA").has_value());
    BOOST_TEST(!spool.paused_until("KEYB"));

    // A new alert of that key is not even tried meanwhile.
    std::vector<std::string> bodies;
    Alerts desk = alerts_via(spool, replies(t, {{202, "", "", -1}}, &bodies), t.sleep(), t.clock());
    std::string r = desk.deliver(keyed("CA4", "KEYA"), t.now + 5s);
    BOOST_TEST(r.rfind("spooled (rate limited by PagerDuty; next try in ", 0) == 0u, r);
    BOOST_TEST(bodies.empty());
    BOOST_TEST(desk.deliver(keyed("CA5", "KEYB"), t.now + 5s) == "sent");
}

BOOST_AUTO_TEST_CASE(spool_claims_once)
{
    TempDir d;
    Spool spool(d.path + "/spool");
    BOOST_TEST(bool(spool.prepare()));
    BOOST_TEST((spool.claim("CA1", "voicemail") == Spool::Claim::first));
    BOOST_TEST((spool.claim("CA1", "voicemail") == Spool::Claim::again));
    BOOST_TEST((spool.claim("CA1", "missed") == Spool::Claim::first));
    BOOST_TEST(spool.claimed("CA1", "voicemail"));
    BOOST_TEST(!spool.claimed("CA2", "voicemail"));
    struct stat st;
    BOOST_REQUIRE(stat((d.path + "/spool").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0700u);
}

BOOST_AUTO_TEST_CASE(one_flush_pass_looks_at_a_bounded_number_of_alerts)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    for (std::size_t i = 0; i < limits::max_spool_listed; ++i)
        BOOST_REQUIRE(bool(spool.keep(alert("CA" + std::to_string(i)), 0)));
    FakeTime t;
    auto fail = [](const std::string &, TimePoint) { return SendResult{SendStatus::failed, "HTTP 503", 1}; };
    Spool::Flushed f = spool.flush(fail, t.clock(), t.now + 3600s);
    BOOST_TEST(static_cast<std::size_t>(f.failed) == limits::max_spool_listed);
    BOOST_REQUIRE(bool(spool.keep(alert("CAextra"), 0)));
    f = spool.flush(fail, t.clock(), t.now + 3600s, FlushRules{retry_pause_seconds, {}});
    BOOST_TEST(static_cast<std::size_t>(f.failed) == limits::max_spool_listed);
    BOOST_TEST(files(d.path + "/pending").size() == limits::max_spool_listed + 1);
}

BOOST_AUTO_TEST_CASE(flush_sends_oldest_first_and_keeps_failures)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_REQUIRE(bool(spool.keep(alert("CA1"), 0)));
    BOOST_REQUIRE(bool(spool.keep(alert("CA2", AlertKind::missed), 0)));
    BOOST_REQUIRE(bool(spool.keep(alert("CA3"), 0)));
    FakeTime t;
    int calls = 0;
    auto send = [&](const std::string &event, TimePoint) {
        ++calls;
        if (event.find("CA2") != std::string::npos) return SendResult{SendStatus::failed, "HTTP 503", 1};
        if (event.find("CA3") != std::string::npos) return SendResult{SendStatus::rejected, "HTTP 400", 1};
        return SendResult{SendStatus::sent, "HTTP 202", 1};
    };
    Spool::Flushed f = spool.flush(send, t.clock(), t.now + 5s);
    BOOST_TEST(calls == 3);
    BOOST_TEST(f.sent == 1);
    BOOST_TEST(f.failed == 1);
    BOOST_TEST(f.rejected == 1);
    BOOST_TEST(files(d.path + "/pending") == std::vector<std::string>{"CA2.missed.json"});
    BOOST_TEST(files(d.path + "/rejected") == std::vector<std::string>{"CA3.voicemail.json"});
    BOOST_TEST(files(d.path + "/sending").empty());
}

BOOST_AUTO_TEST_CASE(an_acknowledge_or_resolve_waits_for_the_calls_trigger)
{
    // Sent first, an acknowledge does nothing, and the trigger after it
    // opens an alert that pages: each change waits for what it changes.
    // The wall clock stands still: which second a file falls in is the
    // test's, not the machine's.
    TempDir d;
    Spool spool(d.path, [] { return 1796072040LL; });
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_REQUIRE(bool(spool.keep(alert("CA1", AlertKind::resolve), 0)));
    BOOST_REQUIRE(bool(spool.keep(alert("CA1", AlertKind::acknowledge), 0)));
    BOOST_REQUIRE(bool(spool.keep(alert("CA1", AlertKind::call), 0)));
    BOOST_REQUIRE(bool(spool.keep(alert("CA2", AlertKind::acknowledge), 0)));  // its trigger is out
    BOOST_TEST(spool.earlier_waits("CA1", AlertKind::acknowledge));
    BOOST_TEST(spool.earlier_waits("CA1", AlertKind::resolve));
    BOOST_TEST(!spool.earlier_waits("CA1", AlertKind::call));
    BOOST_TEST(!spool.earlier_waits("CA1", AlertKind::missed));
    BOOST_TEST(!spool.earlier_waits("CA2", AlertKind::acknowledge));

    FakeTime t;
    std::vector<std::string> sent;
    bool down = true;
    auto send = [&](const std::string &event, TimePoint) {
        if (down && event.find("CA1") != std::string::npos) return SendResult{SendStatus::failed, "HTTP 503", 1};
        sent.push_back(event);
        return SendResult{SendStatus::sent, "HTTP 202", 1};
    };
    // PagerDuty fails the trigger: its acknowledge and resolve stay, untried.
    Spool::Flushed f = spool.flush(send, t.clock(), t.now + 5s);
    BOOST_TEST(f.failed == 1);
    BOOST_TEST(f.waiting == 2);
    BOOST_TEST(sent == std::vector<std::string>{alert("CA2", AlertKind::acknowledge).body});
    // Then everything in order, a pass or two later.
    down = false;
    for (int pass = 0; pass < 3; ++pass) spool.flush(send, t.clock(), t.now + 5s, FlushRules{60, {}});
    BOOST_TEST(files(d.path + "/pending").empty());
    BOOST_TEST_REQUIRE(sent.size() == 4u);
    BOOST_TEST(sent[1] == alert("CA1", AlertKind::call).body);
    BOOST_TEST(sent[2] == alert("CA1", AlertKind::acknowledge).body);
    BOOST_TEST(sent[3] == alert("CA1", AlertKind::resolve).body);

    // Released from held/ in the same second, all three go in one pass,
    // in order, whatever their names.
    sent.clear();
    for (AlertKind k : {AlertKind::resolve, AlertKind::acknowledge, AlertKind::call})
        BOOST_REQUIRE(bool(spool.keep(alert("CA9", k), 0)));
    f = spool.flush(send, t.clock(), t.now + 5s);
    BOOST_TEST(f.sent == 3);
    BOOST_TEST_REQUIRE(sent.size() == 3u);
    BOOST_TEST(sent[0] == alert("CA9", AlertKind::call).body);
    BOOST_TEST(sent[2] == alert("CA9", AlertKind::resolve).body);

    // A held trigger counts too.
    BOOST_REQUIRE(bool(spool.hold(alert("CA3", AlertKind::call), 0)));
    BOOST_TEST(spool.earlier_waits("CA3", AlertKind::acknowledge));
}

BOOST_AUTO_TEST_CASE(flush_leaves_what_has_only_just_failed)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_TEST(bool(spool.keep(alert("CA1"))));
    FakeTime t;
    int sent = 0;
    auto send = [&](const std::string &, TimePoint) { ++sent; return SendResult{SendStatus::sent, "", 1}; };
    spool.flush(send, t.clock(), t.now + 5s);
    BOOST_TEST(sent == 0);
    spool.flush(send, t.clock(), t.now + 5s, FlushRules{retry_pause_seconds, {}});
    BOOST_TEST(sent == 1);
}

BOOST_AUTO_TEST_CASE(an_events_api_message_cannot_forge_a_log_line)
{
    // PagerDuty's (or a proxy's) message is put in the spool's lines as
    // it came; each line reaches the log or the terminal as one line.
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    FakeTime t;
    BOOST_REQUIRE(bool(spool.keep(alert("CA1"), 0)));
    auto send = [&](const std::string &, TimePoint) {
        return SendResult{SendStatus::rejected, "Event object is invalid\npd-call-forward: spool: sent CA9 \x1b[2K", 1};
    };
    Spool::Flushed f = spool.flush(send, t.clock(), t.now + 5s, flush_rules(spool));
    BOOST_TEST(f.rejected == 1);
    std::string report = flush_report(f, "pd-call-forward: spool: ");
    BOOST_TEST(std::count(report.begin(), report.end(), '\n') == 1, report);
    BOOST_TEST(report.find('\x1b') == std::string::npos, report);
    BOOST_TEST(report.find("invalid\\x0apd-call-forward") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(releasing_a_held_alert_leaves_an_alert_being_sent_alone)
{
    // Another process is sending CA1's spooled missed-call alert right now
    // (in sending/; claimed when it was first delivered) when the held one
    // of the same call falls due.
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    spool.claim("CA1", "missed");
    std::ofstream(d.path + "/sending/CA1.missed.json") << "in flight";
    BOOST_REQUIRE(bool(spool.hold(alert("CA1", AlertKind::missed), 0)));
    std::system(("touch -d '1 minute ago' '" + d.path + "/held/CA1.missed.json'").c_str());
    FakeTime t;
    int sent = 0;
    auto send = [&](const std::string &, TimePoint) { ++sent; return SendResult{SendStatus::sent, "", 1}; };
    Spool::Flushed f = spool.flush(send, t.clock(), t.now + 5s, flush_rules(spool));
    std::ifstream in(d.path + "/sending/CA1.missed.json");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST(content == "in flight");
    BOOST_TEST(sent == 0);
    BOOST_TEST(f.dropped == 1);
    BOOST_TEST(files(d.path + "/held").empty());
}

BOOST_AUTO_TEST_CASE(an_alert_that_waited_long_is_not_taken_twice)
{
    // Due an hour ago: while one pass sends it, another pass (another
    // process) must not take it for one a dead process left in sending/.
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_REQUIRE(bool(spool.keep(alert("CA1"), 0)));
    BOOST_REQUIRE(bool(spool.hold(alert("CA2", AlertKind::missed), 0)));
    spool.claim("CA2", "answered");
    for (const char *f : {"/pending/CA1.voicemail.json", "/held/CA2.missed.json"})
        std::system(("touch -d '1 hour ago' '" + d.path + f + "'").c_str());
    FakeTime t;
    int sent = 0, inner = 0;
    std::function<SendResult(const std::string &, TimePoint)> send = [&](const std::string &, TimePoint) {
        ++sent;
        if (sent == 1) inner = spool.flush(send, t.clock(), t.now + 5s, flush_rules(spool)).sent;
        return SendResult{SendStatus::sent, "", 1};
    };
    spool.flush(send, t.clock(), t.now + 5s, flush_rules(spool));
    BOOST_TEST(sent == 1);
    BOOST_TEST(inner == 0);
    BOOST_TEST(!spool.claimed("CA2", "missed"));  // answered: dropped, never sent
}

BOOST_AUTO_TEST_CASE(old_claims_go_however_many_there_are)
{
    // More claims than one pass lists, the old ones among them.
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    for (std::size_t i = 0; i < limits::max_spool_listed + 10; ++i)
        std::ofstream(d.path + "/claims/CAnew" + std::to_string(i) + ".answered");
    for (int i = 0; i < 5; ++i) std::ofstream(d.path + "/claims/CAold" + std::to_string(i) + ".answered");
    std::system(("touch -d '8 days ago' '" + d.path + "'/claims/CAold*").c_str());
    spool.sweep_claims();
    BOOST_TEST(files(d.path + "/claims").size() == limits::max_spool_listed + 10);
    BOOST_TEST(!spool.claimed("CAold0", "answered"));
    BOOST_TEST(spool.claimed("CAnew0", "answered"));
}

BOOST_AUTO_TEST_CASE(a_held_alert_can_be_taken_back_once)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    FakeTime t;
    Alerts desk = alerts_via(spool, replies(t, {}), t.sleep(), t.clock());
    BOOST_TEST(desk.hold(alert("CA1"), 60, t.now + 5s) == "held 60 s");
    auto taken = desk.take_held("CA1", AlertKind::voicemail);
    BOOST_TEST_REQUIRE(taken.has_value());
    BOOST_TEST(taken->body == alert("CA1").body);
    BOOST_TEST(!desk.take_held("CA1", AlertKind::voicemail));
    BOOST_TEST(files(d.path + "/held").empty());
}

BOOST_AUTO_TEST_CASE(flush_stops_at_the_deadline)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_TEST(bool(spool.keep(alert("CA1"), 0)));
    BOOST_TEST(bool(spool.keep(alert("CA2"), 0)));
    FakeTime t;
    Spool::Flushed f = spool.flush([&](const std::string &, TimePoint) { t.now += 10s; return SendResult{SendStatus::sent, "", 1}; },
                                   t.clock(), t.now + 5s);
    BOOST_TEST(f.sent == 1);
    BOOST_TEST(f.left == 1);
}

BOOST_AUTO_TEST_CASE(flush_takes_back_what_a_dead_process_left)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    std::ofstream(d.path + "/sending/CA9.voicemail.json") << alert("CA9").body;
    // An hour old: its process is gone.
    std::system(("touch -d '1 hour ago' '" + d.path + "/sending/CA9.voicemail.json'").c_str());
    FakeTime t;
    int sent = 0;
    spool.flush([&](const std::string &, TimePoint) { ++sent; return SendResult{SendStatus::sent, "", 1}; },
                t.clock(), t.now + 5s);
    BOOST_TEST(sent == 1);
    BOOST_TEST(files(d.path + "/sending").empty());
}

BOOST_AUTO_TEST_SUITE_END()
