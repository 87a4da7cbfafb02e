// The addresses of PagerDuty's hosts, found within the caller's deadline.
// getaddrinfo() cannot be told when to give up: a resolver that does not
// answer holds it for its own timeouts and attempts, 10 s and more.  So a
// lookup runs in a thread of its own and a request waits for it only until
// its deadline.  What a lookup finds is kept for the requests after it:
// used as it is for limits::dns_refresh, then looked up again in the
// background while the address known goes on being used, and kept for as
// long as no new lookup succeeds (a resolver that is down costs no call).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace pdcf {

class Resolver {
public:
    // Numeric, in the order to try them; never empty.
    using Addresses = std::vector<std::string>;
    // Looks `host` up, for as long as that takes.
    using Lookup = std::function<Result<Addresses>(const std::string &host)>;

    // `clock` tells when an address is due to be looked up again.
    Resolver(Lookup lookup, Clock clock, std::chrono::milliseconds refresh);

    struct Found {
        std::string address;     // numeric
        std::size_t others = 0;  // further addresses known for the host
    };
    // Where to connect for `host`: a known address at once, or the first a
    // lookup finds, waiting no later than `deadline`.
    Result<Found> address(const std::string &host, TimePoint deadline);

    // Connecting to `address` failed: the host's next address comes first
    // from now on (until a lookup finds the host's addresses anew).
    void unreachable(const std::string &host, const std::string &address);

    // The process's own, over getaddrinfo().  A child after fork() gets one
    // of its own (its parent's lookup threads are not in it), starting from
    // the addresses the parent knew.
    static Resolver &process();

    // getaddrinfo(), as a connection to `host` would use it.
    static Result<Addresses> system_lookup(const std::string &host);

private:
    struct State;
    void start_lookup(const std::string &host);  // the lock held
    std::shared_ptr<State> state_;  // shared with the lookups still running
};

}  // namespace pdcf
