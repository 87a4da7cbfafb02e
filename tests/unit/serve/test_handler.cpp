#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/limits.hpp"
#include "fake_pagerduty.hpp"
#include "files.hpp"
#include "serve/handler.hpp"
#include "twilio/signature.hpp"
#include "xml.hpp"

#include <nlohmann/json.hpp>

#include "alerts/alert.hpp"
#include "base_config.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

using F = FakePagerDuty;

using testing::base_config;

const Params incoming = {{"CallSid", "CA0001"},  {"AccountSid", "AC0001"}, {"From", "+14155559876"},
                         {"To", "+14155550100"}, {"CallStatus", "ringing"}, {"Direction", "inbound"},
                         {"ApiVersion", "2010-04-01"}, {"CallerName", ""}, {"ForwardedFrom", ""}};

std::string encode(const Params &params)
{
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const auto &p : params) {
        if (!out.empty()) out += '&';
        for (const std::string *s : {&p.name, &p.value}) {
            for (unsigned char c : *s) {
                if (std::isalnum(c) || c == '-' || c == '_' || c == '.') out += static_cast<char>(c);
                else { out += '%'; out += hex[c >> 4]; out += hex[c & 15]; }
            }
            if (s == &p.name) out += '=';
        }
    }
    return out;
}

struct Fixture {
    ConfigResult config;
    F pd;
    TimePoint now = TimePoint{} + 1h;
    std::vector<TimePoint> deadlines;
    std::vector<Alert> delivered;
    std::vector<std::pair<Alert, long>> held;  // with the seconds it waits
    std::set<std::string> marks;
    Context ctx;
    LogRecord log;

    explicit Fixture(const std::string &text = base_config)
    {
        config = config_parse(text, "/t.ini",
                              [](const std::string &) -> Result<std::string> { return fail("no files in unit tests"); });
        ctx.config = &config;
        ctx.clock = [this] { return now; };
        ctx.pagerduty = [this](const std::string &path, TimePoint deadline) {
            deadlines.push_back(deadline);
            now += 7ms;
            return pd.get(path);
        };
        ctx.alerts.deliver = [this](const Alert &a, TimePoint) {
            delivered.push_back(a);
            return std::string("sent");
        };
        ctx.alerts.hold = [this](const Alert &a, long seconds, TimePoint) {
            held.emplace_back(a, seconds);
            return "held " + std::to_string(seconds) + " s";
        };
        ctx.alerts.take_held = [this](const std::string &sid, AlertKind kind) -> std::optional<Alert> {
            for (auto it = held.begin(); it != held.end(); ++it)
                if (it->first.call_sid == sid && it->first.kind == kind) {
                    Alert a = it->first;
                    held.erase(it);
                    return a;
                }
            return std::nullopt;
        };
        ctx.alerts.mark = [this](const std::string &sid, const std::string &m) { marks.insert(sid + "." + m); };
        ctx.alerts.marked = [this](const std::string &sid, const std::string &m) { return marks.count(sid + "." + m) > 0; };
        ctx.epoch_seconds = [] { return 5000LL; };
        pd.oncalls({F::entry(1, "PU1", "Ada Lovelace")});
        pd.schedule_users("PSDB", {F::user("PU1", "Ada Lovelace")});
        pd.phones("PU1", {F::phone("4155550101")});
    }

    // A callback Twilio makes to `path_and_query` (an URL from our TwiML).
    Request callback(const std::string &url, const Params &params)
    {
        const std::string base = "http://example.com/pd-call-forward";
        BOOST_TEST_REQUIRE(url.rfind(base, 0) == 0u, url);
        std::string rest = url.substr(base.size());
        Request r;
        r.method = "POST";
        r.script_name = "/pd-call-forward";
        r.host = "example.com";
        r.path_info = rest.substr(0, rest.find('?'));
        r.query_string = rest.find('?') == std::string::npos ? "" : rest.substr(rest.find('?') + 1);
        r.request_uri = "/pd-call-forward" + rest;
        r.content_type = "application/x-www-form-urlencoded";
        r.body = encode(params);
        r.content_length = std::to_string(r.body.size());
        r.signature = signature_compute(url, params, "12345");
        return r;
    }

    // A POST as Twilio sends it, signed for http://example.com/pd-call-forward/voice?query.
    Request post(const Params &params = incoming, const std::string &query = "")
    {
        Request r;
        r.method = "POST";
        r.path_info = "/voice";
        r.script_name = "/pd-call-forward";
        r.host = "example.com";
        r.query_string = query;
        r.request_uri = "/pd-call-forward/voice" + (query.empty() ? "" : "?" + query);
        r.content_type = "application/x-www-form-urlencoded";
        r.body = encode(params);
        r.content_length = std::to_string(r.body.size());
        r.signature = signature_compute(request_url(r, ""), params, "12345");
        return r;
    }

    Response run(const Request &r)
    {
        log = LogRecord{};
        return handle(r, ctx, now, log);
    }
};

// The header lines of a CGI answer other than the three a 200 carries,
// or holding a CR, LF or NUL of their own; none when the head is ours.
std::vector<std::string> foreign_headers(const std::string &cgi)
{
    std::vector<std::string> foreign;
    std::string head = cgi.substr(0, cgi.find("\r\n\r\n"));
    for (std::size_t pos = 0, end; pos < head.size(); pos = end + 2) {
        end = std::min(head.find("\r\n", pos), head.size());
        std::string line = head.substr(pos, end - pos);
        bool ours = line.rfind("Status: ", 0) == 0 || line.rfind("Content-Type: ", 0) == 0 ||
                    line.rfind("Content-Length: ", 0) == 0;
        if (!ours || line.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) foreign.push_back(line);
    }
    return foreign;
}

bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

// A menu on its own number before the two routes: 1 ops, 2 db, 0 its
// own voicemail.
const std::string menu_config = base_config + R"([menu:main]
number = +14155550150
1 = ops
2 = db
0 = voicemail
routing_key = MKEY
)";

const std::string script = "http://example.com/pd-call-forward";

Params to_number(const std::string &to, const std::string &from = "+14155559876")
{
    Params p = incoming;
    p[2].value = from;
    p[3].value = to;
    return p;
}

Params text_to(const std::string &to, const std::string &body, const std::string &from = "+14155559876")
{
    return {{"ToCountry", "US"},  {"SmsMessageSid", "SM0001"}, {"NumMedia", "0"},    {"SmsSid", "SM0001"},
            {"SmsStatus", "received"}, {"Body", body},         {"To", to},           {"NumSegments", "1"},
            {"MessageSid", "SM0001"}, {"AccountSid", "AC0001"}, {"From", from},      {"ApiVersion", "2010-04-01"}};
}

// `base_config` with `lines` added to [route:ops].
std::string ops_with(const std::string &lines)
{
    std::string text = base_config;
    text.insert(text.find("title = Platform\n") + 17, lines);
    return text;
}

std::string sms_method(const std::string &national)
{
    return R"({"id": "PS1", "type": "sms_contact_method", "summary": "Mobile", "label": "Mobile", "country_code": 1,)"
           R"( "address": ")" + national + R"(", "blacklisted": false})";
}

}  // namespace

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

BOOST_AUTO_TEST_CASE(deadline_is_the_request_start_plus_timeout)
{
    Fixture f;
    TimePoint start = f.now;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(1, "PU2", "Grace Hopper")});
    f.run(f.post());
    BOOST_REQUIRE_EQUAL(f.deadlines.size(), 3u);
    for (auto d : f.deadlines) BOOST_TEST((d == start + 3s));
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

BOOST_AUTO_TEST_CASE(a_whole_hunt_through_the_callbacks)
{
    Fixture f;
    // Requests on the caller's leg carry its From and To, as Twilio's do.
    auto caller_leg = [](Params p) {
        p.push_back({"From", "+14155559876"});
        p.push_back({"To", "+14155550100"});
        return p;
    };
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(2, "PU2", "Grace Hopper")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    Response r = f.run(f.post());
    XmlDoc first(r.body);
    std::string action = first.eval("string(/Response/Dial/@action)");
    BOOST_TEST(f.log.dialed == std::vector<std::string>{"+14155550101"});

    // The screen on Ada's leg, then she declines.
    std::string screen_url = first.eval("string(/Response/Dial/Number/@url)");
    r = f.run(f.callback(screen_url, {{"CallSid", "CA-child"}, {"From", "+14155559876"}, {"To", "+14155550101"}}));
    BOOST_TEST(f.log.outcome == Outcome::screen);
    BOOST_TEST(XmlDoc(r.body).eval("string(/Response/Gather/Say)") ==
               "Call on the Platform line from 1 4 1 5 5 5 5 9 8 7 6. Press 1 to accept.");

    // Level 1 did not answer: level 2.
    f.pd.requests.clear();
    r = f.run(f.callback(action, caller_leg({{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "no-answer"}})));
    BOOST_TEST(f.log.outcome == Outcome::dial);
    BOOST_TEST(f.log.level == 2);
    BOOST_TEST(f.log.dialed == std::vector<std::string>{"+14155550102"});
    BOOST_TEST(f.log.reason == "dial no-answer");
    std::string action2 = XmlDoc(r.body).eval("string(/Response/Dial/@action)");

    // Level 2 picked up but declined the screen: the fallback, then voicemail.
    r = f.run(f.callback(action2, caller_leg({{"CallSid", "CA0001"}, {"CallStatus", "in-progress"},
                                   {"DialCallStatus", "completed"}, {"DialBridged", "false"}})));
    BOOST_TEST(f.log.outcome == Outcome::fallback);
    std::string action3 = XmlDoc(r.body).eval("string(/Response/Dial/@action)");
    f.pd.requests.clear();
    r = f.run(f.callback(action3, caller_leg({{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "busy"}})));
    BOOST_TEST(f.log.outcome == Outcome::voicemail);
    BOOST_TEST(f.pd.requests.empty());  // after the fallback PagerDuty is not asked again
    XmlDoc vm(r.body);
    std::string recorded = vm.eval("string(/Response/Record/@action)");
    std::string ready = vm.eval("string(/Response/Record/@recordingStatusCallback)");

    r = f.run(f.callback(recorded, caller_leg({{"CallSid", "CA0001"}, {"RecordingUrl", "https://api.twilio.com/r/RE1"},
                                    {"RecordingDuration", "21"}, {"Digits", "hangup"}})));
    BOOST_TEST(f.log.outcome == Outcome::recorded);
    BOOST_TEST(f.marks.count("CA0001.recorded") == 1u);
    BOOST_TEST(f.delivered.empty());

    r = f.run(f.callback(ready, {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"},
                                 {"RecordingUrl", "https://api.twilio.com/r/RE1"}, {"RecordingDuration", "21"}}));
    BOOST_TEST(f.log.outcome == Outcome::alert);
    BOOST_TEST(f.log.alert == "sent");
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    auto e = nlohmann::json::parse(f.delivered[0].body);
    BOOST_TEST(e["payload"]["summary"] == "Voicemail on Platform line from +14155559876 (21 s)");
    BOOST_TEST(e["payload"]["custom_details"]["tried"] == nlohmann::json::array({"Ada Lovelace", "Grace Hopper"}));
}

BOOST_AUTO_TEST_CASE(a_voicemail_picking_up_first_does_not_end_the_level)
{
    // Ada's phone is off and her carrier's voicemail picks up at once:
    // Twilio hangs up Grace's phone, runs the screen on Ada's leg, and the
    // <Dial> ends completed, never bridged.  Grace must still be rung.
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(1, "PU2", "Grace Hopper"), F::entry(2, "PU3", "Cy")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    f.pd.phones("PU3", {F::phone("4155550103")});
    XmlDoc first(f.run(f.post()).body);
    std::string action = first.eval("string(/Response/Dial/@action)");
    std::string screen = first.eval("string(/Response/Dial/Number[1]/@url)");
    Params ada_leg = {{"CallSid", "CA00ada"}, {"ParentCallSid", "CA0001"}, {"From", "+14155550100"},
                      {"To", "+14155550101"}, {"CallStatus", "in-progress"}, {"Direction", "outbound-dial"}};
    XmlDoc whisper(f.run(f.callback(screen, ada_leg)).body);
    BOOST_TEST(f.log.outcome == Outcome::screen);
    std::string result = whisper.eval("string(/Response/Gather/@action)");
    Params no_key = ada_leg;
    no_key.push_back({"Digits", ""});
    f.run(f.callback(result, no_key));
    BOOST_TEST(f.log.outcome == Outcome::declined);

    BOOST_TEST(f.marks.count("CA0001.answered") == 0u);  // declined: not answered
    XmlDoc next(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"},
                                          {"DialCallStatus", "completed"}, {"DialBridged", "false"}}))
                    .body);
    BOOST_TEST(next.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550102"});
    BOOST_TEST(f.log.level == 1);
    BOOST_TEST(contains(f.log.reason, "declined (Ada Lovelace); ringing the rest of the level again"), f.log.reason);

    // Grace's voicemail declines too: nobody is left at level 1, level 2 rings.
    Params grace_leg = ada_leg;
    grace_leg[0].value = "CA00grace";
    grace_leg[3].value = "+14155550102";
    f.run(f.callback(next.eval("string(/Response/Dial/Number[1]/@url)"), grace_leg));
    XmlDoc after(f.run(f.callback(next.eval("string(/Response/Dial/@action)"),
                                  {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "completed"},
                                   {"DialBridged", "false"}}))
                     .body);
    BOOST_TEST(after.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550103"});
    BOOST_TEST(f.log.level == 2);
}

BOOST_AUTO_TEST_CASE(an_engineer_pressing_1_marks_the_call_answered)
{
    // Even if no <Dial> action came after the bridged call ended, the
    // status callback's missed-call alert is dropped.
    Fixture f;
    XmlDoc first(f.run(f.post()).body);
    std::string screen = first.eval("string(/Response/Dial/Number[1]/@url)");
    Params leg = {{"CallSid", "CA00ada"}, {"ParentCallSid", "CA0001"}, {"From", "+14155550100"},
                  {"To", "+14155550101"}, {"CallStatus", "in-progress"}, {"Direction", "outbound-dial"}};
    XmlDoc whisper(f.run(f.callback(screen, leg)).body);
    Params pressed = leg;
    pressed.push_back({"Digits", "1"});
    f.run(f.callback(whisper.eval("string(/Response/Gather/@action)"), pressed));
    BOOST_TEST(f.log.outcome == Outcome::accepted);
    BOOST_TEST(f.marks.count("CA0001.answered") == 1u);
}

BOOST_AUTO_TEST_CASE(answered_is_marked_and_a_hang_up_mid_hunt_alerts)
{
    Fixture f;
    std::string action = XmlDoc(f.run(f.post()).body).eval("string(/Response/Dial/@action)");
    f.run(f.callback(action, {{"CallSid", "CA0001"}, {"CallStatus", "completed"}, {"DialCallStatus", "completed"},
                              {"DialBridged", "true"}}));
    BOOST_TEST(f.log.outcome == Outcome::answered);
    BOOST_TEST(f.marks.count("CA0001.answered") == 1u);
    BOOST_TEST(f.delivered.empty());

    Fixture g;
    action = XmlDoc(g.run(g.post()).body).eval("string(/Response/Dial/@action)");
    g.run(g.callback(action, {{"CallSid", "CA0001"}, {"CallStatus", "completed"}, {"DialCallStatus", "no-answer"}}));
    BOOST_TEST(g.log.outcome == Outcome::gone);
    BOOST_REQUIRE_EQUAL(g.delivered.size(), 1u);
    BOOST_TEST((g.delivered[0].kind == AlertKind::missed));
}

BOOST_AUTO_TEST_CASE(status_callback_missed_unless_answered_or_voicemail)
{
    Fixture f;
    Params ended = {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                    {"CallStatus", "completed"}, {"CallDuration", "7"}};
    f.run(f.callback("http://example.com/pd-call-forward/voice/status", ended));
    BOOST_TEST(f.log.route == "ops");
    // Not sent at once: the call's last request may still come after it.
    BOOST_TEST(f.delivered.empty());
    BOOST_REQUIRE_EQUAL(f.held.size(), 1u);
    BOOST_TEST((f.held[0].first.kind == AlertKind::missed));
    BOOST_TEST(f.held[0].second == 30);
    BOOST_TEST(f.log.alert == "held 30 s");
    f.held.clear();
    f.marks.insert("CA0001.recorded");
    f.run(f.callback("http://example.com/pd-call-forward/voice/status", ended));
    BOOST_TEST(f.delivered.empty());
    BOOST_TEST(f.held.empty());
    BOOST_TEST(f.log.outcome == Outcome::ignored);
}

BOOST_AUTO_TEST_CASE(a_recording_marks_the_call_whichever_request_comes_first)
{
    // The recording's callback alone (its <Record> action lost or late)
    // still tells a held missed-call alert that a message was left.
    Fixture f;
    f.run(f.callback(script + "/voice/recording?route=ops&from=%2B14155559876",
                     {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"},
                      {"RecordingUrl", "https://api.twilio.com/r/RE1"}, {"RecordingDuration", "21"}}));
    BOOST_TEST(f.marks.count("CA0001.recorded") == 1u);
    BOOST_TEST(f.delivered.size() == 1u);
    // A silent one marks nothing: its call is a missed call.
    f.run(f.callback(script + "/voice/recording?route=ops&from=%2B14155559876",
                     {{"CallSid", "CA0002"}, {"RecordingStatus", "completed"},
                      {"RecordingUrl", "https://api.twilio.com/r/RE2"}, {"RecordingDuration", "1"}}));
    BOOST_TEST(f.marks.count("CA0002.recorded") == 0u);
    BOOST_TEST(f.delivered.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_transcription_goes_out_with_its_held_voicemail)
{
    Fixture f(ops_with("transcribe = yes\ntranscription_wait = 40\n"));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    const std::string q = "?route=ops&from=%2B14155559876";
    f.run(f.callback(script + "/voice/recording" + q,
                     {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"},
                      {"RecordingUrl", "https://api.twilio.com/r/RE1"}, {"RecordingDuration", "21"}}));
    BOOST_TEST(f.delivered.empty());
    BOOST_REQUIRE_EQUAL(f.held.size(), 1u);
    BOOST_TEST(f.held[0].second == 40);
    BOOST_TEST(f.log.alert == "held 40 s");

    f.run(f.callback(script + "/voice/transcription" + q,
                     {{"CallSid", "CA0001"}, {"TranscriptionStatus", "completed"},
                      {"TranscriptionText", "the disk is full"}, {"RecordingUrl", "https://api.twilio.com/r/RE1"}}));
    BOOST_TEST(f.held.empty());
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    auto e = nlohmann::json::parse(f.delivered[0].body);
    BOOST_TEST(e["payload"]["summary"] == "Voicemail on Platform line from +14155559876 (21 s): \"the disk is full\"");
    BOOST_TEST(e["payload"]["custom_details"]["duration_seconds"] == 21);
    BOOST_TEST(f.log.alert == "sent");

    // Too late: the voicemail alert went out without it.  No second
    // trigger, which would reopen the alert if it was resolved meanwhile.
    f.delivered.clear();
    f.marks.insert("CA0002.voicemail");
    f.run(f.callback(script + "/voice/transcription" + q,
                     {{"CallSid", "CA0002"}, {"TranscriptionStatus", "completed"},
                      {"TranscriptionText", "late"}, {"RecordingUrl", "https://api.twilio.com/r/RE2"}}));
    BOOST_TEST(f.delivered.empty());
    BOOST_TEST(f.log.outcome == Outcome::ignored);
    BOOST_TEST(contains(f.log.reason, "after the voicemail alert had gone out"));

    // Twilio could not transcribe: the held alert goes now, without text.
    f.delivered.clear();
    f.run(f.callback(script + "/voice/recording" + q,
                     {{"CallSid", "CA0004"}, {"RecordingStatus", "completed"},
                      {"RecordingUrl", "https://api.twilio.com/r/RE4"}, {"RecordingDuration", "21"}}));
    BOOST_TEST(f.held.size() == 1u);
    f.run(f.callback(script + "/voice/transcription" + q,
                     {{"CallSid", "CA0004"}, {"TranscriptionStatus", "failed"}, {"RecordingUrl", "https://api.twilio.com/r/RE4"}}));
    BOOST_TEST(f.held.empty());
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    BOOST_TEST(nlohmann::json::parse(f.delivered[0].body)["payload"]["summary"] ==
               "Voicemail on Platform line from +14155559876 (21 s)");
    BOOST_TEST(f.log.reason == "Twilio could not transcribe the message");
    f.delivered.clear();

    // Before the recording's own callback: the voicemail alert, with it.
    f.run(f.callback(script + "/voice/transcription" + q,
                     {{"CallSid", "CA0003"}, {"TranscriptionStatus", "completed"},
                      {"TranscriptionText", "early"}, {"RecordingUrl", "https://api.twilio.com/r/RE3"}}));
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    BOOST_TEST((f.delivered[0].kind == AlertKind::voicemail));
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

BOOST_AUTO_TEST_CASE(hostile_input_in_every_callback)
{
    // The hunt's callbacks echo their state (route, caller, names already
    // tried) from the query string into new URLs, <Say> text and alerts,
    // and PagerDuty's names and labels reach <Say> and the log.  Every
    // callback, signed as Twilio signs it, gets the hostile text in every
    // field: once everywhere, once only where free text belongs (so the
    // call goes on to dial, screen, record and alert).
    const std::string evil = std::string("a\r\nSet-Cookie: x=1\r\n\r\n<b>&\"'\0\xff\xc3", 32) + "</Say><Hangup/>";
    // The same, as PagerDuty's JSON carries it (valid UTF-8 only).
    const std::string pd_evil = R"(Eve\r\nSet-Cookie: x=1\r\n\r\n<b>&\"'\u0000</Say><Hangup/>)";
    const std::string e = encode({{"x", evil}}).substr(2);
    const std::string state = "&from=%2B14155559876&to=%2B14155550100&t=4990&loop=1&level=1&index=0&fb=0&tried=" + e +
                              "&tried=" + e + "&" + e + "=" + e;
    Params everywhere, free_text;
    for (const char *name : {"CallSid", "From", "To", "Caller", "Called", "CallerName", "CallStatus", "Direction",
                             "DialCallStatus", "DialCallSid", "DialCallDuration", "Digits", "RecordingUrl",
                             "RecordingSid", "RecordingDuration", "RecordingStatus", "TranscriptionText",
                             "TranscriptionStatus", "AnsweredBy", "CallDuration"})
        everywhere.push_back({name, evil});
    free_text = {{"CallSid", "CA" + evil}, {"From", "+14155559876"}, {"To", "+14155550100"}, {"CallerName", evil},
                 {"CallStatus", "completed"}, {"DialCallStatus", "no-answer"}, {"Digits", "1"},
                 {"RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/" + e},
                 {"RecordingSid", evil}, {"RecordingDuration", "12"}, {"RecordingStatus", "completed"},
                 {"TranscriptionText", evil}, {"TranscriptionStatus", "completed"}, {"CallDuration", "40"}};
    int dialed = 0, alerts = 0;
    for (const Params *p : {&everywhere, &free_text}) {
        for (const char *path : {"/voice", "/voice/dial-status", "/voice/screen", "/voice/screen-result",
                                 "/voice/recorded", "/voice/recording", "/voice/transcription", "/voice/status"}) {
            for (const std::string &route : {std::string("ops"), std::string("db"), e}) {
                Fixture f;
                f.pd.oncalls({F::entry(1, "PU1", pd_evil), F::entry(2, "PU2", pd_evil)});
                f.pd.phones("PU1", {F::phone("4155550101", pd_evil)});
                f.pd.phones("PU2", {F::phone("4155550102", pd_evil)});
                std::string query = "route=" + route + (std::string(path) == "/voice" ? "" : state);
                Response resp =
                    f.run(f.callback("http://example.com/pd-call-forward" + std::string(path) + "?" + query, *p));
                std::string what = std::string(path) + " route=" + route.substr(0, 8) + ": " + f.log.line();
                BOOST_TEST(resp.status == 200, what);
                BOOST_TEST(foreign_headers(response_cgi(resp)).empty(), what);
                if (resp.content_type.rfind("text/xml", 0) == 0) {
                    XmlDoc x(resp.body);
                    BOOST_TEST(x.ok(), what << ": " << x.error());
                    BOOST_TEST(x.eval("count(//Say/*)") == "0", what);
                    BOOST_TEST(x.eval("count(//Hangup)") == (contains(resp.body, "<Hangup/>") ? "1" : "0"), what);
                    dialed += x.eval("count(//Dial/Number)") != "0";
                }
                BOOST_TEST(f.log.line().find_first_of(std::string("\r\n\0", 3)) == std::string::npos, what);
                for (const Alert &a : f.delivered) {
                    BOOST_TEST(!nlohmann::json::parse(a.body, nullptr, false).is_discarded(), what);
                    BOOST_TEST(a.call_sid.size() <= limits::max_dedup_key, what);
                    ++alerts;
                }
            }
        }
    }
    // The hostile names went all the way: someone was dialed and alerts were raised.
    BOOST_TEST(dialed > 0);
    BOOST_TEST(alerts > 0);
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

BOOST_AUTO_TEST_CASE(a_call_to_a_menu_number_hears_the_prompt)
{
    Fixture f(menu_config);
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    Response r = f.run(f.post(to_number("+14155550150")));
    BOOST_TEST(r.status == 200);
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("string(/Response/Gather/Say)") ==
               "For Platform, press 1. For db, press 2. To leave a message, press 0.");
    BOOST_TEST(x.eval("string(/Response/Gather/@actionOnEmptyResult)") == "true");
    BOOST_TEST(x.eval("string(/Response/Gather/@action)") ==
               script + "/voice/menu?menu=main&t=5000&try=1");
    BOOST_TEST(f.log.outcome == Outcome::menu);
    BOOST_TEST(f.log.route == "main");
    // Nobody is dialed yet, so PagerDuty waits for the choice.
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(menu_param_in_the_url_wins_over_the_number)
{
    Fixture f(menu_config);
    Response r = f.run(f.post(incoming, "menu=main"));  // To is ops' number
    BOOST_TEST(f.log.outcome == Outcome::menu);
    BOOST_TEST(f.log.route == "main");
    std::string action = XmlDoc(r.body).eval("string(/Response/Gather/@action)");
    BOOST_TEST(contains(action, "/voice/menu?menu=main&"), action);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(menu_key_two_dials_route_twos_on_call)
{
    Fixture f(menu_config);
    std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");
    Response r = f.run(f.callback(action, {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550150"},
                                           {"Digits", "2"}}));
    BOOST_TEST(r.status == 200);
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(f.log.outcome == Outcome::dial);
    BOOST_TEST(f.log.route == "db");
    BOOST_TEST(f.log.reason == "menu main: key 2");
    BOOST_TEST_REQUIRE(!f.pd.requests.empty());
    BOOST_TEST(f.pd.requests[0].rfind("/schedules/PSDB/users?", 0) == 0u, f.pd.requests[0]);
    BOOST_TEST(x.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(x.eval("string(/Response/Say)") == "Connecting you to Ada Lovelace.");
    // The hunt goes on as route db's, from the call's own start.
    std::string next = x.eval("string(/Response/Dial/@action)");
    BOOST_TEST(contains(next, "/voice/dial-status?route=db&t=5000&"), next);

    f.pd.requests.clear();
    f.run(f.callback(action, {{"CallSid", "CA0001"}, {"Digits", "1"}}));
    BOOST_TEST(f.log.route == "ops");
    BOOST_TEST(contains(f.pd.requests.at(0), "escalation_policy_ids%5B%5D=PEP1"), f.pd.requests.at(0));
}

BOOST_AUTO_TEST_CASE(menu_wrong_key_then_silence_then_the_default)
{
    Fixture f(menu_config);
    std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");

    XmlDoc again(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"Digits", "9"}})).body);
    BOOST_REQUIRE(again.ok());
    BOOST_TEST(f.log.outcome == Outcome::menu);
    BOOST_TEST(f.log.reason == "menu main: key 9 is not a choice (1 of 3)");
    BOOST_TEST(again.eval("string(/Response/Say)") == "Sorry, that is not one of the choices.");
    action = again.eval("string(/Response/Gather/@action)");
    BOOST_TEST(contains(action, "&try=2"), action);

    // No key: the prompt again, without the invalid message.
    XmlDoc silent(f.run(f.callback(action, {{"CallSid", "CA0001"}})).body);
    BOOST_TEST(f.log.reason == "menu main: no key (2 of 3)");
    BOOST_TEST(silent.eval("count(/Response/Say)") == "0");
    action = silent.eval("string(/Response/Gather/@action)");
    BOOST_TEST(contains(action, "&try=3"), action);

    // The last prompt unanswered: the default, the menu's voicemail.
    XmlDoc vm(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"Digits", ""}})).body);
    BOOST_TEST(f.log.outcome == Outcome::voicemail);
    BOOST_TEST(f.log.reason == "menu main: no key; default");
    BOOST_TEST(vm.eval("count(/Response/Record)") == "1");
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(menu_zero_leaves_a_message_for_the_menus_alert)
{
    Fixture f(menu_config);
    std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");
    XmlDoc vm(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"Digits", "0"}})).body);
    BOOST_TEST(f.log.outcome == Outcome::voicemail);
    BOOST_TEST(f.log.reason == "menu main: key 0");
    std::string ready = vm.eval("string(/Response/Record/@recordingStatusCallback)");
    BOOST_TEST(contains(ready, "route=main&"), ready);
    f.run(f.callback(ready, {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"},
                             {"RecordingUrl", "https://api.twilio.com/r/RE1"}, {"RecordingDuration", "9"}}));
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    BOOST_TEST(f.delivered[0].routing_key == "MKEY");
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

BOOST_AUTO_TEST_CASE(a_route_refuses_a_caller_the_menu_let_in)
{
    std::string text = menu_config;
    text.insert(text.find("unavailable_message = Nobody"), "allow_callers = +44\n");
    Fixture f(text);
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");
    BOOST_TEST(f.log.outcome == Outcome::menu);
    f.run(f.callback(action, {{"CallSid", "CA0001"}, {"Digits", "2"}}));
    BOOST_TEST(f.log.outcome == Outcome::refused);
    BOOST_TEST(f.pd.requests.empty());
    // The status callback comes for the menu's number, whose lists let the
    // caller in: the call is remembered as refused.
    f.run(f.callback(script + "/voice/status", {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550150"},
                                                {"CallStatus", "completed"}, {"CallDuration", "20"}}));
    BOOST_TEST(f.delivered.empty());
    BOOST_TEST(f.log.outcome == Outcome::ignored);
}

BOOST_AUTO_TEST_CASE(a_text_goes_to_everyone_at_level_one)
{
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(1, "PU2", "Grace Hopper"), F::entry(2, "PU3", "Cy")});
    // Ada's SMS method wins over her phone, listed first.
    f.pd.phones("PU1", {F::phone("4155550101"), sms_method("4155550191")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    Response r = f.run(f.callback(script + "/sms", text_to("+14155550100", "the db is down")));
    BOOST_TEST(r.status == 200);
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.all("/Response/Message/@to") == (std::vector<std::string>{"+14155550191", "+14155550102"}));
    BOOST_TEST(x.all("/Response/Message") ==
               std::vector<std::string>(2, "Text to the Platform line from +14155559876: the db is down"));
    BOOST_TEST(f.log.outcome == Outcome::forwarded);
    BOOST_TEST(f.log.route == "ops");
    BOOST_TEST(f.log.level == 1);
    BOOST_TEST(f.log.message_sid == "SM0001");
    BOOST_TEST(f.log.texted == (std::vector<std::string>{"+14155550191", "+14155550102"}));
    BOOST_TEST(f.log.dialed.empty());
    // Level 2 is not asked about once level 1 has someone.
    for (const auto &q : f.pd.requests) BOOST_TEST(!contains(q, "PU3"), q);
    std::string line = f.log.line();
    BOOST_TEST(contains(line, " message_sid=SM0001 "), line);
    BOOST_TEST(contains(line, " texted=+*******0191,+*******0102 "), line);
    BOOST_TEST(!contains(line, "4155550191"), line);
    BOOST_TEST(!contains(line, " dialed="), line);
    BOOST_TEST(f.delivered.empty());  // sms_alert is off
}

BOOST_AUTO_TEST_CASE(a_text_to_a_menu_number_naming_a_choice)
{
    Fixture f(menu_config);
    f.run(f.callback(script + "/sms", text_to("+14155550150", "2 replication stopped")));
    BOOST_TEST(f.log.outcome == Outcome::forwarded);
    BOOST_TEST(f.log.route == "db");
    BOOST_TEST(f.log.reason == "menu main: the text names 2");
    BOOST_TEST_REQUIRE(!f.pd.requests.empty());
    BOOST_TEST(f.pd.requests[0].rfind("/schedules/PSDB/users?", 0) == 0u, f.pd.requests[0]);
    BOOST_TEST(f.log.texted == std::vector<std::string>{"+14155550101"});

    f.pd.requests.clear();
    f.run(f.callback(script + "/sms", text_to("+14155550150", "platform: disk full")));
    BOOST_TEST(f.log.route == "ops");
    BOOST_TEST(contains(f.pd.requests.at(0), "escalation_policy_ids%5B%5D=PEP1"));
}

BOOST_AUTO_TEST_CASE(a_text_to_a_menu_naming_nothing_is_unrouted)
{
    Fixture f(menu_config);
    XmlDoc x(f.run(f.callback(script + "/sms", text_to("+14155550150", "hello?"))).body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(f.log.outcome == Outcome::unrouted);
    BOOST_TEST(f.log.route == "main");
    BOOST_TEST(x.eval("string(/Response/Message)") ==
               "Your message has been passed on as an alert. To reach a team directly, start your text with 1 for "
               "Platform, 2 for db.");
    BOOST_TEST(x.eval("count(/Response/Message/@to)") == "0");
    BOOST_TEST(f.pd.requests.empty());
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    BOOST_TEST((f.delivered[0].kind == AlertKind::text));
    BOOST_TEST(f.delivered[0].routing_key == "MKEY");
    BOOST_TEST(f.delivered[0].call_sid == "SM0001");
}

BOOST_AUTO_TEST_CASE(a_text_from_a_lines_own_number_is_neither_answered_nor_forwarded)
{
    // The db line forwarded a text to an on-call whose phone is the ops
    // line: answering or forwarding it would start the two texting each
    // other, an alert each turn.
    Fixture f(ops_with("sms_alert = yes\n"));
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace")});
    f.pd.phones("PU1", {F::phone("4155550101")});
    XmlDoc x(f.run(f.callback(script + "/sms", text_to("+14155550100", "Text to the db line: hi", "+14155550111"))).body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/*)") == "0");
    BOOST_TEST(f.log.outcome == Outcome::ignored);
    BOOST_TEST(f.log.route == "ops");
    BOOST_TEST(contains(f.log.reason, "[route:db]"), f.log.reason);
    BOOST_TEST(f.pd.requests.empty());
    BOOST_TEST(f.delivered.empty());
}

BOOST_AUTO_TEST_CASE(a_text_with_a_bad_signature_is_403)
{
    Fixture f;
    Request r = f.callback(script + "/sms", text_to("+14155550100", "hi"));
    r.signature = "L/OH5YylLD5NRKLltdqwSvS0BnU=";
    Response resp = f.run(r);
    BOOST_TEST(resp.status == 403);
    BOOST_TEST(f.log.outcome == Outcome::rejected);
    BOOST_TEST(f.log.url == script + "/sms");
    BOOST_TEST(f.pd.requests.empty());
    BOOST_TEST(f.log.texted.empty());
}

BOOST_AUTO_TEST_CASE(a_blocked_sender_gets_no_answer)
{
    Fixture f(ops_with("block_callers = +1415555987\n"));
    XmlDoc x(f.run(f.callback(script + "/sms", text_to("+14155550100", "hi"))).body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/*)") == "0");
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(a_menus_own_lists_keep_a_caller_out)
{
    std::string text = menu_config + "block_callers = +1415555987\n";
    Fixture f(text);
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    XmlDoc x(f.run(f.post(to_number("+14155550150"))).body);
    BOOST_TEST(x.eval("count(/Response/Reject)") == "1");
    BOOST_TEST(x.eval("count(/Response/Gather)") == "0");
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(f.log.route == "main");
    f.run(f.callback(script + "/sms", text_to("+14155550150", "1 hi")));
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(a_caller_a_menu_key_leads_to_a_block_is_hung_up_on)
{
    // The menu's prompt answered the call: <Reject> would no longer keep it
    // unanswered (it only does as the call's first verb), so it is a hang-up.
    std::string text = ops_with("block_callers = +1415555987\n");
    text += menu_config.substr(base_config.size());
    Fixture f(text);
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    std::string action = XmlDoc(f.run(f.post(to_number("+14155550150"))).body).eval("string(/Response/Gather/@action)");
    XmlDoc x(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550150"},
                                        {"Digits", "1"}}))
                 .body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/Reject)") == "0");
    BOOST_TEST(x.eval("name(/Response/*[1])") == "Hangup");
    BOOST_TEST(x.eval("count(/Response/*)") == "1");
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(f.pd.requests.empty());
}

BOOST_AUTO_TEST_CASE(hostile_input_in_menus_and_texts)
{
    // As in hostile_input_in_every_callback, for the menu's callback and
    // the incoming text: the answer stays well-formed TwiML, the head ours
    // and the log one line.
    const std::string evil = std::string("a\r\nSet-Cookie: x=1\r\n\r\n<b>&\"'\0\xff\xc3", 32) + "</Message><Hangup/>";
    const std::string e = encode({{"x", evil}}).substr(2);
    int texts = 0;
    for (const std::string &to : {std::string("+14155550150"), std::string("+14155550100"), evil}) {
        for (const std::string &body : {evil, "2 " + evil, std::string(3000, 'x')}) {
            Fixture f(menu_config);
            Params p = {{"MessageSid", evil}, {"From", evil},      {"To", to},     {"Body", body},
                        {"NumMedia", evil},   {"MediaUrl0", evil}, {"Digits", evil}, {"CallSid", evil}};
            for (const std::string &url : {script + "/sms", script + "/sms?menu=" + e,
                                           script + "/voice/menu?menu=main&from=" + e + "&to=" + e + "&t=" + e + "&try=" + e,
                                           script + "/voice/menu?menu=" + e}) {
                Response resp = f.run(f.callback(url, p));
                std::string what = url.substr(0, 60) + ": " + f.log.line();
                BOOST_TEST(resp.status == 200, what);
                BOOST_TEST(foreign_headers(response_cgi(resp)).empty(), what);
                XmlDoc x(resp.body);
                BOOST_TEST(x.ok(), what << ": " << x.error());
                BOOST_TEST(x.eval("count(//Hangup)") == (contains(resp.body, "<Hangup/>") ? "1" : "0"), what);
                BOOST_TEST(x.eval("count(//Message/*)") == "0", what);
                texts += x.eval("count(//Message[@to])") != "0";
                BOOST_TEST(f.log.line().find_first_of(std::string("\r\n\0", 3)) == std::string::npos, what);
                for (const Alert &a : f.delivered)
                    BOOST_TEST(!nlohmann::json::parse(a.body, nullptr, false).is_discarded(), what);
            }
        }
    }
    BOOST_TEST(texts > 0);  // the hostile texts were forwarded, not only refused
}

BOOST_AUTO_TEST_SUITE_END()
