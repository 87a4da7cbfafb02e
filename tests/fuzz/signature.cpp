// X-Twilio-Signature is the only thing between the Internet and placing
// calls, and every part of it (URL, headers, parameters) is the caller's.
// Input: the URL on the first line, the header on the second (after a tab
// on it, X-Twilio-Webhooks-Signature-Settings), the rest a form body.
#include <cstddef>
#include <cstdint>

#include "core/form.hpp"
#include "core/limits.hpp"
#include "support.hpp"
#include "twilio/signature.hpp"
#include "twilio/signature_url.hpp"

using namespace pdcf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view text = fuzz::as_text(data, size);
    std::size_t first = text.find('\n');
    std::size_t second = first == std::string_view::npos ? first : text.find('\n', first + 1);
    std::string_view url = text.substr(0, first);
    std::string_view line = first == std::string_view::npos ? "" : text.substr(first + 1, second - first - 1);
    std::string_view body = second == std::string_view::npos ? "" : text.substr(second + 1);
    // A body that does not decode is refused before the signature is
    // checked; what it did decode is still worth signing here.
    Params params = form_decode(body).value_or({});

    std::size_t tab = line.find('\t');
    std::string_view header = line.substr(0, tab);
    std::string_view settings = tab == std::string_view::npos ? "" : line.substr(tab + 1);

    const SignatureKeys keys{{"12345", "", "secondary-token"}, {"", "shared-key"}};
    SignatureCheck check = signature_check(url, params, header, settings, keys);
    if (header.empty()) fuzz::require(check == SignatureCheck::missing);
    if (header.size() > limits::max_signature_header) fuzz::require(check == SignatureCheck::malformed);
    if (!header.empty() && header.size() <= limits::max_signature_header &&
        settings.size() > limits::max_signature_settings)
        fuzz::require(check == SignatureCheck::malformed_settings);
    auto algorithm = signature_settings_algorithm(settings);

    // Accepted only if some URL variant and some key really sign it: the
    // Auth Tokens with HMAC-SHA1 without the settings header, the shared
    // key with the algorithm it names with it.  Six forms at most
    // (twilio-node's), each once.
    std::vector<std::string> variants = signature_url_variants(url);
    fuzz::require(!variants.empty() && variants.size() <= 6);
    for (std::size_t i = 0; i < variants.size(); ++i)
        for (std::size_t j = i + 1; j < variants.size(); ++j) fuzz::require(variants[i] != variants[j]);
    // Normalising is idempotent, as `new URL(u).toString()` is.
    if (auto normalised = signature_url_normalised(url)) fuzz::require(signature_url_normalised(*normalised) == normalised);
    if (check == SignatureCheck::valid) {
        fuzz::require(algorithm.has_value());
        std::vector<const char *> secrets = {"12345", "secondary-token"};
        if (!settings.empty()) secrets = {"shared-key"};
        SignatureAlgorithm a = settings.empty() ? SignatureAlgorithm::hmac_sha1 : *algorithm;
        bool signs = false;
        for (const auto &v : variants)
            for (const char *t : secrets) signs = signs || signature_compute(v, params, t, a) == header;
        fuzz::require(signs);
    }

    // What Twilio would send for exactly this URL is always accepted, by
    // the second token too (rotation), and by the shared key when the
    // settings header says so; neither key is taken for the other.
    std::string own = signature_compute(url, params, "secondary-token");
    fuzz::require(own.size() == 28);
    fuzz::require(signature_check(url, params, own, "", keys) == SignatureCheck::valid);
    const char *sha256_settings = "key=webhooks_sharedkey_01,algorithm=HMAC_SHA256";
    std::string shared = signature_compute(url, params, "shared-key", SignatureAlgorithm::hmac_sha256);
    fuzz::require(shared.size() == 44);
    fuzz::require(signature_check(url, params, shared, sha256_settings, keys) == SignatureCheck::valid);
    fuzz::require(signature_check(url, params, shared, "", keys) != SignatureCheck::valid);
    fuzz::require(signature_check(url, params, own, sha256_settings, keys) != SignatureCheck::valid);
    bool url_is_variant = false;
    for (const auto &v : variants) url_is_variant = url_is_variant || v == url;
    fuzz::require(url_is_variant);
    // No key never accepts anything.
    fuzz::require(signature_check(url, params, own, "", {{}, {}}) != SignatureCheck::valid);
    fuzz::require(signature_check(url, params, own, "", {{""}, {"shared-key"}}) != SignatureCheck::valid);
    fuzz::require(signature_check(url, params, shared, sha256_settings, {{"shared-key"}, {""}}) != SignatureCheck::valid);
    return 0;
}
