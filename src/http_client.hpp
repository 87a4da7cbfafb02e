// The HTTPS client for the PagerDuty REST API (cpp-httplib with OpenSSL).
// One per process, reused across requests so FastCGI workers keep their
// connection alive; each GET is held to the caller's deadline.
#pragma once

#include <memory>
#include <string>

#include "config.hpp"
#include "handler.hpp"
#include "pagerduty.hpp"

namespace pdcf {

class PagerDutyClient {
public:
    explicit PagerDutyClient(const PagerDutySettings &settings);
    ~PagerDutyClient();
    PagerDutyClient(const PagerDutyClient &) = delete;
    PagerDutyClient &operator=(const PagerDutyClient &) = delete;

    HttpReply get(const std::string &path_and_query, TimePoint deadline);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pdcf
