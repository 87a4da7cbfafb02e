#include <boost/test/unit_test.hpp>

#include "core/limits.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

// The limits hold between each other, and against what Twilio and
// PagerDuty document; each is also named in the man page (test_install).
BOOST_AUTO_TEST_SUITE(limits_)

BOOST_AUTO_TEST_CASE(every_range_is_a_range)
{
    BOOST_TEST((limits::min_pagerduty_timeout < limits::max_pagerduty_timeout));
    BOOST_TEST(limits::min_dial_timeout < limits::max_dial_timeout);
    BOOST_TEST((limits::min_screen_timeout < limits::max_screen_timeout));
    BOOST_TEST((limits::min_voicemail_length < limits::max_voicemail_length));
    BOOST_TEST((limits::min_missed_call_wait < limits::max_missed_call_wait));
    BOOST_TEST((limits::min_transcription_wait < limits::max_transcription_wait));
    BOOST_TEST((limits::min_menu_timeout < limits::max_menu_timeout));
}

BOOST_AUTO_TEST_CASE(a_call_is_answered_before_twilio_gives_up)
{
    // Twilio waits 15 s for a webhook's answer: the longest PagerDuty
    // budget leaves room for the web server and the answer itself.
    BOOST_TEST((limits::max_pagerduty_timeout <= 12s));
    // A queue wait is believed no longer than a call could have waited.
    BOOST_TEST((limits::min_budget_after_queue < limits::max_pagerduty_timeout));
    BOOST_TEST((limits::pagerduty_costly_failure < limits::max_pagerduty_timeout));
}

BOOST_AUTO_TEST_CASE(twilio_and_pagerduty_limits_as_documented)
{
    BOOST_TEST(limits::max_dial_numbers == 10u);      // <Number> nouns in one <Dial>
    BOOST_TEST(limits::max_sms_messages == 10u);      // <Message> verbs in one answer
    BOOST_TEST(limits::max_sms_length < 1600u);       // "less than 1600 characters"
    BOOST_TEST(limits::oncall_page_limit == 100);     // PagerDuty's largest page
    BOOST_TEST(limits::max_alert_summary == 1024u);   // Events API v2 summary
    BOOST_TEST(limits::max_dedup_key == 255u);        // Events API v2 dedup_key
}

BOOST_AUTO_TEST_CASE(what_is_read_fits_what_holds_it)
{
    BOOST_TEST((limits::max_param_length <= limits::max_body));
    BOOST_TEST((limits::max_body <= limits::max_body_drain));
    BOOST_TEST((limits::max_secret_file < limits::max_config_file));
    BOOST_TEST(limits::max_tried_name * 2 < limits::max_callback_url);
}

BOOST_AUTO_TEST_SUITE_END()
