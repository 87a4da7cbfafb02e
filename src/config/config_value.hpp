// Reading and checking single values of the config file; used by the
// parser only.  A check that fails says what it expected.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace pdcf::ini {

std::string_view trim(std::string_view s);

// A value may be written in double quotes to keep leading or trailing
// spaces visible; the quotes are not part of it.
std::string unquote(std::string_view v);

// yes/no, true/false, on/off, 1/0, in any case.
std::optional<bool> parse_bool(std::string_view v);
// Plain digits, up to max_int.
constexpr long max_int = 999'999'999;
[[nodiscard]] std::optional<long> parse_int(std::string_view v);
// "4194304", "512K", "4M", "1G" (binary: K is 1024): bytes, up to 1 TiB.
std::optional<std::size_t> parse_size(std::string_view v);
// "5", "2.5", "0.25": seconds with at most millisecond precision.
std::optional<std::chrono::milliseconds> parse_seconds(std::string_view v);

bool is_name(std::string_view s);           // letters, digits, '-', '_'
bool is_language(std::string_view s);       // letters, digits, '-'
bool is_pagerduty_id(std::string_view s);   // letters and digits
bool has_control(std::string_view s);

// An error if `text` has a {placeholder} not in `allowed`.
Result<void> check_placeholders(std::string_view text, const std::vector<std::string_view> &allowed);

// An error unless `url` is http(s) without query, fragment or user info;
// with `https_only_remote`, plain http is allowed only to a loopback host.
Result<void> check_url(std::string_view url, bool https_only_remote);

// greeting_audio and the other recordings: https only (Twilio fetches it
// at every call), a query allowed (a signed link); empty is none.
Result<void> check_audio_url(std::string_view url);
std::string strip_trailing_slash(std::string s);

}  // namespace pdcf::ini
