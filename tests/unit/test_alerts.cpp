#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert_desk.hpp"
#include "events.hpp"
#include "files.hpp"
#include "limits.hpp"
#include "spool.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

// A fake clock that moves only when the code sleeps or posts.
struct FakeTime {
    TimePoint now = TimePoint{} + 1h;
    std::vector<std::chrono::milliseconds> slept;
    Clock clock() { return [this] { return now; }; }
    Sleep sleep()
    {
        return [this](std::chrono::milliseconds ms) {
            slept.push_back(ms);
            now += ms;
        };
    }
};

// Answers one reply after the other, each costing `cost` of fake time.
Post replies(FakeTime &t, std::vector<HttpReply> list, std::vector<std::string> *bodies = nullptr)
{
    auto queue = std::make_shared<std::vector<HttpReply>>(std::move(list));
    return [&t, queue, bodies](const std::string &body, TimePoint) {
        if (bodies) bodies->push_back(body);
        t.now += 50ms;
        HttpReply r = queue->empty() ? HttpReply{503, "", "", -1} : queue->front();
        if (!queue->empty()) queue->erase(queue->begin());
        return r;
    };
}

std::vector<std::string> files(const std::string &dir)
{
    std::vector<std::string> out;
    if (DIR *d = opendir(dir.c_str())) {
        while (dirent *e = readdir(d))
            if (e->d_name[0] != '.') out.push_back(e->d_name);
        closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

Alert alert(const std::string &sid, AlertKind kind = AlertKind::voicemail)
{
    return {kind, sid, "RKEY", R"({"dedup_key":")" + sid + R"("})"};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(alerts)

BOOST_AUTO_TEST_CASE(sent_at_once)
{
    FakeTime t;
    SendResult r = events_send(replies(t, {{202, R"({"status":"success"})", "", -1}}), t.sleep(), t.clock(), "{}",
                               t.now + 5s);
    BOOST_TEST((r.status == SendStatus::sent));
    BOOST_TEST(r.attempts == 1);
}

BOOST_AUTO_TEST_CASE(retried_while_the_budget_allows)
{
    FakeTime t;
    SendResult r = events_send(replies(t, {{0, "", "connection closed or read failed", -1}, {503, "", "", -1},
                                           {429, "", "", -1}, {202, "", "", -1}}),
                               t.sleep(), t.clock(), "{}", t.now + 5s);
    BOOST_TEST((r.status == SendStatus::sent));
    BOOST_TEST(r.attempts == 4);
    BOOST_TEST(t.slept == (std::vector<std::chrono::milliseconds>{200ms, 400ms, 800ms}));
}

BOOST_AUTO_TEST_CASE(gives_up_within_the_deadline)
{
    FakeTime t;
    TimePoint deadline = t.now + 2s;
    SendResult r = events_send(replies(t, {}), t.sleep(), t.clock(), "{}", deadline);
    BOOST_TEST((r.status == SendStatus::failed));
    BOOST_TEST(r.detail == "HTTP 503");
    BOOST_TEST((t.now <= deadline));
}

BOOST_AUTO_TEST_CASE(retry_after_is_believed_only_if_it_fits)
{
    FakeTime t;
    SendResult r = events_send(replies(t, {{429, "", "", 1}, {202, "", "", -1}}), t.sleep(), t.clock(), "{}", t.now + 5s);
    BOOST_TEST((r.status == SendStatus::sent));
    BOOST_TEST(t.slept == std::vector<std::chrono::milliseconds>{1000ms});
    FakeTime u;
    r = events_send(replies(u, {{429, "", "", 30}}), u.sleep(), u.clock(), "{}", u.now + 5s);
    BOOST_TEST((r.status == SendStatus::failed));
    BOOST_TEST(u.slept.empty());
}

BOOST_AUTO_TEST_CASE(a_bad_event_is_never_retried)
{
    FakeTime t;
    SendResult r = events_send(
        replies(t, {{400, R"({"status":"invalid event","message":"Event object is invalid","errors":["payload.summary is missing."]})", "", -1}}),
        t.sleep(), t.clock(), "{}", t.now + 5s);
    BOOST_TEST((r.status == SendStatus::rejected));
    BOOST_TEST(r.attempts == 1);
    BOOST_TEST(r.detail == "HTTP 400: Event object is invalid; payload.summary is missing.");
}

BOOST_AUTO_TEST_CASE(not_retried_on_other_client_errors)
{
    FakeTime t;
    SendResult r = events_send(replies(t, {{404, "", "", -1}}), t.sleep(), t.clock(), "{}", t.now + 5s);
    BOOST_TEST((r.status == SendStatus::failed));
    BOOST_TEST(r.attempts == 1);
}

BOOST_AUTO_TEST_CASE(spool_claims_once)
{
    TempDir d;
    Spool spool(d.path + "/spool");
    BOOST_TEST(spool.prepare() == "");
    BOOST_TEST((spool.claim("CA1", "voicemail") == Spool::Claim::first));
    BOOST_TEST((spool.claim("CA1", "voicemail") == Spool::Claim::again));
    BOOST_TEST((spool.claim("CA1", "missed") == Spool::Claim::first));
    BOOST_TEST(spool.claimed("CA1", "voicemail"));
    BOOST_TEST(!spool.claimed("CA2", "voicemail"));
    struct stat st;
    BOOST_REQUIRE(stat((d.path + "/spool").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0700u);
}

BOOST_AUTO_TEST_CASE(spool_names_are_safe)
{
    BOOST_TEST(spool_name("CA0123abc") == "CA0123abc");
    BOOST_TEST(spool_name("../../etc/passwd") == "etcpasswd");
    BOOST_TEST(spool_name("") == "unknown");
    BOOST_TEST(spool_name(std::string(limits::max_spool_name, 'a')) == std::string(limits::max_spool_name, 'a'));
    BOOST_TEST(spool_name(std::string(limits::max_spool_name + 1, 'a')) == std::string(limits::max_spool_name, 'a'));
}

BOOST_AUTO_TEST_CASE(one_flush_pass_looks_at_a_bounded_number_of_alerts)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(spool.prepare().empty());
    for (std::size_t i = 0; i < limits::max_spool_listed; ++i)
        BOOST_REQUIRE(spool.keep(alert("CA" + std::to_string(i))).empty());
    FakeTime t;
    auto fail = [](const std::string &, TimePoint) { return SendResult{SendStatus::failed, "HTTP 503", 1}; };
    Spool::Flushed f = spool.flush(fail, t.clock(), t.now + 3600s);
    BOOST_TEST(static_cast<std::size_t>(f.failed) == limits::max_spool_listed);
    BOOST_REQUIRE(spool.keep(alert("CAextra")).empty());
    f = spool.flush(fail, t.clock(), t.now + 3600s);
    BOOST_TEST(static_cast<std::size_t>(f.failed) == limits::max_spool_listed);
    BOOST_TEST(files(d.path + "/pending").size() == limits::max_spool_listed + 1);
}

BOOST_AUTO_TEST_CASE(desk_sends_spools_rejects_and_dedups)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(spool.prepare().empty());
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
    BOOST_TEST(spool.has_pending());

    Alerts refusing = alerts_via(spool, replies(t, {{400, "{}", "", -1}}), t.sleep(), t.clock());
    r = refusing.deliver(alert("CA3", AlertKind::missed), t.now + 5s);
    BOOST_TEST(r.rfind("rejected (HTTP 400)", 0) == 0u, r);
    BOOST_TEST(files(d.path + "/rejected") == std::vector<std::string>{"CA3.missed.json"});

    desk.mark("CA4", "answered");
    BOOST_TEST(desk.marked("CA4", "answered"));
    BOOST_TEST(!desk.marked("CA4", "voicemail"));
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

BOOST_AUTO_TEST_CASE(flush_sends_oldest_first_and_keeps_failures)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(spool.prepare().empty());
    BOOST_REQUIRE(spool.keep(alert("CA1")).empty());
    BOOST_REQUIRE(spool.keep(alert("CA2", AlertKind::missed)).empty());
    BOOST_REQUIRE(spool.keep(alert("CA3")).empty());
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

BOOST_AUTO_TEST_CASE(flush_leaves_what_has_only_just_failed)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(spool.prepare().empty());
    spool.keep(alert("CA1"));
    FakeTime t;
    int sent = 0;
    auto send = [&](const std::string &, TimePoint) { ++sent; return SendResult{SendStatus::sent, "", 1}; };
    spool.flush(send, t.clock(), t.now + 5s, 60);
    BOOST_TEST(sent == 0);
    spool.flush(send, t.clock(), t.now + 5s, 0);
    BOOST_TEST(sent == 1);
}

BOOST_AUTO_TEST_CASE(flush_stops_at_the_deadline)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(spool.prepare().empty());
    spool.keep(alert("CA1"));
    spool.keep(alert("CA2"));
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
    BOOST_REQUIRE(spool.prepare().empty());
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
