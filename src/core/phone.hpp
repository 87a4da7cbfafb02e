// Phone numbers in E.164 form (ITU-T E.164: "+", country code, national
// number, at most 15 digits).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pdcf {

// True for "+" followed by 2 to 15 digits, the first not 0.
bool is_e164(std::string_view s);

// PagerDuty keeps a phone contact method as an integer country_code plus
// the national number in `address`, which users type with spaces, dashes
// or brackets.  Returns "+" country_code digits-of-address, or nothing if
// that is not a valid E.164 number.
std::optional<std::string> e164_from_pagerduty(long long country_code, std::string_view address);

// For logs: every digit but the last four becomes '*'.  Anything that is
// not E.164 (for example "anonymous") is shown as "-" unless short and
// harmless, since a caller's number is personal data.
std::string mask_number(std::string_view s);

}  // namespace pdcf
