// One request, read once from the CGI environment (RFC 3875) and body;
// nothing after this reads the environment again.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace pdcf {

enum class BodyStatus {
    ok,
    too_large,   // CONTENT_LENGTH over limits::max_body
    bad_length,  // CONTENT_LENGTH is not 1*digit (RFC 3875 section 4.1.2)
    short_read,  // fewer bytes arrived than CONTENT_LENGTH said
};

struct Request {
    std::string method;
    std::string path_info;     // "" or "/voice", "/health"...
    std::string query_string;  // raw, still encoded
    std::string request_uri;   // raw path and query as the client sent them
    std::string script_name;
    std::string host;          // HTTP_HOST
    std::string server_name;
    std::string server_port;
    std::string https;         // "on" behind TLS (nginx, Apache)
    std::string request_scheme;
    std::string content_type;
    std::string content_length;  // raw, as the server passed it
    std::string signature;       // X-Twilio-Signature
    std::string signature_settings;  // X-Twilio-Webhooks-Signature-Settings, when a shared key signed
    std::string remote_addr;
    std::string request_start;   // X-Request-Start: when the web server took the request
    std::string body;
    BodyStatus body_status = BodyStatus::ok;
    // The first CGI variable over limits::max_request_variable, if any; its
    // value is not kept.
    std::string oversized;
    // Made by the operator (--test-call), not received: no signature to check.
    bool trusted = false;
};

// Returns a variable's value or nullptr (getenv, or FCGX_GetParam).
using EnvGetter = std::function<const char *(const char *name)>;
// Reads up to `n` bytes into `buf`; returns how many, 0 at the end.
using BodyReader = std::function<std::size_t(char *buf, std::size_t n)>;

Request request_read(const EnvGetter &env, const BodyReader &body);

// The URL Twilio signed: `public_url` + PATH_INFO + query when the
// operator set it (the server cannot see the public URL behind a proxy),
// else scheme://HTTP_HOST + REQUEST_URI as the server received them.
std::string request_url(const Request &request, const std::string &public_url);

// The URL of the program itself, the same way: `public_url`, else
// scheme://HTTP_HOST + SCRIPT_NAME.  The call flow's callbacks hang below it.
std::string script_url(const Request &request, const std::string &public_url);

}  // namespace pdcf
