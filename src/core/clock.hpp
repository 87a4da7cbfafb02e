// The clocks every layer is handed rather than reading one itself, so that
// tests move time instead of waiting for it.
#pragma once

#include <chrono>
#include <functional>

namespace pdcf {

using TimePoint = std::chrono::steady_clock::time_point;
using Clock = std::function<TimePoint()>;

// Whole milliseconds from `a` to `b`, as the log shows them.
inline long ms_between(TimePoint a, TimePoint b)
{
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count());
}

}  // namespace pdcf
