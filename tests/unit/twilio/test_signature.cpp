#include <boost/test/unit_test.hpp>

#include <ostream>

#include "core/limits.hpp"
#include "twilio/signature.hpp"

using namespace pdcf;

namespace pdcf {
std::ostream &operator<<(std::ostream &os, SignatureCheck c) { return os << to_string(c); }
}  // namespace pdcf

namespace {
const Params call_params = {
    {"CallSid", "CA1234567890ABCDE"}, {"Caller", "+14158675310"}, {"Digits", "1234"},
    {"From", "+14158675310"},         {"To", "+18005551212"},
};
// twilio-python's own test vector (tests/unit/test_request_validator.py).
const Params python_params = {
    {"CallSid", "CA1234567890ABCDE"}, {"Digits", "1234"},       {"From", "+14158675309"},
    {"To", "+18005551212"},           {"Caller", "+14158675309"},
};
const std::string python_url = "https://mycompany.com/myapp.php?foo=1&bar=2";
const std::vector<std::string> token = {"12345"};

// Signed with the Auth Token: no X-Twilio-Webhooks-Signature-Settings.
SignatureCheck check_auth(std::string_view url, const Params &params, std::string_view header,
                          std::vector<std::string> auth_tokens)
{
    return signature_check(url, params, header, "", {std::move(auth_tokens), {}});
}
}  // namespace

BOOST_AUTO_TEST_SUITE(signature)

BOOST_AUTO_TEST_CASE(twilio_documentation_vector)
{
    BOOST_TEST(signature_compute("https://example.com/myapp.php?foo=1&bar=2", call_params, "12345") ==
               "L/OH5YylLD5NRKLltdqwSvS0BnU=");
    BOOST_TEST(check_auth("https://example.com/myapp.php?foo=1&bar=2", call_params,
                               "L/OH5YylLD5NRKLltdqwSvS0BnU=", token) == SignatureCheck::valid);
}

BOOST_AUTO_TEST_CASE(twilio_python_vectors)
{
    BOOST_TEST(signature_compute(python_url, python_params, "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    // Repeated keys: each value, sorted ("Digits" 5678 then 1234 sent).
    Params dup = {{"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Digits", "1234"}};
    BOOST_TEST(signature_compute(python_url, dup, "12345") == "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

BOOST_AUTO_TEST_CASE(a_repeated_value_counts_once)
{
    // Digits=1234&Digits=1234: twilio-python (sorted(set(values))) and
    // twilio-node (new Set(values)) sign each distinct value once; these
    // are the signatures both compute.
    Params twice = {{"Sid", "CA123"}, {"Digits", "1234"}, {"Digits", "1234"}};
    BOOST_TEST(signature_compute(python_url, twice, "12345") == "AYhE0a2ui6PNAEt076/ajEFM6hc=");
    BOOST_TEST(check_auth(python_url, twice, "AYhE0a2ui6PNAEt076/ajEFM6hc=", token) == SignatureCheck::valid);
    Params repeated = {{"Sid", "CA123"}, {"Digits", "5678"}, {"Digits", "1234"}, {"Digits", "5678"}};
    BOOST_TEST(signature_compute(python_url, repeated, "12345") == "PsvQvU7GsapX+M0BLFymKCdJYR8=");
}

BOOST_AUTO_TEST_CASE(port_variants_as_the_sdks_accept)
{
    // The request arrived on :1234 but Twilio signed the URL without it.
    BOOST_TEST(check_auth("https://mycompany.com:1234/myapp.php?foo=1&bar=2", python_params,
                               "RSOYDt4T1cUTdK1PDd93/VVr8B8=", token) == SignatureCheck::valid);
    // Signed with the port kept (http, port 1234).
    BOOST_TEST(check_auth("http://mycompany.com:1234/myapp.php?foo=1&bar=2", python_params,
                               "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", token) == SignatureCheck::valid);
    // Signed with the default port added.
    BOOST_TEST(check_auth(python_url, python_params, "kvajT1Ptam85bY51eRf/AJRuM3w=", token) ==
               SignatureCheck::valid);
    BOOST_TEST(check_auth("http://mycompany.com/myapp.php?foo=1&bar=2", python_params,
                               "0ZXoZLH/DfblKGATFgpif+LLRf4=", token) == SignatureCheck::valid);
}

BOOST_AUTO_TEST_CASE(legacy_and_normalised_urls_as_twilio_node_accepts)
{
    // A hunt's callback as we write it (url_component: ' is %27), signed by
    // twilio-node over its "legacy querystring" form (' kept as is); the
    // signatures are getExpectedTwilioSignature's, and validateRequest
    // accepts each for the URL as received.
    const std::string callback =
        "https://ops.example.com/pd-call-forward/voice/dial-status?route=ops&from=%2B14155559876&tried=Ada%20O%27Brien";
    BOOST_TEST(check_auth(callback, call_params, "QqPL1mzRVXdHaDv+zh76zhKbiYo=", token) == SignatureCheck::valid);
    // '+' re-encoded as %20, repeated names grouped, integer-like names first.
    const std::string grouped = "https://ops.example.com/v?tried=Ada+(on+call)&b=1&2=x&b=2";
    BOOST_TEST(check_auth(grouped, call_params, "+zwS/nTCpgwkwi8gCWLbYTVYqss=", token) == SignatureCheck::valid);
    BOOST_TEST(check_auth(grouped, call_params, "xCaEAzBoRWY0UduYdmJElKqfPhc=", token) == SignatureCheck::valid);
    // WHATWG-normalised: host in lower case, default port dropped, space and
    // ' in the query percent-encoded; with and without the port.
    const std::string raw = "https://Ops.Example.COM:443/a b?q='x'";
    BOOST_TEST(check_auth(raw, call_params, "UWduJmIUAAwlCy6MExBCXtmI6f0=", token) == SignatureCheck::valid);
    BOOST_TEST(check_auth(raw, call_params, "Y7vtWLz1fjryQpIpzWVBWmzgyf4=", token) == SignatureCheck::valid);
    // The legacy form of another URL is no use.
    BOOST_TEST(check_auth(callback + "&x=1", call_params, "QqPL1mzRVXdHaDv+zh76zhKbiYo=", token) ==
               SignatureCheck::mismatch);
}

BOOST_AUTO_TEST_CASE(wrong_token_fails_and_either_token_works)
{
    const std::string good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    BOOST_TEST(check_auth(python_url, python_params, good, {"54321"}) == SignatureCheck::mismatch);
    BOOST_TEST(check_auth(python_url, python_params, good, {"54321", "12345"}) == SignatureCheck::valid);
    BOOST_TEST(check_auth(python_url, python_params, good, {"", "12345"}) == SignatureCheck::valid);
    BOOST_TEST(check_auth(python_url, python_params, good, {""}) == SignatureCheck::no_auth_token);
    BOOST_TEST(check_auth(python_url, python_params, good, {}) == SignatureCheck::no_auth_token);
}

BOOST_AUTO_TEST_CASE(reordered_parameters_still_match)
{
    Params reordered(python_params.rbegin(), python_params.rend());
    BOOST_TEST(check_auth(python_url, reordered, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", token) == SignatureCheck::valid);
}

BOOST_AUTO_TEST_CASE(added_removed_or_changed_parameters_fail)
{
    const std::string good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    Params added = python_params;
    added.push_back({"Extra", "1"});
    Params removed(python_params.begin() + 1, python_params.end());
    Params changed = python_params;
    changed[2].value = "+14158675300";
    Params empty_added = python_params;
    empty_added.push_back({"ForwardedFrom", ""});  // name alone still counts
    for (const auto &p : {added, removed, changed, empty_added})
        BOOST_TEST(check_auth(python_url, p, good, token) == SignatureCheck::mismatch);
    BOOST_TEST(check_auth(python_url + "&baz=3", python_params, good, token) == SignatureCheck::mismatch);
    BOOST_TEST(check_auth("https://mycompany.com/other.php?foo=1&bar=2", python_params, good, token) ==
               SignatureCheck::mismatch);
}

BOOST_AUTO_TEST_CASE(missing_and_malformed_headers)
{
    BOOST_TEST(check_auth(python_url, python_params, std::string(limits::max_signature_header, 'A'), token) ==
               SignatureCheck::mismatch);
    BOOST_TEST(check_auth(python_url, python_params, std::string(limits::max_signature_header + 1, 'A'), token) ==
               SignatureCheck::malformed);
    BOOST_TEST(check_auth(python_url, python_params, "", token) == SignatureCheck::missing);
    BOOST_TEST(check_auth(python_url, python_params, std::string(500, 'A'), token) == SignatureCheck::malformed);
    BOOST_TEST(check_auth(python_url, python_params, "RSOYDt4T1cUTdK1PDd93/VVr8B8", token) ==
               SignatureCheck::mismatch);
}

BOOST_AUTO_TEST_CASE(shared_key_signs_with_the_algorithm_the_header_names)
{
    const std::string url = "https://example.com/myapp.php?foo=1&bar=2";
    // twilio-node 6.3.1: getExpectedTwilioSignature("12345", url, params, "HMAC_SHA256").
    const std::string sha256 = "qMztBq0IANMH/q0K9sCfKQJLylezvRdRzRS647SAVow=";
    BOOST_TEST(signature_compute(url, call_params, "12345", SignatureAlgorithm::hmac_sha256) == sha256);
    const std::string settings = "key=webhooks_sharedkey_01abcdefghijklmnopqrstuvwx,algorithm=HMAC_SHA256";
    const SignatureKeys keys{{"the-auth-token"}, {"12345"}};
    BOOST_TEST(signature_check(url, call_params, sha256, settings, keys) == SignatureCheck::valid);
    // The secondary shared key, for rotation; the port variants as ever.
    BOOST_TEST(signature_check(url, call_params, sha256, settings, {{}, {"new-key", "12345"}}) == SignatureCheck::valid);
    BOOST_TEST(signature_check("https://example.com:443/myapp.php?foo=1&bar=2", call_params, sha256, settings, keys) ==
               SignatureCheck::valid);
    // Without the header the shared key is not used, and with it the Auth
    // Token is not: each signs only what Twilio signs with it.
    BOOST_TEST(signature_check(url, call_params, sha256, "", {{"12345"}, {"12345"}}) == SignatureCheck::mismatch);
    BOOST_TEST(signature_check(url, call_params, "L/OH5YylLD5NRKLltdqwSvS0BnU=", settings, {{"12345"}, {"other"}}) ==
               SignatureCheck::shared_key_mismatch);
    // No algorithm named: HMAC-SHA1, still with the shared key.
    BOOST_TEST(signature_check(url, call_params, "L/OH5YylLD5NRKLltdqwSvS0BnU=", "key=webhooks_sharedkey_01",
                               {{}, {"12345"}}) == SignatureCheck::valid);
}

BOOST_AUTO_TEST_CASE(settings_header_read_as_twilio_node_reads_it)
{
    using A = SignatureAlgorithm;
    BOOST_TEST((signature_settings_algorithm("") == A::hmac_sha1));
    BOOST_TEST((signature_settings_algorithm("key=webhooks_sharedkey_01") == A::hmac_sha1));
    BOOST_TEST((signature_settings_algorithm("key=k,algorithm=") == A::hmac_sha1));
    BOOST_TEST((signature_settings_algorithm("key=k,algorithm=HMAC_SHA1") == A::hmac_sha1));
    BOOST_TEST((signature_settings_algorithm("key=k, algorithm = hmac_sha256 ") == A::hmac_sha256));
    BOOST_TEST((signature_settings_algorithm("algorithm=,algorithm=HMAC_SHA256") == A::hmac_sha256));
    // The name is matched exactly; the first value wins.
    BOOST_TEST((signature_settings_algorithm("Algorithm=HMAC_SHA256") == A::hmac_sha1));
    BOOST_TEST((signature_settings_algorithm("algorithm=HMAC_SHA256,algorithm=HMAC_SHA512") == A::hmac_sha256));
    BOOST_TEST(!signature_settings_algorithm("key=k,algorithm=HMAC_SHA512"));
    BOOST_TEST(!signature_settings_algorithm("algorithm=SHA256"));
}

BOOST_AUTO_TEST_CASE(settings_header_refusals_say_what_to_change)
{
    const std::string sha256 = "qMztBq0IANMH/q0K9sCfKQJLylezvRdRzRS647SAVow=";
    const std::string url = "https://example.com/myapp.php?foo=1&bar=2";
    const std::string settings = "key=webhooks_sharedkey_01,algorithm=HMAC_SHA256";
    SignatureCheck c = signature_check(url, call_params, sha256, settings, {{"12345"}, {}});
    BOOST_TEST(c == SignatureCheck::no_shared_key);
    BOOST_TEST(std::string(to_string(c)).find("set [twilio] shared_key_file to that key's secret") != std::string::npos);
    c = signature_check(url, call_params, sha256, "key=k,algorithm=HMAC_SHA512", {{"12345"}, {"12345"}});
    BOOST_TEST(c == SignatureCheck::unknown_algorithm);
    BOOST_TEST(std::string(to_string(c)).find("signature algorithm to HMAC_SHA256 at Twilio") != std::string::npos);
    c = signature_check(url, call_params, "L/OH5YylLD5NRKLltdqwSvS0BnU=", "", {{}, {"12345"}});
    BOOST_TEST(c == SignatureCheck::no_auth_token);
    BOOST_TEST(std::string(to_string(c)).find("set [twilio] auth_token_file") != std::string::npos);
    const std::string long_settings = "key=k,algorithm=HMAC_SHA256," + std::string(limits::max_signature_settings, 'x');
    BOOST_TEST(signature_check(url, call_params, sha256, long_settings, {{}, {"12345"}}) ==
               SignatureCheck::malformed_settings);
    BOOST_TEST(signature_check(url, call_params, sha256, settings.substr(0, limits::max_signature_settings),
                               {{}, {"12345"}}) == SignatureCheck::valid);
    // A SHA-256 signature fits the header's limit.
    BOOST_TEST(sha256.size() <= limits::max_signature_header);
}

BOOST_AUTO_TEST_SUITE_END()
