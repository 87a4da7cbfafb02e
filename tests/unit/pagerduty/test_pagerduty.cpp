#include <boost/test/unit_test.hpp>

#include "core/limits.hpp"
#include "fake_pagerduty.hpp"
#include "pagerduty/pagerduty.hpp"

using namespace pdcf;

namespace {
bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }
using F = FakePagerDuty;
// PagerDuty failed: the log says so.
bool failed(const Snapshot &s) { return snapshot_reason(s) == pagerduty_reason(s.problem); }
constexpr long long now = 1'800'000'000;  // 2027-01-15T08:00:00Z
}  // namespace

BOOST_AUTO_TEST_SUITE(pagerduty)

BOOST_AUTO_TEST_CASE(asks_oncalls_then_contact_methods)
{
    F pd;
    pd.oncalls({F::entry(1, "PU1", "Ada Lovelace")});
    pd.phones("PU1", {F::phone("4155550101")});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
    BOOST_REQUIRE_EQUAL(first_level(l).callees.size(), 1u);
    BOOST_TEST(first_level(l).callees[0].name == "Ada Lovelace");
    BOOST_TEST(first_level(l).callees[0].number == "+14155550101");
    BOOST_TEST(first_level(l).level == 1);
    BOOST_TEST(l.problem.empty());
    BOOST_TEST(!failed(l));
    BOOST_TEST(l.requests == 2);
    BOOST_TEST(pd.requests == (std::vector<std::string>{
                                  "/oncalls?escalation_policy_ids%5B%5D=PEP1&earliest=true&include%5B%5D=users&limit=100&offset=0",
                                  "/users/PU1/contact_methods"}));
}

BOOST_AUTO_TEST_CASE(schedule_routes_ask_who_is_on_the_schedule_now)
{
    // Not /oncalls?schedule_ids[]: that lists a schedule's people only
    // while an escalation policy uses it.
    F pd;
    pd.schedule_users("PSCHED1", {F::user("PU1", "Ada"), F::user("PU2", "Bob"), F::user("PU1", "Ada")});
    pd.phones("PU1", {F::phone("4155550101")});
    pd.phones("PU2", {F::phone("4155550102")});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::schedule, "PSCHED1", "", now);
    BOOST_TEST(pd.requests == (std::vector<std::string>{
                                  "/schedules/PSCHED1/users?since=2027-01-15T08%3A00%3A00Z&until=2027-01-15T08%3A00%3A01Z",
                                  "/users/PU1/contact_methods", "/users/PU2/contact_methods"}));
    // Everyone on it is one level, each once.
    BOOST_REQUIRE_EQUAL(first_level(l).callees.size(), 2u);
    BOOST_TEST(first_level(l).callees[0].name == "Ada");
    BOOST_TEST(first_level(l).callees[1].number == "+14155550102");
    BOOST_TEST(first_level(l).level == 1);
    BOOST_TEST(l.problem.empty());
    BOOST_TEST(l.requests == 3);
}

BOOST_AUTO_TEST_CASE(a_schedule_rings_at_most_ten)
{
    F pd;
    std::vector<std::string> users;
    for (std::size_t i = 0; i < limits::max_dial_numbers + 2; ++i) {
        users.push_back(F::user("PU" + std::to_string(i), "N"));
        pd.phones("PU" + std::to_string(i), {F::phone("41555502" + std::to_string(10 + i))});
    }
    pd.schedule_users("PSCHED1", users);
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::schedule, "PSCHED1", "", now);
    BOOST_TEST(first_level(l).callees.size() == limits::max_dial_numbers);
    BOOST_TEST(first_level(l).callees.back().number == "+14155550219");
}

BOOST_AUTO_TEST_CASE(nobody_on_the_schedule)
{
    F pd;
    pd.schedule_users("PSCHED1", {});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::schedule, "PSCHED1", "", now);
    BOOST_TEST(first_level(l).callees.empty());
    BOOST_TEST(!failed(l));
    BOOST_TEST(l.problem == "nobody is on call for schedule PSCHED1");
}

BOOST_AUTO_TEST_CASE(schedule_failures_are_described)
{
    struct Case {
        HttpReply reply;
        std::string expect;
    };
    const Case cases[] = {
        {{404, R"({"error":{"message":"Not Found","code":2100}})", ""},
         "GET /schedules/PSCHED1/users: HTTP 404 (Not Found): check the id in the route"},
        {{400, R"({"error":{"message":"Invalid Input Provided","code":2001}})", ""},
         "GET /schedules/PSCHED1/users: HTTP 400 (Invalid Input Provided)"},
        {{200, "<html>", ""}, "GET /schedules/PSCHED1/users: not JSON"},
        {{200, R"({"users": {"id": "PU1"}})", ""}, "GET /schedules/PSCHED1/users: JSON without the \"users\" array"},
        {{200, F::page({F::entry(1, "PU1", "Ada")}), ""}, "JSON without the \"users\" array"},
    };
    for (const auto &c : cases) {
        F pd;
        pd.replies["/schedules/PSCHED1/users"] = c.reply;
        Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::schedule, "PSCHED1", "", now);
        BOOST_TEST(first_level(l).callees.empty());
        BOOST_TEST(failed(l), c.expect);
        BOOST_TEST(contains(l.problem, c.expect), l.problem << " vs " << c.expect);
        BOOST_TEST(l.requests == 1);
    }
}

BOOST_AUTO_TEST_CASE(follows_more_pages)
{
    F pd;
    const std::string q = "/oncalls?escalation_policy_ids%5B%5D=PEP1&earliest=true&include%5B%5D=users&limit=100&offset=";
    pd.replies[q + "0"] = {200, F::page({F::entry(2, "PU2", "Bob"), F::entry(2, "PU3", "Cy")}, true), ""};
    pd.replies[q + "2"] = {200, F::page({F::entry(1, "PU1", "Ada")}, false), ""};
    pd.phones("PU1", {F::phone("4155550101")});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
    BOOST_REQUIRE_EQUAL(first_level(l).callees.size(), 1u);
    BOOST_TEST(first_level(l).callees[0].name == "Ada");  // level 1 was on the second page
    BOOST_TEST(pd.requests.at(1) == q + "2");
}

BOOST_AUTO_TEST_CASE(page_limit_is_kept)
{
    F pd;
    pd.oncalls({F::entry(1, "PU1", "Ada")}, true);  // `more` forever
    pd.phones("PU1", {F::phone("4155550101")});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
    BOOST_TEST(l.requests == limits::max_oncall_pages + 1);
    BOOST_TEST(first_level(l).callees.size() == 1u);
    BOOST_TEST(contains(l.problem, "more than 10 pages"));
}

BOOST_AUTO_TEST_CASE(page_limit_at_and_over)
{
    // Exactly max_oncall_pages pages: all read, nothing to say.
    const std::string q = "/oncalls?escalation_policy_ids%5B%5D=PEP1&earliest=true&include%5B%5D=users&limit=100&offset=";
    for (int pages : {limits::max_oncall_pages, limits::max_oncall_pages + 1}) {
        F pd;
        for (int i = 0; i < pages; ++i)
            pd.replies[q + std::to_string(i)] = {200, F::page({F::entry(1, "PU" + std::to_string(i), "N")}, i + 1 < pages), "", -1};
        for (int i = 0; i < pages; ++i) pd.phones("PU" + std::to_string(i), {F::phone("41555501" + std::to_string(10 + i))});
        Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
        bool over = pages > limits::max_oncall_pages;
        BOOST_TEST(contains(l.problem, "more than 10 pages") == over, l.problem);
        BOOST_TEST(first_level(l).callees.size() == static_cast<std::size_t>(limits::max_oncall_pages));
    }
}

BOOST_AUTO_TEST_CASE(dial_limit_at_and_over)
{
    for (std::size_t n : {limits::max_dial_numbers, limits::max_dial_numbers + 1}) {
        F pd;
        std::vector<std::string> entries;
        for (std::size_t i = 0; i < n; ++i) {
            entries.push_back(F::entry(1, "PU" + std::to_string(i), "N"));
            pd.phones("PU" + std::to_string(i), {F::phone("41555502" + std::to_string(10 + i))});
        }
        pd.oncalls(entries);
        BOOST_TEST(first_level(pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now)).callees.size() ==
                   limits::max_dial_numbers);
    }
}

BOOST_AUTO_TEST_CASE(everyone_at_the_lowest_level_rings_together)
{
    F pd;
    pd.oncalls({F::entry(2, "PU3", "Cy"), F::entry(1, "PU1", "Ada"), F::entry(1, "PU2", "Bob"), F::entry(1, "PU1", "Ada")});
    pd.phones("PU1", {F::phone("4155550101")});
    pd.phones("PU2", {F::phone("4155550102")});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
    BOOST_REQUIRE_EQUAL(first_level(l).callees.size(), 2u);
    BOOST_TEST(first_level(l).callees[0].number == "+14155550101");
    BOOST_TEST(first_level(l).callees[1].number == "+14155550102");
    BOOST_TEST(l.requests == 3);  // Ada once, Cy never asked
}

BOOST_AUTO_TEST_CASE(prefer_label_picks_the_number)
{
    F pd;
    pd.oncalls({F::entry(1, "PU1", "Ada")});
    pd.phones("PU1", {F::phone("2079460958", "Work", 44), F::phone("4155550101", "Mobile")});
    BOOST_TEST(first_level(pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "mobile", now)).callees.at(0).number ==
               "+14155550101");
    BOOST_TEST(first_level(pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now)).callees.at(0).number ==
               "+442079460958");
}

BOOST_AUTO_TEST_CASE(no_phone_at_level_one_escalates_to_level_two)
{
    F pd;
    pd.oncalls({F::entry(1, "PU1", "Ada"), F::entry(2, "PU2", "Bob")});
    pd.phones("PU1", {R"({"type": "email_contact_method", "label": "Work", "address": "ada@example.com"})"});
    pd.phones("PU2", {F::phone("4155550102")});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
    BOOST_REQUIRE_EQUAL(first_level(l).callees.size(), 1u);
    BOOST_TEST(first_level(l).callees[0].name == "Bob");
    BOOST_TEST(first_level(l).level == 2);
    BOOST_TEST(l.problem == "Ada (PU1) has no usable phone contact method");
}

BOOST_AUTO_TEST_CASE(phones_that_are_off_are_skipped_and_the_log_says_why)
{
    F pd;
    pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(2, "PU2", "Bob")});
    pd.phones("PU1", {R"({"type": "phone_contact_method", "label": "Mobile", "country_code": 1, "address": "4155550101", "enabled": false, "blacklisted": false})",
                      R"({"type": "phone_contact_method", "label": "Work", "country_code": 1, "address": "4155550109", "enabled": true, "blacklisted": true})"});
    pd.phones("PU2", {F::phone("4155550102")});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "mobile", now);
    BOOST_REQUIRE_EQUAL(first_level(l).callees.size(), 1u);
    BOOST_TEST(first_level(l).callees[0].name == "Bob");
    BOOST_TEST(first_level(l).level == 2);
    BOOST_TEST(l.problem == "Ada Lovelace (PU1) has no usable phone contact method: 1 disabled, 1 blacklisted");
}

BOOST_AUTO_TEST_CASE(nobody_with_a_phone)
{
    F pd;
    pd.oncalls({F::entry(1, "PU1", "Ada")});
    pd.phones("PU1", {});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
    BOOST_TEST(first_level(l).callees.empty());
    BOOST_TEST(!failed(l));
    BOOST_TEST(contains(l.problem, "no usable phone"));
}

BOOST_AUTO_TEST_CASE(nobody_on_call)
{
    F pd;
    pd.oncalls({});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
    BOOST_TEST(first_level(l).callees.empty());
    BOOST_TEST(!failed(l));
    BOOST_TEST(l.problem == "nobody is on call for escalation policy PEP1");
}

BOOST_AUTO_TEST_CASE(pagerduty_failures_are_described)
{
    struct Case {
        HttpReply reply;
        std::string expect;
    };
    const Case cases[] = {
        {{500, R"({"error":{"message":"Internal Server Error","code":2000}})", ""},
         "GET /oncalls: HTTP 500 (Internal Server Error)"},
        {{401, R"({"error":{"message":"Unauthorized","code":2006}})", ""},
         "GET /oncalls: HTTP 401 (Unauthorized): check [pagerduty] token"},
        {{429, "", ""}, "GET /oncalls: HTTP 429: rate limited by PagerDuty"},
        {{0, "", "timed out after 2000 ms ([pagerduty] timeout)"}, "GET /oncalls: timed out after 2000 ms"},
        {{200, "<html>Service Unavailable</html>", ""}, "GET /oncalls: not JSON"},
        {{200, R"({"oncalls": "none"})", ""}, "GET /oncalls: JSON without the \"oncalls\" array"},
        {{200, "", ""}, "GET /oncalls: not JSON"},
    };
    for (const auto &c : cases) {
        F pd;
        pd.replies["/oncalls"] = c.reply;
        Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
        BOOST_TEST(first_level(l).callees.empty());
        BOOST_TEST(failed(l), c.expect);
        BOOST_TEST(contains(l.problem, c.expect), l.problem << " vs " << c.expect);
        BOOST_TEST(l.requests == 1);
    }
}

BOOST_AUTO_TEST_CASE(contact_methods_failing)
{
    F pd;
    pd.oncalls({F::entry(1, "PU1", "Ada"), F::entry(1, "PU2", "Bob")});
    pd.replies["/users/PU1/contact_methods"] = {503, "", ""};
    pd.phones("PU2", {F::phone("4155550102")});
    Snapshot l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
    BOOST_REQUIRE_EQUAL(first_level(l).callees.size(), 1u);  // Bob still rings
    BOOST_TEST(l.problem == "Ada: GET /users/PU1/contact_methods: HTTP 503");

    pd.replies["/users/PU2/contact_methods"] = {200, "garbage", ""};
    l = pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "PEP1", "", now);
    BOOST_TEST(first_level(l).callees.empty());
    BOOST_TEST(failed(l));
    BOOST_TEST(contains(l.problem, "Bob: GET /users/PU2/contact_methods: not JSON"));
}

BOOST_AUTO_TEST_CASE(ids_are_escaped_in_urls)
{
    F pd;
    pd.oncalls({});
    (void)pagerduty_first_level(pd.fetch(), TargetKind::escalation_policy, "P&x=1", "", now);
    BOOST_TEST(contains(pd.requests.at(0), "escalation_policy_ids%5B%5D=P%26x%3D1&"));
    (void)pagerduty_first_level(pd.fetch(), TargetKind::schedule, "P/../x?y", "", now);
    BOOST_TEST(pd.requests.at(1).rfind("/schedules/P%2F..%2Fx%3Fy/users?since=", 0) == 0u, pd.requests.at(1));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(refresh_targets_and_passes)

BOOST_AUTO_TEST_CASE(each_policy_or_schedule_once_with_its_routes)
{
    auto route = [](const char *name, TargetKind kind, const char *target) {
        Route r;
        r.name = name;
        r.kind = kind;
        r.target = target;
        return r;
    };
    auto t = refresh_targets({route("ops", TargetKind::escalation_policy, "PEP1"),
                              route("desk", TargetKind::numbers, ""),
                              route("db", TargetKind::schedule, "PEP1"),
                              route("night", TargetKind::escalation_policy, "PEP1")});
    BOOST_REQUIRE_EQUAL(t.size(), 2u);
    BOOST_TEST(target_name(t[0].kind, t[0].target) == "escalation policy PEP1");
    BOOST_TEST(t[0].routes == (std::vector<std::string>{"ops", "night"}));
    BOOST_TEST(target_name(t[1].kind, t[1].target) == "schedule PEP1");
}

BOOST_AUTO_TEST_CASE(everyone_in_the_answer_has_their_phone_looked_at)
{
    // Every level, and whoever a shift ahead brings: a hunt may reach any.
    F pd;
    pd.oncalls({F::entry(1, "PU1", "Ada"), F::entry(2, "PU2", "Bob"), F::entry(1, "PU1", "Ada")});
    pd.phones("PU1", {F::phone("4155550101")});
    pd.replies["/users/PU2/contact_methods"] = {503, "", "", -1};
    Refreshed r = refresh_ahead(direct_sources(pd.fetch(), now), TargetKind::escalation_policy, "PEP1");
    BOOST_TEST(r.requests == 3);
    BOOST_TEST(pd.requests.at(1) == "/users/PU1/contact_methods");
    BOOST_TEST(pd.requests.at(2) == "/users/PU2/contact_methods");
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_TEST(r.problems[0].rfind("Bob: GET /users/PU2/contact_methods: HTTP 503", 0) == 0u, r.problems[0]);

    pd.replies.erase("/oncalls");
    r = refresh_ahead(direct_sources(pd.fetch(), now), TargetKind::escalation_policy, "PEP1");
    BOOST_TEST(r.problems.size() == 1u);  // nobody's phones without the on-calls
}

BOOST_AUTO_TEST_SUITE_END()
