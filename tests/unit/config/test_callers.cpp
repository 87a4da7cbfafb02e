#include <boost/test/unit_test.hpp>

#include "config/callers.hpp"
#include "core/limits.hpp"

using namespace pdcf;

namespace {

CallerRules rules(std::vector<std::string> allow, std::vector<std::string> block,
                  std::optional<bool> anonymous = std::nullopt)
{
    return {std::move(allow), std::move(block), anonymous};
}

CallerVerdict verdict(const CallerRules &r, std::string_view from) { return caller_check(r, from).verdict; }

// The forms Twilio puts in From when the caller withheld the number
// (pd-call-forward.ini(5), allow_anonymous), in any case.
const char *const withheld[] = {"anonymous", "Anonymous", "", "+266696687", "Restricted", "+7378742833",
                                "+2562533",  "+8656696",  "UNKNOWN", "blocked", "Private", "unavailable"};

std::string list_of(std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += (i % 2 ? ", " : " ") + ("+1415555" + std::to_string(1000 + i));
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(callers)

BOOST_AUTO_TEST_CASE(no_lists_let_everyone_in)
{
    CallerRules open;
    for (const char *from : {"+14155559876", "+442071234567"}) BOOST_TEST((verdict(open, from) == CallerVerdict::pass));
    for (const char *from : withheld) BOOST_TEST((verdict(open, from) == CallerVerdict::pass), from);
    BOOST_TEST(caller_check(open, "+14155559876").reason.empty());
}

BOOST_AUTO_TEST_CASE(the_anonymous_forms)
{
    for (const char *from : withheld) BOOST_TEST(is_anonymous(from), from);
    // A number that merely starts like one of Twilio's stand-ins is a real caller.
    for (const char *from : {"+2666966870", "+26669668", "+14155559876", "anonymously", " anonymous"})
        BOOST_TEST(!is_anonymous(from), from);
}

BOOST_AUTO_TEST_CASE(block_by_number_and_prefix)
{
    CallerRules r = rules({}, {"+14155559876", "+44"});
    CallerCheck c = caller_check(r, "+14155559876");
    BOOST_TEST((c.verdict == CallerVerdict::blocked));
    BOOST_TEST(c.reason == "the caller is in block_callers");
    BOOST_TEST((verdict(r, "+442071234567") == CallerVerdict::blocked));
    BOOST_TEST((verdict(r, "+14155559877") == CallerVerdict::pass));
    // A prefix matches from the start only.
    BOOST_TEST((verdict(r, "+14442071234") == CallerVerdict::pass));
    // The listed number is not a prefix of a shorter one.
    BOOST_TEST((verdict(r, "+1415555987") == CallerVerdict::pass));
}

BOOST_AUTO_TEST_CASE(block_wins_over_allow)
{
    CallerRules r = rules({"+1415"}, {"+14155559876"});
    BOOST_TEST((verdict(r, "+14155559876") == CallerVerdict::blocked));
    BOOST_TEST((verdict(r, "+14155559875") == CallerVerdict::pass));
    // Even a caller allowed by exact number.
    r = rules({"+14155559876"}, {"+1"});
    BOOST_TEST((verdict(r, "+14155559876") == CallerVerdict::blocked));
}

BOOST_AUTO_TEST_CASE(block_wins_over_allow_anonymous)
{
    CallerRules r = rules({}, {"+266"}, true);
    BOOST_TEST((verdict(r, "+266696687") == CallerVerdict::blocked));
    BOOST_TEST((verdict(r, "anonymous") == CallerVerdict::pass));
}

BOOST_AUTO_TEST_CASE(allow_list_by_number_and_prefix)
{
    CallerRules r = rules({"+14155550100", "+4420"}, {});
    BOOST_TEST((verdict(r, "+14155550100") == CallerVerdict::pass));
    BOOST_TEST((verdict(r, "+442071234567") == CallerVerdict::pass));
    CallerCheck c = caller_check(r, "+14155550101");
    BOOST_TEST((c.verdict == CallerVerdict::refused));
    BOOST_TEST(c.reason == "the caller is not in allow_callers");
    BOOST_TEST((verdict(r, "+4421") == CallerVerdict::refused));
    BOOST_TEST((verdict(r, "+442") == CallerVerdict::refused));  // shorter than the prefix
}

BOOST_AUTO_TEST_CASE(anonymous_unset_follows_the_allow_list)
{
    // Unset: yes without an allow list...
    CallerRules open = rules({}, {});
    for (const char *from : withheld) BOOST_TEST((verdict(open, from) == CallerVerdict::pass), from);
    // ...and no with one: an allow list names who may call, and a
    // withheld number cannot be on it.
    CallerRules listed = rules({"+1415"}, {});
    for (const char *from : withheld) {
        CallerCheck c = caller_check(listed, from);
        BOOST_TEST((c.verdict == CallerVerdict::refused), from);
        BOOST_TEST(c.reason == "anonymous caller, and allow_anonymous is off", from);
    }
}

BOOST_AUTO_TEST_CASE(anonymous_yes_and_no)
{
    for (const char *from : withheld) {
        BOOST_TEST((verdict(rules({}, {}, true), from) == CallerVerdict::pass), from);
        BOOST_TEST((verdict(rules({"+1415"}, {}, true), from) == CallerVerdict::pass), from);
        BOOST_TEST((verdict(rules({}, {}, false), from) == CallerVerdict::refused), from);
        BOOST_TEST((verdict(rules({"+1415"}, {}, false), from) == CallerVerdict::refused), from);
    }
    // allow_anonymous says nothing about callers who show their number.
    BOOST_TEST((verdict(rules({}, {}, false), "+14155559876") == CallerVerdict::pass));
    BOOST_TEST((verdict(rules({"+1415"}, {}, true), "+442071234567") == CallerVerdict::refused));
}

BOOST_AUTO_TEST_CASE(list_parse_separators)
{
    auto list = caller_list_parse("+14155550100, +4420 +1628,+33\t+49,,  ");
    BOOST_TEST(list.error().empty(), list.error());
    BOOST_TEST(*list == (std::vector<std::string>{"+14155550100", "+4420", "+1628", "+33", "+49"}));
    list = caller_list_parse("");
    BOOST_TEST(list.error().empty());
    BOOST_TEST(list->empty());
    // The shortest and the longest entry E.164 allows.
    list = caller_list_parse("+1 +123456789012345");
    BOOST_TEST(list.error().empty(), list.error());
    BOOST_TEST(list->size() == 2u);
}

BOOST_AUTO_TEST_CASE(list_parse_bad_entries_are_named)
{
    struct Case {
        const char *text, *entry;
    };
    const Case cases[] = {
        {"+14155550100, 4155550101", "4155550101"},
        {"+1 415 555", "415"},
        {"+", "+"},
        {"+1234567890123456", "+1234567890123456"},  // 16 digits
        {"+1-415-555-0100", "+1-415-555-0100"},
        {"+1415;+44", "+1415;+44"},
        {"anonymous", "anonymous"},
        {"++1", "++1"},
    };
    for (const auto &c : cases) {
        auto list = caller_list_parse(c.text);
        BOOST_TEST(!list, c.text);
        BOOST_TEST(list.error() == "\"" + std::string(c.entry) +
                                       "\" is not a number or prefix; expected \"+\" and 1 to 15 digits, such as "
                                       "+14155550100 or +44",
                   c.text);
    }
}

BOOST_AUTO_TEST_CASE(list_parse_limit)
{
    auto list = caller_list_parse(list_of(limits::max_caller_list));
    BOOST_TEST(list.error().empty(), list.error());
    BOOST_TEST(list->size() == limits::max_caller_list);
    list = caller_list_parse(list_of(limits::max_caller_list + 1));
    BOOST_TEST(!list);
    BOOST_TEST(list.error() == "more than 1000 numbers");
}

BOOST_AUTO_TEST_SUITE_END()
