#include "serve/queue_time.hpp"

#include <algorithm>
#include <string>

#include "core/ascii.hpp"
#include "core/limits.hpp"

namespace pdcf {

namespace {

// Magnitudes of a time now in each unit: seconds are below 1e11 until the
// year 5138, milliseconds below 1e14, microseconds below 1e17.
constexpr long long seconds_below = 100'000'000'000LL;
constexpr long long millis_below = 1000 * seconds_below;
constexpr long long micros_below = 1000 * millis_below;

}  // namespace

std::optional<long long> request_start_micros(std::string_view h)
{
    if (h.substr(0, 2) == "t=") h.remove_prefix(2);
    const std::size_t dot = h.find('.');
    auto whole = parse_decimal(h.substr(0, dot), 0, micros_below - 1);
    if (!whole) return std::nullopt;
    if (dot == std::string_view::npos) {
        if (*whole < seconds_below) return *whole * 1'000'000;
        if (*whole < millis_below) return *whole * 1000;
        return *whole;
    }
    // A fraction is of seconds only; digits past microseconds are dropped.
    const std::string_view fraction = h.substr(dot + 1);
    if (*whole >= seconds_below || fraction.empty() || !std::all_of(fraction.begin(), fraction.end(), is_ascii_digit))
        return std::nullopt;
    std::string micros(fraction.substr(0, 6));
    micros.resize(6, '0');
    return *whole * 1'000'000 + parse_decimal(micros, 0, 999'999).value_or(0);
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
