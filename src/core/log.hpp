// The one log line per request: logfmt (key=value pairs) on stderr, which
// the web server writes to its error log.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/outcome.hpp"

namespace pdcf {

struct LogRecord {
    std::string method;
    std::string path;
    int status = 0;
    Outcome outcome = Outcome::none;
    std::string call_sid;
    std::string message_sid;          // a text's MessageSid
    std::string route;
    std::string from;                 // masked when written
    std::string to;
    std::vector<std::string> dialed;  // masked when written
    std::vector<std::string> texted;  // a text forwarded to these; masked when written
    int level = 0;
    int pd_requests = 0;
    long pd_ms = -1;  // -1: PagerDuty was not asked
    std::string source;   // where the on-calls came from: pagerduty, cache, stale
    long long age = -1;   // of a cached answer, seconds
    long total_ms = 0;
    std::string queued_ms;  // waited in the web server before `ms` began, or "ignored" (X-Request-Start)
    std::string alert;   // what became of the alert raised: sent, spooled, duplicate...
    std::string reason;  // anything unusual
    std::string url;     // the URL checked, when the signature failed
    bool signature_off = false;
    // Not written, for the call history: the caller's CallSid on an
    // engineer's leg, who took the call, and the kind of the alert in
    // `alert` when it does not say (voicemail, missed...).
    std::string parent_call_sid;
    std::string answered_by;
    std::string alert_kind;
    // Not written: the request passed the signature check (or the check is
    // off), so it may leave work behind it (after_response).
    bool from_twilio = false;

    std::string line() const;  // without the trailing newline
};

// A logfmt value: bare when it is plain, else in double quotes, with
// quote, backslash, control and non-ASCII bytes escaped (\n, \t, \xNN), so
// one record is always one line whatever a caller or PagerDuty sent.
std::string logfmt_value(std::string_view s);

// Adds `note` to the notes of a log field (a reason, a problem): "a; b".
void add_note(std::string &notes, std::string_view note);

}  // namespace pdcf
