#include "config/callers.hpp"

#include <algorithm>
#include <cctype>

#include "core/ascii.hpp"
#include "core/limits.hpp"

namespace pdcf {

namespace {

bool listed(const std::vector<std::string> &list, std::string_view from)
{
    return std::any_of(list.begin(), list.end(), [&](const std::string &prefix) {
        return from.size() >= prefix.size() && from.compare(0, prefix.size(), prefix) == 0;
    });
}

}  // namespace

bool is_anonymous(std::string_view from)
{
    static const char *const withheld[] = {"", "anonymous", "restricted", "unknown", "blocked", "private",
                                           "unavailable", "+266696687", "+7378742833", "+2562533", "+8656696"};
    return std::any_of(std::begin(withheld), std::end(withheld), [&](const char *w) { return ascii_iequal(from, w); });
}

CallerCheck caller_check(const CallerRules &rules, std::string_view from)
{
    CallerCheck c;
    if (!from.empty() && listed(rules.block, from)) {
        c.verdict = CallerVerdict::blocked;
        c.reason = "the caller is in block_callers";
    } else if (is_anonymous(from)) {
        if (!rules.allow_anonymous.value_or(rules.allow.empty())) {
            c.verdict = CallerVerdict::refused;
            c.reason = "anonymous caller, and allow_anonymous is off";
        }
    } else if (!rules.allow.empty() && !listed(rules.allow, from)) {
        c.verdict = CallerVerdict::refused;
        c.reason = "the caller is not in allow_callers";
    }
    return c;
}

Result<std::vector<std::string>> caller_list_parse(std::string_view text)
{
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == ',' || text[i] == ' ' || text[i] == '\t') {
            ++i;
            continue;
        }
        std::size_t end = text.find_first_of(", \t", i);
        std::string_view entry = text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        i = end == std::string_view::npos ? text.size() : end;
        bool ok = entry.size() >= 2 && entry.size() <= 16 && entry[0] == '+' &&
                  std::all_of(entry.begin() + 1, entry.end(), is_ascii_digit);
        if (!ok)
            return fail("\"" + std::string(entry) + "\" is not a number or prefix; expected \"+\" and 1 to 15 digits, "
                        "such as +14155550100 or +44");
        if (out.size() == limits::max_caller_list)
            return fail("more than " + std::to_string(limits::max_caller_list) + " numbers");
        out.emplace_back(entry);
    }
    return out;
}

}  // namespace pdcf
