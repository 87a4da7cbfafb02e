#include "config/config_value.hpp"

#include <algorithm>
#include <cctype>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "core/ascii.hpp"
#include "core/limits.hpp"

namespace pdcf::ini {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string unquote(std::string_view v)
{
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 1 - 1);
    return std::string(v);
}

std::optional<bool> parse_bool(std::string_view v)
{
    std::string s = ascii_lower(v);
    if (s == "yes" || s == "true" || s == "on" || s == "1") return true;
    if (s == "no" || s == "false" || s == "off" || s == "0") return false;
    return std::nullopt;
}

std::optional<long> parse_int(std::string_view v)
{
    if (auto n = parse_decimal(v, 0, max_int)) return static_cast<long>(*n);
    return std::nullopt;
}

std::optional<std::size_t> parse_size(std::string_view v)
{
    int shift = 0;
    if (!v.empty()) {
        switch (v.back()) {
        case 'K': case 'k': shift = 10; break;
        case 'M': case 'm': shift = 20; break;
        case 'G': case 'g': shift = 30; break;
        }
        if (shift) v.remove_suffix(1);
    }
    constexpr long long most = 1LL << 40;
    auto n = parse_decimal(v, 0, most >> shift);
    if (!n) return std::nullopt;
    return static_cast<std::size_t>(*n) << shift;
}

std::optional<std::chrono::milliseconds> parse_seconds(std::string_view v)
{
    std::size_t dot = v.find('.');
    auto whole = parse_int(v.substr(0, dot));
    if (!whole) return std::nullopt;
    long ms = *whole * 1000;
    if (dot != std::string_view::npos) {
        std::string_view frac = v.substr(dot + 1);
        if (frac.empty() || frac.size() > 3 || !parse_int(frac)) return std::nullopt;
        std::string padded(frac);
        padded.resize(3, '0');
        ms += *parse_int(padded);
    }
    return std::chrono::milliseconds(ms);
}

namespace {

bool all_of(std::string_view s, bool (*pred)(char))
{
    for (char c : s)
        if (!pred(c)) return false;
    return !s.empty();
}

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// A host that can only be this machine, whatever DNS says: the literal
// addresses of 127.0.0.0/8 (four decimal octets, as inet_pton reads them:
// no "127.1", no octal, no "127.0.0.1.nip.io", which is a name anyone can
// point anywhere), IPv6's ::1 in brackets, and "localhost" (RFC 6761
// section 6.3: resolvers keep it on loopback).  An IPv4-mapped
// [::ffff:127.0.0.1] is refused: nobody needs it, and whether it stays on
// loopback depends on the socket's options.
bool is_loopback_host(std::string_view host)
{
    if (ascii_iequal(host, "localhost")) return true;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        std::string inner(host.substr(1, host.size() - 2));
        in6_addr a6{};
        return inet_pton(AF_INET6, inner.c_str(), &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
    }
    std::string text(host);
    in_addr a4{};
    return inet_pton(AF_INET, text.c_str(), &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

}  // namespace

bool is_name(std::string_view s)
{
    return all_of(s, [](char c) { return is_alnum(c) || c == '-' || c == '_'; });
}
bool is_language(std::string_view s)
{
    return all_of(s, [](char c) { return is_alnum(c) || c == '-'; });
}
bool is_pagerduty_id(std::string_view s) { return all_of(s, is_alnum); }

bool has_control(std::string_view s)
{
    for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
    return false;
}

Result<void> check_placeholders(std::string_view text, const std::vector<std::string_view> &allowed)
{
    for (std::size_t open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
        std::size_t close = text.find('}', open);
        std::string_view name = close == std::string_view::npos ? text.substr(open) : text.substr(open, close - open + 1);
        bool known = false;
        for (auto a : allowed) known = known || name == a;
        if (!known) {
            std::string expected;
            for (std::size_t i = 0; i < allowed.size(); ++i)
                expected += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + std::string(allowed[i]);
            return fail("unknown placeholder " + std::string(name) +
                        (expected.empty() ? " (this text takes no placeholders)" : " (expected " + expected + ")"));
        }
    }
    return {};
}

Result<void> check_url(std::string_view url, bool https_only_remote)
{
    std::string_view rest;
    bool https = false;
    if (url.substr(0, 8) == "https://") {
        https = true;
        rest = url.substr(8);
    } else if (url.substr(0, 7) == "http://") {
        rest = url.substr(7);
    } else {
        return fail("expected a URL starting with https://");
    }
    if (url.find_first_of("?# \t") != std::string_view::npos) return fail("expected a URL without query, fragment or spaces");
    std::string_view authority = rest.substr(0, rest.find('/'));
    if (authority.empty()) return fail("expected a host name after the scheme");
    if (authority.find('@') != std::string_view::npos) return fail("expected a URL without user name or password");
    if (https_only_remote && !https) {
        std::size_t colon = authority.rfind(':');
        std::string_view host = colon == std::string_view::npos || authority.back() == ']' ? authority : authority.substr(0, colon);
        if (!is_loopback_host(host)) return fail("expected https:// (plain http is allowed only to a loopback address)");
    }
    return {};
}

Result<void> check_audio_url(std::string_view url)
{
    if (url.empty()) return {};  // none: the text is said
    const std::string_view rest = url.substr(0, 8) == "https://" ? url.substr(8) : std::string_view{};
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    const bool clean = std::none_of(url.begin(), url.end(), [](char c) {
        return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
    });
    if (authority.empty() || authority.find('@') != std::string_view::npos || !clean ||
        url.size() > limits::max_audio_url)
        return fail("expected an https:// URL of a recording Twilio can fetch (MP3 or WAV), without spaces or a "
                    "password, at most " + std::to_string(limits::max_audio_url) + " bytes; or nothing, to say the text");
    return {};
}

std::string strip_trailing_slash(std::string s)
{
    while (s.size() > 1 && s.back() == '/' && s.substr(s.size() - 3) != "://") s.pop_back();
    return s;
}

}  // namespace pdcf::ini
