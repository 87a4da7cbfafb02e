#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <string>

#include "commands/test_call.hpp"
#include "core/form.hpp"
#include "files.hpp"
#include "handler_fixture.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;

BOOST_AUTO_TEST_SUITE(test_call)

BOOST_AUTO_TEST_CASE(test_call_request_by_number_and_by_route)
{
    Config c;
    Route ops;
    ops.name = "ops";
    ops.number = "+14155550100";
    ops.kind = TargetKind::escalation_policy;
    ops.target = "PEP1";
    c.routes.push_back(ops);
    Request r = test_call_request(c, "+14155550100", "+14155559876");
    BOOST_TEST(r.trusted);
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.path_info == "/voice");
    BOOST_TEST(r.query_string == "");
    auto form = form_decode(r.body);
    BOOST_REQUIRE(form);
    BOOST_TEST(form_value(*form, "To") == "+14155550100");
    BOOST_TEST(form_value(*form, "From") == "+14155559876");
    BOOST_TEST(r.content_length == std::to_string(r.body.size()));

    r = test_call_request(c, "ops", "");
    BOOST_TEST(r.query_string == "route=ops");
    form = form_decode(r.body);
    BOOST_TEST(form_value(*form, "To") == "+14155550100");
    BOOST_TEST(form_value(*form, "From") == "anonymous");
}

BOOST_AUTO_TEST_CASE(a_test_call_prints_the_twiml_and_the_log_line_and_says_whether_it_dials)
{
    Fixture f;
    Captured out, log;
    BOOST_TEST(test_call_run(f.ctx, "+14155550100", "+14155559876", "", out.file, log.file) == 0);
    BOOST_TEST(out.str().find("<Dial") != std::string::npos, out.str());
    BOOST_TEST(log.str().find("outcome=dial") != std::string::npos, log.str());
    BOOST_TEST(log.str().find("call_sid=CA00000000000000000000000000000000") != std::string::npos, log.str());

    // Nobody to dial and no fallback: it says so by its exit status.
    f.pd.schedule_users("PSDB", {});
    Captured none_out, none_log;
    BOOST_TEST(test_call_run(f.ctx, "db", "", "", none_out.file, none_log.file) == 1);
    BOOST_TEST(none_log.str().find("outcome=unavailable") != std::string::npos, none_log.str());
}

BOOST_AUTO_TEST_CASE(at_a_time_the_line_keeps_its_hours_and_pagerduty_is_asked_for_then)
{
    Fixture f(ops_with("hours = Mon-Fri 08:00-18:00\ntime_zone = Europe/Berlin\nholidays = 2026-12-24\nafter_hours = db\n"));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    {
        Captured out, log;
        BOOST_TEST(test_call_run(f.ctx, "ops", "", "2026-12-23 10:00", out.file, log.file) == 0);
        BOOST_TEST(log.str().find("a call at Wed 2026-12-23 10:00 CET\n") == 0u, log.str());
        BOOST_TEST(log.str().find("route=ops") != std::string::npos, log.str());
        // 09:00 UTC, in PagerDuty's own form.
        BOOST_TEST_REQUIRE(!f.pd.requests.empty());
        BOOST_TEST(f.pd.requests.front().find("&since=2026-12-23T09%3A00%3A00Z&until=2026-12-23T09%3A00%3A01Z") !=
                       std::string::npos, f.pd.requests.front());
    }
    {
        // On the holiday the call goes to db, after_hours.
        Captured out, log;
        BOOST_TEST(test_call_run(f.ctx, "+14155550100", "", "2026-12-24 10:00", out.file, log.file) == 0);
        BOOST_TEST(log.str().find("route=db") != std::string::npos, log.str());
        BOOST_TEST(log.str().find("ops closed") != std::string::npos, log.str());
    }
    Captured out, log;
    BOOST_TEST(test_call_run(f.ctx, "ops", "", "24.12.2026 10:00", out.file, log.file) == 2);
    BOOST_TEST(log.str().find("--at: \"24.12.2026 10:00\" is not a local time; expected YYYY-MM-DD HH:MM") !=
                   std::string::npos, log.str());
    BOOST_TEST(out.str().empty());
}

BOOST_AUTO_TEST_SUITE_END()
