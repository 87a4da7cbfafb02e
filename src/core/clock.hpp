// The clocks every layer is handed rather than reading one itself, so that
// tests move time instead of waiting for it.
#pragma once

#include <chrono>
#include <functional>

namespace pdcf {

using TimePoint = std::chrono::steady_clock::time_point;
using Clock = std::function<TimePoint()>;

}  // namespace pdcf
