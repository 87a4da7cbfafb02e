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

BOOST_AUTO_TEST_CASE(get_with_query_parameters)
{
    Fixture f;
    Request r;
    r.method = "GET";
    r.path_info = "/voice";
    r.host = "example.com";
    r.query_string = encode(incoming);
    r.request_uri = "/pd-call-forward/voice?" + r.query_string;
    r.signature = signature_compute(request_url(r, ""), {}, "12345");
    Response resp = f.run(r);
    BOOST_TEST(resp.status == 200);
    BOOST_TEST(f.log.outcome == Outcome::dial);
    BOOST_TEST(f.log.call_sid == "CA0001");
}

BOOST_AUTO_TEST_CASE(empty_path_and_slash_are_the_call_too)
{
    for (const char *path : {"", "/"}) {
        Fixture f;
        Request r = f.post();
        r.path_info = path;
        r.request_uri = std::string("/pd-call-forward") + path;
        r.signature = signature_compute(request_url(r, ""), incoming, "12345");
        BOOST_TEST(f.run(r).status == 200);
        BOOST_TEST(f.log.outcome == Outcome::dial);
    }
}

BOOST_AUTO_TEST_CASE(only_a_request_from_twilio_may_leave_work_behind)
{
    // What after_response is told: a forged, unsigned or /health request
    // starts no flusher.
    Fixture f;
    BOOST_TEST(f.run(f.post()).status == 200);
    BOOST_TEST(f.log.from_twilio);
    Request forged = f.post();
    forged.signature = "L/OH5YylLD5NRKLltdqwSvS0BnU=";
    BOOST_TEST(f.run(forged).status == 403);
    BOOST_TEST(!f.log.from_twilio);
    forged.signature = "";
    BOOST_TEST(f.run(forged).status == 403);
    BOOST_TEST(!f.log.from_twilio);
    Request health;
    health.method = "GET";
    health.path_info = "/health";
    BOOST_TEST(f.run(health).status == 200);
    BOOST_TEST(!f.log.from_twilio);
    BOOST_TEST(f.log.line().find("twilio") == std::string::npos, f.log.line());
}

BOOST_AUTO_TEST_CASE(broken_config_is_500_with_the_reason)
{
    Fixture f("[pagerduty]\n[route:x]\nnumber = 1\n");
    BOOST_TEST(!f.config.ok());
    Response r = f.run(f.post());
    BOOST_TEST(r.status == 500);
    BOOST_TEST(f.log.outcome == Outcome::error);
    BOOST_TEST(contains(f.log.reason, "configuration: /t.ini"));
    Request h;
    h.method = "GET";
    h.path_info = "/health";
    BOOST_TEST(f.run(h).status == 500);
}

BOOST_AUTO_TEST_CASE(health)
{
    Fixture f;
    Request h;
    h.method = "GET";
    h.path_info = "/health";
    Response r = f.run(h);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.body == "ok\n");
    BOOST_TEST(f.log.outcome == Outcome::ok);
    h.method = "HEAD";
    r = f.run(h);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(response_cgi(r) == "Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n\r\n");
    h.method = "POST";
    r = f.run(h);
    BOOST_TEST(r.status == 405);
    BOOST_TEST(r.headers.at(0).second == "GET, HEAD");
}

BOOST_AUTO_TEST_CASE(http_errors)
{
    Fixture f;
    Request r = f.post();
    r.path_info = "/admin";
    BOOST_TEST(f.run(r).status == 404);
    BOOST_TEST(f.log.outcome == Outcome::rejected);

    r = f.post();
    r.method = "PUT";
    Response resp = f.run(r);
    BOOST_TEST(resp.status == 405);
    BOOST_TEST(resp.headers.at(0).first == "Allow");
    BOOST_TEST(resp.headers.at(0).second == "GET, POST");

    r = f.post();
    r.body_status = BodyStatus::too_large;
    BOOST_TEST(f.run(r).status == 413);
    r.body_status = BodyStatus::bad_length;
    BOOST_TEST(f.run(r).status == 400);
    r.body_status = BodyStatus::short_read;
    BOOST_TEST(f.run(r).status == 400);

    r = f.post();
    r.body = "CallSid=%zz";
    BOOST_TEST(f.run(r).status == 400);
    BOOST_TEST(contains(f.log.reason, "bad percent-escape"));
    r = f.post(incoming, "route=%");
    BOOST_TEST(f.run(r).status == 400);

    r = f.post();
    r.content_type = "application/json";
    BOOST_TEST(f.run(r).status == 415);
    r.content_type = "Application/X-WWW-Form-Urlencoded; charset=UTF-8";
    BOOST_TEST(f.run(r).status == 200);
    BOOST_TEST(f.pd.requests.size() == 2u);  // only the last one reached PagerDuty
}

BOOST_AUTO_TEST_CASE(oversized_variables_are_refused_first)
{
    Fixture f;
    Request r = f.post();
    r.oversized = "QUERY_STRING";
    BOOST_TEST(f.run(r).status == 414);
    BOOST_TEST(f.log.reason == "QUERY_STRING is over 16384 bytes");
    r.oversized = "HTTP_X_TWILIO_SIGNATURE";
    BOOST_TEST(f.run(r).status == 431);
    r.oversized = "CONTENT_TYPE";
    BOOST_TEST(f.run(r).status == 400);
    BOOST_TEST(f.pd.requests.empty());
    BOOST_TEST(response_cgi(f.run(r)).rfind("Status: 400 Bad Request\r\n", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(hostile_input_cannot_reach_headers_or_break_the_log)
{
    // CR, LF, NUL, invalid UTF-8 and XML metacharacters in every field
    // that reaches the answer or the log.
    const std::string evil = std::string("a\r\nSet-Cookie: x=1\r\n\r\n<b>&\"'\0\xff\xc3", 32) + "</Say><Hangup/>";
    Fixture f;
    // As PagerDuty's JSON carries it: escaped, so it parses.
    f.pd.oncalls({F::entry(1, "PU1", R"(Eve\r\nX-Evil: 1 </Say>)")});
    f.pd.phones("PU1", {F::phone("4155550101", R"(Mo\nbile)")});
    Params p = {{"CallSid", evil}, {"From", evil}, {"To", "+14155550100"}, {"CallerName", evil},
                {"Direction", evil}, {evil, evil}};
    for (const std::string &query : {std::string("route=") + encode({{"x", evil}}).substr(2), std::string()}) {
        Request r = f.post(p, query);
        Response resp = f.run(r);
        BOOST_TEST(foreign_headers(response_cgi(resp)).empty());
        if (resp.content_type.rfind("text/xml", 0) == 0) {
            XmlDoc x(resp.body);
            BOOST_TEST(x.ok(), x.error());
            // Whatever was said stayed text.
            BOOST_TEST(x.eval("count(//Say/*)") == "0");
            BOOST_TEST(x.eval("count(/Response/Hangup)") == (f.log.outcome == Outcome::unavailable ? "1" : "0"), f.log.line());
        }
        std::string line = f.log.line();
        BOOST_TEST(line.find('\n') == std::string::npos);
        BOOST_TEST(line.find('\r') == std::string::npos);
        BOOST_TEST(line.find('\0') == std::string::npos);
        BOOST_TEST(line.find("Set-Cookie: x=1\r") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(cgi_output)
{
    Response r;
    r.status = 405;
    r.content_type = "text/plain; charset=utf-8";
    r.headers = {{"Allow", "GET, POST"}};
    r.body = "method not allowed\n";
    BOOST_TEST(response_cgi(r) ==
               "Status: 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n"
               "Content-Length: 19\r\nAllow: GET, POST\r\n\r\nmethod not allowed\n");
}

namespace {

Request metrics_from(const std::string &peer, const std::string &method = "GET")
{
    Request r;
    r.method = method;
    r.path_info = "/metrics";
    r.remote_addr = peer;
    return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(metrics_only_to_the_allowed_and_never_cached)
{
    Fixture f;
    f.ctx.metrics = [] { return std::string("# TYPE x_total counter\nx_total 1\n"); };
    Response r = f.run(metrics_from("127.0.0.1"));
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.body == "# TYPE x_total counter\nx_total 1\n");
    BOOST_TEST(r.content_type == "text/plain; version=0.0.4; charset=utf-8");
    BOOST_TEST(contains(response_cgi(r), "\r\nCache-Control: no-store\r\n"));
    BOOST_TEST(f.run(metrics_from("::1")).status == 200);
    BOOST_TEST(f.run(metrics_from("127.0.0.1", "HEAD")).omit_body);
    BOOST_TEST(f.run(metrics_from("127.0.0.1", "POST")).status == 405);
    for (const char *peer : {"10.0.0.1", "", "203.0.113.5", "::2"}) {
        r = f.run(metrics_from(peer));
        BOOST_TEST(r.status == 403, peer);
        BOOST_TEST(!contains(r.body, "x_total"));
        BOOST_TEST(contains(r.body, "metrics_allow"));
    }
}

BOOST_AUTO_TEST_CASE(metrics_allow_from_the_config)
{
    Fixture f(base_config + "[server]\nmetrics_allow = 10.1.0.0/16\n");
    f.ctx.metrics = [] { return std::string("x 1\n"); };
    BOOST_TEST(f.run(metrics_from("10.1.7.7")).status == 200);
    BOOST_TEST(f.run(metrics_from("127.0.0.1")).status == 403);
}

BOOST_AUTO_TEST_CASE(metrics_without_counters_is_503_and_says_why)
{
    Fixture f;
    Response r = f.run(metrics_from("127.0.0.1"));
    BOOST_TEST(r.status == 503);
    BOOST_TEST(contains(r.body, "spool_dir"));
    BOOST_TEST(contains(response_cgi(r), "Status: 503 Service Unavailable\r\n"));
}

BOOST_AUTO_TEST_SUITE_END()
