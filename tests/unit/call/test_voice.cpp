#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "files.hpp"
#include "handler_fixture.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(handler)

BOOST_AUTO_TEST_CASE(incoming_call_dials_the_on_call)
{
    Fixture f;
    Response r = f.run(f.post());
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.content_type == "text/xml; charset=utf-8");
    check_golden("dial-one.xml", r.body);
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("string(/Response/Say)") == "Connecting you to Ada Lovelace.");
    BOOST_TEST(x.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(f.log.outcome == Outcome::dial);
    BOOST_TEST(f.log.route == "ops");
    BOOST_TEST(f.log.call_sid == "CA0001");
    BOOST_TEST(f.log.dialed == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(f.log.pd_requests == 2);
    BOOST_TEST(f.log.pd_ms == 14);
    BOOST_TEST(f.log.total_ms == 14);
    BOOST_TEST(f.log.status == 200);
}

BOOST_AUTO_TEST_CASE(two_on_call_ring_together)
{
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(1, "PU2", "Grace Hopper"), F::entry(2, "PU3", "Cy")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    Response r = f.run(f.post());
    check_golden("dial-two.xml", r.body);
    BOOST_TEST(f.log.dialed == (std::vector<std::string>{"+14155550101", "+14155550102"}));
    BOOST_TEST(f.log.level == 1);
}

BOOST_AUTO_TEST_CASE(pagerduty_failure_dials_the_fallback)
{
    Fixture f;
    f.pd.replies["/oncalls"] = {500, R"({"error":{"message":"Internal Server Error","code":2000}})", ""};
    Response r = f.run(f.post());
    BOOST_TEST(r.status == 200);
    check_golden("fallback.xml", r.body);
    BOOST_TEST(f.log.outcome == Outcome::fallback);
    BOOST_TEST(f.log.dialed == std::vector<std::string>{"+14155550199"});
    BOOST_TEST(f.log.reason == "pagerduty: GET /oncalls: HTTP 500 (Internal Server Error)");
}

BOOST_AUTO_TEST_CASE(no_fallback_says_unavailable_and_hangs_up)
{
    Fixture f;
    f.pd.replies["/schedules/PSDB/users"] = {0, "", "timed out after 3000 ms ([pagerduty] timeout)"};
    Params to_db = incoming;
    to_db[3].value = "+14155550111";
    Response r = f.run(f.post(to_db));
    BOOST_TEST(r.status == 200);
    check_golden("unavailable.xml", r.body);
    BOOST_TEST(f.log.outcome == Outcome::unavailable);
    BOOST_TEST(f.log.dialed.empty());
    BOOST_TEST(contains(f.log.reason, "timed out"));
}

BOOST_AUTO_TEST_CASE(nobody_on_call_is_fallback_too)
{
    Fixture f;
    f.pd.oncalls({});
    f.run(f.post());
    BOOST_TEST(f.log.outcome == Outcome::fallback);
    BOOST_TEST(f.log.reason == "nobody is on call for escalation policy PEP1");
}

BOOST_AUTO_TEST_CASE(never_dials_the_called_number)
{
    Fixture f;
    f.pd.phones("PU1", {F::phone("4155550100")});  // the team's own Twilio number
    f.run(f.post());
    BOOST_TEST(f.log.outcome == Outcome::fallback);
    BOOST_TEST(contains(f.log.reason, "Ada Lovelace's phone is the number of this program's [route:ops]; skipped"),
               f.log.reason);
}

BOOST_AUTO_TEST_CASE(never_dials_another_lines_number)
{
    // Ada's phone is the db line's number: the call would come back to this
    // program on the db line, and could loop between the two.
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(2, "PU2", "Grace Hopper")});
    f.pd.phones("PU1", {F::phone("4155550111")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    XmlDoc x(f.run(f.post()).body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550102"});
    BOOST_TEST(f.log.level == 2);
    BOOST_TEST(contains(f.log.reason, "Ada Lovelace's phone is the number of this program's [route:db]; skipped"),
               f.log.reason);
}

BOOST_AUTO_TEST_CASE(hostile_names_from_pagerduty)
{
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "O'Brien & <Co> </Say><Hangup/>")});
    Response r = f.run(f.post());
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("count(/Response/Hangup)") == "0");
    BOOST_TEST(x.eval("string(/Response/Say)") == "Connecting you to O'Brien & <Co> </Say><Hangup/>.");
}

BOOST_AUTO_TEST_CASE(blocked_caller_is_rejected_unanswered)
{
    Fixture f(ops_with("block_callers = +1415555987\n"));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    Response r = f.run(f.post());
    XmlDoc x(r.body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/*)") == "1");
    BOOST_TEST(x.eval("string(/Response/Reject/@reason)") == "rejected");
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(f.log.reason == "the caller is in block_callers");
    BOOST_TEST(f.pd.requests.empty());
    // Someone else still gets through.
    f.run(f.post(to_number("+14155550100", "+14155550000")));
    BOOST_TEST(f.log.outcome == Outcome::dial);
}

BOOST_AUTO_TEST_CASE(refused_caller_hears_rejected_message_and_raises_no_alert)
{
    Fixture f(ops_with("allow_callers = +44\nrejected_message = The {title} line is private.\n"));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    XmlDoc x(f.run(f.post()).body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("string(/Response/Say)") == "The Platform line is private.");
    BOOST_TEST(x.eval("count(/Response/Hangup)") == "1");
    BOOST_TEST(x.eval("count(/Response/Dial)") == "0");
    BOOST_TEST(f.log.outcome == Outcome::refused);
    BOOST_TEST(f.log.reason == "the caller is not in allow_callers");
    BOOST_TEST(f.pd.requests.empty());

    // The number's status callback after the hang-up: no missed call.
    Params ended = {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                    {"CallStatus", "completed"}, {"CallDuration", "4"}};
    f.run(f.callback(script + "/voice/status", ended));
    BOOST_TEST(f.delivered.empty());
    BOOST_TEST(f.log.outcome == Outcome::ignored);
    // An allowed caller's unanswered call still alerts (once its call's
    // last request has had time to come).
    ended[1].value = "+442071234567";
    ended[0].value = "CA0002";
    f.run(f.callback(script + "/voice/status", ended));
    BOOST_TEST(f.held.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
