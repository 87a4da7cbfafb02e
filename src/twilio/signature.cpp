#include "twilio/signature.hpp"

#include <algorithm>
#include <cstdint>

#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>

#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "twilio/signature_url.hpp"

namespace pdcf {

namespace {

// The parameters as signed: each (name, value) once, sorted by name and
// then value.  std::string compares bytes as unsigned, which for UTF-8 is
// code point order, twilio-python's.  twilio-node sorts UTF-16 code units,
// which differs only between characters beyond U+FFFF and those from
// U+E000 to U+FFFF in the same place of two names or values; Twilio's
// parameter names are ASCII, so it is left at that.
std::string signed_params(const Params &post_params)
{
    std::vector<const Param *> sorted;
    sorted.reserve(post_params.size());
    for (const auto &p : post_params) sorted.push_back(&p);
    std::sort(sorted.begin(), sorted.end(), [](const Param *a, const Param *b) {
        return a->name != b->name ? a->name < b->name : a->value < b->value;
    });
    sorted.erase(std::unique(sorted.begin(), sorted.end(),
                             [](const Param *a, const Param *b) { return a->name == b->name && a->value == b->value; }),
                 sorted.end());
    std::string data;
    for (const Param *p : sorted) {
        data += p->name;
        data += p->value;
    }
    return data;
}

// Nettle's HMAC: no lookup by name and no library state to set up.
// OpenSSL 3 built its table of algorithm names at the first MAC, a
// millisecond of every CGI call, and looked the MAC up again at each.
std::string hmac_base64(std::string_view key, std::string_view data, SignatureAlgorithm algorithm)
{
    std::uint8_t digest[SHA256_DIGEST_SIZE];
    std::size_t size = 0;
    // An empty key is a key (HMAC pads it); a pointer is passed all the same.
    static const std::uint8_t no_key = 0;
    const auto *k = key.empty() ? &no_key : reinterpret_cast<const std::uint8_t *>(key.data());
    const auto *d = reinterpret_cast<const std::uint8_t *>(data.data());
    if (algorithm == SignatureAlgorithm::hmac_sha256) {
        hmac_sha256_ctx ctx;
        hmac_sha256_set_key(&ctx, key.size(), k);
        hmac_sha256_update(&ctx, data.size(), d);
        size = SHA256_DIGEST_SIZE;
        hmac_sha256_digest(&ctx, size, digest);
    } else {
        hmac_sha1_ctx ctx;
        hmac_sha1_set_key(&ctx, key.size(), k);
        hmac_sha1_update(&ctx, data.size(), d);
        size = SHA1_DIGEST_SIZE;
        hmac_sha1_digest(&ctx, size, digest);
    }
    std::string b64(BASE64_ENCODE_RAW_LENGTH(size), '\0');
    base64_encode_raw(b64.data(), size, digest);
    return b64;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool any_key(const std::vector<std::string> &keys)
{
    return std::any_of(keys.begin(), keys.end(), [](const std::string &k) { return !k.empty(); });
}

}  // namespace

std::string signature_compute(std::string_view url, const Params &post_params, std::string_view key,
                              SignatureAlgorithm algorithm)
{
    return hmac_base64(key, std::string(url) + signed_params(post_params), algorithm);
}

std::optional<SignatureAlgorithm> signature_settings_algorithm(std::string_view settings)
{
    // The first `algorithm=` with a value counts; the name is matched in any
    // case, as twilio-node does.
    std::string_view algorithm;
    for (std::size_t start = 0; start <= settings.size() && algorithm.empty();) {
        std::size_t end = std::min(settings.find(',', start), settings.size());
        std::string_view part = settings.substr(start, end - start);
        std::size_t eq = part.find('=');
        if (eq != std::string_view::npos && trim(part.substr(0, eq)) == "algorithm") algorithm = trim(part.substr(eq + 1));
        start = end + 1;
    }
    if (algorithm.empty() || ascii_iequal(algorithm, "HMAC_SHA1")) return SignatureAlgorithm::hmac_sha1;
    if (ascii_iequal(algorithm, "HMAC_SHA256")) return SignatureAlgorithm::hmac_sha256;
    return std::nullopt;
}

SignatureCheck signature_check(std::string_view url, const Params &post_params, std::string_view header,
                               std::string_view settings, const SignatureKeys &keys)
{
    if (header.empty()) return SignatureCheck::missing;
    if (header.size() > limits::max_signature_header) return SignatureCheck::malformed;
    if (settings.size() > limits::max_signature_settings) return SignatureCheck::malformed_settings;

    // Twilio signs with the Auth Token unless a Webhook Rule matches the
    // URL; then it signs with its Setting's shared key and algorithm and
    // says so in the settings header (twilio-node: "Header present:
    // validates with sharedKeySecret and the header's algorithm").
    SignatureAlgorithm algorithm = SignatureAlgorithm::hmac_sha1;
    const std::vector<std::string> *secrets = &keys.auth_tokens;
    if (!settings.empty()) {
        auto named = signature_settings_algorithm(settings);
        if (!named) return SignatureCheck::unknown_algorithm;
        if (!any_key(keys.shared_keys)) return SignatureCheck::no_shared_key;
        algorithm = *named;
        secrets = &keys.shared_keys;
    } else if (!any_key(keys.auth_tokens)) {
        return SignatureCheck::no_auth_token;
    }

    const std::string params = signed_params(post_params);
    bool valid = signature_url_find(url, [&](const std::string &variant) {
        const std::string data = variant + params;
        for (const auto &secret : *secrets) {
            if (secret.empty()) continue;
            std::string expected = hmac_base64(secret, data, algorithm);
            // Lengths are public (28, or 44 for SHA-256); the bytes are
            // compared in constant time so the answer leaks nothing about
            // them.  Which URL form or key matched tells nothing of a key:
            // the first match ends the search.
            if (expected.size() == header.size() && memeql_sec(expected.data(), header.data(), expected.size()))
                return true;
        }
        return false;
    });
    if (valid) return SignatureCheck::valid;
    return settings.empty() ? SignatureCheck::mismatch : SignatureCheck::shared_key_mismatch;
}

const char *to_string(SignatureCheck c)
{
    switch (c) {
    case SignatureCheck::valid: return "valid";
    case SignatureCheck::missing: return "missing X-Twilio-Signature";
    case SignatureCheck::malformed: return "malformed X-Twilio-Signature";
    case SignatureCheck::mismatch: return "X-Twilio-Signature does not match";
    case SignatureCheck::shared_key_mismatch:
        return "X-Twilio-Signature does not match the shared key (X-Twilio-Webhooks-Signature-Settings); "
               "check [twilio] shared_key against the secret of the Webhook Setting's key at Twilio";
    case SignatureCheck::malformed_settings: return "malformed X-Twilio-Webhooks-Signature-Settings";
    case SignatureCheck::unknown_algorithm:
        return "Twilio signed with an algorithm other than HMAC_SHA1 or HMAC_SHA256 "
               "(X-Twilio-Webhooks-Signature-Settings); set the Webhook Setting's signature algorithm to "
               "HMAC_SHA256 at Twilio";
    case SignatureCheck::no_shared_key:
        return "Twilio signed with a Webhook Setting's shared key (X-Twilio-Webhooks-Signature-Settings); "
               "set [twilio] shared_key_file to that key's secret, or remove the Webhook Rule for this URL at Twilio";
    case SignatureCheck::no_auth_token:
        return "Twilio signed with the Auth Token (no X-Twilio-Webhooks-Signature-Settings) and only shared keys "
               "are set; set [twilio] auth_token_file, or add a Webhook Rule for this URL at Twilio";
    }
    return "?";
}

}  // namespace pdcf
