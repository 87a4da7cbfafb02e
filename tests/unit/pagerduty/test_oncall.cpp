#include <boost/test/unit_test.hpp>

#include "core/limits.hpp"
#include "pagerduty/oncall.hpp"

using namespace pdcf;

namespace {

// The example answer of GET /oncalls in PagerDuty's OpenAPI description.
const char *official_oncalls = R"({
  "oncalls": [{
    "user": {"id": "PT23IWX", "type": "user_reference", "summary": "Tim Wright",
             "self": "https://api.pagerduty.com/users/PT23IWX",
             "html_url": "https://subdomain.pagerduty.com/users/PT23IWX"},
    "schedule": {"id": "PI7DH85", "type": "schedule_reference", "summary": "Daily Engineering Rotation",
                 "self": "https://api.pagerduty.com/schedules/PI7DH85",
                 "html_url": "https://subdomain.pagerduty.com/schedules/PI7DH85"},
    "escalation_policy": {"id": "PT20YPA", "type": "escalation_policy_reference",
                          "summary": "Engineering Escalation Policy",
                          "self": "https://api.pagerduty.com/escalation_policies/PT20YPA",
                          "html_url": "https://subdomain.pagerduty.com/escalation_policies/PT20YPA"},
    "escalation_level": 2,
    "start": "2015-03-06T15:28:51-05:00",
    "end": "2015-03-07T15:28:51-05:00"
  }],
  "limit": 25, "offset": 0, "more": false, "total": null
})";

// The example answer of GET /schedules/{id}/users in the OpenAPI file,
// cut to the fields that differ between its two users.
const char *official_schedule_users = R"({
  "users": [{
    "id": "PAM4FGS", "type": "user", "summary": "Kyler Kuhn",
    "self": "https://api.pagerduty.com/users/PAM4FGS", "html_url": "https://subdomain.pagerduty.com/users/PAM4FGS",
    "name": "Kyler Kuhn", "email": "126_dvm_kyler_kuhn@beahan.name", "time_zone": "Asia/Hong_Kong", "color": "red",
    "role": "admin", "avatar_url": "https://pd-static-assets.pagerduty.com/users/blank-avatar.png",
    "description": "Engineer based in HK", "invitation_sent": false,
    "contact_methods": [{"id": "PVMGSML", "type": "email_contact_method_reference", "summary": "Work",
                         "self": "https://api.pagerduty.com/users/PAM4FGS/contact_methods/PVMGSMLL"}],
    "notification_rules": [], "job_title": "Senior Engineer", "teams": []
  }, {
    "id": "PXPGF42", "type": "user", "summary": "Earline Greenholt",
    "self": "https://api.pagerduty.com/users/PXPGF42", "html_url": "https://subdomain.pagerduty.com/users/PXPGF42",
    "name": "Earline Greenholt", "email": "125.greenholt.earline@graham.name", "time_zone": "America/Lima",
    "color": "green", "role": "admin", "description": "I'm the boss", "invitation_sent": false,
    "contact_methods": [], "notification_rules": [], "job_title": "Director of Engineering", "teams": []
  }]
})";

std::string entry(int level, const std::string &id, const std::string &name, const std::string &extra = "")
{
    return R"({"escalation_level": )" + std::to_string(level) + R"(, "user": {"id": ")" + id +
           R"(", "type": "user_reference", "summary": ")" + name + R"("})" + extra + "}";
}

std::string page(const std::vector<std::string> &entries, bool more = false)
{
    std::string list;
    for (const auto &e : entries) list += (list.empty() ? "" : ",") + e;
    return R"({"oncalls": [)" + list + R"(], "limit": 100, "offset": 0, "more": )" + (more ? "true" : "false") +
           R"(, "total": null})";
}

std::vector<std::string> ids(const std::vector<OnCall> &people)
{
    std::vector<std::string> out;
    for (const auto &p : people) out.push_back(p.user_id);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oncall)

BOOST_AUTO_TEST_CASE(official_example)
{
    auto p = oncall_parse_page(official_oncalls);
    BOOST_TEST_REQUIRE(bool(p), p.error());
    BOOST_REQUIRE_EQUAL(p->entries.size(), 1u);
    BOOST_TEST(p->entries[0].level == 2);
    BOOST_TEST(p->entries[0].user_id == "PT23IWX");
    BOOST_TEST(p->entries[0].name == "Tim Wright");
    BOOST_TEST(p->entries[0].end == "2015-03-07T15:28:51-05:00");
    BOOST_TEST(!p->more);
    BOOST_TEST(p->listed == 1u);
}

BOOST_AUTO_TEST_CASE(lowest_level_first_whatever_the_order)
{
    auto p = oncall_parse_page(page({entry(3, "PC", "C"), entry(1, "PA", "A"), entry(2, "PB", "B")}));
    auto levels = oncall_levels(p->entries);
    BOOST_REQUIRE_EQUAL(levels.size(), 3u);
    BOOST_TEST(ids(levels[0]) == std::vector<std::string>{"PA"});
    BOOST_TEST(ids(levels[1]) == std::vector<std::string>{"PB"});
    BOOST_TEST(ids(levels[2]) == std::vector<std::string>{"PC"});
}

BOOST_AUTO_TEST_CASE(several_at_one_level_in_api_order_each_once)
{
    auto p = oncall_parse_page(page({entry(1, "PB", "B"), entry(1, "PA", "A"), entry(2, "PC", "C"),
                                     entry(1, "PB", "B", R"(, "schedule": {"id": "PS2", "type": "schedule_reference"})")}));
    auto levels = oncall_levels(p->entries);
    BOOST_TEST(ids(levels[0]) == (std::vector<std::string>{"PB", "PA"}));
}

BOOST_AUTO_TEST_CASE(at_most_ten_per_level)
{
    std::vector<std::string> entries;
    for (int i = 0; i < 12; ++i) entries.push_back(entry(1, "P" + std::to_string(i), "N"));
    auto levels = oncall_levels(oncall_parse_page(page(entries))->entries);
    BOOST_TEST(levels[0].size() == limits::max_dial_numbers);
    BOOST_TEST(levels[0].back().user_id == "P9");
}

BOOST_AUTO_TEST_CASE(missing_or_null_schedule_and_null_end)
{
    auto p = oncall_parse_page(page({entry(1, "PA", "A", R"(, "schedule": null, "end": null, "start": null)"),
                                     entry(1, "PB", "B")}));
    BOOST_TEST_REQUIRE(bool(p));
    BOOST_REQUIRE_EQUAL(p->entries.size(), 2u);
    BOOST_TEST(p->entries[0].end == "");
}

BOOST_AUTO_TEST_CASE(unusable_entries_are_skipped_not_fatal)
{
    auto p = oncall_parse_page(page({
        R"({"escalation_level": 1})",                                              // no user
        R"({"escalation_level": "1", "user": {"id": "PA"}})",                      // level not a number
        R"({"escalation_level": 0, "user": {"id": "PA"}})",                        // level 0
        R"({"escalation_level": 1, "user": {"id": "../admin"}})",                  // id unfit for a URL
        R"({"escalation_level": 1, "user": "PA"})",                                // user not an object
        R"(42)",
        entry(1, "PGOOD", "Good"),
    }));
    BOOST_TEST(bool(p));
    BOOST_TEST(p->listed == 7u);
    BOOST_TEST(p->skipped == 6u);
    BOOST_REQUIRE_EQUAL(p->entries.size(), 1u);
    BOOST_TEST(p->entries[0].user_id == "PGOOD");
}

BOOST_AUTO_TEST_CASE(name_falls_back_to_id)
{
    auto p = oncall_parse_page(page({R"({"escalation_level": 1, "user": {"id": "PA"}})"}));
    BOOST_TEST(p->entries.at(0).name == "PA");
}

BOOST_AUTO_TEST_CASE(more_pages)
{
    BOOST_TEST(oncall_parse_page(page({entry(1, "PA", "A")}, true))->more);
    BOOST_TEST(!oncall_parse_page(R"({"oncalls": []})")->more);
    BOOST_TEST(!oncall_parse_page(R"({"oncalls": [], "more": "yes"})")->more);
}

BOOST_AUTO_TEST_CASE(not_an_oncalls_answer)
{
    BOOST_TEST(oncall_parse_page("<html>").error() == "not JSON");
    BOOST_TEST(oncall_parse_page("").error() == "not JSON");
    BOOST_TEST(oncall_parse_page(R"({"oncalls": [{"escalation_level": 1)").error() == "not JSON");
    BOOST_TEST(!oncall_parse_page(R"({"oncalls": "none"})"));
    BOOST_TEST(!oncall_parse_page(R"([1, 2])"));
    BOOST_TEST(!oncall_parse_page(R"({"error": {"message": "x"}})"));
}

BOOST_AUTO_TEST_CASE(schedule_users_official_example)
{
    auto p = schedule_users_parse(official_schedule_users);
    BOOST_TEST_REQUIRE(bool(p), p.error());
    BOOST_REQUIRE_EQUAL(p->entries.size(), 2u);
    BOOST_TEST(p->listed == 2u);
    BOOST_TEST(!p->more);
    BOOST_TEST(p->entries[0].user_id == "PAM4FGS");
    BOOST_TEST(p->entries[0].name == "Kyler Kuhn");
    BOOST_TEST(p->entries[1].name == "Earline Greenholt");
    // One level, and no shift ends: the answer names none.
    for (const auto &e : p->entries) {
        BOOST_TEST(e.level == 1);
        BOOST_TEST(e.end == "");
    }
    BOOST_TEST(oncall_levels(p->entries).size() == 1u);
}

BOOST_AUTO_TEST_CASE(schedule_users_unusable_ones_are_skipped)
{
    auto p = schedule_users_parse(R"({"users": [
        {"type": "user", "summary": "No id"},
        {"id": "../admin", "summary": "Bad id"},
        "PA",
        42,
        {"id": "PNAME01", "name": "Only a name"},
        {"id": "PBARE01"},
        {"id": "PA", "summary": "Ada"}
    ]})");
    BOOST_TEST(bool(p));
    BOOST_TEST(p->listed == 7u);
    BOOST_TEST(p->skipped == 4u);
    BOOST_REQUIRE_EQUAL(p->entries.size(), 3u);
    BOOST_TEST(p->entries[0].name == "Only a name");
    BOOST_TEST(p->entries[1].name == "PBARE01");
    BOOST_TEST(p->entries[2].user_id == "PA");
}

BOOST_AUTO_TEST_CASE(not_a_schedule_users_answer)
{
    BOOST_TEST(schedule_users_parse("<html>").error() == "not JSON");
    BOOST_TEST(schedule_users_parse("").error() == "not JSON");
    BOOST_TEST(schedule_users_parse(R"({"users": "none"})").error() == "JSON without the \"users\" array");
    BOOST_TEST(!schedule_users_parse(official_oncalls));
    BOOST_TEST(!schedule_users_parse(R"({"error": {"message": "Not Found", "code": 2100}})"));
    BOOST_TEST(schedule_users_parse(R"({"users": []})")->entries.empty());
}

BOOST_AUTO_TEST_CASE(phone_and_sms_contact_methods)
{
    auto r = contact_phones(R"({"contact_methods": [
        {"id": "PE", "type": "email_contact_method", "label": "Work", "address": "a@example.com"},
        {"id": "PS", "type": "sms_contact_method", "label": "Mobile", "country_code": 1, "address": "4155550109"},
        {"id": "PP1", "type": "phone_contact_method", "label": "Blocked", "country_code": 1, "address": "4155550108", "blacklisted": true},
        {"id": "PP2", "type": "phone_contact_method", "label": "Work", "country_code": 44, "address": "20 7946 0958", "blacklisted": false},
        {"id": "PP3", "type": "phone_contact_method", "label": "Mobile", "country_code": 1, "address": "(415) 555-0101"},
        {"id": "PP4", "type": "phone_contact_method", "label": "Odd", "country_code": "1", "address": "4155550107"},
        {"id": "PP5", "type": "phone_contact_method", "label": "Odd", "address": "4155550106"},
        {"id": "PP6", "type": "phone_contact_method", "label": "Odd", "country_code": 1, "address": "ext. 12"},
        {"id": "PU", "type": "push_notification_contact_method", "label": "Phone", "address": "xyz"}
    ]})");
    BOOST_TEST_REQUIRE(bool(r));
    // Every phone and SMS method, in order; the unusable ones say why.
    BOOST_REQUIRE_EQUAL((*r).size(), 7u);
    BOOST_TEST((*r)[0].number == "+14155550109");
    BOOST_TEST((*r)[0].sms);
    BOOST_TEST(((*r)[0].state == PhoneState::usable));
    BOOST_TEST(((*r)[1].state == PhoneState::blacklisted));
    BOOST_TEST((*r)[1].number == "+14155550108");
    BOOST_TEST((*r)[2].number == "+442079460958");
    BOOST_TEST((*r)[2].label == "Work");
    BOOST_TEST(!(*r)[2].sms);
    BOOST_TEST(((*r)[2].state == PhoneState::usable));
    BOOST_TEST((*r)[3].number == "+14155550101");
    BOOST_TEST(((*r)[3].state == PhoneState::usable));
    for (std::size_t i = 4; i < 7; ++i) {
        BOOST_TEST(((*r)[i].state == PhoneState::invalid_number), i);
        BOOST_TEST((*r)[i].number == "", i);
    }
    BOOST_TEST(phone_choose((*r), "")->number == "+442079460958");
    BOOST_TEST(phone_choose((*r), "Blocked")->number == "+442079460958");
}

BOOST_AUTO_TEST_CASE(a_blacklisted_sms_method_is_never_texted)
{
    auto r = contact_phones(R"({"contact_methods": [
        {"type": "sms_contact_method", "label": "Mobile", "country_code": 1, "address": "4155550109", "blacklisted": true}]})");
    BOOST_REQUIRE_EQUAL((*r).size(), 1u);
    BOOST_TEST(((*r)[0].state == PhoneState::blacklisted));
    BOOST_TEST(!phone_choose((*r), "", Medium::text));
    BOOST_TEST(phones_unusable((*r), Medium::text) == "1 blacklisted");
}

BOOST_AUTO_TEST_CASE(a_disabled_method_is_neither_dialed_nor_texted)
{
    // PhoneContactMethod.enabled: "If true, this phone is capable of
    // receiving notifications."  PagerDuty's example leaves it out: absent
    // or true is usable, false is not.
    auto r = contact_phones(R"({"contact_methods": [
        {"type": "sms_contact_method", "label": "Mobile", "country_code": 1, "address": "4155550109", "enabled": false, "blacklisted": false},
        {"type": "phone_contact_method", "label": "Mobile", "country_code": 1, "address": "4155550101", "enabled": false},
        {"type": "phone_contact_method", "label": "Desk", "country_code": 1, "address": "4155550102", "blacklisted": true, "enabled": true},
        {"type": "phone_contact_method", "label": "Home", "country_code": 1, "address": "4155550103", "enabled": "no"},
        {"type": "phone_contact_method", "label": "Work", "country_code": 1, "address": "4155550104", "enabled": true}
    ]})");
    BOOST_REQUIRE_EQUAL((*r).size(), 5u);
    BOOST_TEST(((*r)[0].state == PhoneState::disabled));
    BOOST_TEST(((*r)[1].state == PhoneState::disabled));
    BOOST_TEST(((*r)[2].state == PhoneState::blacklisted));
    BOOST_TEST(((*r)[3].state == PhoneState::usable));  // not a boolean: PagerDuty did not say false
    BOOST_TEST(((*r)[4].state == PhoneState::usable));
    BOOST_TEST(phone_choose((*r), "mobile")->number == "+14155550103");
    // A text skips the disabled SMS method and goes to a phone.
    BOOST_TEST(phone_choose((*r), "mobile", Medium::text)->number == "+14155550103");
}

BOOST_AUTO_TEST_CASE(why_nobody_can_be_reached)
{
    std::vector<Phone> phones = {{"+14155550101", "Mobile", false, PhoneState::disabled},
                                 {"+14155550102", "Work", false, PhoneState::blacklisted},
                                 {"+14155550109", "SMS", true, PhoneState::disabled},
                                 {"", "Odd", false, PhoneState::invalid_number},
                                 {"", "Odd", false, PhoneState::invalid_number}};
    BOOST_TEST(!phone_choose(phones, ""));
    BOOST_TEST(!phone_choose(phones, "", Medium::text));
    // A call could not have used the SMS method anyway.
    BOOST_TEST(phones_unusable(phones) == "1 disabled, 1 blacklisted, 2 without a valid number");
    BOOST_TEST(phones_unusable(phones, Medium::text) == "2 disabled, 1 blacklisted, 2 without a valid number");
    BOOST_TEST(phones_unusable({}) == "");
    BOOST_TEST(phones_unusable({{"+14155550109", "SMS", true, PhoneState::blacklisted}}) == "");
}

BOOST_AUTO_TEST_CASE(calls_never_go_to_an_sms_method)
{
    std::vector<Phone> phones = {{"+1", "Mobile", true}, {"+2", "Work", false}};
    BOOST_TEST(phone_choose(phones, "Mobile")->number == "+2");
    BOOST_TEST(phone_choose(phones, "", Medium::voice)->number == "+2");
    BOOST_TEST(!phone_choose({{"+1", "Mobile", true}}, ""));
}

BOOST_AUTO_TEST_CASE(texts_prefer_an_sms_method_else_a_phone)
{
    std::vector<Phone> phones = {{"+1", "Work", false}, {"+2", "Home", true}, {"+3", "Mobile", true}};
    BOOST_TEST(phone_choose(phones, "", Medium::text)->number == "+2");
    BOOST_TEST(phone_choose(phones, "mobile", Medium::text)->number == "+3");
    // The label picks among SMS methods first: a phone with it does not win.
    BOOST_TEST(phone_choose(phones, "work", Medium::text)->number == "+2");
    BOOST_TEST(phone_choose({{"+1", "Work", false}, {"+4", "Mobile", false}}, "mobile", Medium::text)->number == "+4");
    BOOST_TEST(phone_choose({{"+1", "Work", false}}, "", Medium::text)->number == "+1");
    BOOST_TEST(!phone_choose({}, "", Medium::text));
}

BOOST_AUTO_TEST_CASE(the_cache_keeps_which_methods_are_sms)
{
    auto back = phones_from_json(phones_to_json({{"+14155550101", "Mobile", true}, {"+14155550102", "Work", false}}));
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST((*back)[0].sms);
    BOOST_TEST(!(*back)[1].sms);
    // An entry without the field is a phone.
    BOOST_TEST(!(*phones_from_json(R"([{"number": "+14155550101", "label": "x", "state": "usable"}])"))[0].sms);
}

BOOST_AUTO_TEST_CASE(the_cache_keeps_why_a_method_is_unusable)
{
    std::vector<Phone> phones = {{"+14155550101", "Mobile", false, PhoneState::disabled},
                                 {"", "Odd", false, PhoneState::blacklisted},
                                 {"", "Odd", true, PhoneState::invalid_number},
                                 {"+14155550104", "Work", false, PhoneState::usable}};
    auto back = phones_from_json(phones_to_json(phones));
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_REQUIRE_EQUAL(back->size(), 4u);
    for (std::size_t i = 0; i < phones.size(); ++i) {
        BOOST_TEST(((*back)[i].state == phones[i].state), i);
        BOOST_TEST((*back)[i].number == phones[i].number, i);
    }
    // An entry from before states were kept may hold a disabled phone as
    // if usable: it is not taken.
    BOOST_TEST(!phones_from_json(R"([{"number": "+14155550101", "label": "x", "sms": false}])"));
    BOOST_TEST(!phones_from_json(R"([{"number": "+14155550101", "label": "x", "state": "off"}])"));
    BOOST_TEST(!phones_from_json(R"([{"number": "", "label": "x", "state": "usable"}])"));
    BOOST_TEST(!phones_from_json(R"([{"number": "+14155550101", "label": "x", "state": "without a valid number"}])"));
    BOOST_TEST(!phones_from_json(R"([{"number": "12", "label": "x", "state": "disabled"}])"));
}

BOOST_AUTO_TEST_CASE(official_contact_methods_example_has_no_phone)
{
    auto r = contact_phones(R"({"contact_methods": [{"id": "PXPGF42", "type": "email_contact_method",
        "summary": "Work", "self": "https://api.pagerduty.com/users/PXPGF42/contact_method/PXPGF42",
        "label": "Work", "address": "grady.haylie.126@hickle.net", "send_short_email": false}]})");
    BOOST_TEST(bool(r));
    BOOST_TEST((*r).empty());
}

BOOST_AUTO_TEST_CASE(not_a_contact_methods_answer)
{
    BOOST_TEST(contact_phones("nope").error() == "not JSON");
    BOOST_TEST(!contact_phones(R"({"contact_methods": {"type": "phone_contact_method"}})"));
}

BOOST_AUTO_TEST_CASE(prefer_label_first_else_the_first)
{
    std::vector<Phone> phones = {{"+1", "Work"}, {"+2", "Mobile"}, {"+3", "mobile"}};
    BOOST_TEST(phone_choose(phones, "mobile")->number == "+2");
    BOOST_TEST(phone_choose(phones, "MOBILE")->number == "+2");
    BOOST_TEST(phone_choose(phones, "Home")->number == "+1");
    BOOST_TEST(phone_choose(phones, "")->number == "+1");
    BOOST_TEST(!phone_choose({}, "Mobile"));
}

BOOST_AUTO_TEST_CASE(earliest_shift_end)
{
    std::vector<OnCall> e = {{1, "PA", "A", "2027-01-15T12:00:00Z"}, {2, "PB", "B", ""}, {1, "PC", "C", "2027-01-15T10:00:00Z"}};
    BOOST_TEST(*earliest_end(e) == *parse_rfc3339("2027-01-15T10:00:00Z"));
    BOOST_TEST(!earliest_end({{1, "PB", "B", ""}}));
}

BOOST_AUTO_TEST_CASE(a_whole_user_gives_its_time_zone_and_a_schedules_entries_their_times)
{
    auto page = oncall_parse_page(R"({"oncalls": [{"escalation_level": 1, "start": "2026-12-01T09:00:00Z", "end": null,)"
                                  R"( "user": {"id": "PADA", "type": "user", "summary": "Ada", "time_zone": "America/Los_Angeles"}}],)"
                                  R"( "more": false})");
    BOOST_TEST_REQUIRE(bool(page));
    BOOST_TEST(page->entries.at(0).time_zone == "America/Los_Angeles");
    BOOST_TEST(page->entries.at(0).start == "2026-12-01T09:00:00Z");
    auto rendered = schedule_entries_parse(R"({"schedule": {"final_schedule": {"rendered_schedule_entries": [)"
                                           R"({"start": "2026-12-01T09:00:00Z", "end": "2026-12-02T09:00:00Z",)"
                                           R"( "user": {"id": "PBOB", "summary": "Bob"}}]}}})");
    BOOST_TEST_REQUIRE(bool(rendered));
    BOOST_TEST(rendered->entries.at(0).level == 1);
    BOOST_TEST(rendered->entries.at(0).end == "2026-12-02T09:00:00Z");
    BOOST_TEST(!schedule_entries_parse(R"({"schedule": {"final_schedule": {}}})"));
}

BOOST_AUTO_TEST_CASE(who_is_on_call_at_a_moment_of_the_shifts_ahead)
{
    const long long handover = *parse_rfc3339("2027-01-15T10:00:00Z");
    std::vector<OnCall> e = {{1, "PA", "Ada", "2027-01-15T10:00:00Z", "2027-01-14T10:00:00Z", ""},
                             {1, "PB", "Bob", "2027-01-16T10:00:00Z", "2027-01-15T10:00:00Z", ""},
                             {2, "PC", "Cy", "", "", ""},
                             {3, "PD", "Di", "soon", "", ""}};
    auto names = [](const std::vector<OnCall> &on) {
        std::string s;
        for (const auto &o : on) s += o.name + " ";
        return s;
    };
    BOOST_TEST(names(oncalls_at(e, handover - 1)) == "Ada Cy Di ");
    // The end is not part of the shift, the start is: one person at a time.
    BOOST_TEST(names(oncalls_at(e, handover)) == "Bob Cy Di ");
    BOOST_TEST(names(oncalls_at(e, handover + 86400)) == "Cy Di ");
}

BOOST_AUTO_TEST_CASE(cache_forms_round_trip)
{
    std::vector<OnCall> e = {{1, "PA", "Zoë \"Z\"", "2027-01-15T12:00:00Z", "2027-01-15T11:00:00Z", ""},
                             {2, "PB", "B", "", "", ""}};
    auto back = oncalls_from_json(oncalls_to_json({e, 1'800'000'060}));
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(back->known_until == 1'800'000'060);
    BOOST_TEST(back->entries.at(0).name == "Zoë \"Z\"");
    BOOST_TEST(back->entries.at(0).start == "2027-01-15T11:00:00Z");
    BOOST_TEST(back->entries.at(1).level == 2);
    e[0].time_zone = "America/Los_Angeles";
    BOOST_TEST(oncalls_from_json(oncalls_to_json({e, 0}))->entries.at(0).time_zone == "America/Los_Angeles");
    // The form before shifts ahead were kept: a bare list, which knew only
    // the moment it was asked.
    auto earlier = oncalls_from_json(R"([{"level": 1, "user_id": "PA", "name": "A", "end": ""}])");
    BOOST_REQUIRE(earlier.has_value());
    BOOST_TEST(earlier->known_until == 0);
    BOOST_TEST(earlier->entries.at(0).name == "A");
    std::vector<Phone> p = {{"+14155550101", "Mobile"}};
    BOOST_TEST(phones_from_json(phones_to_json(p))->at(0).number == "+14155550101");
    BOOST_TEST(!oncalls_from_json("garbage"));
    BOOST_TEST(!oncalls_from_json(R"([{"level": 1, "user_id": "../x"}])"));
    BOOST_TEST(!phones_from_json(R"([{"number": "not a number"}])"));
}

BOOST_AUTO_TEST_SUITE_END()
