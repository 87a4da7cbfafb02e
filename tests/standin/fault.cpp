// Faults a test can inject, and ending a connection without an answer,
// which httplib has no API for.
#include "standin.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <limits>

namespace standin {

namespace {

struct KindName {
    FaultKind kind;
    const char *name;
};

const KindName kind_names[] = {
    {FaultKind::none, "none"},
    {FaultKind::server_error, "500"},
    {FaultKind::unavailable, "503"},
    {FaultKind::rate_limited, "429"},
    {FaultKind::rate_limited_bare, "429_bare"},
    {FaultKind::bad_gateway_rate_limit_headers, "502_ratelimit"},
    {FaultKind::unauthorized, "401"},
    {FaultKind::slow, "slow"},
    {FaultKind::hang, "hang"},
    {FaultKind::reset, "reset"},
    {FaultKind::garbage, "garbage"},
    {FaultKind::truncated, "truncated"},
    {FaultKind::wrong_shape, "wrong_shape"},
    {FaultKind::empty, "empty"},
    {FaultKind::trickle_headers, "trickle_headers"},
    {FaultKind::trickle_chunked, "trickle_chunked"},
};

struct EndpointName {
    Endpoint endpoint;
    const char *name;
};

const EndpointName endpoint_names[] = {
    {Endpoint::any, "all"},
    {Endpoint::oncalls, "oncalls"},
    {Endpoint::contact_methods, "contact_methods"},
    {Endpoint::schedule_users, "schedule_users"},
    {Endpoint::events, "events"},
};

FaultKind kind_named(const Json &value)
{
    // Status faults read naturally as numbers too: {"kind": 503}.
    std::string name;
    if (value.is_string()) name = value.get<std::string>();
    else if (value.is_number_integer()) name = std::to_string(value.get<long long>());
    else throw InputError("fault kind must be a string");
    for (const auto &entry : kind_names)
        if (name == entry.name) return entry.kind;
    throw InputError("unknown fault kind \"" + name + "\"");
}

Endpoint endpoint_named(const Json &doc)
{
    if (!doc.contains("path")) return Endpoint::any;
    if (!doc["path"].is_string()) throw InputError("fault path must be a string");
    const std::string name = doc["path"].get<std::string>();
    for (const auto &entry : endpoint_names)
        if (name == entry.name) return entry.endpoint;
    throw InputError("unknown fault path \"" + name + "\" (all, oncalls, contact_methods, schedule_users or events)");
}

bool same_endpoint(const sockaddr_storage &address, const std::string &ip, int port)
{
    if (address.ss_family != AF_INET) return false;  // we only listen on 127.0.0.1
    const auto &in = reinterpret_cast<const sockaddr_in &>(address);
    char text[INET_ADDRSTRLEN] = {};
    if (!inet_ntop(AF_INET, &in.sin_addr, text, sizeof text)) return false;
    return ntohs(in.sin_port) == port && (ip.empty() || ip == text);
}

// Calls `visit(fd, local, peer)` for each connected socket we hold, until
// it returns true; returns that fd, or -1.
template <typename Visit>
int find_connected_socket(Visit visit)
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    int found = -1;
    while (const dirent *entry = readdir(dir)) {
        char *end = nullptr;
        const long number = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || number == dirfd(dir)) continue;
        const int fd = static_cast<int>(number);
        sockaddr_storage local{}, peer{};
        socklen_t local_size = sizeof local, peer_size = sizeof peer;
        if (getsockname(fd, reinterpret_cast<sockaddr *>(&local), &local_size) != 0 ||
            getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peer_size) != 0)
            continue;
        if (visit(fd, local, peer)) {
            found = fd;
            break;
        }
    }
    closedir(dir);
    return found;
}

// httplib 0.11 does not hand its socket to handlers. Over TLS the SSL object
// knows it; over plain HTTP we look through our open descriptors for the one
// socket whose two ends are the addresses httplib reports for this request.
int connection_fd(const httplib::Request &req)
{
    if (req.ssl) return SSL_get_fd(req.ssl);
    return find_connected_socket([&](int, const sockaddr_storage &local, const sockaddr_storage &peer) {
        return same_endpoint(local, req.local_addr, req.local_port) &&
               same_endpoint(peer, req.remote_addr, req.remote_port);
    });
}

}  // namespace

long long integer_field(const Json &doc, const char *key, long long low, long long high, long long fallback)
{
    if (!doc.contains(key)) return fallback;
    const Json &value = doc[key];
    const std::string range = " from " + std::to_string(low) + " to " + std::to_string(high);
    if (!value.is_number_integer()) throw InputError(std::string(key) + " must be an integer" + range);
    // A huge unsigned value would wrap when read as signed.
    if (value.is_number_unsigned() &&
        value.get<unsigned long long>() > static_cast<unsigned long long>(std::numeric_limits<long long>::max()))
        throw InputError(std::string(key) + " must be an integer" + range);
    const long long number = value.get<long long>();
    if (number < low || number > high) throw InputError(std::string(key) + " must be an integer" + range);
    return number;
}

Fault parse_fault(const Json &doc)
{
    if (!doc.is_object()) throw InputError("a fault must be a JSON object");
    for (const auto &[key, value] : doc.items())
        if (key != "kind" && key != "path" && key != "delay_ms" && key != "count")
            throw InputError("unknown fault key \"" + key + "\"");
    if (!doc.contains("kind")) throw InputError("a fault needs a kind");

    Fault fault;
    fault.kind = kind_named(doc["kind"]);
    fault.path = endpoint_named(doc);
    fault.delay = std::chrono::milliseconds(integer_field(doc, "delay_ms", 0, limits::max_delay_ms, 0));
    fault.remaining = static_cast<unsigned long long>(
        integer_field(doc, "count", 0, std::numeric_limits<long long>::max(), 0));
    // The Events API takes no API key, so it has none to turn away.
    if (fault.kind == FaultKind::unauthorized && fault.path == Endpoint::events)
        throw InputError("a 401 fault cannot hit events: the Events API takes no API key");
    if (fault.kind == FaultKind::hang && fault.delay.count() == 0)
        fault.delay = std::chrono::milliseconds(limits::default_hang_ms);
    if ((fault.kind == FaultKind::trickle_headers || fault.kind == FaultKind::trickle_chunked) && fault.delay.count() == 0)
        fault.delay = std::chrono::milliseconds(limits::default_trickle_ms);
    return fault;
}

std::string fault_name(FaultKind kind)
{
    for (const auto &entry : kind_names)
        if (kind == entry.kind) return entry.name;
    return "unknown";
}

bool fault_applies(const Fault &fault, Endpoint endpoint)
{
    if (fault.kind == FaultKind::none || (fault.path != Endpoint::any && fault.path != endpoint)) return false;
    // A 401 for "all" passes events by, for the reason parse_fault gives.
    return !(fault.kind == FaultKind::unauthorized && endpoint == Endpoint::events);
}

bool passes_through(FaultKind kind)
{
    // A trickled answer is PagerDuty's own, however slowly it comes back: an
    // event got there even if the client gave up on the answer.
    return kind == FaultKind::none || kind == FaultKind::slow || kind == FaultKind::trickle_headers ||
           kind == FaultKind::trickle_chunked;
}

Json fault_to_json(const Fault &fault)
{
    Json doc = Json::object();
    doc["kind"] = fault_name(fault.kind);
    for (const auto &entry : endpoint_names)
        if (fault.path == entry.endpoint) doc["path"] = entry.name;
    doc["delay_ms"] = fault.delay.count();
    doc["count"] = fault.remaining;
    return doc;
}

namespace {

// What drop_connection() really does: with Drop::reset it sets SO_LINGER {on, 0 s} on
// the connection and closes it, so the kernel discards anything unsent and
// sends a TCP RST at once (no FIN): the client's read or write fails with
// ECONNRESET. With Drop::close it is an ordinary close: a FIN, which the
// client sees as the server closing before answering ("empty reply").
// Either way nothing of a response has been written yet (over TLS the
// handshake has, so the client sees no close_notify either).
//
// httplib still owns the descriptor number and will write the handler's
// response to it and close it once we return. So rather than close() we
// dup2() a dead socket (one end of a socket pair whose other end is closed)
// over the number: that closes the TCP socket atomically, httplib's write
// then fails with EPIPE (SIGPIPE is ignored) and it closes the dead socket;
// and the number is never free for another connection to reuse meanwhile.
//
// drop_socket() does this to a descriptor; it fails only when the dead
// socket cannot be made.
bool drop_socket(int fd, Drop how)
{
    if (how == Drop::reset) {
        const linger abort_on_close{1, 0};
        if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close) != 0) return false;
    }
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return false;
    close(pair[1]);
    const bool swapped = dup2(pair[0], fd) == fd;
    close(pair[0]);
    return swapped;
}

}  // namespace

bool drop_connection(const httplib::Request &req, Drop how)
{
    const int fd = connection_fd(req);
    return fd >= 0 && drop_socket(fd, how);
}

bool trickle_connection(const httplib::Request &req, const std::string &bytes, std::chrono::milliseconds pause,
                        const std::function<bool(std::chrono::milliseconds)> &sleep)
{
    // Found first: once the client has gone, the socket has no peer left to
    // be found by.
    const int fd = connection_fd(req);
    if (fd < 0) return false;
    for (const char c : bytes) {
        // Over TLS the byte goes through the connection's SSL object: httplib
        // lends it as const, but this thread alone uses it while it handles
        // the request.
        const long sent = req.ssl ? SSL_write(const_cast<SSL *>(req.ssl), &c, 1) : send(fd, &c, 1, MSG_NOSIGNAL);
        if (sent != 1 || !sleep(pause)) break;
    }
    drop_socket(fd, Drop::close);
    return true;
}

// httplib's workers wait out their keep-alive timeout on idle client
// connections before they notice the server stopped. shutdown() (not
// close(): httplib still owns the numbers) ends those waits at once.
void shut_connections(int local_port)
{
    find_connected_socket([&](int fd, const sockaddr_storage &local, const sockaddr_storage &) {
        if (same_endpoint(local, "", local_port)) shutdown(fd, SHUT_RDWR);
        return false;
    });
}

}  // namespace standin
