// PagerDuty's answers decide whom we dial; a proxy, an outage page or an
// API change can put anything in them.  Input: a GET /oncalls body (also
// read as a GET /schedules/{id}/users body), a
// GET /users/{id}/contact_methods body and a GET /escalation_policies/{id}
// body, separated by lines of "--".  The same bytes also go through the
// cache's own JSON readers.
#include <cstddef>
#include <cstdint>
#include <set>

#include "core/limits.hpp"
#include "core/phone.hpp"
#include "pagerduty/oncall.hpp"
#include "pagerduty/pagerduty.hpp"
#include "support.hpp"

using namespace pdcf;

namespace {

// The parsers' results, read back from the cache's form, must be what
// went in: the cache hands them to other processes.
void check_cache_round_trip(const std::vector<OnCall> &entries, const std::vector<Phone> &phones)
{
    auto oncalls = oncalls_from_json(oncalls_to_json({entries, 0}));
    fuzz::require(oncalls && oncalls->entries.size() == entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const OnCall &a = entries[i], &b = oncalls->entries[i];
        fuzz::require(a.level == b.level && a.user_id == b.user_id && a.name == b.name && a.end == b.end &&
                      a.start == b.start);
    }
    auto back = phones_from_json(phones_to_json(phones));
    fuzz::require(back && back->size() == phones.size());
    for (std::size_t i = 0; i < phones.size(); ++i)
        fuzz::require((*back)[i].number == phones[i].number && (*back)[i].label == phones[i].label &&
                      (*back)[i].sms == phones[i].sms && (*back)[i].state == phones[i].state);
}

// Whatever PagerDuty said, the levels come lowest first, each dialable
// number is E.164, and no <Dial> gets more numbers than Twilio rings.
void check_levels(const std::vector<Level> &levels)
{
    int previous = 0;
    for (const Level &l : levels) {
        fuzz::require(l.level > previous);
        previous = l.level;
        fuzz::require(l.callees.size() <= limits::max_dial_numbers);
        for (const Callee &c : l.callees) fuzz::require(is_e164(c.number));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto parts = fuzz::split(fuzz::as_text(data, size), "\n--\n");
    const std::string oncalls(fuzz::part(parts, 0));
    const std::string contacts(fuzz::part(parts, 1));
    const std::string policy(fuzz::part(parts, 2));

    OncallPage page = oncall_parse_page(oncalls).value_or({});
    fuzz::require(page.entries.size() + page.skipped == page.listed);
    OncallPage users = schedule_users_parse(oncalls).value_or({});
    fuzz::require(users.entries.size() + users.skipped == users.listed);
    fuzz::require(!users.more);
    for (const OnCall &e : users.entries) fuzz::require(e.level == 1 && e.end.empty());
    check_cache_round_trip(users.entries, {});
    std::vector<Phone> phones = contact_phones(contacts).value_or({});
    // A usable method has an E.164 number; one without a valid number has
    // none at all.
    for (const Phone &p : phones)
        fuzz::require(p.state == PhoneState::usable ? is_e164(p.number)
                      : p.state == PhoneState::invalid_number ? p.number.empty()
                                                               : p.number.empty() || is_e164(p.number));
    check_cache_round_trip(page.entries, phones);
    if (auto loops = policy_num_loops(policy)) fuzz::require(*loops >= 0 && *loops <= 1000);

    for (const auto &level : oncall_levels(page.entries)) {
        fuzz::require(!level.empty() && level.size() <= limits::max_dial_numbers);
        std::set<std::string> people;
        for (const OnCall &e : level) fuzz::require(people.insert(e.user_id).second);
    }
    (void)earliest_end(page.entries);
    for (Medium medium : {Medium::voice, Medium::text}) {
        // Whatever is chosen is usable; when nothing is, the reason names
        // only unusable methods.
        if (auto chosen = phone_choose(phones, "mobile", medium))
            fuzz::require(chosen->state == PhoneState::usable && is_e164(chosen->number));
        (void)phones_unusable(phones, medium);
    }
    // Every time we can read, we write back the same.
    for (std::string_view p : parts)
        if (auto t = parse_rfc3339(p); t && *t >= 0 && *t < 253402300800LL)
            fuzz::require(parse_rfc3339(format_rfc3339(*t)) == t);
    // The cache's readers take whatever is on disk.
    (void)oncalls_from_json(oncalls);
    (void)phones_from_json(contacts);

    // The whole lookup over these answers, as the handlers make it, for
    // both kinds of target.
    Fetch fetch = [&](const std::string &path) -> HttpReply {
        if (path.rfind("/oncalls", 0) == 0 || path.rfind("/schedules/", 0) == 0) return {200, oncalls, "", -1};
        if (path.rfind("/users/", 0) == 0) return {200, contacts, "", -1};
        return {200, policy, "", -1};
    };
    OnCallSources sources = direct_sources(fetch, 1'800'000'000);
    for (TargetKind kind : {TargetKind::escalation_policy, TargetKind::schedule}) {
        Snapshot snap = pagerduty_snapshot(sources, kind, "PEP1", "Mobile", [](const std::vector<Level> &) { return false; });
        check_levels(snap.levels);
        if (kind == TargetKind::schedule) fuzz::require(snap.levels.size() <= 1);
        Snapshot first = pagerduty_first_level(sources, kind, "PEP1", "Mobile");
        fuzz::require(first_level(first).callees.size() <= limits::max_dial_numbers);
        first = without_lines(first, {{"+14155550111", "route:db"}}, "+14155550100");
        for (const Level &l : first.levels)
            for (const Callee &c : l.callees) fuzz::require(c.number != "+14155550100" && c.number != "+14155550111");
        (void)snapshot_reason(first);
    }
    return 0;
}
