// How long a request waited in the web server before a worker took it, from
// the X-Request-Start header the shipped nginx and Apache configs set.  That
// wait counts against the PagerDuty budget, so that a caller who queued
// behind a burst is answered within it, from the cache or the fallback,
// instead of waiting the whole budget again after the queue.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace pdcf {

// When the web server took the request, in microseconds since the epoch:
// "t=" (optional) and seconds with a fraction (nginx's $msec), whole
// milliseconds, or whole microseconds (Apache's %t), told apart by
// magnitude.  nullopt for anything else.
std::optional<long long> request_start_micros(std::string_view header);

struct QueueWait {
    std::chrono::milliseconds waited{0};
    bool believed = true;  // false: the clocks disagree, nothing counted
};

// The wait from the header's time to `now_micros`.  A time up to
// limits::max_request_start_ahead ahead of ours is no wait; further ahead,
// or a wait over limits::max_queue_wait, is not believed.
QueueWait queue_wait(std::string_view header, long long now_micros);

}  // namespace pdcf
