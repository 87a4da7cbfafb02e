// What a request came to, as its log line says (outcome=...).  One list:
// the man page's DIAGNOSTICS names the same words in the same order, and a
// test holds the two together.
#pragma once

#include <array>
#include <iosfwd>

namespace pdcf {

enum class Outcome {
    none,         // not decided yet: the log line leaves it out
    dial,         // an on-call was dialed
    menu,         // a menu's prompt was said, or said again
    reason,       // the caller is asked why they call (ask_reason)
    fallback,     // fallback_number was dialed
    voicemail,    // the caller is asked for a message
    unavailable,  // the message was said; for a text, nobody could be texted
    blocked,      // the caller or sender is in block_callers
    refused,      // not in allow_callers, or withheld: rejected_message
    limited,      // past caller_limit calls in repeat_window: rejected_message
    forwarded,    // a text went to the people on call
    unrouted,     // a text to a menu named no choice, and the default is voicemail
    answered,     // the call was answered
    gone,         // the caller hung up first
    screen,       // the engineer's leg hears who calls
    accepted,     // the engineer pressed 1
    declined,     // ... or did not
    passed,       // ... or pressed 2 to pass the call on
    recorded,     // the caller left a message
    alert,        // a callback that raised (or completed) an alert
    ignored,      // a callback with nothing to do, or a text from a line's own number
    rejected,     // a 4xx answer
    error,        // the configuration is broken
    ok,           // /health
};

// Every outcome a log line can show, in the man page's order.
constexpr std::array<Outcome, 23> logged_outcomes = {
    Outcome::dial,     Outcome::menu,     Outcome::reason,   Outcome::fallback, Outcome::voicemail, Outcome::unavailable,
    Outcome::blocked,  Outcome::refused,  Outcome::limited,  Outcome::forwarded, Outcome::unrouted, Outcome::answered,
    Outcome::gone,     Outcome::screen,   Outcome::accepted, Outcome::declined,  Outcome::passed,
    Outcome::recorded, Outcome::alert,    Outcome::ignored,  Outcome::rejected,  Outcome::error,
    Outcome::ok};

// "dial", "menu"...; "" for none.
const char *to_string(Outcome outcome);

std::ostream &operator<<(std::ostream &out, Outcome outcome);

}  // namespace pdcf
