#include <boost/test/unit_test.hpp>

#include <cstring>
#include <map>

#include "core/limits.hpp"
#include "twilio/request.hpp"

using namespace pdcf;

namespace {

struct Source {
    std::map<std::string, std::string> env;
    std::string body;
    std::size_t consumed = 0;

    Request read()
    {
        return request_read(
            [this](const char *name) -> const char * {
                auto it = env.find(name);
                return it == env.end() ? nullptr : it->second.c_str();
            },
            [this](char *buf, std::size_t n) {
                std::size_t k = std::min(n, body.size() - consumed);
                std::memcpy(buf, body.data() + consumed, k);
                consumed += k;
                return k;
            });
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(request)

BOOST_AUTO_TEST_CASE(reads_the_cgi_variables_once)
{
    Source s;
    s.env = {{"REQUEST_METHOD", "POST"},       {"PATH_INFO", "/voice"},
             {"QUERY_STRING", "route=ops"},    {"REQUEST_URI", "/pd/voice?route=ops"},
             {"SCRIPT_NAME", "/pd"},           {"HTTP_HOST", "ops.example.com"},
             {"HTTPS", "on"},                  {"CONTENT_TYPE", "application/x-www-form-urlencoded"},
             {"CONTENT_LENGTH", "9"},          {"HTTP_X_TWILIO_SIGNATURE", "abc="},
             {"REMOTE_ADDR", "192.0.2.1"},
             {"HTTP_X_TWILIO_WEBHOOKS_SIGNATURE_SETTINGS", "key=webhooks_sharedkey_01,algorithm=HMAC_SHA256"}};
    s.body = "CallSid=1trailing";
    Request r = s.read();
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.path_info == "/voice");
    BOOST_TEST(r.query_string == "route=ops");
    BOOST_TEST(r.signature == "abc=");
    BOOST_TEST(r.signature_settings == "key=webhooks_sharedkey_01,algorithm=HMAC_SHA256");
    BOOST_TEST(r.body == "CallSid=1");  // exactly CONTENT_LENGTH bytes
    BOOST_TEST((r.body_status == BodyStatus::ok));
}

BOOST_AUTO_TEST_CASE(no_content_length_means_no_body)
{
    Source s;
    s.env = {{"REQUEST_METHOD", "GET"}};
    s.body = "ignored";
    Request r = s.read();
    BOOST_TEST(r.body.empty());
    BOOST_TEST((r.body_status == BodyStatus::ok));
    BOOST_TEST(s.consumed == 0u);
}

BOOST_AUTO_TEST_CASE(content_length_must_be_digits)
{
    for (const char *bad : {"abc", "-1", "1e3", " 12", "12 ", "+5", "0x10", "99999999999999999999"}) {
        Source s;
        s.env = {{"REQUEST_METHOD", "POST"}, {"CONTENT_LENGTH", bad}};
        s.body = "CallSid=1";
        BOOST_TEST((s.read().body_status == BodyStatus::bad_length), bad);
        BOOST_TEST(s.consumed == 0u);
    }
}

BOOST_AUTO_TEST_CASE(body_limit_at_and_over)
{
    Source at;
    at.env = {{"REQUEST_METHOD", "POST"}, {"CONTENT_LENGTH", std::to_string(limits::max_body)}};
    at.body.assign(limits::max_body, 'a');
    Request r = at.read();
    BOOST_TEST((r.body_status == BodyStatus::ok));
    BOOST_TEST(r.body.size() == limits::max_body);

    Source over;
    over.env = {{"REQUEST_METHOD", "POST"}, {"CONTENT_LENGTH", std::to_string(limits::max_body + 1)}};
    over.body.assign(limits::max_body + 1, 'a');
    r = over.read();
    BOOST_TEST((r.body_status == BodyStatus::too_large));
    BOOST_TEST(r.body.empty());
    BOOST_TEST(over.consumed == limits::max_body + 1);  // drained for the server
}

BOOST_AUTO_TEST_CASE(drain_stops_at_its_limit)
{
    Source s;
    s.env = {{"REQUEST_METHOD", "POST"}, {"CONTENT_LENGTH", "100000000"}};
    s.body.assign(limits::max_body_drain + 100, 'a');
    BOOST_TEST((s.read().body_status == BodyStatus::too_large));
    BOOST_TEST(s.consumed == limits::max_body_drain);
}

BOOST_AUTO_TEST_CASE(short_body)
{
    Source s;
    s.env = {{"REQUEST_METHOD", "POST"}, {"CONTENT_LENGTH", "100"}};
    s.body = "CallSid=1";
    BOOST_TEST((s.read().body_status == BodyStatus::short_read));
}

BOOST_AUTO_TEST_CASE(request_variable_limit)
{
    Source at;
    at.env = {{"REQUEST_METHOD", "GET"}, {"QUERY_STRING", std::string(limits::max_request_variable, 'a')}};
    Request r = at.read();
    BOOST_TEST(r.oversized.empty());
    BOOST_TEST(r.query_string.size() == limits::max_request_variable);
    for (const char *name : {"QUERY_STRING", "HTTP_X_TWILIO_SIGNATURE", "HTTP_X_TWILIO_WEBHOOKS_SIGNATURE_SETTINGS",
                             "HTTP_HOST", "PATH_INFO"}) {
        Source over;
        over.env = {{"REQUEST_METHOD", "GET"}, {name, std::string(limits::max_request_variable + 1, 'a')}};
        r = over.read();
        BOOST_TEST(r.oversized == name);
        BOOST_TEST(r.query_string.empty());
        BOOST_TEST(r.host.empty());
    }
}

BOOST_AUTO_TEST_CASE(signed_url_from_the_request)
{
    Request r;
    r.host = "ops.example.com";
    r.request_uri = "/pd-call-forward/voice?route=ops";
    r.path_info = "/voice";
    r.query_string = "route=ops";
    r.script_name = "/pd-call-forward";
    BOOST_TEST(request_url(r, "") == "http://ops.example.com/pd-call-forward/voice?route=ops");
    r.https = "on";
    BOOST_TEST(request_url(r, "") == "https://ops.example.com/pd-call-forward/voice?route=ops");
    r.https = "";
    r.request_scheme = "https";
    BOOST_TEST(request_url(r, "") == "https://ops.example.com/pd-call-forward/voice?route=ops");
    // Behind a proxy: the operator's public URL wins.
    BOOST_TEST(request_url(r, "https://public.example.org/lines") == "https://public.example.org/lines/voice?route=ops");
    r.query_string = "";
    BOOST_TEST(request_url(r, "https://public.example.org/lines") == "https://public.example.org/lines/voice");
}

BOOST_AUTO_TEST_CASE(port_from_server_port_when_host_has_none)
{
    Request r;
    r.host = "127.0.0.1";  // Debian's nginx: HTTP_HOST is $host, without port
    r.server_port = "8080";
    r.request_uri = "/pd/voice";
    BOOST_TEST(request_url(r, "") == "http://127.0.0.1:8080/pd/voice");
    r.host = "127.0.0.1:9090";  // a Host header with its port is kept as it is
    BOOST_TEST(request_url(r, "") == "http://127.0.0.1:9090/pd/voice");
    r.host = "[::1]";
    BOOST_TEST(request_url(r, "") == "http://[::1]:8080/pd/voice");
    r.host = "ops.example.com";
    r.https = "on";
    r.server_port = "443";
    BOOST_TEST(request_url(r, "") == "https://ops.example.com/pd/voice");
}

BOOST_AUTO_TEST_CASE(signed_url_without_host_or_request_uri)
{
    Request r;
    r.server_name = "ops.example.com";
    r.server_port = "8080";
    r.script_name = "/cgi-bin/pd-call-forward";
    r.path_info = "/voice";
    r.query_string = "a=1";
    BOOST_TEST(request_url(r, "") == "http://ops.example.com:8080/cgi-bin/pd-call-forward/voice?a=1");
    r.server_port = "80";
    BOOST_TEST(request_url(r, "") == "http://ops.example.com/cgi-bin/pd-call-forward/voice?a=1");
}

BOOST_AUTO_TEST_SUITE_END()
