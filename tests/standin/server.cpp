// The stand-in's HTTP side: PagerDuty's REST API and Events API as the
// program sees them, with faults and latency on top, and the /_standin/
// control endpoints tests use to steer it and to read back what the
// program asked and sent.
#include "standin.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <deque>
#include <memory>

namespace standin {

void Shutdown::request()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        requested_ = true;
    }
    wake_.notify_all();
}

bool Shutdown::requested() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return requested_;
}

bool Shutdown::sleep_for(std::chrono::milliseconds how_long)
{
    std::unique_lock<std::mutex> lock(mutex_);
    return !wake_.wait_for(lock, how_long, [this] { return requested_; });
}

namespace {

const char json_type[] = "application/json";
const char pagerduty_accept[] = "application/vnd.pagerduty+json;version=2";

// Error codes PagerDuty documents for these failures.
constexpr int code_internal = 2000;
constexpr int code_invalid_input = 2001;
constexpr int code_unauthorized = 2006;
constexpr int code_rate_limited = 2020;
constexpr int code_not_found = 2100;

// PagerDuty's per-minute allowance for a REST API key, shown in 429 headers.
constexpr int rate_limit_per_minute = 960;

// The three request headers PagerDuty requires, in the order we check them.
const char *const checked_headers[] = {"Authorization", "Accept", "Content-Type"};

Json error_body(const std::string &message, int code, const std::vector<std::string> &errors = {})
{
    Json error = Json::object();
    error["message"] = message;
    error["code"] = code;
    if (!errors.empty()) error["errors"] = errors;
    Json body = Json::object();
    body["error"] = std::move(error);
    return body;
}

// The Events API's answers: {"status", "message"} and, for an invalid
// event, "errors"; no numeric code.
Json events_body(const std::string &status, const std::string &message, const std::vector<std::string> &errors = {})
{
    Json body = Json::object();
    body["status"] = status;
    body["message"] = message;
    if (!errors.empty()) body["errors"] = errors;
    return body;
}

// A failure worded as the API `endpoint` belongs to words it.
Json failure_body(Endpoint endpoint, const std::string &message, int code)
{
    return endpoint == Endpoint::events ? events_body(message, message) : error_body(message, code);
}

// What each API answers on success: the Events API only queues an event.
int success_status(Endpoint endpoint)
{
    return endpoint == Endpoint::events ? 202 : 200;
}

// The reason phrase of a status the API answers with (RFC 9110 section 15).
const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    default: return "Unknown";
    }
}

void answer_json(httplib::Response &res, int status, const Json &body)
{
    res.status = status;
    // An event body that was not UTF-8 is recorded as text; listing it must
    // not throw.
    res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), json_type);
}

void answer_text(httplib::Response &res, int status, const std::string &text)
{
    res.status = status;
    res.set_content(text, "text/plain");
}

// The id in `path` when it is `prefix` + id + `suffix`, else "".  By hand:
// std::regex trips GCC 12's -Wmaybe-uninitialized in sanitized builds.
std::string id_in(const std::string &path, const std::string &prefix, const std::string &suffix)
{
    if (path.size() <= prefix.size() + suffix.size() || path.compare(0, prefix.size(), prefix) != 0 ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
        return {};
    std::string id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    return id.find('/') == std::string::npos ? id : std::string{};
}

Endpoint endpoint_of(const httplib::Request &req, std::string *id)
{
    if (req.method != "GET") return Endpoint::any;
    if (req.path == "/oncalls") return Endpoint::oncalls;
    const struct {
        const char *prefix, *suffix;
        Endpoint endpoint;
    } by_id[] = {
        {"/users/", "/contact_methods", Endpoint::contact_methods},
        {"/escalation_policies/", "", Endpoint::escalation_policy},
        {"/schedules/", "/users", Endpoint::schedule_users},
        {"/schedules/", "", Endpoint::schedule},
    };
    for (const auto &e : by_id) {
        std::string found = id_in(req.path, e.prefix, e.suffix);
        if (found.empty()) continue;
        if (id) *id = found;
        return e.endpoint;
    }
    return Endpoint::any;
}

struct HeaderCheck {
    int status = 200;     // 401 or 400 when a header is wrong
    std::string problem;  // "" when all three are right
};

HeaderCheck check_headers(const httplib::Request &req, const std::string &token)
{
    const std::string expected[] = {"Token token=" + token, pagerduty_accept, json_type};
    HeaderCheck check;
    std::string problems;
    for (std::size_t i = 0; i < std::size(checked_headers); ++i) {
        const char *name = checked_headers[i];
        std::string problem;
        if (!req.has_header(name)) problem = std::string(name) + " is missing";
        else if (i == 0 && req.get_header_value(name) != expected[i])
            problem = "Authorization does not carry the expected token";
        else if (req.get_header_value(name) != expected[i])
            problem = std::string(name) + " is \"" + req.get_header_value(name) + "\", not \"" + expected[i] + "\"";
        if (problem.empty()) continue;
        // PagerDuty turns away a bad key before it looks at anything else.
        if (check.status == 200) check.status = i == 0 ? 401 : 400;
        problems += (problems.empty() ? "" : "; ") + problem;
    }
    if (!problems.empty()) check.problem = problems + ".";
    return check;
}

// `body` is given for events only: REST requests we serve carry none.
Json describe_request(const httplib::Request &req, const HeaderCheck &check,
                      std::chrono::steady_clock::time_point started, const Json *body = nullptr)
{
    Json record = Json::object();
    record["method"] = req.method;
    record["path"] = req.path;
    // From the URL alone: httplib also files the fields of a form-encoded
    // body under params, and an event sent without its JSON Content-Type
    // looks like one.
    httplib::Params url_params;
    const auto mark = req.target.find('?');
    if (mark != std::string::npos) httplib::detail::parse_query_text(req.target.substr(mark + 1), url_params);
    Json query = Json::object();
    for (const auto &[name, value] : url_params) {
        if (!query.contains(name)) query[name] = Json::array();
        query[name].push_back(value);
    }
    record["query"] = std::move(query);
    if (body) record["body"] = *body;
    Json headers = Json::object();
    for (const char *name : checked_headers)
        headers[name] = req.has_header(name) ? Json(req.get_header_value(name)) : Json(nullptr);
    record["headers"] = std::move(headers);
    record["header_problem"] = check.problem;
    // The client's port tells whether it reused a kept-alive connection.
    record["remote_port"] = req.remote_port;
    // Lets a test measure a client's back-off between retries.
    record["received_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count();
    return record;
}

// What one API request meets on arrival; decided in one critical section
// so concurrent requests count a fault's `count` down exactly.
struct Arrival {
    std::shared_ptr<const Roster> roster;
    std::optional<Fault> fault;
    std::chrono::milliseconds latency{0};
};

class State {
public:
    explicit State(Roster initial) : roster_(std::make_shared<const Roster>(std::move(initial))) {}

    // `event` is a valid event the request carries: PagerDuty accepts it
    // unless a fault keeps it from getting there. Accepting it here keeps
    // events in arrival order.
    Arrival arrive(Json record, Endpoint endpoint, const Event *event = nullptr)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Arrival arrival{roster_, std::nullopt, latency_};
        if (fault_applies(fault_, endpoint)) {
            arrival.fault = fault_;
            if (fault_.remaining > 0 && --fault_.remaining == 0) fault_ = Fault{};
        }
        record["fault"] = arrival.fault ? Json(fault_name(arrival.fault->kind)) : Json(nullptr);
        if (event && (!arrival.fault || passes_through(arrival.fault->kind)))
            events_.accept(*event, record["received_ms"].get<long long>());
        if (records_.size() == limits::max_recorded_requests) records_.pop_front();
        records_.push_back(std::move(record));
        return arrival;
    }

    void set_roster(Roster roster)
    {
        auto shared = std::make_shared<const Roster>(std::move(roster));
        std::lock_guard<std::mutex> lock(mutex_);
        roster_ = std::move(shared);
    }

    void set_fault(const Fault &fault)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        fault_ = fault;
    }

    void set_latency(std::chrono::milliseconds latency)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        latency_ = latency;
    }

    Json requests() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Json all = Json::array();
        for (const auto &record : records_) all.push_back(record);
        return all;
    }

    void clear_requests()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        records_.clear();
    }

    Json events() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return events_.events();
    }

    Json alerts() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return events_.alerts();
    }

    void clear_events()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        events_.clear();
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Roster> roster_;
    Fault fault_;
    std::chrono::milliseconds latency_{0};
    std::deque<Json> records_;
    EventLog events_;
};

// A non-negative integer query parameter, or nullopt when malformed.
std::optional<long long> whole_number(const std::string &text)
{
    long long number = 0;
    const char *end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, number);
    if (text.empty() || error != std::errc() || stop != end || number < 0) return std::nullopt;
    return number;
}

std::vector<std::string> values_of(const httplib::Request &req, const char *name)
{
    std::vector<std::string> values;
    auto range = req.params.equal_range(name);
    for (auto it = range.first; it != range.second; ++it) values.push_back(it->second);
    return values;
}

struct Answer {
    int status = 200;
    Json body;
};

// `since` and `until` of a request, each now when left out (as GET
// /oncalls documents); one that is not a date-time, or an until before
// since, is turned away like any invalid argument.
std::optional<Answer> time_range(const httplib::Request &req, long long range[2])
{
    const long long now = static_cast<long long>(std::time(nullptr));
    const char *names[2] = {"since", "until"};
    for (int i = 0; i < 2; ++i) {
        range[i] = now;
        if (!req.has_param(names[i])) continue;
        auto t = parse_date_time(req.get_param_value(names[i]));
        if (!t)
            return Answer{400, error_body("Invalid Input Provided", code_invalid_input,
                                          {std::string(names[i]) + " is not a valid date-time"})};
        range[i] = *t;
    }
    if (range[1] < range[0])
        return Answer{400, error_body("Invalid Input Provided", code_invalid_input, {"until must not be before since"})};
    return std::nullopt;
}

Answer list_oncalls(const httplib::Request &req, const Roster &roster)
{
    OnCallQuery query;
    query.policy_ids = values_of(req, "escalation_policy_ids[]");
    query.schedule_ids = values_of(req, "schedule_ids[]");
    query.user_ids = values_of(req, "user_ids[]");
    query.want_total = req.get_param_value("total") == "true";
    if (req.has_param("limit")) {
        auto limit = whole_number(req.get_param_value("limit"));
        if (!limit || *limit < 1)
            return {400, error_body("Invalid Input Provided", code_invalid_input, {"limit must be a positive integer"})};
        query.limit = static_cast<int>(std::min<long long>(*limit, limits::max_page_limit));
    }
    if (req.has_param("offset")) {
        auto offset = whole_number(req.get_param_value("offset"));
        if (!offset)
            return {400, error_body("Invalid Input Provided", code_invalid_input, {"offset must be a non-negative integer"})};
        query.offset = *offset;
    }
    long long range[2];
    if (auto bad = time_range(req, range)) return *bad;
    query.since = range[0];
    query.until = range[1];
    Json page = oncalls_page(roster, query);
    // include[]=users: each on-call's user is the whole User object.
    const auto include = values_of(req, "include[]");
    if (std::find(include.begin(), include.end(), "users") != include.end())
        for (auto &oncall : page["oncalls"]) {
            auto user = roster.users.find(oncall["user"].value("id", ""));
            if (user != roster.users.end()) oncall["user"] = user->second;
        }
    return {200, page};
}

// GET /schedules/{id}/users: who is on the schedule between `since` and
// `until`, date-times in the OpenAPI file.  Either left out means now, as
// GET /oncalls documents for its own since and until; one that is not a
// date-time, or an until before since, is turned away like any invalid
// argument ("Retrying with the same arguments will *not* work").
Answer list_schedule_users(const httplib::Request &req, const Roster &roster, const std::string &id)
{
    if (!roster.schedules.count(id)) return {404, error_body("Not Found", code_not_found)};
    long long range[2];
    if (auto bad = time_range(req, range)) return *bad;
    return {200, schedule_users(roster, id, range[0], range[1])};
}

// GET /schedules/{id}: the Schedule; with since or until, its final layer
// rendered for the range ("Defaults to 2 weeks before until if an until is
// given", "2 weeks after since if a since is given").
Answer get_schedule(const httplib::Request &req, const Roster &roster, const std::string &id)
{
    auto found = roster.schedules.find(id);
    if (found == roster.schedules.end()) return {404, error_body("Not Found", code_not_found)};
    if (!req.has_param("since") && !req.has_param("until")) return {200, Json{{"schedule", found->second}}};
    constexpr long long two_weeks = 14 * 86400;
    long long range[2];
    if (auto bad = time_range(req, range)) return *bad;
    if (!req.has_param("since")) range[0] = range[1] - two_weeks;
    if (!req.has_param("until")) range[1] = range[0] + two_weeks;
    return {200, schedule_rendered(roster, id, range[0], range[1])};
}

// The answer PagerDuty itself would give, faults aside.
Answer normal_answer(const httplib::Request &req, const HeaderCheck &check, const Roster &roster)
{
    if (check.status == 401) return {401, error_body("Unauthorized", code_unauthorized)};
    if (check.status != 200) return {400, error_body("Invalid Input Provided", code_invalid_input, {check.problem})};

    // GET of one object: {"<key>": <object>}, or 404.
    auto one = [](const std::map<std::string, Json> &objects, const std::string &id, const char *key) -> Answer {
        auto found = objects.find(id);
        if (found == objects.end()) return {404, error_body("Not Found", code_not_found)};
        Json body = Json::object();
        body[key] = found->second;
        return {200, body};
    };
    std::string id;
    switch (endpoint_of(req, &id)) {
    case Endpoint::oncalls: return list_oncalls(req, roster);
    case Endpoint::contact_methods: return one(roster.contact_methods, id, "contact_methods");
    case Endpoint::escalation_policy: return one(roster.escalation_policies, id, "escalation_policy");
    case Endpoint::schedule: return get_schedule(req, roster, id);
    case Endpoint::schedule_users: return list_schedule_users(req, roster, id);
    case Endpoint::any:
    case Endpoint::events: break;
    }
    return {404, error_body("Not Found", code_not_found)};
}

// POST /v2/enqueue as PagerDuty answers it, faults aside.
Answer event_answer(const EventCheck &check)
{
    if (!check.event) return {400, events_body("invalid event", "Event object is invalid", check.errors)};
    Json body = events_body("success", "Event processed");
    body["dedup_key"] = check.event->dedup_key;
    return {202, body};
}

Json wrong_shape(Endpoint endpoint)
{
    // Valid JSON that a careless parser might half accept.
    if (endpoint == Endpoint::events) return Json::parse(R"({"status":"ok"})");
    if (endpoint == Endpoint::contact_methods) return Json::parse(R"({"contact_methods":{"type":"phone_contact_method"}})");
    if (endpoint == Endpoint::schedule_users) return Json::parse(R"({"users":{"id":"PXXXXXX","type":"user"}})");
    return Json::parse(R"({"oncalls":"none"})");
}

// PagerDuty's rate-limit headers, the reset being the fault's delay in
// whole seconds (at least 1).
void set_rate_limit_headers(httplib::Response &res, const Fault &fault)
{
    const long long reset_s = std::max<long long>(1, (fault.delay.count() + 999) / 1000);
    res.set_header("ratelimit-limit", std::to_string(rate_limit_per_minute));
    res.set_header("ratelimit-remaining", "0");
    res.set_header("ratelimit-reset", std::to_string(reset_s));
}

// Answers `req` as `fault` says. Returns false for faults that, after their
// delay, let the normal answer through.
bool answer_with_fault(const Fault &fault, Endpoint endpoint, const httplib::Request &req,
                       httplib::Response &res, const Answer &normal, Shutdown &shutdown)
{
    switch (fault.kind) {
    case FaultKind::none:
        return false;
    case FaultKind::slow:
        shutdown.sleep_for(fault.delay);
        return false;
    case FaultKind::server_error:
        answer_json(res, 500, failure_body(endpoint, "Internal Server Error", code_internal));
        return true;
    case FaultKind::unavailable:
        answer_json(res, 503, failure_body(endpoint, "Service Unavailable", code_internal));
        return true;
    case FaultKind::rate_limited:
    case FaultKind::rate_limited_bare:
        answer_json(res, 429, failure_body(endpoint, "Rate Limit Exceeded", code_rate_limited));
        if (fault.kind == FaultKind::rate_limited) {
            set_rate_limit_headers(res, fault);
            res.set_header("Retry-After", res.get_header_value("ratelimit-reset"));
        }
        return true;
    case FaultKind::bad_gateway_rate_limit_headers:
        answer_json(res, 502, failure_body(endpoint, "Bad Gateway", code_internal));
        set_rate_limit_headers(res, fault);
        return true;
    case FaultKind::unauthorized:
        answer_json(res, 401, error_body("Unauthorized", code_unauthorized));
        return true;
    case FaultKind::hang:
    case FaultKind::reset:
        if (fault.kind == FaultKind::hang) shutdown.sleep_for(fault.delay);
        if (drop_connection(req, fault.kind == FaultKind::hang ? Drop::close : Drop::reset)) return true;
        std::fprintf(stderr, "pd-standin: could not find the socket to drop; answering 500\n");
        answer_json(res, 500, failure_body(endpoint, "stand-in could not drop the connection", code_internal));
        return true;
    case FaultKind::garbage:
        res.status = success_status(endpoint);
        res.set_content("<html><body>Service Unavailable</body></html>", "text/html");
        return true;
    case FaultKind::truncated: {
        const std::string whole = normal.body.dump();
        res.status = success_status(endpoint);
        res.set_content(whole.substr(0, whole.size() / 2), json_type);
        return true;
    }
    case FaultKind::wrong_shape:
        answer_json(res, success_status(endpoint), wrong_shape(endpoint));
        return true;
    case FaultKind::empty:
        res.status = success_status(endpoint);
        res.set_content("", json_type);
        return true;
    case FaultKind::trickle_headers: {
        const std::string body = normal.body.dump();
        const std::string whole = "HTTP/1.1 " + std::to_string(normal.status) + " " + reason_phrase(normal.status) +
                                  "\r\nContent-Type: " + json_type + "\r\nContent-Length: " + std::to_string(body.size()) +
                                  "\r\nConnection: close\r\n\r\n" + body;
        auto sleep = [&shutdown](std::chrono::milliseconds ms) { return shutdown.sleep_for(ms); };
        if (trickle_connection(req, whole, fault.delay, sleep)) return true;
        std::fprintf(stderr, "pd-standin: could not find the socket to trickle on; answering 500\n");
        answer_json(res, 500, failure_body(endpoint, "stand-in could not trickle", code_internal));
        return true;
    }
    case FaultKind::trickle_chunked: {
        // httplib sends the status line and headers before it asks for the
        // first piece of the body; each piece is one byte, one chunk.
        res.status = normal.status;
        auto body = std::make_shared<const std::string>(normal.body.dump());
        const auto pause = fault.delay;
        res.set_chunked_content_provider(json_type, [body, pause, &shutdown](std::size_t offset, httplib::DataSink &sink) {
            if (offset >= body->size()) {
                sink.done();
                return true;
            }
            return shutdown.sleep_for(pause) && sink.write(body->data() + offset, 1);
        });
        return true;
    }
    }
    return false;
}

// Parses a control request's JSON body, or answers 400 and returns nullopt.
std::optional<Json> control_body(const httplib::Request &req, httplib::Response &res)
{
    Json doc = Json::parse(req.body, nullptr, false);
    if (doc.is_discarded()) {
        answer_text(res, 400, "body is not valid JSON\n");
        return std::nullopt;
    }
    return doc;
}

void log_control(const std::string &what)
{
    std::fprintf(stderr, "pd-standin: %s\n", what.c_str());
}

}  // namespace

void install_routes(httplib::Server &server, const Options &options, Roster initial, Shutdown &shutdown)
{
    auto state = std::make_shared<State>(std::move(initial));
    const auto started = std::chrono::steady_clock::now();
    const std::string token = options.token;
    const std::vector<std::string> routing_keys = options.routing_keys;

    server.set_payload_max_length(limits::max_body_bytes);

    // Control endpoints come first: httplib tries routes in the order given.
    server.Put("/_standin/roster", [state](const httplib::Request &req, httplib::Response &res) {
        auto doc = control_body(req, res);
        if (!doc) return;
        try {
            Roster roster = parse_roster(*doc);
            log_control("roster loaded: " + std::to_string(roster.oncalls.size()) + " on-calls, " +
                        std::to_string(roster.contact_methods.size()) + " users");
            state->set_roster(std::move(roster));
            res.status = 204;
        } catch (const InputError &e) {
            answer_text(res, 400, std::string(e.what()) + "\n");
        }
    });
    server.Put("/_standin/fault", [state](const httplib::Request &req, httplib::Response &res) {
        auto doc = control_body(req, res);
        if (!doc) return;
        try {
            const Fault fault = parse_fault(*doc);
            log_control("fault " + fault_to_json(fault).dump());
            state->set_fault(fault);
            res.status = 204;
        } catch (const InputError &e) {
            answer_text(res, 400, std::string(e.what()) + "\n");
        }
    });
    server.Put("/_standin/latency", [state](const httplib::Request &req, httplib::Response &res) {
        auto doc = control_body(req, res);
        if (!doc) return;
        try {
            if (!doc->is_object() || !doc->contains("ms")) throw InputError("latency body is {\"ms\": N}");
            const long long ms = integer_field(*doc, "ms", 0, limits::max_delay_ms, 0);
            log_control("latency " + std::to_string(ms) + " ms");
            state->set_latency(std::chrono::milliseconds(ms));
            res.status = 204;
        } catch (const InputError &e) {
            answer_text(res, 400, std::string(e.what()) + "\n");
        }
    });
    server.Get("/_standin/requests", [state](const httplib::Request &, httplib::Response &res) {
        answer_json(res, 200, state->requests());
    });
    server.Delete("/_standin/requests", [state](const httplib::Request &, httplib::Response &res) {
        state->clear_requests();
        res.status = 204;
    });
    server.Get("/_standin/events", [state](const httplib::Request &, httplib::Response &res) {
        answer_json(res, 200, state->events());
    });
    server.Get("/_standin/alerts", [state](const httplib::Request &, httplib::Response &res) {
        answer_json(res, 200, state->alerts());
    });
    // Alerts follow from events, so they go together.
    server.Delete("/_standin/events", [state](const httplib::Request &, httplib::Response &res) {
        state->clear_events();
        res.status = 204;
    });
    server.Get("/_standin/health", [](const httplib::Request &, httplib::Response &res) {
        answer_text(res, 200, "ok");
    });

    auto unknown_control = [](const httplib::Request &req, httplib::Response &res) {
        answer_text(res, 404, "no control endpoint " + req.method + " " + req.path + "\n");
    };

    auto api = [state, token, started, &shutdown](const httplib::Request &req, httplib::Response &res) {
        const HeaderCheck check = check_headers(req, token);
        const Endpoint endpoint = endpoint_of(req, nullptr);
        const Arrival arrival = state->arrive(describe_request(req, check, started), endpoint);
        if (arrival.latency.count() > 0) shutdown.sleep_for(arrival.latency);

        const Answer normal = normal_answer(req, check, *arrival.roster);
        if (arrival.fault && answer_with_fault(*arrival.fault, endpoint, req, res, normal, shutdown)) return;
        answer_json(res, normal.status, normal.body);
    };

    // PagerDuty serves the Events API from its own host, which takes no API
    // key: the routing key in the event says where it goes.
    auto enqueue = [state, routing_keys, started, &shutdown](const httplib::Request &req, httplib::Response &res) {
        const Json doc = Json::parse(req.body, nullptr, false);
        const Json recorded = doc.is_discarded() ? Json(req.body) : doc;
        const EventCheck check = check_event(doc, routing_keys);
        const Arrival arrival = state->arrive(describe_request(req, HeaderCheck{}, started, &recorded), Endpoint::events,
                                              check.event ? &*check.event : nullptr);
        if (arrival.latency.count() > 0) shutdown.sleep_for(arrival.latency);

        const Answer normal = event_answer(check);
        if (arrival.fault && answer_with_fault(*arrival.fault, Endpoint::events, req, res, normal, shutdown)) return;
        answer_json(res, normal.status, normal.body);
    };
    server.Post("/v2/enqueue", enqueue);

    const char control_pattern[] = "/_standin/.*";
    const char api_pattern[] = ".*";
    server.Get(control_pattern, unknown_control);
    server.Post(control_pattern, unknown_control);
    server.Put(control_pattern, unknown_control);
    server.Patch(control_pattern, unknown_control);
    server.Delete(control_pattern, unknown_control);
    server.Options(control_pattern, unknown_control);
    server.Get(api_pattern, api);
    server.Post(api_pattern, api);
    server.Put(api_pattern, api);
    server.Patch(api_pattern, api);
    server.Delete(api_pattern, api);
    server.Options(api_pattern, api);
}

}  // namespace standin
