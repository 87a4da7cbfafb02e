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

BOOST_AUTO_TEST_CASE(a_403_masks_the_caller_in_its_url_as_in_from)
{
    // A callback URL that carries the caller (the recording status
    // callback's), its signature broken.
    Fixture f;
    Request r = f.callback(script + "/voice/recording?route=ops&from=%2B14155559876&to=%2B14155550100&t=1&tried=Ada%20Lovelace"
                                    "&tried=Grace",
                           {{"CallSid", "CA1"}, {"RecordingStatus", "completed"}});
    r.signature = "L/OH5YylLD5NRKLltdqwSvS0BnU=";
    BOOST_TEST(f.run(r).status == 403);
    BOOST_TEST(f.log.url == script + "/voice/recording?route=ops&from=+*******9876&to=%2B14155550100&t=1"
                                     "&tried=*&tried=*");
    std::string line = f.log.line();
    BOOST_TEST(!contains(line, "5559876"), line);
    BOOST_TEST(!contains(line, "Lovelace"), line);
}

BOOST_AUTO_TEST_CASE(bad_or_missing_signature_is_403_and_nothing_else)
{
    Fixture f;
    Request r = f.post();
    r.signature = "L/OH5YylLD5NRKLltdqwSvS0BnU=";
    Response resp = f.run(r);
    BOOST_TEST(resp.status == 403);
    BOOST_TEST(f.log.outcome == Outcome::rejected);
    BOOST_TEST(f.log.reason == "X-Twilio-Signature does not match");
    BOOST_TEST(f.log.url == "http://example.com/pd-call-forward/voice");
    BOOST_TEST(f.pd.requests.empty());

    r.signature = "";
    BOOST_TEST(f.run(r).status == 403);
    BOOST_TEST(f.log.reason == "missing X-Twilio-Signature");

    // A parameter changed after signing.
    r = f.post();
    r.body += "&Extra=1";
    r.content_length = std::to_string(r.body.size());
    BOOST_TEST(f.run(r).status == 403);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(secondary_token_and_public_url)
{
    Fixture f(base_config + "[twilio]\n");  // duplicate: use a fresh text instead
    std::string text = base_config;
    text.replace(text.find("auth_token = 12345"), 18,
                 "auth_token = new-token\nsecondary_auth_token = 12345\npublic_url = https://ops.example.org/lines/");
    Fixture g(text);
    BOOST_TEST_REQUIRE(g.config.ok(), g.config.summary());
    Request r = g.post();
    r.signature = signature_compute("https://ops.example.org/lines/voice", incoming, "12345");
    BOOST_TEST(g.run(r).status == 200);
    r.signature = signature_compute("https://ops.example.org/lines/voice", incoming, "new-token");
    BOOST_TEST(g.run(r).status == 200);
    r.signature = signature_compute("http://example.com/pd-call-forward/voice", incoming, "12345");
    BOOST_TEST(g.run(r).status == 403);
    BOOST_TEST(g.log.url == "https://ops.example.org/lines/voice");
}

BOOST_AUTO_TEST_CASE(shared_key_of_a_webhook_setting)
{
    std::string text = base_config;
    text.replace(text.find("auth_token = 12345"), 18, "auth_token = 12345\nshared_key = sk-secret");
    Fixture g(text);
    BOOST_TEST_REQUIRE(g.config.ok(), g.config.summary());
    Request r = g.post();
    r.signature_settings = "key=webhooks_sharedkey_01,algorithm=HMAC_SHA256";
    r.signature = signature_compute(request_url(r, ""), incoming, "sk-secret", SignatureAlgorithm::hmac_sha256);
    BOOST_TEST(g.run(r).status == 200);
    BOOST_TEST(g.log.outcome == Outcome::dial);

    // No shared key here: refused, and the log says what to change; the
    // header itself is never written.
    Fixture f;
    BOOST_TEST(f.run(r).status == 403);
    BOOST_TEST(contains(f.log.reason, "set [twilio] shared_key_file to that key's secret"), f.log.reason);
    BOOST_TEST(!contains(f.log.line(), "webhooks_sharedkey_01"));
    BOOST_TEST(f.pd.requests.empty());
    r.signature_settings = "key=webhooks_sharedkey_01,algorithm=HMAC_SHA512\n\x1b[31m";
    BOOST_TEST(g.run(r).status == 403);
    BOOST_TEST(contains(g.log.reason, "algorithm other than HMAC_SHA1 or HMAC_SHA256"), g.log.reason);
    BOOST_TEST(!contains(g.log.line(), "HMAC_SHA512"));
}

BOOST_AUTO_TEST_CASE(signature_check_off)
{
    std::string text = base_config;
    text.replace(text.find("auth_token = 12345"), 18, "validate_signature = no");
    Fixture f(text);
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    Request r = f.post();
    r.signature = "";
    BOOST_TEST(f.run(r).status == 200);
    BOOST_TEST(f.log.signature_off);
    BOOST_TEST(contains(f.log.line(), "signature=off"));
}

BOOST_AUTO_TEST_CASE(trusted_requests_need_no_signature)
{
    Fixture f;
    Request r = f.post();
    r.signature = "";
    BOOST_TEST(f.run(r).status == 403);
    r.trusted = true;  // --test-call
    BOOST_TEST(f.run(r).status == 200);
    BOOST_TEST(f.log.outcome == Outcome::dial);
    BOOST_TEST(!f.log.signature_off);
}

BOOST_AUTO_TEST_CASE(route_by_to_and_by_query)
{
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace")});
    Params to_db = incoming;
    to_db[3].value = "+14155550111";
    f.run(f.post(to_db));
    BOOST_TEST(f.log.route == "db");
    BOOST_TEST(f.pd.requests.at(0).rfind("/schedules/PSDB/users?since=1970-01-01T01%3A23%3A20Z&", 0) == 0u);

    f.pd.requests.clear();
    f.run(f.post(incoming, "route=db"));  // To says ops; the URL says db
    BOOST_TEST(f.log.route == "db");
    BOOST_TEST(f.pd.requests.at(0).rfind("/schedules/PSDB/users?since=1970-01-01T01%3A23%3A20Z&", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(unknown_route_uses_the_call_defaults)
{
    Fixture f;
    Response r = f.run(f.post(incoming, "route=nope"));
    BOOST_TEST(r.status == 200);
    BOOST_TEST(f.log.outcome == Outcome::unavailable);
    BOOST_TEST(f.log.reason == "no [route:nope] for ?route= in the webhook URL");
    BOOST_TEST(f.pd.requests.empty());
    Params other = incoming;
    other[3].value = "+19995550000";
    f.run(f.post(other));
    BOOST_TEST(f.log.outcome == Outcome::unavailable);
    BOOST_TEST(f.log.reason == "no route or menu has number +19995550000 and none catches all calls");
}

BOOST_AUTO_TEST_CASE(deadline_is_the_request_start_plus_timeout)
{
    Fixture f;
    TimePoint start = f.now;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(1, "PU2", "Grace Hopper")});
    f.run(f.post());
    BOOST_REQUIRE_EQUAL(f.deadlines.size(), 3u);
    for (auto d : f.deadlines) BOOST_TEST((d == start + 3s));
}

BOOST_AUTO_TEST_CASE(callbacks_are_signed_too)
{
    Fixture f;
    Request r = f.callback("http://example.com/pd-call-forward/voice/recording?route=ops",
                           {{"CallSid", "CA1"}, {"RecordingStatus", "completed"}});
    r.query_string = "route=ops&tried=Forged";  // changed after signing
    r.request_uri = "/pd-call-forward/voice/recording?" + r.query_string;
    BOOST_TEST(f.run(r).status == 403);
    BOOST_TEST(f.delivered.empty());
}

BOOST_AUTO_TEST_SUITE_END()
