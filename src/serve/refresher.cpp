#include "serve/refresher.hpp"

#include "core/escape.hpp"
#include "core/limits.hpp"

namespace pdcf {

Refresher::Refresher(const ConfigResult &config, SourcesFor sources, Clock clock)
    : settings_(config.config.pagerduty), targets_(refresh_targets(config.config.routes)),
      sources_(std::move(sources)), clock_(std::move(clock))
{
    thread_ = std::thread([this] { run(); });
}

Refresher::~Refresher()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

std::string Refresher::take_log()
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    out.swap(log_);
    return out;
}

void Refresher::run()
{
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, limits::refresh_tick, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        pass();
        lock.lock();
    }
}

void Refresher::pass()
{
    for (const RefreshTarget &t : targets_) {
        Refreshed r = refresh_ahead(sources_(clock_() + settings_.timeout, CacheMode::ahead), t.kind, t.target);
        // Said by the process that asked and failed; the others, and this
        // one, then leave the route to the calls for limits::refresh_retry
        // (sources.cpp), which still ask, or take the last answer.
        if (r.problems.empty()) continue;
        std::string line = "pd-call-forward: refresh of " + target_name(t.kind, t.target) + " failed:";
        for (const auto &p : r.problems) line += " " + p + ";";
        line += " tried again in " + std::to_string(limits::refresh_retry.count()) + " s\n";
        std::lock_guard<std::mutex> lock(mutex_);
        if (log_.size() < limits::max_refresh_log) log_ += display_text(line.substr(0, line.size() - 1)) + "\n";
    }
}

}  // namespace pdcf
