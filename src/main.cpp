// pd-call-forward: start-up.  Reads the options and the configuration
// once, then serves as CGI or FastCGI, whichever the web server started.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <fcgiapp.h>

#include "check.hpp"
#include "config.hpp"
#include "handler.hpp"
#include "http_client.hpp"
#include "options.hpp"
#include "serve.hpp"
#include "test_call.hpp"

using namespace pdcf;

int main(int argc, char **argv)
{
    Options opts = options_parse(argc, argv);
    if (!opts.error.empty()) {
        std::fprintf(stderr, "pd-call-forward: %s\n%s", opts.error.c_str(), options_usage().c_str());
        return 2;
    }
    if (opts.help) {
        std::fputs(options_usage().c_str(), stdout);
        return 0;
    }
    if (opts.version) {
        std::puts("pd-call-forward " PDCF_VERSION);
        return 0;
    }
    // A web server that goes away mid-answer must not kill the worker.
    std::signal(SIGPIPE, SIG_IGN);

    bool serving = opts.command == Command::serve;
    bool cgi = serving && FCGX_IsCGI();
    // RFC 3875 section 4.1.12: every CGI request has REQUEST_METHOD.
    if (cgi && !std::getenv("REQUEST_METHOD")) {
        std::fprintf(stderr,
                     "pd-call-forward: not started by a web server (no REQUEST_METHOD in the environment).\n"
                     "Run it from nginx (spawn-fcgi), Apache (mod_fcgid) or as a CGI program; see --help.\n");
        return 2;
    }

    ConfigResult config = config_load(options_config_path(opts, std::getenv(config_env)));
    std::string startup_log;
    for (const auto &w : config.warnings) startup_log += "pd-call-forward: warning: " + w.str() + "\n";
    for (const auto &e : config.errors) startup_log += "pd-call-forward: config error: " + e.str() + "\n";
    if (opts.command != Command::check) std::fputs(startup_log.c_str(), stderr);

    std::unique_ptr<PagerDutyClient> pagerduty;
    if (config.ok()) pagerduty = std::make_unique<PagerDutyClient>(config.config.pagerduty);

    Context ctx;
    ctx.config = &config;
    ctx.clock = [] { return std::chrono::steady_clock::now(); };
    ctx.startup_log = startup_log;
    if (pagerduty)
        ctx.pagerduty = [&](const std::string &path, TimePoint deadline) { return pagerduty->get(path, deadline); };

    switch (opts.command) {
    case Command::check: return check_run(config, ctx.pagerduty, ctx.clock, stdout);
    case Command::test_call:
        if (!config.ok()) return 1;
        return test_call_run(ctx, opts.test_to, opts.test_from, stdout, stderr);
    case Command::serve: break;
    }
    return cgi ? serve_cgi(ctx) : serve_fastcgi(ctx);
}
