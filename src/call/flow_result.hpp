// What each step of a call answers (TwiML, the log's outcome, an alert)
// and the pieces every answer is made of: the callback URLs, the voice,
// the configured texts with their placeholders filled.  Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "alerts/alert.hpp"
#include "config/config.hpp"
#include "core/outcome.hpp"
#include "twilio/call_state.hpp"
#include "twilio/twiml.hpp"

namespace pdcf {

struct FlowResult {
    std::string twiml;
    Outcome outcome = Outcome::none;
    std::string reason;
    std::vector<std::string> dialed;
    int level = 0;
    std::optional<Alert> alert;
    long hold = 0;          // seconds the alert waits for what may still come; 0: it goes now
    bool answered = false;  // someone took the call: no missed-call alert for it
};

// The URL of the program as Twilio reaches it; the callbacks hang below it.
struct FlowUrls {
    std::string script;  // "https://ops.example.com/pd-call-forward"
    std::string of(const std::string &path, const std::string &query) const;
    // A callback carrying where the call stands, within limits::max_callback_url.
    std::string of(const std::string &path, const CallState &state, Numbers numbers) const;
};

Voice voice_of(const CallSettings &call);

// `text` with {title}, {caller} (read digit by digit) and, for `names`,
// {name} and {first_name} filled in; {local_time}, the time the call came
// in where the engineer is (`time_zone`, else the state's, else the
// route's time_zone, else UTC).
std::string say_text(const Route &route, const CallState &st, const std::string &text,
                     const std::vector<std::string> &names = {}, const std::string &time_zone = {});

FlowResult twiml_only(std::string twiml, Outcome outcome);

// An empty <Response>: on a <Dial>'s callee leg, the two calls are joined.
std::string empty_response();

}  // namespace pdcf
