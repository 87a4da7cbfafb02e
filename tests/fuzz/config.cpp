// The config file is written by hand; whatever is in it, parsing must end
// in a config or in problems that name the line, never in a crash, and a
// config it accepts must hold only values the rest of the program expects.
#include <cstddef>
#include <cstdint>

#include "config/config.hpp"
#include "core/limits.hpp"
#include "core/phone.hpp"
#include "support.hpp"

using namespace pdcf;

namespace {

// What every secret file holds here; it must never be quoted in a message.
const std::string file_secret = "file-secret-7Qx2";

bool mentions_secret(const std::vector<ConfigProblem> &problems)
{
    for (const auto &p : problems)
        if (p.str().find(file_secret) != std::string::npos) return true;
    return false;
}

void check_call(const CallSettings &c)
{
    fuzz::require(c.dial_timeout >= limits::min_dial_timeout && c.dial_timeout <= limits::max_dial_timeout);
    fuzz::require(c.max_loops >= 1 && c.max_loops <= limits::max_loops);
    fuzz::require(c.screen_timeout >= limits::min_screen_timeout && c.screen_timeout <= limits::max_screen_timeout);
    fuzz::require(c.voicemail_max_length >= limits::min_voicemail_length &&
                  c.voicemail_max_length <= limits::max_voicemail_length);
    fuzz::require(c.caller_id.empty() || is_e164(c.caller_id));
    fuzz::require(c.fallback_number.empty() || is_e164(c.fallback_number));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view text = fuzz::as_text(data, size);
    ConfigResult r = config_parse(text, "/etc/pd-call-forward/pd-call-forward.ini",
                                  [](const std::string &, std::size_t) -> Result<std::string> { return file_secret + "\n"; });
    (void)r.summary();
    for (const auto &w : r.warnings) (void)w.str();
    if (text.find(file_secret) == std::string_view::npos)
        fuzz::require(!mentions_secret(r.errors) && !mentions_secret(r.warnings));
    if (!r.ok()) return 0;

    const Config &c = r.config;
    fuzz::require(!c.routes.empty());
    fuzz::require(c.pagerduty.timeout >= limits::min_pagerduty_timeout &&
                  c.pagerduty.timeout <= limits::max_pagerduty_timeout);
    fuzz::require(!c.twilio.validate_signature || !c.twilio.auth_tokens.empty());
    for (const auto &t : c.twilio.auth_tokens) fuzz::require(!t.empty());
    check_call(c.call);
    int catch_all = 0;
    for (const Route &route : c.routes) {
        fuzz::require(!route.target.empty() && !route.call.title.empty());
        fuzz::require(route.number.empty() || is_e164(route.number));
        catch_all += route.number.empty();
        check_call(route.call);
    }
    fuzz::require(catch_all <= 1);
    return 0;
}
