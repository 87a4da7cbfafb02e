// Alerts waiting to be delivered, and the marks that let each alert of a
// call go out once: small files under [pagerduty] spool_dir, shared by
// every process (FastCGI pool, CGI runs, --flush).  Files appear whole or
// not at all (written to a temporary name, then renamed), and a pending
// alert is taken by exactly one process (renamed into sending/).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "alert.hpp"
#include "events.hpp"

namespace pdcf {

class Spool {
public:
    explicit Spool(std::string dir);

    // Creates the directories (mode 0700) if missing: "" or what is wrong.
    std::string prepare() const;

    enum class Claim { first, again, unavailable };
    // Marks `what` for the call (an alert kind when an alert is delivered,
    // or "answered", "recorded"); `first` only once, whichever process asks.
    Claim claim(const std::string &call_sid, const std::string &what) const;
    bool claimed(const std::string &call_sid, const std::string &what) const;

    // Keeps an alert that could not be sent, to send later: "" or why not.
    std::string keep(const Alert &alert) const;
    // Sets aside an alert PagerDuty refused, for a person to look at.
    std::string reject(const Alert &alert) const;

    bool has_pending() const;

    struct Flushed {
        int sent = 0;
        int rejected = 0;
        int failed = 0;  // tried, still pending
        int left = 0;    // not tried: out of time
        std::vector<std::string> lines;  // one per alert tried, for the log
    };
    // Sends pending alerts, oldest first, until `deadline`; `send` tries
    // one alert's JSON.  Alerts spooled less than `min_age` seconds ago are
    // left for later: they have only just failed.
    Flushed flush(const std::function<SendResult(const std::string &event, TimePoint deadline)> &send,
                  const Clock &clock, TimePoint deadline, long min_age = 0) const;

    const std::string &dir() const { return dir_; }

private:
    std::string dir_;
};

// A CallSid made safe as a file name (letters and digits, bounded).
std::string spool_name(const std::string &call_sid);

}  // namespace pdcf
