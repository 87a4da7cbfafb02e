#include "core/phone.hpp"

namespace pdcf {

namespace {
constexpr std::size_t max_e164_digits = 15;
constexpr std::size_t min_e164_digits = 2;
constexpr std::size_t shown_digits = 4;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

bool is_e164(std::string_view s)
{
    if (s.size() < 1 + min_e164_digits || s.size() > 1 + max_e164_digits) return false;
    if (s[0] != '+' || s[1] == '0') return false;
    for (std::size_t i = 1; i < s.size(); ++i)
        if (!is_digit(s[i])) return false;
    return true;
}

std::optional<std::string> e164_from_pagerduty(long long country_code, std::string_view address)
{
    // PagerDuty's schema: country_code is 1..1999.
    if (country_code < 1 || country_code > 1999) return std::nullopt;
    std::string out = "+" + std::to_string(country_code);
    for (char c : address) {
        if (is_digit(c))
            out += c;
        else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.')
            return std::nullopt;  // letters, "+", extensions: not a dialable number
    }
    if (out.size() == std::to_string(country_code).size() + 1) return std::nullopt;
    if (!is_e164(out)) return std::nullopt;
    return out;
}

std::string mask_number(std::string_view s)
{
    if (s == "anonymous" || s.empty()) return s.empty() ? "-" : "anonymous";
    if (!is_e164(s)) return "-";
    std::string out(s);
    for (std::size_t i = 1; i + shown_digits < out.size(); ++i) out[i] = '*';
    return out;
}

}  // namespace pdcf
