#include "alerts/alert_desk.hpp"

#include <ctime>

#include "alerts/repeats.hpp"

namespace pdcf {

Alerts alerts_via(const Spool &spool, Post post, Sleep sleep, Clock clock)
{
    Alerts a;
    a.deliver = [&spool, post, sleep, clock](const Alert &alert, TimePoint deadline) -> std::string {
        // A callback Twilio sends twice must not raise the alert twice.  If
        // the spool cannot say, send anyway: PagerDuty dedups by CallSid.
        Spool::Claim claim = spool.claim(alert.call_sid, to_string(alert.kind));
        if (claim == Spool::Claim::again) return "duplicate";
        if (spool.earlier_waits(alert.call_sid, alert.kind)) {
            if (auto kept = spool.keep(alert); !kept) return "LOST (" + kept.error() + ")";
            return "spooled (after the call's earlier event, which waits in the spool)";
        }
        // Its routing key is rate-limited: not even tried until the pause ends.
        if (auto until = spool.paused_until(alert.routing_key)) {
            long delay = static_cast<long>(*until - static_cast<long long>(std::time(nullptr)));
            if (auto kept = spool.keep(alert, delay); !kept)
                return "LOST (rate limited by PagerDuty; " + kept.error() + ")";
            return "spooled (rate limited by PagerDuty; next try in " + std::to_string(delay) + " s)";
        }
        SendResult r = events_send(post, sleep, clock, alert.body, deadline);
        switch (r.status) {
        case SendStatus::sent: return "sent";
        case SendStatus::rejected: {
            auto kept = spool.reject(alert);
            return "rejected (" + r.detail + ")" + (kept ? "; kept in " + spool.dir() + "/rejected" : "; " + kept.error());
        }
        case SendStatus::failed:
        case SendStatus::rate_limited: break;
        }
        long delay = r.status == SendStatus::rate_limited ? rate_limited_delay(r) : retry_pause_seconds;
        if (r.status == SendStatus::rate_limited)
            spool.pause(alert.routing_key, static_cast<long long>(std::time(nullptr)) + delay);
        if (auto kept = spool.keep(alert, delay); !kept) return "LOST (" + r.detail + "; " + kept.error() + ")";
        return "spooled (" + r.detail + (r.status == SendStatus::rate_limited
                                             ? "; next try in " + std::to_string(delay) + " s)"
                                             : ")");
    };
    a.hold = [&spool, deliver = a.deliver](const Alert &alert, long seconds, TimePoint deadline) -> std::string {
        // A spool that cannot hold it cannot say later whether the call was
        // answered either: the alert goes out now, as it would have.
        auto held = spool.hold(alert, seconds);
        if (held) return "held " + std::to_string(seconds) + " s";
        return deliver(alert, deadline) + " (not held: " + held.error() + ")";
    };
    a.take_held = [&spool](const std::string &call_sid, AlertKind kind) -> std::optional<Alert> {
        auto body = spool.take_held(call_sid, kind);
        if (!body) return std::nullopt;
        return alert_from_event(kind, call_sid, *body);
    };
    a.mark = [&spool](const std::string &call_sid, const std::string &mark) { spool.claim(call_sid, mark); };
    a.marked = [&spool](const std::string &call_sid, const std::string &mark) { return spool.claimed(call_sid, mark); };
    a.caller_calls = [&spool](const std::string &line, const std::string &caller, const std::string &call_sid,
                              long window, bool count) {
        return pdcf::caller_calls(spool, line, caller, call_sid, window, static_cast<long long>(std::time(nullptr)),
                                  count);
    };
    a.caller_answered = [&spool](const std::string &line, const std::string &caller) {
        pdcf::caller_answered(spool, line, caller);
    };
    return a;
}

std::string release_held(const Spool &spool, const std::string &call, const std::string &kind)
{
    if (kind == to_string(AlertKind::missed)) {
        if (spool.claimed(call, to_string(CallMark::answered))) return "the call was answered";
        if (spool.claimed(call, to_string(CallMark::recorded))) return "the caller left a message";
        if (spool.claimed(call, to_string(CallMark::refused))) return "the caller was refused";
    }
    if (spool.claim(call, kind) == Spool::Claim::again) return "already sent";
    return {};
}

FlushRules flush_rules(const Spool &spool, long early)
{
    FlushRules rules;
    rules.early = early;
    rules.release = [&spool](const std::string &call, const std::string &kind) { return release_held(spool, call, kind); };
    return rules;
}

}  // namespace pdcf
