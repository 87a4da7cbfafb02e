// HTTPS to PagerDuty (cpp-httplib with OpenSSL): the REST API and the
// Events API.  One client per API and process, reused across requests so
// FastCGI workers keep their connection alive.  Each request, from looking
// the host up to the last byte of the answer, ends at the caller's
// deadline, whatever the resolver or the server does (resolver.hpp,
// watchdog.hpp).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "pagerduty/pagerduty.hpp"
#include "pagerduty/resolver.hpp"

namespace pdcf {

class HttpClient {
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;

    // `url`: scheme, host, optional port and base path; requests go below it.
    // A host name is looked up by `resolver`, by default the process's own.
    HttpClient(const std::string &url, const std::string &ca_file, Headers headers, Resolver *resolver = nullptr);
    ~HttpClient();
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    HttpReply get(const std::string &path_and_query, TimePoint deadline);
    HttpReply post(const std::string &path, const std::string &json_body, TimePoint deadline);

private:
    HttpReply send(const char *method, const std::string &path, const std::string &body, TimePoint deadline);
    // One try at the address httplib has now; `refused`: it could not connect.
    HttpReply exchange(const char *method, const std::string &path, const std::string &body, TimePoint deadline,
                       TimePoint started, bool *refused = nullptr);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Where OpenSSL looks for the trusted CAs by default: SSL_CERT_FILE and
// SSL_CERT_DIR when set, else where the OpenSSL linked in was built to
// look (Debian's /usr/lib/ssl).
struct CaDefaults {
    std::string file;
    std::string dir;
};

// The CA bundle a client trusts when [pagerduty] ca_file is not set.
// Empty: OpenSSL's default, when its file or directory `exists`.  A binary
// taken to another system (make portable) may find neither: then the
// first bundle that exists of the usual places of Debian and Ubuntu, RHEL
// and its kin, SUSE, and Alpine with glibc.
std::string system_ca_file(const CaDefaults &defaults, const std::function<bool(const std::string &)> &exists);

// The REST API at api_url, with the headers PagerDuty requires.
std::unique_ptr<HttpClient> rest_client(const PagerDutySettings &settings);

// The Events API at events_url (its path included).
std::unique_ptr<HttpClient> events_client(const PagerDutySettings &settings);

class ClientPool {
public:
    explicit ClientPool(const PagerDutySettings &settings);
    // GET with a client no other thread uses meanwhile; kept afterwards, so
    // its connection stays open for the next request (keep-alive).
    HttpReply get(const std::string &path_and_query, TimePoint deadline);

private:
    const PagerDutySettings &settings_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<HttpClient>> idle_;
};

// GET with one retry after an error that may pass, within `deadline`, and a
// 429 retried only when the wait it asks for fits.
Fetch retrying_fetch(const PagerDutyGet &get, const Clock &clock, TimePoint deadline);

}  // namespace pdcf
