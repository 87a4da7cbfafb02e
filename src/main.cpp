// pd-call-forward: start-up.  Reads the options and the configuration
// once, then serves as CGI or FastCGI, whichever the web server started,
// or runs one of the operator's commands.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <malloc.h>
#include <memory>
#include <thread>

#include <fcgiapp.h>

#include "alerts/alert_desk.hpp"
#include "alerts/flusher.hpp"
#include "alerts/spool.hpp"
#include "commands/check.hpp"
#include "commands/options.hpp"
#include "commands/test_call.hpp"
#include "config/config.hpp"
#include "core/escape.hpp"
#include "core/own_dir.hpp"
#include "pagerduty/http_client.hpp"
#include "pagerduty/sources.hpp"
#include "serve/handler.hpp"
#include "serve/serve.hpp"

using namespace pdcf;

namespace {

// --flush: every alert that is due, each with the whole [pagerduty]
// timeout.  Run by the systemd timer or cron every minute, it also sends
// the held alerts that fall due while no request comes (CGI has no
// process that stays).  Exits 1 when an alert failed or time ran out, not
// for one that is simply not due yet.
int flush_all(const Spool &spool, const Post &post, const Clock &clock, std::chrono::milliseconds timeout)
{
    constexpr std::chrono::minutes whole_run{5};
    // Two runs side by side (a slow run and the next minute's timer, an
    // operator and the timer) would each try what the other just failed.
    SpoolLock lock = spool.lock_flush();
    if (!lock) {
        std::printf("nothing done: another process is sending what waits in %s; it sends what is due\n",
                    spool.dir().c_str());
        return 0;
    }
    spool.sweep_claims();
    Spool::Flushed f = spool.flush(
        [&](const std::string &event, TimePoint overall) {
            auto sleep = [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); };
            return events_send(post, sleep, clock, event, std::min(overall, clock() + timeout));
        },
        clock, clock() + whole_run, flush_rules(spool, retry_pause_seconds));
    std::fputs(flush_report(f, "").c_str(), stdout);
    std::printf("%d sent, %d rejected, %d still waiting in %s/pending\n", f.sent, f.rejected,
                f.failed + f.left + f.waiting, spool.dir().c_str());
    if (f.held > 0)
        std::printf("%d held in %s/held until their call's last request or transcription may have come\n", f.held,
                    spool.dir().c_str());
    return f.failed + f.left == 0 ? 0 : 1;
}

// The entries of spool_dir and cache_dir left unread since the last call,
// as log lines.
std::string ignored_entries_log()
{
    std::string out;
    for (const auto &note : own_dir_take_notes()) out += "pd-call-forward: warning: " + note + "\n";
    return out;
}

}  // namespace

int main(int argc, char **argv)
{
    auto parsed = options_parse(argc, argv);
    if (!parsed) {
        std::fprintf(stderr, "pd-call-forward: %s\n%s", parsed.error().c_str(), options_usage().c_str());
        return 2;
    }
    const Options &opts = *parsed;
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
    // A worker lives for days, and its lookups run in short-lived threads,
    // each with a malloc arena of its own.  glibc raises its mmap threshold
    // each time a large block is freed, so a large PagerDuty answer soon
    // lands in an arena instead, whose top is kept rather than given back:
    // a worker grew by a megabyte at a time and never shrank.  Fixed
    // thresholds send every large block straight back to the system.
    constexpr int give_back_above = 128 * 1024;  // glibc's own starting value
    mallopt(M_MMAP_THRESHOLD, give_back_above);
    mallopt(M_TRIM_THRESHOLD, give_back_above);

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
    const PagerDutySettings &pd = config.config.pagerduty;
    // The spool and the cache are made now, so a problem with either is
    // said at start (and by --check), not when a caller needs them.
    Spool spool(pd.spool_dir);
    Cache cache(pd.cache_dir);
    Breaker breaker(pd.cache_dir);
    bool cache_usable = false;
    bool spool_usable = false;
    if (config.ok()) {
        // A directory others can change is refused, and said as an error; the
        // calls are still answered without it.
        auto judge = [&config](const OwnDir &d, const std::string &dir, const std::string &key,
                               const std::string &meanwhile) {
            if (d.usable()) return;
            if (d.verdict == OwnDir::Verdict::unusable)
                config.warnings.push_back({dir, 0, "", key + " is not usable (" + d.problem + "): " + meanwhile});
            else
                (d.verdict == OwnDir::Verdict::unsafe ? config.unsafe : config.warnings)
                    .push_back({dir, 0, "", key + " is refused: " + d.problem + ". Meanwhile " + meanwhile});
        };
        OwnDir s, c;
        spool_usable = bool(spool.prepare(&s));
        judge(s, pd.spool_dir, "[pagerduty] spool_dir", "an alert PagerDuty cannot take at once will be lost");
        cache_usable = bool(cache.prepare(&c));
        judge(c, pd.cache_dir, "[pagerduty] cache_dir",
              "every call asks PagerDuty, and no last-known on-call stands in when it fails");
    }
    std::string startup_log;
    for (const auto &w : config.warnings) startup_log += "pd-call-forward: warning: " + display_text(w.str()) + "\n";
    for (const auto &e : config.unsafe) startup_log += "pd-call-forward: error: " + display_text(e.str()) + "\n";
    for (const auto &e : config.errors) startup_log += "pd-call-forward: config error: " + display_text(e.str()) + "\n";
    if (opts.command != Command::check) std::fputs(startup_log.c_str(), stderr);

    std::unique_ptr<ClientPool> rest;
    std::unique_ptr<HttpClient> events;
    if (config.ok()) {
        rest = std::make_unique<ClientPool>(pd);
        events = events_client(pd);
    }
    Clock clock = [] { return std::chrono::steady_clock::now(); };
    Post post = [&](const std::string &body, TimePoint deadline) { return events->post("", body, deadline); };
    Sleep sleep = [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); };

    Context ctx;
    ctx.config = &config;
    ctx.clock = clock;
    ctx.epoch_seconds = [] { return static_cast<long long>(std::time(nullptr)); };
    ctx.epoch_micros = [] {
        using namespace std::chrono;
        return static_cast<long long>(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
    };
    ctx.startup_log = startup_log;
    if (rest) {
        ctx.pagerduty = [&](const std::string &path, TimePoint deadline) { return rest->get(path, deadline); };
        ctx.sources = [&, cache_usable](TimePoint deadline, CacheMode mode) {
            SourceSettings settings{&pd, cache_usable ? &cache : nullptr, cache_usable ? &breaker : nullptr, clock,
                                    ctx.epoch_seconds, ctx.epoch_micros};
            return cached_sources(settings, retrying_fetch(ctx.pagerduty, clock, deadline), deadline, mode);
        };
        ctx.alerts = alerts_via(spool, post, sleep, clock);
    }
    // Spooled alerts go out after the answer, never before it.
    std::unique_ptr<SpoolFlusher> flusher;
    if (rest && serving && !cgi) {
        flusher = std::make_unique<SpoolFlusher>(spool, pd);
        // An alert this request held or spooled gets the thread's timer even
        // if no other request comes.
        auto deliver = ctx.alerts.deliver;
        ctx.alerts.deliver = [deliver, &flusher](const Alert &alert, TimePoint deadline) {
            flusher->expect();
            return deliver(alert, deadline);
        };
        auto hold = ctx.alerts.hold;
        ctx.alerts.hold = [hold, &flusher](const Alert &alert, long seconds, TimePoint deadline) {
            flusher->expect();
            return hold(alert, seconds, deadline);
        };
        ctx.after_response = [&](bool from_twilio) {
            if (from_twilio) flusher->nudge();
            return flusher->take_log() + ignored_entries_log();
        };
    } else if (rest && cgi) {
        // A request leaves a process to send what is due, and a held alert
        // when it falls due, so a site without the flush timer still pages
        // a missed call (best effort: the timer is what the README asks
        // for).  One such process per spool at a time.
        ctx.after_response = [&](bool from_twilio) {
            if (from_twilio) flush_spool_detached(spool, pd);
            return ignored_entries_log();
        };
    }

    switch (opts.command) {
    case Command::check: return check_run(ctx, stdout);
    case Command::test_call: {
        if (!config.ok()) return 1;
        int status = test_call_run(ctx, opts.test_to, opts.test_from, stdout, stderr);
        std::fputs(ignored_entries_log().c_str(), stderr);
        return status;
    }
    case Command::flush: {
        if (!config.ok() || !spool_usable) return 1;
        int status = flush_all(spool, post, clock, pd.timeout);
        std::fputs(ignored_entries_log().c_str(), stderr);
        return status;
    }
    case Command::serve: break;
    }
    return cgi ? serve_cgi(ctx) : serve_fastcgi(ctx);
}
