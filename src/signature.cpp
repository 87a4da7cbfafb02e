#include "signature.hpp"

#include <algorithm>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "limits.hpp"
#include "signature_url.hpp"

namespace pdcf {

std::string signature_compute(std::string_view url, const Params &post_params, std::string_view auth_token)
{
    // Each (name, value) once, sorted by name and then value.  std::string
    // compares bytes as unsigned, which for UTF-8 is code point order,
    // twilio-python's.  twilio-node sorts UTF-16 code units, which differs
    // only between a character beyond U+FFFF and one from U+E000 to U+FFFF
    // at the same place of two names or values; Twilio's names are ASCII.
    std::vector<const Param *> sorted;
    sorted.reserve(post_params.size());
    for (const auto &p : post_params) sorted.push_back(&p);
    std::sort(sorted.begin(), sorted.end(), [](const Param *a, const Param *b) {
        return a->name != b->name ? a->name < b->name : a->value < b->value;
    });
    sorted.erase(std::unique(sorted.begin(), sorted.end(),
                             [](const Param *a, const Param *b) { return a->name == b->name && a->value == b->value; }),
                 sorted.end());
    std::string data(url);
    for (const Param *p : sorted) {
        data += p->name;
        data += p->value;
    }

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
         reinterpret_cast<const unsigned char *>(data.data()), data.size(), digest, &digest_len);

    std::string b64(4 * ((digest_len + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(b64.data()), digest, static_cast<int>(digest_len));
    b64.resize(static_cast<std::size_t>(n));
    return b64;
}

SignatureCheck signature_check(std::string_view url, const Params &post_params, std::string_view header,
                               const std::vector<std::string> &auth_tokens)
{
    if (header.empty()) return SignatureCheck::missing;
    if (header.size() > limits::max_signature_header) return SignatureCheck::malformed;
    bool ok = false;
    for (const auto &variant : signature_url_variants(url)) {
        for (const auto &token : auth_tokens) {
            if (token.empty()) continue;
            std::string expected = signature_compute(variant, post_params, token);
            // Lengths are public (always 28); the bytes are compared in
            // constant time so the answer leaks nothing about them.
            if (expected.size() == header.size() && CRYPTO_memcmp(expected.data(), header.data(), expected.size()) == 0)
                ok = true;
        }
    }
    return ok ? SignatureCheck::valid : SignatureCheck::mismatch;
}

const char *to_string(SignatureCheck c)
{
    switch (c) {
    case SignatureCheck::valid: return "valid";
    case SignatureCheck::missing: return "missing X-Twilio-Signature";
    case SignatureCheck::malformed: return "malformed X-Twilio-Signature";
    case SignatureCheck::mismatch: return "X-Twilio-Signature does not match";
    }
    return "?";
}

}  // namespace pdcf
