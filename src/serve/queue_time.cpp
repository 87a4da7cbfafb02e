#include "serve/queue_time.hpp"

#include "core/limits.hpp"

namespace pdcf {

namespace {

// Magnitudes of a time now in each unit: seconds are below 1e11 until the
// year 5138, milliseconds below 1e14, microseconds below 1e17.
constexpr long long seconds_below = 100'000'000'000LL;
constexpr long long millis_below = 1000 * seconds_below;
constexpr long long micros_below = 1000 * millis_below;

// Whole digits at most: 1e17 needs 18, and more would overflow.
constexpr std::size_t max_digits = 18;

}  // namespace

std::optional<long long> request_start_micros(std::string_view h)
{
    if (h.substr(0, 2) == "t=") h.remove_prefix(2);
    std::size_t i = 0;
    long long whole = 0;
    for (; i < h.size() && h[i] >= '0' && h[i] <= '9'; ++i) {
        if (i == max_digits) return std::nullopt;
        whole = whole * 10 + (h[i] - '0');
    }
    if (i == 0) return std::nullopt;
    // A fraction is of seconds only; digits past microseconds are dropped.
    long long fraction = 0;
    bool has_fraction = i < h.size() && h[i] == '.';
    if (has_fraction) {
        long long scale = 100000;
        std::size_t digits = 0;
        for (++i; i < h.size() && h[i] >= '0' && h[i] <= '9'; ++i, ++digits) {
            fraction += (h[i] - '0') * scale;
            scale /= 10;
        }
        if (digits == 0) return std::nullopt;
    }
    if (i != h.size()) return std::nullopt;
    if (whole < seconds_below) return whole * 1'000'000 + fraction;
    if (has_fraction) return std::nullopt;
    if (whole < millis_below) return whole * 1000;
    if (whole < micros_below) return whole;
    return std::nullopt;
}

QueueWait queue_wait(std::string_view header, long long now_micros)
{
    using std::chrono::microseconds;
    using std::chrono::milliseconds;
    auto start = request_start_micros(header);
    if (!start) return {milliseconds(0), false};
    const microseconds waited(now_micros - *start);
    if (waited < -microseconds(limits::max_request_start_ahead) || waited > microseconds(limits::max_queue_wait))
        return {milliseconds(0), false};
    if (waited < microseconds(0)) return {milliseconds(0), true};
    return {std::chrono::duration_cast<milliseconds>(waited), true};
}

}  // namespace pdcf
