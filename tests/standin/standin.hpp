// pd-standin: a PagerDuty REST API v2 and Events API v2 stand-in for the
// end-to-end tests. Declarations shared by its few source files.
#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace standin {

// Ordered so our answers list keys the way PagerDuty's do and extra fields
// a test puts in a roster come out where the test wrote them.
using Json = nlohmann::ordered_json;

namespace limits {

// GET /oncalls paging, as PagerDuty documents it.
constexpr int default_page_limit = 25;
constexpr int max_page_limit = 100;

// Longest fault delay or injected latency; a test asking for more has a typo.
constexpr long long max_delay_ms = 10 * 60 * 1000;

// `hang` without a delay_ms holds the request this long.
constexpr long long default_hang_ms = 60 * 1000;

// The trickle faults without a delay_ms send one byte this often.
constexpr long long default_trickle_ms = 300;

// Requests kept for GET /_standin/requests; beyond it the oldest go, so a
// benchmark cannot grow the stand-in without bound.
constexpr std::size_t max_recorded_requests = 100000;

// Events kept for GET /_standin/events, and alerts for /_standin/alerts;
// beyond it the oldest go, as with requests.
constexpr std::size_t max_recorded_events = 100000;

// Events API v2 field lengths, in characters, as PagerDuty documents them.
constexpr std::size_t max_dedup_key_chars = 255;
constexpr std::size_t max_summary_chars = 1024;

// Largest request body accepted (rosters are the only large ones).
constexpr std::size_t max_body_bytes = 16 * 1024 * 1024;

// Handler threads: faults sleep in them while control requests go on.
constexpr std::size_t handler_threads = 64;

// Requests per kept-alive connection, and its idle time.
constexpr std::size_t keep_alive_max_requests = 100000;
constexpr time_t keep_alive_seconds = 60;

// After SIGTERM, a worker still busy with a connection gets this long before
// we exit without it.
constexpr std::chrono::milliseconds shutdown_grace{700};

// How often shutdown checks on httplib while it winds down.
constexpr std::chrono::milliseconds shutdown_poll{10};

}  // namespace limits

// Bad input from a test (roster, fault, latency); the text goes back to it.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// ---- roster.cpp ------------------------------------------------------------

struct RosterOnCall {
    std::string policy_id;
    std::string user_id;
    std::optional<std::string> schedule_id;  // none: a permanent on-call
    Json body;                               // the Oncall object we serve
};

// Someone on a schedule from `start` until just before `end`.
struct Shift {
    std::string user_id;
    long long start = 0;           // seconds since the epoch
    std::optional<long long> end;  // none: never ends
};

struct Roster {
    int page_size = limits::max_page_limit;
    // The on-calls escalation policies produce, in the roster's order: all
    // GET /oncalls lists.  A schedule no policy uses has none here.
    std::vector<RosterOnCall> oncalls;
    std::map<std::string, Json> contact_methods; // user id -> array we serve
    std::map<std::string, Json> users;           // user id -> the User object we serve
    // id -> the object served by GET /escalation_policies/{id}, /schedules/{id};
    // only those the roster lists exist, and the schedules its on-calls name.
    std::map<std::string, Json> escalation_policies;
    std::map<std::string, Json> schedules;
    // Schedule id -> who is on it when: the roster's own shifts, and those
    // its on-calls imply (a policy's on-call from a schedule means the
    // schedule has that person on shift then).
    std::map<std::string, std::vector<Shift>> shifts;
};

Roster parse_roster(const Json &doc);

// An RFC 3339 date-time (the OpenAPI "date-time" format): seconds since the
// epoch, or nothing when `text` is not one.
std::optional<long long> parse_date_time(const std::string &text);

// The whole GET /schedules/{id}/users answer: `users`, each User once, whose
// shift on `schedule` overlaps [since, until].  The schedule must exist.
Json schedule_users(const Roster &roster, const std::string &schedule, long long since, long long until);

struct OnCallQuery {
    std::vector<std::string> policy_ids;   // escalation_policy_ids[]
    std::vector<std::string> schedule_ids; // schedule_ids[]; "null" = no schedule
    std::vector<std::string> user_ids;     // user_ids[]
    int limit = limits::default_page_limit;
    long long offset = 0;
    bool want_total = false;
    // "If an on-call period overlaps with the range, it will be included in
    // the result.  Defaults to current time."
    long long since = 0;
    long long until = 0;
};

// GET /schedules/{id} with since or until: the Schedule object with its
// final_schedule rendered for [since, until], each entry truncated at the
// bounds (no overflow=true).
Json schedule_rendered(const Roster &roster, const std::string &schedule, long long since, long long until);

// The whole GET /oncalls answer: Pagination fields plus `oncalls`.
Json oncalls_page(const Roster &roster, const OnCallQuery &query);

// ---- fault.cpp -------------------------------------------------------------

enum class FaultKind {
    none,
    server_error,     // 500
    unavailable,      // 503
    rate_limited,     // 429 with rate-limit headers
    rate_limited_bare,// 429 without them
    bad_gateway_rate_limit_headers,  // 502 carrying the rate-limit headers of a 429
    unauthorized,     // 401
    slow,
    hang,
    reset,
    garbage,
    truncated,
    wrong_shape,
    empty,
    // The normal answer, a byte at a time (delay_ms apart): its status line
    // and headers, or, after headers sent at once, its chunked body.  Each
    // byte comes well within any read timeout; only a deadline ends them.
    trickle_headers,
    trickle_chunked,
};

// Which API requests a fault hits; `events` is the Events API's /v2/enqueue.
enum class Endpoint { any, oncalls, contact_methods, escalation_policy, schedule, schedule_users, events };

struct Fault {
    FaultKind kind = FaultKind::none;
    Endpoint path = Endpoint::any;
    std::chrono::milliseconds delay{0};
    unsigned long long remaining = 0;  // requests still to hit; 0 = until cleared
};

Fault parse_fault(const Json &doc);
std::string fault_name(FaultKind kind);
Json fault_to_json(const Fault &fault);

// Whether `fault` is set and hits requests to `endpoint`.
bool fault_applies(const Fault &fault, Endpoint endpoint);

// Whether requests meeting `kind` still get (after any delay) the answer
// PagerDuty would give, so they count as having reached it.
bool passes_through(FaultKind kind);

long long integer_field(const Json &doc, const char *key, long long low, long long high,
                        long long fallback);

enum class Drop { close, reset };

// Ends the connection that carried `req` without a response. Returns false
// when its socket cannot be found (the caller then answers normally).
bool drop_connection(const httplib::Request &req, Drop how);

// Shuts down (without closing) every client connection to `local_port`.
void shut_connections(int local_port);

// Writes `bytes` on the connection that carried `req` one at a time, `pause`
// apart, past httplib (which writes an answer only whole), until they are
// all out, the client has gone, or `sleep` is cut short; then ends the
// connection as Drop::close does.  Returns false when its socket cannot be
// found (the caller then answers normally).
bool trickle_connection(const httplib::Request &req, const std::string &bytes, std::chrono::milliseconds pause,
                        const std::function<bool(std::chrono::milliseconds)> &sleep);

// ---- events.cpp ------------------------------------------------------------

enum class EventAction { trigger, acknowledge, resolve };

// An event PagerDuty would accept.
struct Event {
    Json body;  // as the client sent it
    EventAction action = EventAction::trigger;
    std::string dedup_key;  // the client's, or one we made up for a trigger
};

// What checking a POST /v2/enqueue body found: an event, or the problems
// that make it invalid (one sentence each).
struct EventCheck {
    std::optional<Event> event;
    std::vector<std::string> errors;
};

// `doc` is the parsed body, discarded when it was not JSON. With
// `routing_keys` empty any non-empty routing key is accepted.
EventCheck check_event(const Json &doc, const std::vector<std::string> &routing_keys);

// The accepted events and the alerts they opened; the caller locks.
class EventLog {
public:
    void accept(const Event &event, long long received_ms);
    Json events() const;
    Json alerts() const;
    void clear();

private:
    struct Alert {
        std::string dedup_key;
        Json trigger;  // the event that opened it
        const char *status;
        long long event_count;
    };
    std::deque<Json> events_;
    std::list<Alert> alerts_;  // in first-seen order, for the listing
    std::map<std::string, std::list<Alert>::iterator> alert_by_key_;
};

// ---- server.cpp ------------------------------------------------------------

// Lets sleeping handlers wake at once when the stand-in is told to stop.
class Shutdown {
public:
    void request();
    bool requested() const;
    // Sleeps up to `how_long`; false when cut short by request().
    bool sleep_for(std::chrono::milliseconds how_long);

private:
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool requested_ = false;
};

struct Options {
    std::string token;
    int port = 0;
    std::string roster_file;
    std::string tls_cert;
    std::string tls_key;
    std::vector<std::string> routing_keys;  // none: any routing key will do
    // How long an idle kept-alive connection stays open; a short one tests
    // that a client reconnects when the server has closed it.
    time_t keep_alive_seconds = limits::keep_alive_seconds;
};

void install_routes(httplib::Server &server, const Options &options, Roster initial,
                    Shutdown &shutdown);

}  // namespace standin
