#include "core/outcome.hpp"

#include <ostream>

namespace pdcf {

// Every outcome but none is logged: the last one counts them.
static_assert(logged_outcomes.size() == static_cast<std::size_t>(Outcome::ok));

const char *to_string(Outcome outcome)
{
    switch (outcome) {
    case Outcome::none: return "";
    case Outcome::dial: return "dial";
    case Outcome::menu: return "menu";
    case Outcome::fallback: return "fallback";
    case Outcome::voicemail: return "voicemail";
    case Outcome::unavailable: return "unavailable";
    case Outcome::blocked: return "blocked";
    case Outcome::refused: return "refused";
    case Outcome::forwarded: return "forwarded";
    case Outcome::unrouted: return "unrouted";
    case Outcome::answered: return "answered";
    case Outcome::gone: return "gone";
    case Outcome::screen: return "screen";
    case Outcome::accepted: return "accepted";
    case Outcome::declined: return "declined";
    case Outcome::passed: return "passed";
    case Outcome::limited: return "limited";
    case Outcome::reason: return "reason";
    case Outcome::recorded: return "recorded";
    case Outcome::alert: return "alert";
    case Outcome::ignored: return "ignored";
    case Outcome::rejected: return "rejected";
    case Outcome::error: return "error";
    case Outcome::ok: return "ok";
    }
    return "";
}

std::ostream &operator<<(std::ostream &out, Outcome outcome) { return out << to_string(outcome); }

}  // namespace pdcf
