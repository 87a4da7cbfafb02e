#include "twilio/request.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "core/limits.hpp"

namespace pdcf {

namespace {

constexpr std::size_t max_content_length_digits = 18;  // fits in size_t

// A variable's value; one over the limit reads as empty and is named in
// `oversized`, so nothing downstream sees it.
std::string get(const EnvGetter &env, const char *name, std::string &oversized)
{
    const char *v = env(name);
    if (!v) return {};
    std::string_view value(v);
    if (value.size() > limits::max_request_variable) {
        if (oversized.empty()) oversized = name;
        return {};
    }
    return std::string(value);
}

// Reads exactly `n` bytes unless the stream ends first.
std::size_t read_into(const BodyReader &body, std::string &out, std::size_t n)
{
    out.resize(n);
    std::size_t got = 0;
    while (got < n) {
        std::size_t k = body(out.data() + got, n - got);
        if (k == 0) break;
        got += k;
    }
    out.resize(got);
    return got;
}

void drain(const BodyReader &body, std::size_t n)
{
    std::vector<char> buf(16 * 1024);
    while (n > 0) {
        std::size_t k = body(buf.data(), std::min(n, buf.size()));
        if (k == 0) break;
        n -= k;
    }
}

}  // namespace

Request request_read(const EnvGetter &env, const BodyReader &body)
{
    Request r;
    r.method = get(env, "REQUEST_METHOD", r.oversized);
    r.path_info = get(env, "PATH_INFO", r.oversized);
    r.query_string = get(env, "QUERY_STRING", r.oversized);
    r.request_uri = get(env, "REQUEST_URI", r.oversized);
    r.script_name = get(env, "SCRIPT_NAME", r.oversized);
    r.host = get(env, "HTTP_HOST", r.oversized);
    r.server_name = get(env, "SERVER_NAME", r.oversized);
    r.server_port = get(env, "SERVER_PORT", r.oversized);
    r.https = get(env, "HTTPS", r.oversized);
    r.request_scheme = get(env, "REQUEST_SCHEME", r.oversized);
    r.content_type = get(env, "CONTENT_TYPE", r.oversized);
    r.content_length = get(env, "CONTENT_LENGTH", r.oversized);
    r.signature = get(env, "HTTP_X_TWILIO_SIGNATURE", r.oversized);
    r.signature_settings = get(env, "HTTP_X_TWILIO_WEBHOOKS_SIGNATURE_SETTINGS", r.oversized);
    r.remote_addr = get(env, "REMOTE_ADDR", r.oversized);
    r.request_start = get(env, "HTTP_X_REQUEST_START", r.oversized);

    // RFC 3875 section 4.1.2: no CONTENT_LENGTH means no body.
    if (r.content_length.empty()) return r;
    const std::string &cl = r.content_length;
    if (cl.size() > max_content_length_digits ||
        !std::all_of(cl.begin(), cl.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        r.body_status = BodyStatus::bad_length;
        return r;
    }
    std::size_t length = std::stoull(cl);
    if (length > limits::max_body) {
        r.body_status = BodyStatus::too_large;
        drain(body, std::min(length, limits::max_body_drain));
        return r;
    }
    if (read_into(body, r.body, length) < length) r.body_status = BodyStatus::short_read;
    return r;
}

namespace {

// scheme://host[:port] of the request, as Twilio addressed it.
std::string origin_of(const Request &r)
{
    bool https = r.https == "on" || r.https == "ON" || r.https == "1";
    std::string scheme = https ? "https" : (r.request_scheme.empty() ? "http" : r.request_scheme);
    bool default_port = r.server_port.empty() || (scheme == "https" && r.server_port == "443") ||
                        (scheme == "http" && r.server_port == "80");
    std::string host = r.host.empty() ? r.server_name : r.host;
    // Debian's nginx passes HTTP_HOST as $host, which has no port (see its
    // fastcgi_params), so a port the request came in on is put back from
    // SERVER_PORT.  signature_url_variants still tries the URL without it.
    std::size_t ipv6_end = host.rfind(']');
    bool host_has_port = host.find(':', ipv6_end == std::string::npos ? 0 : ipv6_end) != std::string::npos;
    if (!host_has_port && !default_port) host += ":" + r.server_port;
    return scheme + "://" + host;
}

}  // namespace

std::string request_url(const Request &r, const std::string &public_url)
{
    if (!public_url.empty())
        return public_url + r.path_info + (r.query_string.empty() ? "" : "?" + r.query_string);
    // REQUEST_URI is not in RFC 3875 but nginx and Apache both set it;
    // without it the path is put back together from its parts.
    std::string uri = r.request_uri;
    if (uri.empty()) uri = r.script_name + r.path_info + (r.query_string.empty() ? "" : "?" + r.query_string);
    return origin_of(r) + uri;
}

std::string script_url(const Request &r, const std::string &public_url)
{
    return public_url.empty() ? origin_of(r) + r.script_name : public_url;
}

}  // namespace pdcf
