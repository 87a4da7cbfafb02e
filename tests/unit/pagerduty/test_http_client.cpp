#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <functional>
#include <set>
#include <thread>
#include <vector>

#include <httplib.h>

#include "core/limits.hpp"
#include "pagerduty/http_client.hpp"
#include "pagerduty/sources.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

// A small server on loopback for the client to talk to.
struct Server {
    httplib::Server http;
    int port = 0;
    std::thread thread;
    std::mutex mutex;
    std::set<int> client_ports;
    std::map<std::string, int> asked;  // requests per path

    Server()
    {
        http.set_keep_alive_timeout(1);
        http.Get(R"(/size/(\d+))", [this](const httplib::Request &req, httplib::Response &res) {
            note(req);
            res.set_content(std::string(std::stoul(req.matches[1]), 'x'), "application/json");
        });
        http.Get("/slow", [this](const httplib::Request &req, httplib::Response &res) {
            note(req);
            std::this_thread::sleep_for(1500ms);
            res.set_content("{}", "application/json");
        });
        http.Get(R"(/busy/(\d+))", [this](const httplib::Request &req, httplib::Response &res) {
            note(req);
            res.status = 429;
            res.set_header("Retry-After", req.matches[1]);
            res.set_content("{}", "application/json");
        });
        // The first request fails with a 5xx that names a long wait, as a
        // gateway in front of PagerDuty may (its rate-limit headers on a
        // 502, a Retry-After on a 503); the next one is answered.
        http.Get(R"(/flaky/(\d+))", [this](const httplib::Request &req, httplib::Response &res) {
            note(req);
            if (count(req.path) == 1) {
                res.status = std::stoi(req.matches[1]);
                res.set_header("ratelimit-limit", "960");
                res.set_header("ratelimit-remaining", "0");
                res.set_header("ratelimit-reset", "40");
                if (res.status == 503) res.set_header("Retry-After", "40");
                res.set_content(R"({"error":{"message":"Bad Gateway"}})", "application/json");
                return;
            }
            res.set_content(R"({"oncalls":[]})", "application/json");
        });
        http.Get("/headers", [this](const httplib::Request &req, httplib::Response &res) {
            note(req);
            res.set_content(req.get_header_value("Authorization") + "|" + req.get_header_value("Accept"), "text/plain");
        });
        port = http.bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { http.listen_after_bind(); });
        // 0.11 has no wait_until_ready(): poll until the loop runs.
        while (!http.is_running()) std::this_thread::sleep_for(5ms);
    }
    ~Server()
    {
        http.stop();
        thread.join();
    }
    void note(const httplib::Request &req)
    {
        std::lock_guard<std::mutex> l(mutex);
        client_ports.insert(req.remote_port);
    }
    // Counts a request to `path`; returns how many there have been.
    int count(const std::string &path)
    {
        std::lock_guard<std::mutex> l(mutex);
        return ++asked[path];
    }
    int times(const std::string &path)
    {
        std::lock_guard<std::mutex> l(mutex);
        return asked[path];
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

TimePoint in(std::chrono::milliseconds ms) { return std::chrono::steady_clock::now() + ms; }

// A server that answers by hand, to trickle what httplib's server writes at
// once: GET /trickle-head gets its status line and headers (and no body)
// one byte every 20 ms, GET /trickle-chunks its headers at once and a
// chunked body a byte at a time; anything else a short answer at once.
// Each answer is whole and valid: only its pace is hostile.
struct TrickleServer {
    int listener = -1;
    int port = 0;
    std::atomic<bool> stopping{false};
    std::vector<std::thread> threads;
    std::mutex mutex;

    TrickleServer()
    {
        listener = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof a;
        BOOST_REQUIRE(bind(listener, reinterpret_cast<sockaddr *>(&a), size) == 0);
        BOOST_REQUIRE(listen(listener, 8) == 0);
        getsockname(listener, reinterpret_cast<sockaddr *>(&a), &size);
        port = ntohs(a.sin_port);
        threads.emplace_back([this] { accept_loop(); });
    }
    ~TrickleServer()
    {
        stopping = true;
        shutdown(listener, SHUT_RDWR);
        std::vector<std::thread> all;
        {
            std::lock_guard<std::mutex> l(mutex);
            all.swap(threads);
        }
        for (auto &t : all) t.join();
        close(listener);
    }
    void accept_loop()
    {
        for (;;) {
            int fd = accept(listener, nullptr, nullptr);
            if (fd < 0) return;
            std::lock_guard<std::mutex> l(mutex);
            threads.emplace_back([this, fd] { serve(fd); });
        }
    }
    static bool send_all(int fd, const std::string &text)
    {
        return send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
    }
    // One byte at a time, until done or the client has gone.
    bool trickle(int fd, const std::string &text)
    {
        for (char c : text) {
            if (stopping || send(fd, &c, 1, MSG_NOSIGNAL) != 1) return false;
            std::this_thread::sleep_for(20ms);
        }
        return true;
    }
    void serve(int fd)
    {
        const std::string body(40, 'x');
        std::string request;
        char buf[4096];
        for (;;) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            request.append(buf, static_cast<std::size_t>(n));
            std::size_t end = request.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            std::string line = request.substr(0, request.find("\r\n"));
            request.erase(0, end + 4);
            const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
            if (line.find(" /trickle-head ") != std::string::npos) {
                // No body: httplib calls back for none of it.
                if (!trickle(fd, head + "X-Padding: " + body + "\r\nContent-Length: 0\r\n\r\n")) break;
            } else if (line.find(" /trickle-chunks ") != std::string::npos) {
                std::string chunks;
                for (char c : body) chunks += std::string("1\r\n") + c + "\r\n";
                if (!send_all(fd, head + "Transfer-Encoding: chunked\r\n\r\n") || !trickle(fd, chunks + "0\r\n\r\n"))
                    break;
            } else if (!send_all(fd, head + "Content-Length: 2\r\n\r\n{}")) {
                break;
            }
        }
        close(fd);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(http_client)

BOOST_AUTO_TEST_CASE(response_size_limit_at_and_over)
{
    Server s;
    HttpClient c(s.url(), "", {});
    HttpReply at = c.get("/size/" + std::to_string(limits::max_pagerduty_response), in(5000ms));
    BOOST_TEST(at.status == 200);
    BOOST_TEST(at.body.size() == limits::max_pagerduty_response);
    HttpReply over = c.get("/size/" + std::to_string(limits::max_pagerduty_response + 1), in(5000ms));
    BOOST_TEST(over.status == 0);
    BOOST_TEST(over.error == "answer larger than 2097152 bytes");
    BOOST_TEST(over.body.empty());
}

BOOST_AUTO_TEST_CASE(retry_after_limit_at_and_over)
{
    Server s;
    HttpClient c(s.url(), "", {});
    HttpReply at = c.get("/busy/" + std::to_string(limits::max_retry_after), in(5000ms));
    BOOST_TEST(at.status == 429);
    BOOST_TEST(at.retry_after == limits::max_retry_after);
    HttpReply over = c.get("/busy/" + std::to_string(limits::max_retry_after + 1), in(5000ms));
    BOOST_TEST(over.retry_after == limits::max_retry_after);
    BOOST_TEST(c.get("/busy/7", in(5000ms)).retry_after == 7);
}

BOOST_AUTO_TEST_CASE(a_5xx_naming_a_long_wait_is_retried_within_the_budget)
{
    Server s;
    HttpClient c(s.url(), "", {});
    Clock clock = [] { return std::chrono::steady_clock::now(); };
    for (int status : {502, 503}) {
        const std::string path = "/flaky/" + std::to_string(status);
        auto started = std::chrono::steady_clock::now();
        TimePoint deadline = started + 2000ms;
        Fetch fetch = retrying_fetch([&](const std::string &p, TimePoint d) { return c.get(p, d); }, clock, deadline);
        HttpReply r = fetch(path);
        BOOST_TEST(r.status == 200, status << ": " << r.status << " " << r.error);
        BOOST_TEST(r.body == R"({"oncalls":[]})");
        BOOST_TEST(s.times(path) == 2, status);
        BOOST_TEST((std::chrono::steady_clock::now() < deadline), status);
    }
}

BOOST_AUTO_TEST_CASE(held_to_the_deadline)
{
    Server s;
    HttpClient c(s.url(), "", {});
    HttpReply r = c.get("/slow", in(300ms));
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.error.rfind("timed out after ", 0) == 0u, r.error);
    HttpReply none = c.get("/size/1", std::chrono::steady_clock::now() - 1ms);
    BOOST_TEST(none.error == "no time left in [pagerduty] timeout");
}

BOOST_AUTO_TEST_CASE(rest_headers_and_one_kept_connection)
{
    Server s;
    PagerDutySettings pd;
    pd.api_url = s.url();
    pd.token = "k3y";
    auto c = rest_client(pd);
    HttpReply r = c->get("/headers", in(5000ms));
    BOOST_TEST(r.body == "Token token=k3y|application/vnd.pagerduty+json;version=2");
    for (int i = 0; i < 3; ++i) c->get("/size/10", in(5000ms));
    BOOST_TEST(s.client_ports.size() == 1u);  // kept alive
}

BOOST_AUTO_TEST_CASE(reopened_when_the_server_closed_it)
{
    Server s;
    HttpClient c(s.url(), "", {});
    BOOST_TEST(c.get("/size/10", in(5000ms)).status == 200);
    std::this_thread::sleep_for(1500ms);  // the server's keep-alive is 1 s
    HttpReply r = c.get("/size/10", in(5000ms));
    BOOST_TEST(r.status == 200, r.error);
    BOOST_TEST(s.client_ports.size() == 2u);
}

// A valid answer that trickles: httplib's read timeout starts again with
// every byte, so only the deadline can end it.  The answers would be whole
// after seconds; the deadline comes at 300 ms.
BOOST_AUTO_TEST_CASE(a_trickled_status_line_and_headers_end_at_the_deadline)
{
    TrickleServer s;
    HttpClient c(s.url(), "", {});
    HttpReply r = c.get("/trickle-head", in(300ms));
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.error.rfind("timed out after ", 0) == 0u, r.error);
    BOOST_TEST(r.error.find("([pagerduty] timeout)") != std::string::npos, r.error);
    // The connection cut is not used again.
    HttpReply next = c.get("/quick", in(5000ms));
    BOOST_TEST(next.status == 200, next.error);
    BOOST_TEST(next.body == "{}");
}

BOOST_AUTO_TEST_CASE(a_trickled_chunked_body_ends_at_the_deadline)
{
    TrickleServer s;
    HttpClient c(s.url(), "", {});
    BOOST_TEST(c.get("/quick", in(5000ms)).status == 200);  // and on the kept-alive connection
    HttpReply r = c.get("/trickle-chunks", in(300ms));
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.error.rfind("timed out after ", 0) == 0u, r.error);
    BOOST_TEST(r.body.empty());
    BOOST_TEST(c.get("/quick", in(5000ms)).status == 200);
}

BOOST_AUTO_TEST_CASE(a_host_name_is_looked_up_by_the_process_resolver)
{
    // localhost comes from /etc/hosts: no nameserver is asked.
    Server s;
    HttpClient c("http://localhost:" + std::to_string(s.port), "", {});
    for (int i = 0; i < 2; ++i) {
        HttpReply r = c.get("/size/3", in(5000ms));
        BOOST_TEST(r.status == 200, r.error);
    }
}

BOOST_AUTO_TEST_CASE(an_address_that_refuses_gives_way_to_the_next_in_the_same_request)
{
    // The name has two addresses, and nothing listens on the first.
    Server s;
    Resolver resolver(
        [](const std::string &) -> Result<Resolver::Addresses> { return Resolver::Addresses{"127.0.0.3", "127.0.0.1"}; },
                      [] { return std::chrono::steady_clock::now(); }, limits::dns_refresh);
    HttpClient c("http://pagerduty.test:" + std::to_string(s.port), "", {}, &resolver);
    HttpReply r = c.get("/size/3", in(5000ms));
    BOOST_TEST(r.status == 200, r.error);
    // The address that answered comes first from now on.
    BOOST_TEST(resolver.address("pagerduty.test", in(5000ms)).value_or({}).address == "127.0.0.1");
}

BOOST_AUTO_TEST_CASE(a_name_that_does_not_resolve_is_an_error_that_says_so)
{
    Resolver resolver([](const std::string &) -> Result<Resolver::Addresses> { return fail("Name or service not known"); },
                      [] { return std::chrono::steady_clock::now(); }, limits::dns_refresh);
    HttpClient c("https://pagerduty.test", "", {}, &resolver);
    HttpReply r = c.get("/oncalls", in(5000ms));
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.error == "cannot resolve pagerduty.test: Name or service not known");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(system_ca_bundle)

// Which paths exist, for system_ca_file.
std::function<bool(const std::string &)> existing(std::set<std::string> paths)
{
    return [paths](const std::string &p) { return paths.count(p) > 0; };
}

const CaDefaults debian_openssl{"/usr/lib/ssl/cert.pem", "/usr/lib/ssl/certs"};

BOOST_AUTO_TEST_CASE(openssl_finds_its_own_default_where_it_was_built)
{
    BOOST_TEST(system_ca_file(debian_openssl, existing({"/usr/lib/ssl/certs", "/etc/ssl/certs/ca-certificates.crt"}))
               == "");
    BOOST_TEST(system_ca_file(debian_openssl, existing({"/usr/lib/ssl/cert.pem"})) == "");
}

BOOST_AUTO_TEST_CASE(ssl_cert_file_or_dir_in_the_environment_is_left_to_openssl)
{
    // SSL_CERT_FILE set: OpenSSL reads it, and not its built-in directory.
    const CaDefaults from_env{"/opt/ca/bundle.pem", "/usr/lib/ssl/certs"};
    BOOST_TEST(system_ca_file(from_env, existing({"/opt/ca/bundle.pem", "/etc/pki/tls/certs/ca-bundle.crt"})) == "");
    const CaDefaults dir_from_env{"/usr/lib/ssl/cert.pem", "/opt/ca/hashed"};
    BOOST_TEST(system_ca_file(dir_from_env, existing({"/opt/ca/hashed", "/etc/ssl/cert.pem"})) == "");
    // Set to a path that is not there (or to nothing): the usual places.
    BOOST_TEST(system_ca_file({"/opt/ca/gone.pem", "/usr/lib/ssl/certs"}, existing({"/etc/ssl/cert.pem"}))
               == "/etc/ssl/cert.pem");
    BOOST_TEST(system_ca_file({"", ""}, existing({"/etc/ssl/ca-bundle.pem"})) == "/etc/ssl/ca-bundle.pem");
}

BOOST_AUTO_TEST_CASE(a_binary_taken_elsewhere_finds_that_systems_bundle)
{
    BOOST_TEST(system_ca_file(debian_openssl, existing({"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
                                                        "/etc/pki/tls/certs/ca-bundle.crt"}))
               == "/etc/pki/tls/certs/ca-bundle.crt");  // RHEL: the first in the list
    BOOST_TEST(system_ca_file(debian_openssl, existing({"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"}))
               == "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem");
    BOOST_TEST(system_ca_file(debian_openssl, existing({"/etc/ssl/ca-bundle.pem"})) == "/etc/ssl/ca-bundle.pem");
    BOOST_TEST(system_ca_file(debian_openssl, existing({"/etc/ssl/cert.pem"})) == "/etc/ssl/cert.pem");
    BOOST_TEST(system_ca_file(debian_openssl, existing({})) == "");
}

BOOST_AUTO_TEST_SUITE_END()
