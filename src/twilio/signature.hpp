// X-Twilio-Signature (Twilio, "Webhooks security": an HMAC over the URL
// followed by the sorted POST parameters, Base64-encoded).  HMAC-SHA1 with
// the Auth Token, unless a Webhook Setting signs with a shared key of its
// own ("Sign webhooks with shared keys", public beta), which Twilio
// announces with X-Twilio-Webhooks-Signature-Settings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/form.hpp"

namespace pdcf {

enum class SignatureAlgorithm { hmac_sha1, hmac_sha256 };

// The signature Twilio would send for `url` and the POST parameters.
// Each name counts once with each of its distinct values, names and then
// values sorted in byte order, as both official SDKs compute it
// (twilio-python `sorted(set(values))`, twilio-node
// `Array.from(new Set(values)).sort()`).
std::string signature_compute(std::string_view url, const Params &post_params, std::string_view key,
                              SignatureAlgorithm algorithm = SignatureAlgorithm::hmac_sha1);

// The algorithm X-Twilio-Webhooks-Signature-Settings names
// (`key=<SharedKey id>,algorithm=HMAC_SHA256`), read as twilio-node's
// getSignatureAlgorithm reads it: no `algorithm=` means HMAC_SHA1.
// nullopt for an algorithm this program does not know.
std::optional<SignatureAlgorithm> signature_settings_algorithm(std::string_view settings);

enum class SignatureCheck {
    valid,
    missing,             // no X-Twilio-Signature
    malformed,           // X-Twilio-Signature over limits::max_signature_header
    mismatch,            // signed, but not with the Auth Token
    shared_key_mismatch, // signed, but not with the shared key
    malformed_settings,  // X-Twilio-Webhooks-Signature-Settings over its limit
    unknown_algorithm,   // ... naming an algorithm we do not know
    no_shared_key,       // ... but no shared key is configured
    no_auth_token,       // signed with the Auth Token, but only shared keys are configured
};

struct SignatureKeys {
    std::vector<std::string> auth_tokens;  // HMAC-SHA1, primary then secondary
    std::vector<std::string> shared_keys;  // a Webhook Setting's SharedKey secrets
};

// Checks `header` against every URL twilio-node accepts
// (signature_url.hpp) and every key, comparing in constant time.  Without
// `settings` the Auth Tokens sign with HMAC-SHA1; with it, the shared keys
// sign with the algorithm it names.  An empty key is never used.
SignatureCheck signature_check(std::string_view url, const Params &post_params, std::string_view header,
                               std::string_view settings, const SignatureKeys &keys);

// The log line's reason: what went wrong and what to change.
const char *to_string(SignatureCheck c);

}  // namespace pdcf
