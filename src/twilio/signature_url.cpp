#include "twilio/signature_url.hpp"

#include <algorithm>
#include <map>

#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "core/form.hpp"

namespace pdcf {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }


// A URL cut as twilio-node's splitUrl cuts it, without normalising:
// /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i, the user info up to the last '@'
// of the authority, the port from the first ':' after an IPv6 literal.
struct UrlParts {
    std::string_view scheme;     // "https://", as written
    std::string_view user_info;  // "user:pass@" or ""
    std::string_view host;
    std::string_view port;       // ":8443" or ""
    std::string_view rest;       // path, query and fragment
};

std::optional<UrlParts> split_url(std::string_view url)
{
    if (url.empty() || !is_alpha(url[0])) return std::nullopt;
    std::size_t i = 1;
    while (i < url.size() && (is_alpha(url[i]) || is_ascii_digit(url[i]) || url[i] == '+' || url[i] == '.' || url[i] == '-'))
        ++i;
    if (url.substr(i, 3) != "://") return std::nullopt;
    std::size_t start = i + 3;
    std::size_t end = std::min(url.find_first_of("/?#", start), url.size());
    std::string_view authority = url.substr(start, end - start);
    UrlParts p;
    p.scheme = url.substr(0, start);
    std::size_t at = authority.rfind('@');
    p.user_info = at == std::string_view::npos ? std::string_view{} : authority.substr(0, at + 1);
    std::string_view host_port = authority.substr(p.user_info.size());
    std::size_t bracket = host_port.rfind(']');
    std::size_t colon = host_port.find(':', bracket == std::string_view::npos ? 0 : bracket + 1);
    p.host = host_port.substr(0, colon);
    p.port = colon == std::string_view::npos ? std::string_view{} : host_port.substr(colon);
    p.rest = url.substr(end);
    return p;
}

std::string without_port(std::string_view url)
{
    auto p = split_url(url);
    if (!p) return std::string(url);
    return std::string(p->scheme) + std::string(p->user_info) + std::string(p->host) + std::string(p->rest);
}

std::string with_port(std::string_view url)
{
    auto p = split_url(url);
    if (!p || !p->port.empty()) return std::string(url);
    const char *port = ascii_iequal(p->scheme, "https://") ? ":443" : ":80";
    return std::string(p->scheme) + std::string(p->user_info) + std::string(p->host) + port + std::string(p->rest);
}

// Percent-encodes what the WHATWG URL standard's percent-encode sets hold:
// every set has the C0 controls, space and everything above '~'; `extra`
// names the rest of one set.
std::string percent_encode(std::string_view s, const char *extra)
{
    return percent_encode_if(s, [extra](unsigned char c) {
        return c <= 0x20 || c >= 0x7F || std::string_view(extra).find(static_cast<char>(c)) != std::string_view::npos;
    });
}

// The WHATWG sets beyond the common part: path, special-query (http and
// https), fragment.
constexpr const char *path_set = "\"#<>?`{}";
constexpr const char *query_set = "\"#<>'";
constexpr const char *fragment_set = "\"<>`";

// Node's querystring.escape: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( )
// is percent-encoded.  Wider than url_component (escape.hpp), which
// encodes ! * ' ( ) as RFC 3986 asks.
std::string querystring_escape(std::string_view s)
{
    return percent_encode_if(s, [](unsigned char c) {
        return !(is_alpha(static_cast<char>(c)) || is_ascii_digit(static_cast<char>(c)) ||
                 std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos);
    });
}

// A JavaScript array index ("0", "17", up to 2^32 - 2): an object lists
// such keys first, in numeric order, whatever order they came in.
bool is_array_index(const std::string &s)
{
    if (s.empty() || s.size() > 10 || !std::all_of(s.begin(), s.end(), is_ascii_digit)) return false;
    if (s.size() > 1 && s[0] == '0') return false;
    return std::stoull(s) <= 4294967294ULL;
}

}  // namespace

std::optional<std::string> signature_url_normalised(std::string_view url)
{
    // The standard drops leading and trailing C0 controls and spaces, and
    // every tab and newline.
    while (!url.empty() && static_cast<unsigned char>(url.front()) <= 0x20) url.remove_prefix(1);
    while (!url.empty() && static_cast<unsigned char>(url.back()) <= 0x20) url.remove_suffix(1);
    std::string input;
    for (char c : url)
        if (c != '\t' && c != '\n' && c != '\r') input += c;

    std::size_t sep = input.find("://");
    if (sep == std::string::npos) return std::nullopt;
    std::string scheme = ascii_lower(std::string_view(input).substr(0, sep));
    if (scheme != "http" && scheme != "https") return std::nullopt;
    std::string_view rest = std::string_view(input).substr(sep + 3);
    std::size_t authority_end = std::min(rest.find_first_of("/\\?#"), rest.size());
    std::string_view authority = rest.substr(0, authority_end);
    rest.remove_prefix(authority_end);

    std::size_t at = authority.rfind('@');
    std::string_view user_info = at == std::string_view::npos ? std::string_view{} : authority.substr(0, at + 1);
    std::string_view host_port = authority.substr(user_info.size());
    std::size_t colon = host_port.find(':', host_port.empty() || host_port[0] != '[' ? 0 : host_port.find(']'));
    std::string host = ascii_lower(host_port.substr(0, colon));
    if (host.empty()) return std::nullopt;
    std::string port;
    if (colon != std::string_view::npos) {
        std::string_view digits = host_port.substr(colon + 1);
        if (!std::all_of(digits.begin(), digits.end(), is_ascii_digit)) return std::nullopt;
        while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
        if (digits.size() > 5 || (!digits.empty() && std::stoul(std::string(digits)) > 65535)) return std::nullopt;
        bool default_port = digits == (scheme == "https" ? "443" : "80");
        if (!digits.empty() && !default_port) port = ":" + std::string(digits);
    }

    std::size_t path_end = std::min(rest.find_first_of("?#"), rest.size());
    std::string path(rest.substr(0, path_end));
    std::replace(path.begin(), path.end(), '\\', '/');
    if (path.empty()) path = "/";
    std::string out = scheme + "://" + std::string(user_info) + host + port + percent_encode(path, path_set);
    rest.remove_prefix(path_end);
    std::size_t hash = rest.find('#');
    if (!rest.empty() && rest[0] == '?') out += "?" + percent_encode(rest.substr(1, hash == std::string_view::npos ? hash : hash - 1), query_set);
    if (hash != std::string_view::npos) out += "#" + percent_encode(rest.substr(hash + 1), fragment_set);
    return out;
}

std::optional<std::string> signature_url_legacy(std::string_view url)
{
    // querystring.parse then querystring.stringify of all after the first
    // '?' (a fragment included, as twilio-node does).  Node would turn bytes
    // that are not UTF-8 into U+FFFD; they are kept here: Twilio never
    // sends them, and such a URL only has a legacy form that matches nothing.
    std::size_t q = url.find('?');
    if (q == std::string_view::npos || q + 1 == url.size()) return std::string(url);
    auto form = form_decode(url.substr(q + 1));
    if (!form) return std::nullopt;

    // An object's keys: a repeated name keeps the place of its first
    // occurrence, with its values in order.
    std::vector<std::pair<std::string, std::vector<std::string>>> keys;
    std::map<std::string, std::size_t> index;
    for (auto &p : *form) {
        auto [it, added] = index.emplace(p.name, keys.size());
        if (added) keys.push_back({std::move(p.name), {}});
        keys[it->second].second.push_back(std::move(p.value));
    }
    std::stable_sort(keys.begin(), keys.end(), [](const auto &a, const auto &b) {
        bool ai = is_array_index(a.first), bi = is_array_index(b.first);
        if (ai != bi) return ai;
        return ai && (a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first);
    });

    std::string out(url.substr(0, q + 1));
    bool first = true;
    for (const auto &[name, values] : keys)
        for (const auto &value : values) {
            if (!first) out += '&';
            first = false;
            out += querystring_escape(name) + "=" + querystring_escape(value);
        }
    return out;
}

bool signature_url_find(std::string_view url, const std::function<bool(const std::string &)> &matches)
{
    std::vector<std::string> tried;
    auto is = [&tried, &matches](std::string u) {
        if (std::find(tried.begin(), tried.end(), u) != tried.end()) return false;
        tried.push_back(std::move(u));
        return matches(tried.back());
    };
    if (is(std::string(url)) || is(without_port(url)) || is(with_port(url))) return true;
    auto normalised = signature_url_normalised(url);
    if (!normalised) return false;
    std::string no_port = without_port(*normalised), port = with_port(*normalised);
    if (is(no_port) || is(port)) return true;
    if (auto legacy = signature_url_legacy(no_port); legacy && is(std::move(*legacy))) return true;
    if (auto legacy = signature_url_legacy(port); legacy && is(std::move(*legacy))) return true;
    return false;
}

std::vector<std::string> signature_url_variants(std::string_view url)
{
    std::vector<std::string> out;
    signature_url_find(url, [&out](const std::string &u) {
        out.push_back(u);
        return false;
    });
    return out;
}

}  // namespace pdcf
