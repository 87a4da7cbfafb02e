// What every handler of a Twilio request shares: decoding and verifying
// the webhook, finding the route a callback names, asking PagerDuty, and
// turning a flow's result into the response and the log line.
#pragma once

#include <optional>
#include <string>

#include "call/context.hpp"
#include "call/flow.hpp"
#include "core/clock.hpp"
#include "core/form.hpp"
#include "core/log.hpp"
#include "twilio/request.hpp"

namespace pdcf {

Response plain_response(int status, std::string body);

// A URL as the log shows it: a caller's number in the query (`from=`)
// masked as the log's own from=, the names of those tried left out; the
// rest byte for byte, since it is shown to find why a signature failed.
std::string url_for_log(const std::string &url);
Response rejected_response(LogRecord &log, int status, const std::string &body, const std::string &reason);

// A request from Twilio, decoded and its signature checked.
struct Webhook {
    Params query;
    Params form;
    bool post = false;
    // Twilio sends its parameters in the body for POST, in the query for GET.
    const Params &twilio() const { return post ? form : query; }
};

// Decodes and verifies; a response when the request must go no further.
[[nodiscard]] std::optional<Response> open_webhook(const Request &req, const Context &ctx, LogRecord &log,
                                                   Webhook &w);

// What a row of the dispatch table (serve/handler.cpp) has done before
// its handler runs, each step including the ones before it.
enum class Needs {
    nothing,  // /health
    webhook,  // a request from Twilio: decoded and its signature checked
    state,    // a callback of the call flow: the call's state read from its URL, its route found
};

// A request prepared for its handler: what its row needs, done once, and
// the one deadline every handler holds PagerDuty and the Events API to:
// [pagerduty] timeout from when the budget starts (X-Request-Start).
struct Prepared {
    const Request &req;
    const Context &ctx;
    LogRecord &log;
    TimePoint deadline;
    Webhook w;        // Needs::webhook and up
    CallState state;  // Needs::state
    Route route;      // Needs::state: the route the state names, or the [call] settings
};

using Handle = Response (*)(Prepared &call);

// Does what `needs` asks for `call`; a response when the request must go
// no further (bad form, bad signature).
[[nodiscard]] std::optional<Response> prepare(Prepared &call, Needs needs);

// The [call] settings as a route of their own, for calls that match no
// route (or whose route went away mid-call): no PagerDuty target.
Route default_route(const Config &cfg);

// The route or menu a callback belongs to: named in its URL when we made
// it; the [call] settings when it is gone.
Route route_named(const Config &cfg, const std::string &name, LogRecord &log);

FlowUrls urls_of(const Request &req, const Context &ctx);

// Asks for the route's on-calls, level by level until `enough`.
Snapshot ask_pagerduty(const Context &ctx, const Route &route, TimePoint deadline, const Enough &enough,
                       LogRecord &log, Medium medium = Medium::voice);

// The flow's answer as a response, its alert delivered, the log filled in.
Response finish(const FlowResult &r, const Context &ctx, TimePoint deadline, LogRecord &log);

long long now_epoch(const Context &ctx);

// A call as it comes in (or, for the status callback, as it was): its route
// or menu by the caller's own route, ?route=, ?menu= or the called number,
// and its state before any dial.  A menu stands in as its own route.
// Outside the line's hours, its after_hours is the route (config/route.hpp).
struct NewCall {
    Route route;
    const Menu *menu = nullptr;
    CallState state;
    std::string problem;     // why no route matched
    bool voicemail = false;  // closed, and after_hours says voicemail: `route`'s own
    // Closed: the line called (its route, or its menu's), whose caller
    // lists are checked before the answering route's own, and whose
    // rejected_message a caller it turns away hears.
    std::optional<Route> closed_line;
    bool keeps_hours = false;  // the line called has after_hours
    std::string note;        // why another route than the line's answers (callers, after_hours), for the log
};
NewCall new_call(const Prepared &call);

// Marks a call to a line that keeps hours with the route or menu that took
// it (or whose voicemail did), for the number's status callback, which may
// come once the hours have changed.
std::string routed_mark(const std::string &name);

// The routes a call to this line may have taken: its own, or its menu's.
std::vector<Route> routes_of(Prepared &call, const NewCall &line);

// The call's place among the caller's calls to `route` within its
// repeat_window (repeats.hpp), written into `state` for a repeat call
// (never for a withheld number, which is counted only); `count`: this call
// is one of them, else it is only looked up.
std::optional<CallerCalls> join_window(Prepared &call, const Route &route, CallState &state, bool count);

// The flow's result as the response, within the call's deadline.
Response done(Prepared &call, const FlowResult &r);

// The call's own alert events (call_alert.hpp), sent once the answer is out
// through the spool, in order: a person waiting to be put through never
// waits for PagerDuty.  `wait`: seconds they are held first (a resolve
// waiting for the recording's link).  A spool that cannot hold them sends
// them now.
void after_answer(Prepared &call, const std::vector<Alert> &events, long wait = 0);

}  // namespace pdcf
