// What the tests of the request path share: a Fixture that hands the
// dispatcher a Twilio request and answers PagerDuty from memory, records
// every alert and mark, and moves a clock of its own; the requests Twilio
// sends, signed as it signs them.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "alerts/alert.hpp"
#include "base_config.hpp"
#include "fake_pagerduty.hpp"
#include "serve/handler.hpp"
#include "twilio/signature.hpp"

namespace pdcf::handler_tests {

using namespace std::chrono_literals;
using F = FakePagerDuty;
using testing::base_config;

inline const Params incoming = {{"CallSid", "CA0001"},  {"AccountSid", "AC0001"}, {"From", "+14155559876"},
                                {"To", "+14155550100"}, {"CallStatus", "ringing"}, {"Direction", "inbound"},
                                {"ApiVersion", "2010-04-01"}, {"CallerName", ""}, {"ForwardedFrom", ""}};

inline std::string encode(const Params &params)
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
                              [](const std::string &, std::size_t) -> Result<std::string> { return fail("no files in unit tests"); });
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
inline std::vector<std::string> foreign_headers(const std::string &cgi)
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

inline bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

// A menu on its own number before the two routes: 1 ops, 2 db, 0 its
// own voicemail.
inline const std::string menu_config = base_config + R"([menu:main]
number = +14155550150
1 = ops
2 = db
0 = voicemail
routing_key = MKEY
)";

inline const std::string script = "http://example.com/pd-call-forward";

inline Params to_number(const std::string &to, const std::string &from = "+14155559876")
{
    Params p = incoming;
    p[2].value = from;
    p[3].value = to;
    return p;
}

inline Params text_to(const std::string &to, const std::string &body, const std::string &from = "+14155559876")
{
    return {{"ToCountry", "US"},  {"SmsMessageSid", "SM0001"}, {"NumMedia", "0"},    {"SmsSid", "SM0001"},
            {"SmsStatus", "received"}, {"Body", body},         {"To", to},           {"NumSegments", "1"},
            {"MessageSid", "SM0001"}, {"AccountSid", "AC0001"}, {"From", from},      {"ApiVersion", "2010-04-01"}};
}

// `base_config` with `lines` added to [route:ops].
inline std::string ops_with(const std::string &lines)
{
    std::string text = base_config;
    text.insert(text.find("title = Platform\n") + 17, lines);
    return text;
}

inline std::string sms_method(const std::string &national)
{
    return R"({"id": "PS1", "type": "sms_contact_method", "summary": "Mobile", "label": "Mobile", "country_code": 1,)"
           R"( "address": ")" + national + R"(", "blacklisted": false})";
}

}  // namespace pdcf::handler_tests
