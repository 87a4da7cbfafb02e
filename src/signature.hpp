// X-Twilio-Signature (Twilio, "Webhooks security": HMAC-SHA1 over the URL
// followed by the sorted POST parameters, Base64-encoded).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "form.hpp"

namespace pdcf {

// The signature Twilio would send for `url` and the POST parameters.
// Each name counts once with each of its distinct values, names and then
// values sorted in byte order, as both official SDKs compute it
// (twilio-python `sorted(set(values))`, twilio-node
// `Array.from(new Set(values)).sort()`).
std::string signature_compute(std::string_view url, const Params &post_params, std::string_view auth_token);

enum class SignatureCheck { valid, missing, malformed, mismatch };

// Checks `header` against every URL twilio-node accepts
// (signature_url.hpp) and every token, comparing in constant time.  An
// empty token is never used.
SignatureCheck signature_check(std::string_view url, const Params &post_params, std::string_view header,
                               const std::vector<std::string> &auth_tokens);

const char *to_string(SignatureCheck c);

}  // namespace pdcf
