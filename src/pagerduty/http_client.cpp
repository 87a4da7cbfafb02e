#include "pagerduty/http_client.hpp"

#include <cstdlib>
#include <thread>

#include <httplib.h>

#include <arpa/inet.h>
#include <openssl/x509.h>
#include <unistd.h>

#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "pagerduty/resolver.hpp"
#include "pagerduty/retry.hpp"
#include "pagerduty/watchdog.hpp"

namespace pdcf {

struct HttpClient::Impl {
    httplib::Client client;
    std::string base_path;  // from the URL, e.g. "" or "/v2/enqueue"
    httplib::Headers headers;
    std::string host;       // the name we look up; "" for a literal address
    std::string address;    // where httplib is told `host` is
    Resolver &resolver;
    SocketWatchdog watchdog;

    Impl(const std::string &origin, std::string path, std::string name, Resolver &r)
        : client(origin), base_path(std::move(path)), host(std::move(name)), resolver(r)
    {
    }
};

namespace {

// httplib's timeouts (poll with millisecond steps) may fire a little before
// the deadline; an error that close to it is the deadline's doing.
constexpr std::chrono::milliseconds timer_slack{50};

std::pair<std::string, std::string> split_url(const std::string &url)
{
    std::size_t scheme_end = url.find("://");
    std::size_t path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    if (path_start == std::string::npos) return {url, ""};
    return {url.substr(0, path_start), url.substr(path_start)};
}

// The host name in an origin ("https://api.pagerduty.com:443"), or "" when
// it is a literal address, which needs no lookup.
std::string host_name(const std::string &origin)
{
    std::size_t start = origin.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    if (origin.compare(start, 1, "[") == 0) return "";  // an IPv6 literal
    std::string host = origin.substr(start, origin.find(':', start) - start);
    in_addr v4{};
    return inet_pton(AF_INET, host.c_str(), &v4) == 1 ? "" : host;
}

std::string describe(httplib::Error e)
{
    switch (e) {
    case httplib::Error::Connection: return "cannot connect";
    case httplib::Error::ConnectionTimeout: return "connect timed out";
    case httplib::Error::Read: return "connection closed or read failed";
    case httplib::Error::Write: return "write failed";
    case httplib::Error::SSLConnection: return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts: return "cannot load CA certificates (check [pagerduty] ca_file)";
    case httplib::Error::SSLServerVerification:
        return "TLS certificate verification failed (a private CA needs [pagerduty] ca_file)";
    default: return "request failed (" + httplib::to_string(e) + ")";
    }
}

// Seconds from Retry-After (RFC 9110 section 10.2.3, delay form) or
// PagerDuty's ratelimit-reset; -1 when neither is a plain number.  Read
// from every answer; retry.cpp heeds it after a 429 only.
int retry_after(const httplib::Response &res)
{
    for (const char *name : {"Retry-After", "ratelimit-reset"}) {
        if (auto n = parse_decimal(res.get_header_value(name), 0, 999'999))
            return static_cast<int>(std::min<long long>(*n, limits::max_retry_after));
    }
    return -1;
}

CaDefaults openssl_ca_defaults()
{
    // As OpenSSL reads them: a variable set, even to a missing path, wins.
    const char *file = std::getenv(X509_get_default_cert_file_env());
    const char *dir = std::getenv(X509_get_default_cert_dir_env());
    return {file ? file : X509_get_default_cert_file(), dir ? dir : X509_get_default_cert_dir()};
}

bool readable(const std::string &path)
{
    return access(path.c_str(), R_OK) == 0;
}

}  // namespace

std::string system_ca_file(const CaDefaults &defaults, const std::function<bool(const std::string &)> &exists)
{
    if ((!defaults.file.empty() && exists(defaults.file)) || (!defaults.dir.empty() && exists(defaults.dir))) return {};
    // The bundles Go's crypto/x509 looks for, in its order.
    static const char *const bundles[] = {
        "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Gentoo, Arch
        "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL 6
        "/etc/ssl/ca-bundle.pem",                             // openSUSE, SUSE
        "/etc/pki/tls/cacert.pem",                            // OpenELEC
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // CentOS, RHEL 7 and later
        "/etc/ssl/cert.pem",                                  // Alpine
    };
    for (const char *b : bundles)
        if (exists(b)) return b;
    return {};
}

HttpClient::HttpClient(const std::string &url, const std::string &ca_file, Headers headers, Resolver *resolver)
{
    auto [origin, path] = split_url(url);
    impl_ = std::make_unique<Impl>(origin, path, host_name(origin), resolver ? *resolver : Resolver::process());
    auto &c = impl_->client;
    // Every connection httplib opens is watched until the deadline.  This
    // replaces no option of httplib's own: its client sets none but
    // TCP_NODELAY, below, which it applies apart.
    c.set_socket_options([watchdog = &impl_->watchdog](socket_t fd) { watchdog->watch(fd); });
    c.set_keep_alive(true);
    // A request is one small write; waiting to coalesce it (Nagle) against
    // the server's delayed ACK costs tens of milliseconds per request.
    c.set_tcp_nodelay(true);
    c.enable_server_certificate_verification(true);
    const std::string ca = ca_file.empty() ? system_ca_file(openssl_ca_defaults(), readable) : ca_file;
    if (!ca.empty()) c.set_ca_cert_path(ca);
    for (auto &[name, value] : headers) impl_->headers.emplace(name, value);
    impl_->headers.emplace("User-Agent", "pd-call-forward/" PDCF_VERSION);
}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::get(const std::string &path_and_query, TimePoint deadline)
{
    return send("GET", path_and_query, "", deadline);
}

HttpReply HttpClient::post(const std::string &path, const std::string &json_body, TimePoint deadline)
{
    return send("POST", path, json_body, deadline);
}

HttpReply HttpClient::send(const char *method, const std::string &path, const std::string &body, TimePoint deadline)
{
    const auto started = std::chrono::steady_clock::now();
    if (impl_->host.empty()) return exchange(method, path, body, deadline, started);
    // A host with several addresses: one that cannot be connected to gives
    // way to the next, as httplib would have tried each in turn.
    Resolver &resolver = impl_->resolver;
    for (std::size_t tried = 0;; ++tried) {
        auto where = resolver.address(impl_->host, deadline);
        if (!where) {
            HttpReply reply;
            reply.error = where.error();
            return reply;
        }
        if (where->address != impl_->address) {
            // Only where to connect: the Host header, TLS's SNI and the
            // certificate check still use the name.
            impl_->client.set_hostname_addr_map({{impl_->host, where->address}});
            impl_->address = where->address;
        }
        bool refused = false;
        HttpReply reply = exchange(method, path, body, deadline, started, &refused);
        if (!refused) return reply;
        resolver.unreachable(impl_->host, where->address);
        if (tried >= where->others) return reply;
    }
}

HttpReply HttpClient::exchange(const char *method, const std::string &path, const std::string &body,
                               TimePoint deadline, TimePoint started, bool *refused)
{
    using namespace std::chrono;
    HttpReply reply;
    auto left = duration_cast<microseconds>(deadline - steady_clock::now());
    if (left <= microseconds::zero()) {
        reply.error = "no time left in [pagerduty] timeout";
        return reply;
    }
    auto &c = impl_->client;
    // httplib's own timeouts bound each wait, the watchdog the whole.
    c.set_connection_timeout(left);
    c.set_read_timeout(left);
    c.set_write_timeout(left);

    httplib::Request req;
    req.method = method;
    req.path = impl_->base_path + path;
    req.headers = impl_->headers;
    req.body = body;
    bool too_large = false;
    req.content_receiver = [&](const char *data, std::size_t n, uint64_t, uint64_t) {
        if (reply.body.size() + n > limits::max_pagerduty_response) {
            too_large = true;
            return false;
        }
        reply.body.append(data, n);
        return true;
    };

    impl_->watchdog.arm(deadline);
    if (c.is_socket_open()) impl_->watchdog.watch(c.socket());  // a kept-alive connection
    httplib::Result res = c.send(req);
    const bool cut = impl_->watchdog.disarm();
    if (res) {
        reply.status = res->status;
        reply.retry_after = retry_after(*res);
        return reply;
    }
    reply.body.clear();
    if (too_large)
        reply.error = "answer larger than " + std::to_string(limits::max_pagerduty_response) + " bytes";
    else if (cut || steady_clock::now() + timer_slack >= deadline)
        reply.error = "timed out after " + std::to_string(duration_cast<milliseconds>(steady_clock::now() - started).count()) +
                      " ms ([pagerduty] timeout)";
    else
        reply.error = describe(res.error());
    if (refused) *refused = !cut && res.error() == httplib::Error::Connection;
    return reply;
}

std::unique_ptr<HttpClient> rest_client(const PagerDutySettings &s)
{
    // The three headers PagerDuty's REST API v2 requires, on GETs too.
    return std::make_unique<HttpClient>(s.api_url, s.ca_file,
                                        HttpClient::Headers{{"Authorization", "Token token=" + s.token},
                                                            {"Accept", "application/vnd.pagerduty+json;version=2"},
                                                            {"Content-Type", "application/json"}});
}

std::unique_ptr<HttpClient> events_client(const PagerDutySettings &s)
{
    // The Events API takes no Authorization: the routing key is in the event.
    return std::make_unique<HttpClient>(s.events_url, s.ca_file,
                                        HttpClient::Headers{{"Content-Type", "application/json"},
                                                            {"Accept", "application/json"}});
}

ClientPool::ClientPool(const PagerDutySettings &settings) : settings_(settings) {}

HttpReply ClientPool::get(const std::string &path_and_query, TimePoint deadline)
{
    std::unique_ptr<HttpClient> client;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_.empty()) {
            client = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    if (!client) client = rest_client(settings_);
    HttpReply reply = client->get(path_and_query, deadline);
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(client));
    return reply;
}

Fetch retrying_fetch(const PagerDutyGet &get, const Clock &clock, TimePoint deadline)
{
    return [get, clock, deadline](const std::string &path) {
        // One more try at most: a stale answer in the cache may stand in,
        // and the caller is waiting.
        RetryPolicy once{2, std::chrono::milliseconds(100)};
        auto sleep = [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); };
        return with_retries([&] { return get(path, deadline); }, once, clock, sleep, deadline);
    };
}

}  // namespace pdcf
