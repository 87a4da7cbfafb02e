#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "twilio/signature_url.hpp"

using namespace pdcf;

namespace {
// What Node 20 gives for `new URL(url).toString()`, and for
// querystring.stringify(querystring.parse(query)).
std::string normalised(const std::string &url) { return signature_url_normalised(url).value_or("(none)"); }
std::string legacy(const std::string &url) { return signature_url_legacy(url).value_or("(none)"); }
}  // namespace

BOOST_AUTO_TEST_SUITE(signature_url)

BOOST_AUTO_TEST_CASE(port_variants)
{
    auto v = signature_url_variants("https://a.example/x?y=1");
    BOOST_REQUIRE_EQUAL(v.size(), 2u);
    BOOST_TEST(v[0] == "https://a.example/x?y=1");
    BOOST_TEST(v[1] == "https://a.example:443/x?y=1");
    v = signature_url_variants("http://[::1]:8080/x");
    BOOST_TEST(v[0] == "http://[::1]:8080/x");  // as received, first
    BOOST_TEST(v[1] == "http://[::1]/x");
    v = signature_url_variants("http://[::1]/x");
    BOOST_TEST(v[1] == "http://[::1]:80/x");
    // No scheme: only the URL itself.
    v = signature_url_variants("/voice?x=1");
    BOOST_REQUIRE_EQUAL(v.size(), 1u);
    BOOST_TEST(v[0] == "/voice?x=1");
}

BOOST_AUTO_TEST_CASE(every_form_twilio_node_tries_in_its_order)
{
    auto v = signature_url_variants("https://Ops.Example.com:443/p?n=O%27Brien+x&q='");
    std::vector<std::string> expected = {
        "https://Ops.Example.com:443/p?n=O%27Brien+x&q='",  // as received
        "https://Ops.Example.com/p?n=O%27Brien+x&q='",      // as received, port removed
        "https://ops.example.com/p?n=O%27Brien+x&q=%27",    // normalised
        "https://ops.example.com:443/p?n=O%27Brien+x&q=%27",
        "https://ops.example.com/p?n=O'Brien%20x&q='",      // legacy querystring
        "https://ops.example.com:443/p?n=O'Brien%20x&q='",
    };
    BOOST_TEST(v == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_search_ends_at_the_form_that_matches)
{
    const std::string url = "https://Ops.Example.com:443/p?n=O%27Brien+x&q='";
    const auto all = signature_url_variants(url);
    for (std::size_t match = 0; match < all.size(); ++match) {
        std::vector<std::string> asked;
        bool found = signature_url_find(url, [&](const std::string &u) {
            asked.push_back(u);
            return u == all[match];
        });
        BOOST_TEST(found);
        // Each form before it, in order, and none after.
        BOOST_TEST(asked == std::vector<std::string>(all.begin(), all.begin() + match + 1),
                   boost::test_tools::per_element());
    }
    std::size_t asked = 0;
    BOOST_TEST(!signature_url_find(url, [&](const std::string &) { return ++asked, false; }));
    BOOST_TEST(asked == all.size());
}

BOOST_AUTO_TEST_CASE(forms_that_are_the_same_are_tried_once)
{
    for (const char *url : {"https://a.example/x", "https://a.example:8443/x?y=1&z=2", "http://a.example/?%27"}) {
        auto v = signature_url_variants(url);
        auto sorted = v;
        std::sort(sorted.begin(), sorted.end());
        BOOST_TEST((std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()), url);
        BOOST_TEST(v.size() <= 6u);
        BOOST_TEST(std::count(v.begin(), v.end(), url) == 1, url);
    }
}

BOOST_AUTO_TEST_CASE(whatwg_serialisation_as_node)
{
    BOOST_TEST(normalised("https://Ops.Example.COM:443/a b/c\"d`{}?q=a b\"<>'&r=`{}|#fr ag`") ==
               "https://ops.example.com/a%20b/c%22d%60%7B%7D?q=a%20b%22%3C%3E%27&r=`{}|#fr%20ag%60");
    BOOST_TEST(normalised("http://h/p?x=1") == "http://h/p?x=1");
    BOOST_TEST(normalised("https://h?x") == "https://h/?x");
    BOOST_TEST(normalised("https://h:0443/") == "https://h/");
    BOOST_TEST(normalised("https://h:/x") == "https://h/x");
    BOOST_TEST(normalised("http://h:80/x") == "http://h/x");
    BOOST_TEST(normalised("http://h:443/x") == "http://h:443/x");
    BOOST_TEST(normalised("https://h/a\\b") == "https://h/a/b");
    BOOST_TEST(normalised("https://h/%7e?%7e") == "https://h/%7e?%7e");
    BOOST_TEST(normalised("HTTPS://H/x") == "https://h/x");
    BOOST_TEST(normalised(" https://h/x\t\n ") == "https://h/x");
    BOOST_TEST(normalised("https://h/\xC3\xA9?\xC3\xA9") == "https://h/%C3%A9?%C3%A9");
    BOOST_TEST(normalised("https://h/\x7F\x01?\x7F") == "https://h/%7F%01?%7F");
    // Node refuses these: nothing to try.
    BOOST_TEST(normalised("https://h:99999/") == "(none)");
    BOOST_TEST(normalised("https://h:8x/") == "(none)");
    BOOST_TEST(normalised("ftp://h/x") == "(none)");
    BOOST_TEST(normalised("/voice") == "(none)");
}

BOOST_AUTO_TEST_CASE(legacy_querystring_as_node)
{
    BOOST_TEST(legacy("https://h/p?x=%27%21%2A%28%29%7E%20+%2B") == "https://h/p?x='!*()~%20%20%2B");
    BOOST_TEST(legacy("https://h/p?b=1&2=x&a=3&b=2&10=y&01=z&4294967294=m&4294967295=n") ==
               "https://h/p?2=x&10=y&4294967294=m&b=1&b=2&a=3&01=z&4294967295=n");
    BOOST_TEST(legacy("https://h/p?=x") == "https://h/p?=x");
    BOOST_TEST(legacy("https://h/p?a") == "https://h/p?a=");
    BOOST_TEST(legacy("https://h/p?a=1=2") == "https://h/p?a=1%3D2");
    BOOST_TEST(legacy("https://h/p?x=%E2%82%AC") == "https://h/p?x=%E2%82%AC");
    BOOST_TEST(legacy("https://h/p?x=1#f") == "https://h/p?x=1%23f");
    BOOST_TEST(legacy("https://h/p?&&") == "https://h/p?");
    BOOST_TEST(legacy("https://h/p?__proto__=1&constructor=2") == "https://h/p?__proto__=1&constructor=2");
    // No query, or an empty one: unchanged.
    BOOST_TEST(legacy("https://h/p") == "https://h/p");
    BOOST_TEST(legacy("https://h/p?") == "https://h/p?");
    // A query that does not decode (Node would keep "%zz" as "%25zz").
    BOOST_TEST(legacy("https://h/p?a=%zz") == "(none)");
}

BOOST_AUTO_TEST_SUITE_END()
