#include "commands/refresh.hpp"

#include "core/escape.hpp"

namespace pdcf {

int refresh_run(const Context &ctx, bool cache_usable, std::FILE *out)
{
    const Config &config = ctx.config->config;
    if (!cache_usable || !ctx.sources) {
        std::fprintf(out, "nothing refreshed: [pagerduty] cache_dir %s is not usable (see --check), so every call "
                          "asks PagerDuty itself\n",
                     display_text(config.pagerduty.cache_dir).c_str());
        return 1;
    }
    int status = 0;
    for (const RefreshTarget &t : refresh_targets(config.routes)) {
        std::string routes;
        for (const auto &r : t.routes) routes += (routes.empty() ? "" : ", ") + r;
        const TimePoint deadline = ctx.clock() + config.pagerduty.timeout;
        Refreshed r = refresh_ahead(ctx.sources(deadline, CacheMode::ahead_of_run), t.kind, t.target);
        std::string said =
            target_name(t.kind, t.target) + (t.routes.size() == 1 ? " (route " : " (routes ") + routes + "): ";
        if (!r.problems.empty() || !r.not_asked.empty()) {
            status = 1;
            said += "failed:";
            for (const auto &p : r.problems) said += " " + p + ";";
            for (const auto &p : r.not_asked) said += " " + p + ";";
        } else if (!r.notes.empty()) {
            for (const auto &n : r.notes) said += n + "; ";
            said += r.requests == 0 ? "nothing asked" : std::to_string(r.requests) + " asked";
        } else if (r.requests == 0) {
            said += "fresh until after the next run; nothing asked";
        } else {
            said += "refreshed, " + std::to_string(r.requests) + (r.requests == 1 ? " request" : " requests");
        }
        std::fprintf(out, "%s\n", display_text(said).c_str());
    }
    return status;
}

}  // namespace pdcf
