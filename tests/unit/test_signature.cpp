#include <boost/test/unit_test.hpp>

#include <ostream>

#include "limits.hpp"
#include "signature.hpp"

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
}  // namespace

BOOST_AUTO_TEST_SUITE(signature)

BOOST_AUTO_TEST_CASE(twilio_documentation_vector)
{
    BOOST_TEST(signature_compute("https://example.com/myapp.php?foo=1&bar=2", call_params, "12345") ==
               "L/OH5YylLD5NRKLltdqwSvS0BnU=");
    BOOST_TEST(signature_check("https://example.com/myapp.php?foo=1&bar=2", call_params,
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
    BOOST_TEST(signature_check(python_url, twice, "AYhE0a2ui6PNAEt076/ajEFM6hc=", token) == SignatureCheck::valid);
    Params repeated = {{"Sid", "CA123"}, {"Digits", "5678"}, {"Digits", "1234"}, {"Digits", "5678"}};
    BOOST_TEST(signature_compute(python_url, repeated, "12345") == "PsvQvU7GsapX+M0BLFymKCdJYR8=");
}

BOOST_AUTO_TEST_CASE(port_variants_as_the_sdks_accept)
{
    // The request arrived on :1234 but Twilio signed the URL without it.
    BOOST_TEST(signature_check("https://mycompany.com:1234/myapp.php?foo=1&bar=2", python_params,
                               "RSOYDt4T1cUTdK1PDd93/VVr8B8=", token) == SignatureCheck::valid);
    // Signed with the port kept (http, port 1234).
    BOOST_TEST(signature_check("http://mycompany.com:1234/myapp.php?foo=1&bar=2", python_params,
                               "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", token) == SignatureCheck::valid);
    // Signed with the default port added.
    BOOST_TEST(signature_check(python_url, python_params, "kvajT1Ptam85bY51eRf/AJRuM3w=", token) ==
               SignatureCheck::valid);
    BOOST_TEST(signature_check("http://mycompany.com/myapp.php?foo=1&bar=2", python_params,
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
    BOOST_TEST(signature_check(callback, call_params, "QqPL1mzRVXdHaDv+zh76zhKbiYo=", token) == SignatureCheck::valid);
    // '+' re-encoded as %20, repeated names grouped, integer-like names first.
    const std::string grouped = "https://ops.example.com/v?tried=Ada+(on+call)&b=1&2=x&b=2";
    BOOST_TEST(signature_check(grouped, call_params, "+zwS/nTCpgwkwi8gCWLbYTVYqss=", token) == SignatureCheck::valid);
    BOOST_TEST(signature_check(grouped, call_params, "xCaEAzBoRWY0UduYdmJElKqfPhc=", token) == SignatureCheck::valid);
    // WHATWG-normalised: host in lower case, default port dropped, space and
    // ' in the query percent-encoded; with and without the port.
    const std::string raw = "https://Ops.Example.COM:443/a b?q='x'";
    BOOST_TEST(signature_check(raw, call_params, "UWduJmIUAAwlCy6MExBCXtmI6f0=", token) == SignatureCheck::valid);
    BOOST_TEST(signature_check(raw, call_params, "Y7vtWLz1fjryQpIpzWVBWmzgyf4=", token) == SignatureCheck::valid);
    // The legacy form of another URL is no use.
    BOOST_TEST(signature_check(callback + "&x=1", call_params, "QqPL1mzRVXdHaDv+zh76zhKbiYo=", token) ==
               SignatureCheck::mismatch);
}

BOOST_AUTO_TEST_CASE(wrong_token_fails_and_either_token_works)
{
    const std::string good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    BOOST_TEST(signature_check(python_url, python_params, good, {"54321"}) == SignatureCheck::mismatch);
    BOOST_TEST(signature_check(python_url, python_params, good, {"54321", "12345"}) == SignatureCheck::valid);
    BOOST_TEST(signature_check(python_url, python_params, good, {"", "12345"}) == SignatureCheck::valid);
    BOOST_TEST(signature_check(python_url, python_params, good, {""}) == SignatureCheck::mismatch);
    BOOST_TEST(signature_check(python_url, python_params, good, {}) == SignatureCheck::mismatch);
}

BOOST_AUTO_TEST_CASE(reordered_parameters_still_match)
{
    Params reordered(python_params.rbegin(), python_params.rend());
    BOOST_TEST(signature_check(python_url, reordered, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", token) == SignatureCheck::valid);
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
        BOOST_TEST(signature_check(python_url, p, good, token) == SignatureCheck::mismatch);
    BOOST_TEST(signature_check(python_url + "&baz=3", python_params, good, token) == SignatureCheck::mismatch);
    BOOST_TEST(signature_check("https://mycompany.com/other.php?foo=1&bar=2", python_params, good, token) ==
               SignatureCheck::mismatch);
}

BOOST_AUTO_TEST_CASE(missing_and_malformed_headers)
{
    BOOST_TEST(signature_check(python_url, python_params, std::string(limits::max_signature_header, 'A'), token) ==
               SignatureCheck::mismatch);
    BOOST_TEST(signature_check(python_url, python_params, std::string(limits::max_signature_header + 1, 'A'), token) ==
               SignatureCheck::malformed);
    BOOST_TEST(signature_check(python_url, python_params, "", token) == SignatureCheck::missing);
    BOOST_TEST(signature_check(python_url, python_params, std::string(500, 'A'), token) == SignatureCheck::malformed);
    BOOST_TEST(signature_check(python_url, python_params, "RSOYDt4T1cUTdK1PDd93/VVr8B8", token) ==
               SignatureCheck::mismatch);
}

BOOST_AUTO_TEST_SUITE_END()
