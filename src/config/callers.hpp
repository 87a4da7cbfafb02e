// Who may reach a line: allow_callers, block_callers and allow_anonymous
// of a route or menu (pd-call-forward.ini(5)).  Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace pdcf {

struct CallerRules {
    std::vector<std::string> allow;  // numbers or prefixes ("+1415555"); empty: everyone
    std::vector<std::string> block;  // numbers or prefixes
    std::optional<bool> allow_anonymous;  // unset: yes, unless `allow` is set
};

enum class CallerVerdict {
    pass,
    blocked,  // in block_callers: the call is rejected unanswered, a text ignored
    refused,  // not allowed: rejected_message, then hang up
};

struct CallerCheck {
    CallerVerdict verdict = CallerVerdict::pass;
    std::string reason;  // why not, for the log
};

// Twilio's From for a caller who withheld the number: "anonymous", empty,
// or one of the numbers Twilio puts there instead (+266696687 spells
// ANONYMOUS on a keypad; +7378742833 RESTRICTED, +2562533 BLOCKED,
// +8656696 UNKNOWN).
bool is_anonymous(std::string_view from);

// block_callers wins over everything; then an anonymous caller passes only
// if allow_anonymous says so; then, when allow_callers is set, only the
// numbers it lists or starts get through.
CallerCheck caller_check(const CallerRules &rules, std::string_view from);

// "+14155550100, +4420 +1628" (commas or spaces between): each a "+" and 1
// to 15 digits.  A failure names the first entry that is not.
Result<std::vector<std::string>> caller_list_parse(std::string_view text);

}  // namespace pdcf
