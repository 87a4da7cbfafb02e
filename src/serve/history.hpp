// The call history (--calls): what each request of a call leaves in the
// journal (journal.hpp), and the calls read back from it.  One JSON object
// a line; the caller's number is masked before it is written, as in the
// log.  Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/log.hpp"

namespace pdcf {

// The record of a request that belongs to a call (the incoming call and
// its callbacks, Twilio's own), made at `now` (seconds since the epoch);
// nothing for any other request.
std::optional<std::string> history_record(const LogRecord &log, long long now);

struct CallSummary {
    std::string call_sid;
    long long started = 0;   // its first request
    long long seconds = 0;   // from its first request to its last
    std::string line;        // the route
    std::string from;        // masked
    std::string outcome;     // answered, voicemail, missed, refused...
    std::string answered_by;
    std::string alert;       // which alert it raised, and what became of it
};

// Every call with a request at or after `since`, newest first, from the
// journal's records (oldest first); a line that is not a record is passed
// over.
class HistoryReader {
public:
    void add(std::string_view record);
    std::vector<CallSummary> calls(long long since) const;

private:
    struct Entry {
        long long t = 0;
        std::string line, from, path, outcome, who, alert;
    };
    std::vector<std::pair<std::string, std::vector<Entry>>> calls_;  // in order of first sight
    std::unordered_map<std::string, std::size_t> index_;             // call → its place in calls_
};

}  // namespace pdcf
