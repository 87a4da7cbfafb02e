// PagerDuty's answers, parsed and narrowed down to who can be dialed.
// Pure functions over the JSON text: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/rfc3339.hpp"

namespace pdcf {

// One entry of GET /oncalls, or one user of GET /schedules/{id}/users.
struct OnCall {
    int level = 0;           // escalation_level, 1 = first
    std::string user_id;     // only letters and digits (it goes into a URL path)
    std::string name;        // user.summary, the display name
    std::string end;         // "" when end is null: never goes off call
    std::string start = {};  // "" when start is null (a permanent on-call) or not asked
    std::string time_zone = {};  // the user's, when PagerDuty gave the whole user
};

struct OncallPage {
    std::vector<OnCall> entries;
    std::size_t listed = 0;  // entries in the page, usable or not (for paging)
    std::size_t skipped = 0; // entries without a usable user or level
    bool more = false;
};

// A page of GET /oncalls; fails when it is not such an answer at all.
Result<OncallPage> oncall_parse_page(std::string_view json);

// GET /schedules/{id}/users: the User objects of whoever is on the
// schedule in the window asked, as entries of level 1 in PagerDuty's order.
// The answer names no shift ends, so no entry has one; it is not paged
// (`more` stays false).
Result<OncallPage> schedule_users_parse(std::string_view json);

// GET /schedules/{id}?since=&until=: the schedule's final layer as
// PagerDuty renders it for that window, each entry a shift of level 1
// with its start and end.
Result<OncallPage> schedule_entries_parse(std::string_view json);

// The people of each escalation level, lowest level first; within a level
// in PagerDuty's order, each person once, at most limits::max_dial_numbers.
std::vector<std::vector<OnCall>> oncall_levels(const std::vector<OnCall> &entries);

// Whether a phone or SMS contact method can be dialed or texted, and if
// not, why: PagerDuty's own word (PhoneContactMethod's `blacklisted`, "no
// messages will be sent to it", and `enabled`, "capable of receiving
// notifications"), or ours (no E.164 number can be made of it).
enum class PhoneState { usable, blacklisted, disabled, invalid_number };
// "usable", "blacklisted", "disabled", "without a valid number"
const char *to_string(PhoneState state);

struct Phone {
    std::string number;  // E.164; "" when invalid_number
    std::string label;
    bool sms = false;    // an sms_contact_method: for texts only
    PhoneState state = PhoneState::usable;
};

// What a number is for: a call (phone contact methods only) or a text
// (SMS contact methods first, phone ones otherwise).
enum class Medium { voice, text };

// GET /users/{id}/contact_methods: every phone and SMS contact method.
// One that is blacklisted, disabled or makes no valid E.164 number is kept
// with its state, so the log can say why a person cannot be reached.  In
// PagerDuty's order.
Result<std::vector<Phone>> contact_phones(std::string_view json);

// The number to dial or text: among the usable methods `medium` prefers,
// the first whose label is `prefer_label` (compared without case), else
// the first.  A text goes to an SMS method when the person has one, as
// PagerDuty's own SMS notifications do, else to a phone method.
std::optional<Phone> phone_choose(const std::vector<Phone> &phones, std::string_view prefer_label,
                                  Medium medium = Medium::voice);

// Why none of the methods `medium` could use is usable, counted by state:
// "1 disabled, 1 blacklisted"; "" when there is none to count.
std::string phones_unusable(const std::vector<Phone> &phones, Medium medium = Medium::voice);

// The earliest `end` among `entries` (null ends never come), if any.
std::optional<long long> earliest_end(const std::vector<OnCall> &entries);

// The entries on call at `at`: begun (no start, or one not after `at`) and
// not ended (no end, or one after `at`).  A time PagerDuty wrote that
// cannot be read keeps the entry: better a call to someone whose shift may
// have ended than to nobody.
std::vector<OnCall> oncalls_at(const std::vector<OnCall> &entries, long long at);

// What the cache keeps of an on-call answer: its entries, and until when
// (exclusive, seconds since the epoch) they say who is on call: the
// `until` asked, so the shifts that begin before it are among them.  0:
// only the moment it was fetched (a schedule's people, or the cache's
// earlier form, a bare list, which is still read).
struct KnownOncalls {
    std::vector<OnCall> entries;
    long long known_until = 0;
};

// The cache's form of the answers: JSON text, and back (nothing when the
// text is not one).
std::string oncalls_to_json(const KnownOncalls &known);
std::optional<KnownOncalls> oncalls_from_json(std::string_view text);
std::string phones_to_json(const std::vector<Phone> &phones);
std::optional<std::vector<Phone>> phones_from_json(std::string_view text);

// num_loops of GET /escalation_policies/{id}: how many times PagerDuty
// repeats the policy after its last level.
std::optional<int> policy_num_loops(std::string_view json);

}  // namespace pdcf
