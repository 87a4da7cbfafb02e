// From a request to a response: the dispatch table (handler.cpp) and the
// CGI form of the answer.
#pragma once

#include <string>

#include "call/context.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "twilio/request.hpp"

namespace pdcf {

// `start` is when the request arrived; PagerDuty's time budget counts
// from it, or from when the web server took it (X-Request-Start), if
// earlier.  Fills `log` with everything the log line needs.
Response handle(const Request &request, const Context &context, TimePoint start, LogRecord &log);

// The response as CGI/FastCGI output: a Status header, the headers, an
// empty line, the body (RFC 3875 section 6).
std::string response_cgi(const Response &response);

}  // namespace pdcf
