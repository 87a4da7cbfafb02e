#include "call/context.hpp"

namespace pdcf {

OnCallSources sources_for(const Context &ctx, TimePoint deadline, CacheMode mode)
{
    if (ctx.sources) return ctx.sources(deadline, mode);
    const long long now = ctx.epoch_seconds ? ctx.epoch_seconds() : 0;
    return direct_sources(
        [&ctx, deadline](const std::string &path) {
            return ctx.pagerduty ? ctx.pagerduty(path, deadline) : HttpReply{0, {}, "no PagerDuty client", -1};
        },
        now);
}

}  // namespace pdcf
