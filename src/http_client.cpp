#include "http_client.hpp"

#include <httplib.h>

#include "limits.hpp"

namespace pdcf {

struct PagerDutyClient::Impl {
    httplib::Client client;
    std::string base_path;  // from api_url, e.g. "" or "/pagerduty"
    httplib::Headers headers;

    Impl(const std::string &origin, std::string path) : client(origin), base_path(std::move(path)) {}
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

}  // namespace

PagerDutyClient::PagerDutyClient(const PagerDutySettings &s)
{
    auto [origin, path] = split_url(s.api_url);
    impl_ = std::make_unique<Impl>(origin, path);
    auto &c = impl_->client;
    c.set_keep_alive(true);
    c.enable_server_certificate_verification(true);
    if (!s.ca_file.empty()) c.set_ca_cert_path(s.ca_file);
    // The three headers PagerDuty's REST API v2 requires, on GETs too.
    impl_->headers = {
        {"Authorization", "Token token=" + s.token},
        {"Accept", "application/vnd.pagerduty+json;version=2"},
        {"Content-Type", "application/json"},
        {"User-Agent", "pd-call-forward/" PDCF_VERSION},
    };
}

PagerDutyClient::~PagerDutyClient() = default;

HttpReply PagerDutyClient::get(const std::string &path_and_query, TimePoint deadline)
{
    using namespace std::chrono;
    HttpReply reply;
    auto left = duration_cast<microseconds>(deadline - steady_clock::now());
    if (left <= microseconds::zero()) {
        reply.error = "no time left in [pagerduty] timeout";
        return reply;
    }
    auto &c = impl_->client;
    c.set_connection_timeout(left);
    c.set_read_timeout(left);
    c.set_write_timeout(left);

    bool too_large = false;
    auto receive = [&](const char *data, std::size_t n) {
        if (reply.body.size() + n > limits::max_pagerduty_response) {
            too_large = true;
            return false;
        }
        reply.body.append(data, n);
        return true;
    };
    // Called as the body arrives: a server that trickles bytes cannot hold
    // us past the deadline either.
    auto in_time = [&](uint64_t, uint64_t) { return steady_clock::now() < deadline; };

    auto started = steady_clock::now();
    httplib::Result res = c.Get(impl_->base_path + path_and_query, impl_->headers, receive, in_time);
    if (res) {
        reply.status = res->status;
        return reply;
    }
    reply.body.clear();
    if (too_large)
        reply.error = "answer larger than " + std::to_string(limits::max_pagerduty_response) + " bytes";
    else if (steady_clock::now() + timer_slack >= deadline || res.error() == httplib::Error::Canceled)
        reply.error = "timed out after " + std::to_string(duration_cast<milliseconds>(steady_clock::now() - started).count()) +
                      " ms ([pagerduty] timeout)";
    else
        reply.error = describe(res.error());
    return reply;
}

}  // namespace pdcf
