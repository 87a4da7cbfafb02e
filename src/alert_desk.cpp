#include "alert_desk.hpp"

namespace pdcf {

Alerts alerts_via(const Spool &spool, Post post, Sleep sleep, Clock clock)
{
    Alerts a;
    a.deliver = [&spool, post, sleep, clock](const Alert &alert, TimePoint deadline) -> std::string {
        // A callback Twilio sends twice must not raise the alert twice.  If
        // the spool cannot say, send anyway: PagerDuty dedups by CallSid.
        Spool::Claim claim = spool.claim(alert.call_sid, to_string(alert.kind));
        if (claim == Spool::Claim::again) return "duplicate";
        SendResult r = events_send(post, sleep, clock, alert.body, deadline);
        switch (r.status) {
        case SendStatus::sent: return "sent";
        case SendStatus::rejected: {
            std::string problem = spool.reject(alert);
            return "rejected (" + r.detail + ")" +
                   (problem.empty() ? "; kept in " + spool.dir() + "/rejected" : "; " + problem);
        }
        case SendStatus::failed: break;
        }
        std::string problem = spool.keep(alert);
        if (!problem.empty()) return "LOST (" + r.detail + "; " + problem + ")";
        return "spooled (" + r.detail + ")";
    };
    a.mark = [&spool](const std::string &call_sid, const std::string &mark) { spool.claim(call_sid, mark); };
    a.marked = [&spool](const std::string &call_sid, const std::string &mark) { return spool.claimed(call_sid, mark); };
    return a;
}

}  // namespace pdcf
