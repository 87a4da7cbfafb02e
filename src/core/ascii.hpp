// Text as protocols, PagerDuty and the INI file mean it: ASCII letters and
// decimal digits, whatever the locale says.  Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pdcf {

bool is_ascii_digit(char c);

// `s` with A-Z made a-z; every other byte (UTF-8 too) as it is.
[[nodiscard]] std::string ascii_lower(std::string_view s);

// Whether `a` and `b` are equal, ignoring the case of A-Z.
[[nodiscard]] bool ascii_iequal(std::string_view a, std::string_view b);

// A decimal integer that is the whole of `s` (digits, with a '-' before
// them only when `low` is negative) and lies between `low` and `high`;
// nullopt for anything else, an overflow among them.
[[nodiscard]] std::optional<long long> parse_decimal(std::string_view s, long long low, long long high);

// FNV-1a, 64 bits: a quick hash of bytes for a file name or a table slot,
// the same in every process and build (std::hash need not be).
[[nodiscard]] std::uint64_t fnv1a(std::string_view s);

}  // namespace pdcf
