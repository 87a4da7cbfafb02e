// Callers who call a line again: the calls from one number to one line
// within repeat_window, counted in a small file per pair under the spool's
// callers/ (shared by every process, as the spool is).  The window is
// fixed from its first call, so a number that calls all day starts a new
// one each window; a withheld number is one caller.  The file is named by
// a hash of the line and the number, and holds the window's start, its
// count, the alert its next call joins, and its first calls.
//
// A window's calls join the alert of the first (its CallSid is their
// dedup_key) until one of them is answered: someone has then spoken with
// the caller, and the alert is acknowledged, where a later voicemail would
// notify nobody; the next call opens an alert of its own, which later
// ones join.
#pragma once

#include <optional>
#include <string>

#include "alerts/alert.hpp"
#include "alerts/spool.hpp"

namespace pdcf {

// The call `call_sid` from `caller` to `line` at `now` (seconds since the
// epoch): the alert it joins (first_call) and its place in the window.
// With `count`, a call the window does not know yet joins it (a new window
// when the last one is over); without, it is only looked up.  A call the
// window knows (a webhook Twilio sends again, the status callback at the
// end) keeps what it was given.  Nothing when the spool is not usable or
// the call is in no window.
std::optional<CallerCalls> caller_calls(const Spool &spool, const std::string &line, const std::string &caller,
                                        const std::string &call_sid, long window, long long now, bool count);

// A call of the window was answered: its next call opens a new alert.
void caller_answered(const Spool &spool, const std::string &line, const std::string &caller);

}  // namespace pdcf
