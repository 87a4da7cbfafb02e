// The whole request path, from the CGI variables and body a web server
// passes on to the bytes written back, with PagerDuty answering from
// memory.  Anyone can send a request; whatever it holds, the answer must
// be a well-formed CGI response with a status we mean to send, TwiML
// that parses, and one log line.
//
// Input: "NAME=VALUE" lines, a blank line, then the body.  NAME is a CGI
// variable, except:
//   +NAME=VALUE   the variable, VALUE repeated past limits::max_request_variable
//   /PATH=BODY    PagerDuty answers BODY (HTTP 200) to every GET starting with /PATH
//   ROSTER=N      one of the canned PagerDuty states below for the rest
// Without CONTENT_LENGTH the body's own length is passed.  Every input
// is handled twice: with signature checking on (token 12345) and off, so
// mutations also reach the call flow behind the signature.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>

#include "alerts/alert.hpp"
#include "base_config.hpp"
#include "config/config.hpp"
#include "core/form.hpp"
#include "core/limits.hpp"
#include "serve/handler.hpp"
#include "support.hpp"
#include "twilio/request.hpp"
#include "twilio/signature.hpp"
#include "xml.hpp"

using namespace pdcf;

namespace {

// The tests' base, with every kind of rule a call can meet: caller lists,
// rounds, in-turn ringing, replies and alerts for texts, and a menu.
std::string fuzz_config()
{
    using testing::set_key;
    std::string c = set_key(testing::base_config, "pagerduty", "prefer_label", "Mobile");
    for (const auto &[key, value] : {std::pair<const char *, const char *>{"max_loops", "2"},
                                     {"block_callers", "+14155550666, +1900"},
                                     {"sms_reply", "Thanks, {first_name} has it."}})
        c = set_key(c, "route:ops", key, value);
    for (const auto &[key, value] : {std::pair<const char *, const char *>{"ring", "in-turn"},
                                     {"unavailable_message", "Nobody is on the {title} line."},
                                     {"allow_callers", "+1415555"},
                                     {"sms_alert", "yes"},
                                     {"routing_key", "RKEY"}})
        c = set_key(c, "route:db", key, value);
    return c + "[menu:main]\nnumber = +14155550150\n1 = ops\n2 = db\n0 = voicemail\n* = db\nmenu_retries = 1\n"
               "routing_key = RKEY\n";
}

const ConfigResult &config(bool signed_requests)
{
    auto parse = [](const std::string &text) {
        ConfigResult r = config_parse(text, "/fuzz.ini",
                                      [](const std::string &, std::size_t) -> Result<std::string> { return fail("no files here"); });
        fuzz::require(r.ok());
        return r;
    };
    static const ConfigResult on = parse(testing::set_key(fuzz_config(), "twilio", "secondary_auth_token", "67890"));
    // The other context also tries what the first leaves out.
    static const ConfigResult off =
        parse(testing::set_key(testing::set_key(fuzz_config(), "twilio", "validate_signature", "no"), "twilio",
                               "public_url", "https://ops.example.com/pd-call-forward/") +
              "[route:rest]\nschedule = PREST\nscreening = no\ntranscribe = yes\nrouting_key = RK2\n");
    return signed_requests ? on : off;
}

std::string phone(const char *id, const char *label, int country, const char *address,
                  const char *type = "phone_contact_method")
{
    return std::string(R"({"id":")") + id + R"(","type":")" + type + R"(","summary":")" + label + R"(","label":")" +
           label + R"(","country_code":)" + std::to_string(country) + R"(,"address":")" + address +
           R"(","blacklisted":false})";
}

std::string oncall(int level, const char *user, const char *name, const char *end = "null")
{
    return std::string(R"({"escalation_policy":{"id":"PEP1","type":"escalation_policy_reference"},"escalation_level":)") +
           std::to_string(level) + R"(,"schedule":null,"user":{"id":")" + user +
           R"(","type":"user_reference","summary":")" + name + R"("},"start":"2026-11-23T08:00:00Z","end":)" + end + "}";
}

// PagerDuty as it may be found: people on call at two levels (one with
// an SMS number for texts), nobody,
// unreachable, failing, and a roster whose only phone is the called number.
HttpReply roster(int n, const std::string &path)
{
    auto starts = [&](const char *p) { return path.rfind(p, 0) == 0; };
    switch (n) {
    case 0:
        if (starts("/oncalls"))
            return {200, R"({"oncalls":[)" + oncall(1, "PU1", "Ada Lovelace") + "," + oncall(1, "PU2", "Grace Hopper", "\"2026-11-24T08:00:00Z\"") +
                             "," + oncall(2, "PU3", "Alan Turing") + R"(],"limit":100,"offset":0,"more":false,"total":null})", "", -1};
        if (starts("/users/PU1/"))
            return {200, R"({"contact_methods":[)" + phone("PC1", "Mobile", 1, "415 555 0101") + "]}", "", -1};
        if (starts("/users/PU2/"))
            return {200, R"({"contact_methods":[)" + phone("PC2", "Work", 44, "20 7946 0958") + "," +
                             phone("PC3", "Mobile", 1, "(415) 555-0102") + "," +
                             phone("PC5", "Mobile", 1, "415 555 0152", "sms_contact_method") + "]}", "", -1};
        if (starts("/users/"))
            return {200, R"({"contact_methods":[)" + phone("PC4", "Home", 1, "4155550103") + "]}", "", -1};
        if (starts("/escalation_policies/")) return {200, R"({"escalation_policy":{"id":"PEP1","num_loops":1}})", "", -1};
        break;
    case 1:
        if (starts("/oncalls")) return {200, R"({"oncalls":[],"limit":100,"offset":0,"more":false,"total":null})", "", -1};
        break;
    case 2:
        return {0, "", "connection timed out", -1};
    case 3:
        if (starts("/oncalls")) return {429, R"({"error":{"message":"Rate Limit Exceeded","code":2020}})", "", 30};
        return {500, "<html>Internal Server Error</html>", "", -1};
    case 4:
        if (starts("/oncalls"))
            return {200, R"({"oncalls":[)" + oncall(1, "PU9", "Loop Back") + R"(],"more":false})", "", -1};
        if (starts("/users/"))
            return {200, R"({"contact_methods":[)" + phone("PC9", "Mobile", 1, "4155550100") + "]}", "", -1};
        break;
    }
    return {404, R"({"error":{"message":"Not Found","code":2100}})", "", -1};
}

struct Input {
    std::map<std::string, std::string> env;
    std::map<std::string, std::string> pagerduty;  // canned bodies by path prefix
    int roster = 0;
    std::string body;
};

Input parse(std::string_view text)
{
    Input in;
    std::size_t blank = text.find("\n\n");
    std::string_view head = text.substr(0, blank);
    in.body = blank == std::string_view::npos ? "" : std::string(text.substr(blank + 2));
    for (std::string_view line : fuzz::split(head, "\n")) {
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        std::string name(line.substr(0, eq)), value(line.substr(eq + 1));
        if (name == "ROSTER") {
            in.roster = value.empty() ? 0 : (static_cast<unsigned char>(value[0]) - '0' + 5 * 52) % 5;
        } else if (name[0] == '/') {
            in.pagerduty[name] = value;
        } else if (name[0] == '+') {
            std::string longer = value.empty() ? "x" : value;
            while (longer.size() <= limits::max_request_variable) longer += longer;
            in.env[name.substr(1)] = longer;
        } else {
            in.env[name] = value;
        }
    }
    if (!in.env.count("CONTENT_LENGTH") && !in.body.empty()) in.env["CONTENT_LENGTH"] = std::to_string(in.body.size());
    return in;
}

// The header block has only the headers we mean to send, one per line,
// and says how long the body is.
void check_cgi(const Response &r)
{
    std::string out = response_cgi(r);
    std::size_t end = out.find("\r\n\r\n");
    fuzz::require(end != std::string::npos);
    std::string_view head(out.data(), end);
    bool first = true;
    for (std::string_view line : fuzz::split(head, "\r\n")) {
        fuzz::require(line.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos);
        std::size_t colon = line.find(": ");
        fuzz::require(colon != std::string_view::npos);
        std::string_view name = line.substr(0, colon);
        fuzz::require(first ? name == "Status"
                            : name == "Content-Type" || name == "Content-Length" || name == "Allow");
        if (name == "Content-Length") fuzz::require(line.substr(colon + 2) == std::to_string(r.body.size()));
        first = false;
    }
    fuzz::require(out.substr(end + 4) == (r.omit_body ? "" : r.body));
}

void run(const Input &in, bool signed_requests)
{
    const ConfigResult &cfg = config(signed_requests);
    std::size_t offset = 0;
    Request req = request_read(
        [&](const char *name) -> const char * {
            auto it = in.env.find(name);
            return it == in.env.end() ? nullptr : it->second.c_str();
        },
        // Short reads, as a pipe or a FastCGI stream gives them.
        [&](char *buf, std::size_t n) {
            std::size_t k = std::min({n, in.body.size() - offset, std::size_t{300}});
            std::copy_n(in.body.data() + offset, k, buf);
            offset += k;
            return k;
        });

    Context ctx;
    ctx.config = &cfg;
    const TimePoint now = TimePoint{} + std::chrono::hours(1);
    ctx.clock = [now] { return now; };
    ctx.epoch_seconds = [] { return 1800000000LL; };
    ctx.epoch_micros = [] { return 1800000000000000LL; };  // HTTP_X_REQUEST_START is read against it
    ctx.pagerduty = [&](const std::string &path, TimePoint) {
        for (const auto &[prefix, body] : in.pagerduty)
            if (path.rfind(prefix, 0) == 0) return HttpReply{200, body, "", -1};
        return roster(in.roster, path);
    };
    ctx.alerts.deliver = [](const Alert &, TimePoint) { return std::string("sent"); };
    ctx.alerts.mark = [](const std::string &, const std::string &) {};
    ctx.alerts.marked = [](const std::string &, const std::string &) { return false; };

    LogRecord log;
    Response r = handle(req, ctx, now, log);
    static const int statuses[] = {200, 400, 403, 404, 405, 413, 414, 415, 431, 500};
    fuzz::require(std::find(std::begin(statuses), std::end(statuses), r.status) != std::end(statuses));
    check_cgi(r);
    if (r.content_type.rfind("text/xml", 0) == 0) fuzz::require(fuzz::xml_well_formed(r.body));
    fuzz::require(log.line().find_first_of(std::string_view("\n\r\0", 3)) == std::string::npos);

    // Behind the signature only with a signature that holds.
    if (signed_requests && r.status == 200 && req.path_info != "/health") {
        Params post = req.method == "POST" ? form_decode(req.body).value_or({}) : Params{};
        const auto &tw = cfg.config.twilio;
        fuzz::require(signature_check(request_url(req, ""), post, req.signature, req.signature_settings,
                                      {tw.auth_tokens, tw.shared_keys}) == SignatureCheck::valid);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input in = parse(fuzz::as_text(data, size));
    run(in, true);
    run(in, false);
    return 0;
}
