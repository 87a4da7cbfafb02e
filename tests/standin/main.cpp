// pd-standin --token TOKEN [--port N] [--roster FILE] [--routing-key KEY]...
//            [--keep-alive SECONDS] [--tls-cert CERT --tls-key KEY]
//
// A PagerDuty REST API v2 and Events API v2 stand-in on 127.0.0.1 for the
// end-to-end tests; both on one port. Prints "port=N" once it listens, then
// serves until SIGTERM or SIGINT.
#include "standin.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

namespace {

using standin::Options;

// Loopback only: the stand-in accepts any request from anyone who can reach it.
const char listen_host[] = "127.0.0.1";

constexpr int exit_usage = 2;
constexpr int exit_failure = 1;
constexpr int max_port = 65535;

[[noreturn]] void usage(const std::string &problem)
{
    std::cerr << "pd-standin: " << problem << "\n"
              << "usage: pd-standin --token TOKEN [--port N] [--roster FILE] [--routing-key KEY]... "
                 "[--keep-alive SECONDS] [--tls-cert CERT --tls-key KEY]\n";
    std::exit(exit_usage);
}

Options parse_options(int argc, char **argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") usage("a PagerDuty stand-in for tests");
        if (i + 1 >= argc) usage(flag + " needs a value");
        const std::string value = argv[++i];
        if (flag == "--token") options.token = value;
        else if (flag == "--roster") options.roster_file = value;
        else if (flag == "--tls-cert") options.tls_cert = value;
        else if (flag == "--tls-key") options.tls_key = value;
        else if (flag == "--routing-key") {
            // Empty would never match: PagerDuty turns away an empty key.
            if (value.empty()) usage("--routing-key must not be empty");
            options.routing_keys.push_back(value);
        } else if (flag == "--keep-alive") {
            std::size_t used = 0;
            long seconds = -1;
            try {
                seconds = std::stol(value, &used);
            } catch (const std::exception &) {
                used = 0;
            }
            if (used != value.size() || seconds < 1 || seconds > standin::limits::keep_alive_seconds)
                usage("--keep-alive must be 1 to " + std::to_string(standin::limits::keep_alive_seconds) + " seconds");
            options.keep_alive_seconds = seconds;
        } else if (flag == "--port") {
            std::size_t used = 0;
            try {
                options.port = std::stoi(value, &used);
            } catch (const std::exception &) {
                used = 0;
            }
            if (used != value.size() || options.port < 0 || options.port > max_port)
                usage("--port must be 0 to " + std::to_string(max_port));
        } else {
            usage("unknown option " + flag);
        }
    }
    if (options.token.empty()) usage("--token is required");
    if (options.tls_cert.empty() != options.tls_key.empty()) usage("--tls-cert and --tls-key go together");
    return options;
}

standin::Roster load_roster(const std::string &file)
{
    if (file.empty()) return {};
    std::ifstream in(file);
    if (!in) usage("cannot read roster " + file);
    std::stringstream text;
    text << in.rdbuf();
    try {
        return standin::parse_roster(standin::Json::parse(text.str()));
    } catch (const std::exception &e) {
        usage("roster " + file + ": " + e.what());
    }
}

std::unique_ptr<httplib::Server> make_server(const Options &options)
{
    if (options.tls_cert.empty()) return std::make_unique<httplib::Server>();
    auto server = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!server->is_valid()) usage("cannot use --tls-cert " + options.tls_cert + " with --tls-key " + options.tls_key);
    return server;
}

}  // namespace

int main(int argc, char **argv)
{
    const Options options = parse_options(argc, argv);
    standin::Roster roster = load_roster(options.roster_file);

    // Block the stop signals before any thread exists, so every thread
    // inherits the mask and only the waiter below ever receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    // Writing to a connection the client (or a fault) has closed must fail, not kill us.
    signal(SIGPIPE, SIG_IGN);

    standin::Shutdown shutdown;
    auto server = make_server(options);
    server->new_task_queue = [] { return new httplib::ThreadPool(standin::limits::handler_threads); };
    // PagerDuty keeps a client's connection open across many requests;
    // httplib's default closes it after 5, which would hide whether the
    // program under test reuses its connection.
    server->set_keep_alive_max_count(standin::limits::keep_alive_max_requests);
    server->set_keep_alive_timeout(options.keep_alive_seconds);
    // An answer is written in pieces; coalescing them (Nagle) against the
    // client's delayed ACK would add ~40 ms to every request, which no real
    // server's latency includes.
    server->set_tcp_nodelay(true);
    standin::install_routes(*server, options, std::move(roster), shutdown);

    const int port = options.port == 0 ? server->bind_to_any_port(listen_host)
                     : server->bind_to_port(listen_host, options.port) ? options.port
                                                                       : -1;
    if (port < 0) {
        std::cerr << "pd-standin: cannot listen on " << listen_host << ":" << options.port << "\n";
        return exit_failure;
    }
    std::cout << "port=" << port << std::endl;

    std::mutex finished_mutex;
    std::condition_variable finished_changed;
    bool finished = false;

    std::thread waiter([&] {
        int signal_number = 0;
        sigwait(&stop_signals, &signal_number);
        shutdown.request();  // wakes faults and latency sleeping in handlers

        const auto deadline = std::chrono::steady_clock::now() + standin::limits::shutdown_grace;
        bool stopped = false;
        std::unique_lock<std::mutex> lock(finished_mutex);
        while (!finished) {
            // stop() does nothing before listen_after_bind() has started and
            // must not run twice, hence the polling.
            if (!stopped && server->is_running()) {
                server->stop();
                stopped = true;
            }
            // Again each round: a connection accepted just before stop().
            if (stopped) standin::shut_connections(port);
            if (std::chrono::steady_clock::now() >= deadline) {
                std::cerr << "pd-standin: connections still open, exiting without them\n";
                std::_Exit(0);
            }
            finished_changed.wait_for(lock, standin::limits::shutdown_poll);
        }
    });

    const bool served = server->listen_after_bind();
    {
        std::lock_guard<std::mutex> lock(finished_mutex);
        finished = true;
    }
    finished_changed.notify_all();
    // The server stopped on its own: wake the waiter so it can be joined.
    if (!shutdown.requested()) pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return served || shutdown.requested() ? 0 : exit_failure;
}
