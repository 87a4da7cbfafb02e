#include "serve/serve.hpp"

#include <cstdio>
#include <cstdlib>

#include <fcgiapp.h>

namespace pdcf {

int serve_cgi(const Context &ctx)
{
    TimePoint start = ctx.clock();
    Request req = request_read([](const char *name) -> const char * { return std::getenv(name); },
                               [](char *buf, std::size_t n) { return std::fread(buf, 1, n, stdin); });
    LogRecord log;
    Response resp = handle(req, ctx, start, log);
    std::string out = response_cgi(resp);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", log.line().c_str());
    // The web server has the whole answer once standard output is closed;
    // only then is time spent on the spool.
    std::fclose(stdout);
    if (ctx.record) std::fputs(ctx.record(log).c_str(), stderr);
    if (ctx.after_response) std::fputs(ctx.after_response(log.from_twilio).c_str(), stderr);
    return 0;
}

namespace {

// Whether the request's input was read to its end: its body, read whole,
// and the empty record after it that ends FCGI_STDIN.  The web server
// sends that record with the body, so looking for it does not wait.  Not
// without a CONTENT_LENGTH: a body streamed to us unbuffered would make
// the look wait on the client.
bool read_to_the_end(const Request &req, FCGX_Stream *in)
{
    if (req.body_status != BodyStatus::ok || req.content_length.empty()) return false;
    char extra;
    return FCGX_GetStr(&extra, 1, in) == 0 && FCGX_HasSeenEOF(in) == EOF;
}

}  // namespace

int serve_fastcgi(const Context &ctx)
{
    if (FCGX_Init() != 0) {
        std::fprintf(stderr, "pd-call-forward: cannot initialise libfcgi\n");
        return 1;
    }
    FCGX_Request fcgi;
    FCGX_InitRequest(&fcgi, 0, 0);
    // spawn-fcgi points a forked program's stderr at /dev/null, so what
    // start-up had to say goes to the web server's log with the first
    // request, and what happens between requests with the next one.
    std::string pending_log = ctx.startup_log;
    while (FCGX_Accept_r(&fcgi) >= 0) {
        TimePoint start = ctx.clock();
        Request req = request_read([&](const char *name) -> const char * { return FCGX_GetParam(name, fcgi.envp); },
                                   [&](char *buf, std::size_t n) -> std::size_t {
                                       int k = FCGX_GetStr(buf, static_cast<int>(n), fcgi.in);
                                       return k > 0 ? static_cast<std::size_t>(k) : 0;
                                   });
        bool read_to_end = read_to_the_end(req, fcgi.in);
        LogRecord log;
        Response resp = handle(req, ctx, start, log);
        std::string out = response_cgi(resp);
        FCGX_PutStr(out.data(), static_cast<int>(out.size()), fcgi.out);
        // FCGI_STDERR: the web server writes it to its error log, next to
        // the request it belongs to.
        pending_log += log.line() + "\n";
        // One FCGI_STDERR record per line: nginx logs each record as one
        // entry.  The last goes out with FCGX_Finish_r.
        for (std::size_t pos = 0, end; pos < pending_log.size(); pos = end + 1) {
            end = pending_log.find('\n', pos);
            FCGX_PutStr(pending_log.data() + pos, static_cast<int>(end - pos + 1), fcgi.err);
            if (end + 1 < pending_log.size()) FCGX_FFlush(fcgi.err);
        }
        pending_log.clear();
        // libfcgi's close waits for the web server to close first (up to
        // 2 s), lest unread input make the kernel reset the connection
        // and the web server lose the answer.  With nothing left unread
        // there is nothing to reset: it closes at once, and the worker
        // takes the next request without a round trip through nginx.  Only
        // when the connection closes: on one the web server keeps open,
        // libfcgi would keep the mark for the next request too.
        if (read_to_end && !fcgi.keepConnection) FCGX_Detach(&fcgi);
        FCGX_Finish_r(&fcgi);
        if (ctx.record) pending_log = ctx.record(log);
        if (ctx.after_response) pending_log += ctx.after_response(log.from_twilio);
    }
    return 0;
}

}  // namespace pdcf
