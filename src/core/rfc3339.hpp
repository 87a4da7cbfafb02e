// Date-times as PagerDuty writes them, without the time zone of this
// machine.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pdcf {

// An RFC 3339 date-time as PagerDuty writes them ("2015-03-07T15:28:51-05:00",
// "2026-11-23T08:00:00Z", fractions allowed): seconds since the epoch.
std::optional<long long> parse_rfc3339(std::string_view text);

// Seconds since the epoch as an RFC 3339 date-time in UTC,
// "2026-11-23T08:00:00Z", for PagerDuty's since and until.
std::string format_rfc3339(long long epoch_seconds);

}  // namespace pdcf
