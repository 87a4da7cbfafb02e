// pd-call-forward: start-up.  Reads the options and the configuration
// once, then serves as CGI or FastCGI, whichever the web server started,
// or runs one of the operator's commands.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <malloc.h>
#include <memory>
#include <mutex>
#include <thread>

#include <fcgiapp.h>

#include "alerts/alert_desk.hpp"
#include "alerts/flusher.hpp"
#include "alerts/spool.hpp"
#include "commands/calls.hpp"
#include "commands/check.hpp"
#include "commands/options.hpp"
#include "commands/refresh.hpp"
#include "commands/test_call.hpp"
#include "config/config.hpp"
#include "core/counters.hpp"
#include "core/escape.hpp"
#include "core/journal.hpp"
#include "core/own_dir.hpp"
#include "pagerduty/http_client.hpp"
#include "pagerduty/sources.hpp"
#include "serve/handler.hpp"
#include "serve/history.hpp"
#include "serve/metrics.hpp"
#include "serve/refresher.hpp"
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

void real_sleep(std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); }

// The entries of spool_dir and cache_dir left unread since the last call,
// as log lines.
std::string ignored_entries_log()
{
    std::string out;
    for (const auto &note : own_dir_take_notes()) out += "pd-call-forward: warning: " + note + "\n";
    return out;
}

// What each process keeps for as long as it runs: the Context's
// functions refer to it.
struct Process {
    explicit Process(const PagerDutySettings &pd)
        : spool(pd.spool_dir), cache(pd.cache_dir), breaker(pd.cache_dir), settings(pd)
    {
    }
    Spool spool;
    Cache cache;
    Breaker breaker;
    bool spool_usable = false;
    bool cache_usable = false;
    std::unique_ptr<ClientPool> rest;
    std::unique_ptr<SpoolFlusher> flusher;
    // In spool_dir, shared with every process of it: /metrics' counters
    // and the call history.  Neither without a usable spool_dir.
    Counters counters;
    std::unique_ptr<Journal> history;

    // The Events API, to alerts and --flush.  Its client is made at the
    // first alert, not at start: most requests send none, and making it
    // (OpenSSL's context, the CA bundle) took a third of a CGI call.
    Post post()
    {
        return [this](const std::string &body, TimePoint deadline) {
            {
                // Not std::call_once: with libstdc++, one whose function
                // threw leaves the next call waiting for ever.
                std::lock_guard<std::mutex> lock(events_made);
                if (!events) events = events_client(settings);
            }
            HttpReply r = events->post("", body, deadline);
            count_alert_answer(counters, r.status);
            return r;
        };
    }

private:
    const PagerDutySettings &settings;
    std::mutex events_made;
    std::unique_ptr<HttpClient> events;
};

// A web server that goes away mid-answer must not kill the worker.  And a
// worker lives for days, its lookups running in short-lived threads, each
// with a malloc arena of its own.  glibc raises its mmap threshold each
// time a large block is freed, so a large PagerDuty answer soon lands in an
// arena instead, whose top is kept rather than given back: a worker grew by
// a megabyte at a time and never shrank.  Fixed thresholds send every large
// block straight back to the system.
void settle_process()
{
    std::signal(SIGPIPE, SIG_IGN);
    constexpr int give_back_above = 128 * 1024;  // glibc's own starting value
    mallopt(M_MMAP_THRESHOLD, give_back_above);
    mallopt(M_TRIM_THRESHOLD, give_back_above);
}

// The spool and the cache are made now, so a problem with either is said
// at start (and by --check), not when a caller needs them.  A directory
// others can change is refused, and said as an error; the calls are still
// answered without it.
void prepare_dirs(ConfigResult &config, Process &p)
{
    const PagerDutySettings &pd = config.config.pagerduty;
    auto judge = [&config](const OwnDir &d, const std::string &dir, const std::string &key, const std::string &meanwhile) {
        if (d.usable()) return;
        if (d.verdict == OwnDir::Verdict::unusable)
            config.warnings.push_back({dir, 0, "", key + " is not usable (" + d.problem + "): " + meanwhile});
        else
            (d.verdict == OwnDir::Verdict::unsafe ? config.unsafe : config.warnings)
                .push_back({dir, 0, "", key + " is refused: " + d.problem + ". Meanwhile " + meanwhile});
    };
    OwnDir s, c;
    p.spool_usable = bool(p.spool.prepare(&s));
    judge(s, pd.spool_dir, "[pagerduty] spool_dir",
          "an alert PagerDuty cannot take at once will be lost, and neither /metrics nor --calls has anything to show");
    if (p.spool_usable) {
        p.counters = Counters::open(pd.spool_dir + "/metrics");
        if (!p.counters.usable())
            config.warnings.push_back({pd.spool_dir, 0, "", "/metrics has no counters: " + p.counters.problem()});
        p.history = std::make_unique<Journal>(pd.spool_dir + "/calls", config.config.server.history_max);
    }
    p.cache_usable = bool(p.cache.prepare(&c));
    judge(c, pd.cache_dir, "[pagerduty] cache_dir",
          "every call asks PagerDuty, and no last-known on-call stands in when it fails");
}

std::string startup_log(const ConfigResult &config)
{
    std::string out;
    for (const auto &w : config.warnings) out += "pd-call-forward: warning: " + display_text(w.str()) + "\n";
    for (const auto &e : config.unsafe) out += "pd-call-forward: error: " + display_text(e.str()) + "\n";
    for (const auto &e : config.errors) out += "pd-call-forward: config error: " + display_text(e.str()) + "\n";
    return out;
}

// What the alert desk did with each alert it could not send at once.
void count_fates(Alerts &alerts, const Counters &counters)
{
    auto deliver = alerts.deliver;
    alerts.deliver = [deliver, &counters](const Alert &alert, TimePoint deadline) {
        std::string said = deliver(alert, deadline);
        count_alert_fate(counters, said);
        return said;
    };
    auto hold = alerts.hold;
    alerts.hold = [hold, &counters](const Alert &alert, long seconds, TimePoint deadline) {
        std::string said = hold(alert, seconds, deadline);
        count_alert_fate(counters, said);
        return said;
    };
}

// Each request counted, each of a call's in the history; /metrics.
void keep_records(Context &ctx, Process &p)
{
    if (!p.counters.usable() && !p.history) return;
    ctx.record = [&p, seconds = ctx.epoch_seconds](const LogRecord &log) {
        count_request(p.counters, log);
        if (!p.history) return std::string();
        auto record = history_record(log, seconds());
        if (!record) return std::string();
        auto kept = p.history->append(*record);
        return kept ? std::string() : "pd-call-forward: warning: the call history lost a record: " + display_text(kept.error()) + "\n";
    };
    if (p.counters.usable())
        ctx.metrics = [&p, dir = ctx.config->config.pagerduty.spool_dir, seconds = ctx.epoch_seconds] {
            return metrics_render(p.counters.snapshot(), p.counters.dropped(),
                                  spool_files::depth(dir, static_cast<time_t>(seconds())));
        };
}

// The clocks, PagerDuty and the alerts, for requests and commands alike.
Context context_for(const ConfigResult &config, Process &p)
{
    const PagerDutySettings &pd = config.config.pagerduty;
    Context ctx;
    ctx.config = &config;
    ctx.clock = [] { return std::chrono::steady_clock::now(); };
    ctx.epoch_seconds = [] { return static_cast<long long>(std::time(nullptr)); };
    ctx.epoch_micros = [] {
        using namespace std::chrono;
        return static_cast<long long>(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
    };
    ctx.startup_log = startup_log(config);
    if (!p.rest) return ctx;
    ctx.pagerduty = [&p, clock = ctx.clock](const std::string &path, TimePoint deadline) {
        const TimePoint asked = clock();
        HttpReply r = p.rest->get(path, deadline);
        count_pagerduty(p.counters, r.status, std::chrono::duration_cast<std::chrono::microseconds>(clock() - asked));
        return r;
    };
    ctx.sources = [&p, &pd, clock = ctx.clock, seconds = ctx.epoch_seconds, micros = ctx.epoch_micros,
                   get = ctx.pagerduty](TimePoint deadline, CacheMode mode) {
        Cache *cache = p.cache_usable ? &p.cache : nullptr;
        Breaker *breaker = p.cache_usable ? &p.breaker : nullptr;
        SourceSettings settings{&pd, cache, breaker, clock, seconds, micros};
        return cached_sources(settings, retrying_fetch(get, clock, deadline), deadline, mode);
    };
    ctx.alerts = alerts_via(p.spool, p.post(), real_sleep, ctx.clock);
    count_fates(ctx.alerts, p.counters);
    keep_records(ctx, p);
    return ctx;
}

// Spooled alerts go out after the answer, never before it.
void send_after_answers(Context &ctx, Process &p, bool cgi)
{
    const PagerDutySettings &pd = ctx.config->config.pagerduty;
    if (!cgi) {
        p.flusher = std::make_unique<SpoolFlusher>(p.spool, pd, [&p](int status) { count_alert_answer(p.counters, status); });
        // An alert this request held or spooled gets the thread's timer even
        // if no other request comes.
        auto deliver = ctx.alerts.deliver;
        ctx.alerts.deliver = [deliver, &p](const Alert &alert, TimePoint deadline) {
            p.flusher->expect();
            return deliver(alert, deadline);
        };
        auto hold = ctx.alerts.hold;
        ctx.alerts.hold = [hold, &p](const Alert &alert, long seconds, TimePoint deadline) {
            p.flusher->expect();
            return hold(alert, seconds, deadline);
        };
        ctx.after_response = [&p](bool from_twilio) {
            if (from_twilio) p.flusher->nudge();
            return p.flusher->take_log() + ignored_entries_log();
        };
    } else {
        // A request leaves a process to send what is due, and a held alert
        // when it falls due, so a site without the flush timer still pages
        // a missed call (best effort: the timer is what the README asks
        // for).  One such process per spool at a time.
        ctx.after_response = [&p, &pd](bool from_twilio) {
            if (from_twilio) flush_spool_detached(p.spool, pd, [&p](int status) { count_alert_answer(p.counters, status); });
            return ignored_entries_log();
        };
    }
}

// A FastCGI worker keeps the cache fresh ahead of the calls (refresher.hpp),
// saying what failed in the log with the next request.  Not in CGI mode,
// nor without a cache or a lifetime to keep, nor with refresh_idle = 0.
std::unique_ptr<Refresher> refresh_in_background(Context &ctx, const Process &p, bool cgi)
{
    const PagerDutySettings &pd = ctx.config->config.pagerduty;
    if (cgi || !p.rest || !p.cache_usable || pd.oncall_ttl.count() <= 0 || pd.refresh_idle.count() <= 0 ||
        refresh_targets(ctx.config->config.routes).empty())
        return nullptr;
    auto refresher = std::make_unique<Refresher>(*ctx.config, ctx.sources, ctx.clock);
    auto after = ctx.after_response;
    ctx.after_response = [after, r = refresher.get()](bool from_twilio) {
        return (after ? after(from_twilio) : std::string()) + r->take_log();
    };
    return refresher;
}

int run_command(const Options &opts, const Context &ctx, Process &p)
{
    const ConfigResult &config = *ctx.config;
    int status = 1;
    switch (opts.command) {
    case Command::check: return check_run(ctx, stdout, opts.ahead, opts.notify);
    case Command::test_call:
        if (config.ok()) status = test_call_run(ctx, opts.test_to, opts.test_from, opts.test_at, stdout, stderr);
        else return 1;
        break;
    case Command::flush:
        if (!config.ok() || !p.spool_usable) return 1;
        status = flush_all(p.spool, p.post(), ctx.clock, config.config.pagerduty.timeout);
        break;
    case Command::refresh:
        if (!config.ok()) return 1;
        status = refresh_run(ctx, p.cache_usable, stdout);
        break;
    case Command::calls:
        if (!p.history) {
            std::fprintf(stderr, "pd-call-forward: no call history: [pagerduty] spool_dir %s is not usable (see --check); "
                                 "run --calls as the user the program serves as\n",
                         config.config.pagerduty.spool_dir.c_str());
            return 1;
        }
        status = calls_run(*p.history, ctx.epoch_seconds(), opts.since, opts.json, stdout);
        break;
    case Command::serve: return 1;
    }
    std::fputs(ignored_entries_log().c_str(), stderr);
    return status;
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
    settle_process();

    const bool serving = opts.command == Command::serve;
    const bool cgi = serving && FCGX_IsCGI();
    // RFC 3875 section 4.1.12: every CGI request has REQUEST_METHOD.
    if (cgi && !std::getenv("REQUEST_METHOD")) {
        std::fprintf(stderr,
                     "pd-call-forward: not started by a web server (no REQUEST_METHOD in the environment).\n"
                     "Run it from nginx (spawn-fcgi), Apache (mod_fcgid) or as a CGI program; see --help.\n");
        return 2;
    }

    ConfigResult config = config_load(options_config_path(opts, std::getenv(config_env)));
    Process p(config.config.pagerduty);
    if (config.ok()) prepare_dirs(config, p);
    if (opts.command != Command::check) std::fputs(startup_log(config).c_str(), stderr);
    if (config.ok()) {
        p.rest = std::make_unique<ClientPool>(config.config.pagerduty);
    }
    Context ctx = context_for(config, p);
    if (!serving) return run_command(opts, ctx, p);
    if (p.rest) send_after_answers(ctx, p, cgi);
    std::unique_ptr<Refresher> refresher = refresh_in_background(ctx, p, cgi);
    return cgi ? serve_cgi(ctx) : serve_fastcgi(ctx);
}
