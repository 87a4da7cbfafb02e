#include "pagerduty/resolver.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

#include "core/limits.hpp"

namespace pdcf {

struct Resolver::State {
    Lookup lookup;
    Clock clock;
    std::chrono::milliseconds refresh;
    const pid_t pid = getpid();

    struct Host {
        std::vector<std::string> addresses;  // the last found, kept until another lookup finds some
        TimePoint found_at{};                // when they were found (or last looked for)
        bool looking = false;                // a lookup runs
        unsigned long lookups_done = 0;
        std::string error;  // the last lookup's, when it found nothing
    };
    std::mutex mutex;
    std::condition_variable done;
    std::map<std::string, Host> hosts;

    State(Lookup l, Clock c, std::chrono::milliseconds r) : lookup(std::move(l)), clock(std::move(c)), refresh(r) {}
};

Resolver::Resolver(Lookup lookup, Clock clock, std::chrono::milliseconds refresh)
    : state_(std::make_shared<State>(std::move(lookup), std::move(clock), refresh))
{
}

void Resolver::start_lookup(const std::string &host)
{
    State::Host &h = state_->hosts[host];
    if (h.looking) return;
    h.looking = true;
    try {
        std::thread([s = state_, host] {
            Result<Addresses> found = s->lookup(host);
            std::lock_guard<std::mutex> lock(s->mutex);
            State::Host &done = s->hosts[host];
            done.looking = false;
            ++done.lookups_done;
            // A lookup that finds nothing leaves the last addresses in use,
            // and is not tried again before another refresh period.
            done.found_at = s->clock();
            if (!found || found->empty()) {
                done.error = found.error().empty() ? "no address" : found.error();
            } else {
                done.addresses = std::move(*found);
                done.error.clear();
            }
            s->done.notify_all();
        }).detach();
    } catch (const std::system_error &e) {
        // No thread to be had (a process limit): no lookup this time.
        h.looking = false;
        h.error = std::string("cannot start a lookup: ") + e.what();
    }
}

Result<Resolver::Found> Resolver::address(const std::string &host, TimePoint deadline)
{
    using namespace std::chrono;
    State &s = *state_;
    std::unique_lock<std::mutex> lock(s.mutex);
    State::Host &h = s.hosts[host];
    if (!h.addresses.empty()) {
        if (s.clock() - h.found_at >= s.refresh) start_lookup(host);
        return Found{h.addresses.front(), h.addresses.size() - 1};
    }
    // Nothing known yet: wait for the lookup running, or for a new one.
    const auto waiting_since = steady_clock::now();
    const unsigned long seen = h.lookups_done;
    start_lookup(host);
    if (!h.looking) return fail("cannot resolve " + host + ": " + h.error);
    if (!s.done.wait_until(lock, deadline, [&] { return h.lookups_done != seen; })) {
        const auto waited = duration_cast<milliseconds>(steady_clock::now() - waiting_since).count();
        return fail("DNS did not answer for " + host + " within " + std::to_string(waited) +
                    " ms ([pagerduty] timeout; check the nameservers in /etc/resolv.conf)");
    }
    if (h.addresses.empty()) return fail("cannot resolve " + host + ": " + h.error);
    return Found{h.addresses.front(), h.addresses.size() - 1};
}

void Resolver::unreachable(const std::string &host, const std::string &address)
{
    std::lock_guard<std::mutex> lock(state_->mutex);
    State::Host &h = state_->hosts[host];
    auto it = std::find(h.addresses.begin(), h.addresses.end(), address);
    if (it != h.addresses.end()) std::rotate(it, it + 1, h.addresses.end());
}

Resolver &Resolver::process()
{
    static std::atomic<Resolver *> current{nullptr};
    Resolver *known = current.load();
    if (known && known->state_->pid == getpid()) return *known;
    auto fresh = std::make_unique<Resolver>(system_lookup, [] { return std::chrono::steady_clock::now(); },
                                            limits::dns_refresh);
    if (known) {
        // The parent's, in a child after fork(): its lock may have been held
        // by a thread the child does not have; its addresses only if free.
        // The parent's state stays as it was (a thread of its may be
        // holding the lock for ever).
        std::unique_lock<std::mutex> lock(known->state_->mutex, std::try_to_lock);
        if (lock.owns_lock())
            for (const auto &[host, h] : known->state_->hosts)
                if (!h.addresses.empty()) {
                    State::Host &mine = fresh->state_->hosts[host];
                    mine.addresses = h.addresses;
                    mine.found_at = h.found_at;
                }
    }
    // Made once per process: a second thread that made one too keeps the
    // first made instead.
    if (current.compare_exchange_strong(known, fresh.get())) return *fresh.release();
    return *known;
}

Result<Resolver::Addresses> Resolver::system_lookup(const std::string &host)
{
    // The hints cpp-httplib gives getaddrinfo() for a host name.
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0) return fail(rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc));
    Addresses out;
    for (const addrinfo *a = found; a; a = a->ai_next) {
        char text[NI_MAXHOST];
        if (getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) != 0) continue;
        if (std::find(out.begin(), out.end(), text) == out.end()) out.emplace_back(text);
    }
    freeaddrinfo(found);
    if (out.empty()) return fail("no usable address");
    return out;
}

}  // namespace pdcf
