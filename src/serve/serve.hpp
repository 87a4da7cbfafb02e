// The edges where requests come in: one CGI request from the environment
// and stdin, or libfcgi's accept loop on fd 0 (spawn-fcgi, mod_fcgid and
// systemd socket activation all hand the listening socket over as fd 0).
#pragma once

#include "serve/handler.hpp"

namespace pdcf {

// Serves the one request of a CGI run; returns the exit status.
int serve_cgi(const Context &context);

// Serves FastCGI requests until the listening socket fails.
int serve_fastcgi(const Context &context);

}  // namespace pdcf
