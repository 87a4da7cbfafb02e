#include "text/sms_flow.hpp"

#include <algorithm>
#include <cctype>

#include "config/route.hpp"
#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "core/log.hpp"
#include "core/phone.hpp"
#include "core/placeholders.hpp"
#include "twilio/twiml.hpp"

namespace pdcf {

namespace {

// Texts cannot go to a withheld number.
bool can_reply(const TextMessage &m) { return !is_anonymous(m.from); }

bool starts_word(std::string_view body, std::string_view word)
{
    if (word.empty() || body.size() < word.size() || !ascii_iequal(body.substr(0, word.size()), word)) return false;
    return body.size() == word.size() || !std::isalnum(static_cast<unsigned char>(body[word.size()]));
}

std::string unavailable_text(const CallSettings &call, bool alerted)
{
    if (!call.sms_unavailable.empty()) return fill(call.sms_unavailable, {{"{title}", call.title}});
    return alerted ? "Sorry, nobody on call could be reached just now. Your message has been passed on as an alert."
                   : "Sorry, nobody on call could be reached just now. Please try again in a few minutes.";
}

FlowResult result(const Twiml &twiml, Outcome outcome, std::string reason = {})
{
    FlowResult r;
    r.twiml = twiml.str();
    r.outcome = outcome;
    r.reason = std::move(reason);
    return r;
}

}  // namespace

TextMessage text_message(const Params &p)
{
    TextMessage m{form_value(p, "MessageSid"), form_value(p, "From"), form_value(p, "To"), form_value(p, "Body"), {}};
    for (std::size_t i = 0; i < limits::max_sms_messages; ++i)
        if (const std::string *url = form_get(p, "MediaUrl" + std::to_string(i)); url && !url->empty())
            m.media.push_back(*url);
    return m;
}

const MenuEntry *text_menu_entry(const Config &config, const Menu &menu, std::string_view body)
{
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
    for (const auto &e : menu.entries) {
        if (e.route.empty()) continue;
        const Route *r = route_find(config, e.route);
        if (starts_word(body, std::string(1, e.key)) || starts_word(body, e.route) ||
            (r && starts_word(body, r->call.title)))
            return &e;
    }
    return nullptr;
}

namespace {

// An on-call engineer who texts the line (or answers a forwarded text)
// does not get their own words back.
void drop_sender(Snapshot &snap, const std::string &from)
{
    if (from.empty()) return;
    bool dropped = false;
    for (auto &l : snap.levels) {
        auto sender = std::remove_if(l.callees.begin(), l.callees.end(), [&](const Callee &c) { return c.number == from; });
        dropped = dropped || sender != l.callees.end();
        l.callees.erase(sender, l.callees.end());
    }
    if (dropped) add_note(snap.problem, "the sender is on call; not sent back to them");
}

// Nobody to text: the sender hears so, and an alert says what was sent.
FlowResult nobody_to_text(const Route &route, const TextMessage &m, const std::string &problem)
{
    const CallSettings &call = route.call;
    Twiml twiml;
    bool alerted = call.can_alert();
    if (can_reply(m)) twiml.message("", unavailable_text(call, alerted));
    FlowResult r = result(twiml, Outcome::unavailable, problem.empty() ? "nobody to text" : problem);
    if (alerted) r.alert = alert_text(call, route.name, m, {}, r.reason);
    return r;
}

// The text as the on-call gets it: sms_forward filled in, attachments
// counted, cut to one message's length (said in `problem`).
std::string forwarded_text(const CallSettings &call, const TextMessage &m, std::string &problem)
{
    std::string text = m.body;
    if (!m.media.empty())
        text += " [" + std::to_string(m.media.size()) + " attachment" + (m.media.size() == 1 ? "" : "s") + " not forwarded]";
    bool cut = false;
    std::string forwarded = message_clip(
        fill(call.sms_forward, {{"{title}", call.title}, {"{caller}", m.from.empty() ? "an unknown number" : m.from},
                                {"{text}", text}}),
        cut);
    if (cut) add_note(problem, "text cut to " + std::to_string(limits::max_sms_length) + " characters");
    return forwarded;
}

}  // namespace

FlowResult sms_forward(const Route &route, const TextMessage &m, const Snapshot &raw)
{
    const CallSettings &call = route.call;
    Snapshot snap = without_lines(raw, route.lines, m.to);
    drop_sender(snap, m.from);
    const Level level = snap.oncalls_failed ? Level{} : first_level(snap);
    std::string problem = snapshot_reason(snap);
    if (level.callees.empty()) return nobody_to_text(route, m, problem);

    const bool reply = !call.sms_reply.empty() && can_reply(m);
    const std::size_t room = limits::max_sms_messages - (reply ? 1 : 0);
    std::vector<Callee> to = level.callees;
    if (to.size() > room) {
        add_note(problem, std::to_string(to.size() - room) + " more at level " + std::to_string(level.level) +
                              " not texted (at most " + std::to_string(limits::max_sms_messages) + " messages)");
        to.resize(room);
    }
    const std::string forwarded = forwarded_text(call, m, problem);

    Twiml twiml;
    FlowResult r;
    std::vector<std::string> names;
    for (const auto &c : to) {
        twiml.message(c.number, forwarded);
        r.dialed.push_back(c.number);
        names.push_back(c.name);
    }
    if (reply) {
        Placeholders p = name_placeholders(names);
        p.push_back({"{title}", call.title});
        twiml.message("", fill(call.sms_reply, p));
    }
    r.twiml = twiml.str();
    r.outcome = Outcome::forwarded;
    r.reason = problem;
    r.level = level.level;
    if (call.sms_alert && call.can_alert()) r.alert = alert_text(call, route.name, m, names, "");
    return r;
}

FlowResult sms_unrouted(const Config &config, const Menu &menu, const TextMessage &m)
{
    std::string choices;
    std::vector<std::string> named;
    for (const auto &e : menu.entries) {
        if (e.route.empty() || std::find(named.begin(), named.end(), e.route) != named.end()) continue;
        named.push_back(e.route);
        const Route *r = route_find(config, e.route);
        const std::string &title = r ? r->call.title : e.route;
        choices += std::string(choices.empty() ? "" : ", ") + e.key + " for " + title;
    }
    bool alerted = menu.call.can_alert();
    Twiml twiml;
    if (can_reply(m))
        twiml.message("", std::string(alerted ? "Your message has been passed on as an alert. " : "") +
                              "To reach a team directly, start your text with " + choices + ".");
    FlowResult r = result(twiml, Outcome::unrouted, "the text names no menu choice");
    if (alerted) r.alert = alert_text(menu.call, menu.name, m, {}, r.reason);
    return r;
}

FlowResult sms_from_line(const LineNumber &line)
{
    return result(Twiml(), Outcome::ignored,
                  "the text comes from the number of this program's [" + line.line + "]; not answered or forwarded");
}

FlowResult sms_refused(const Route &route, const TextMessage &m, const CallerCheck &check)
{
    Twiml twiml;
    bool blocked = check.verdict == CallerVerdict::blocked;
    if (!blocked && can_reply(m)) twiml.message("", fill(route.call.rejected_message, {{"{title}", route.call.title}}));
    return result(twiml, blocked ? Outcome::blocked : Outcome::refused, check.reason);
}

}  // namespace pdcf
