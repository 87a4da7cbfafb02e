#include "core/ascii.hpp"

#include <algorithm>
#include <charconv>

namespace pdcf {

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

namespace {

char lower_one(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string ascii_lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower_one);
    return out;
}

bool ascii_iequal(std::string_view a, std::string_view b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower_one(x) == lower_one(y); });
}

std::optional<long long> parse_decimal(std::string_view s, long long low, long long high)
{
    // from_chars takes a '-' but neither '+' nor spaces; a '-' is refused
    // here where no negative number is wanted ("-0" included).
    if (s.empty() || (s.front() == '-' && low >= 0)) return std::nullopt;
    long long n = 0;
    const char *end = s.data() + s.size();
    auto [stop, error] = std::from_chars(s.data(), end, n);
    if (error != std::errc() || stop != end || n < low || n > high) return std::nullopt;
    return n;
}

std::uint64_t fnv1a(std::string_view s)
{
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

}  // namespace pdcf
