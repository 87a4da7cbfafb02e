#include <boost/test/unit_test.hpp>

#include "files.hpp"
#include "serve/metrics.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

struct Counted {
    TempDir d;
    Counters c = Counters::open(d.path + "/metrics");
    std::string page(spool_files::Depth depth = {}) { return metrics_render(c.snapshot(), c.dropped(), depth); }
};

LogRecord signed_request(const std::string &path, Outcome outcome, const std::string &route = "ops")
{
    LogRecord log;
    log.path = path;
    log.status = 200;
    log.outcome = outcome;
    log.route = route;
    log.from_twilio = true;
    return log;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(every_family_is_there_from_the_start)
{
    Counted m;
    const std::string page = m.page();
    for (const char *family : {"calls_total", "call_callbacks_total", "texts_total", "responses_total",
                               "oncall_answers_total", "pagerduty_requests_total", "pagerduty_request_duration_seconds",
                               "alerts_total", "metrics_dropped_total", "spool_alerts", "spool_oldest_age_seconds"})
        BOOST_TEST(contains(page, std::string("# TYPE pd_call_forward_") + family + " "), family);
    BOOST_TEST(contains(page, "pd_call_forward_alerts_total{result=\"lost\"} 0\n"));
    BOOST_TEST(contains(page, "pd_call_forward_oncall_answers_total{source=\"stale\"} 0\n"));
    BOOST_TEST(contains(page, "pd_call_forward_pagerduty_request_duration_seconds_bucket{le=\"+Inf\"} 0\n"));
    BOOST_TEST(contains(page, "pd_call_forward_spool_oldest_age_seconds 0\n"));
    BOOST_TEST(page.back() == '\n');
}

BOOST_AUTO_TEST_CASE(calls_callbacks_and_texts_by_route_and_outcome)
{
    Counted m;
    count_request(m.c, signed_request("", Outcome::dial));
    count_request(m.c, signed_request("/voice", Outcome::dial));
    count_request(m.c, signed_request("/voice/dial-status", Outcome::answered));
    count_request(m.c, signed_request("/sms", Outcome::forwarded, "db"));
    LogRecord cached = signed_request("/", Outcome::dial);
    cached.source = "cache";
    count_request(m.c, cached);
    const std::string page = m.page();
    BOOST_TEST(contains(page, "pd_call_forward_calls_total{route=\"ops\",outcome=\"dial\"} 3\n"), page);
    BOOST_TEST(contains(page, "pd_call_forward_call_callbacks_total{route=\"ops\",outcome=\"answered\"} 1\n"));
    BOOST_TEST(contains(page, "pd_call_forward_texts_total{route=\"db\",outcome=\"forwarded\"} 1\n"));
    BOOST_TEST(contains(page, "pd_call_forward_responses_total{code=\"200\"} 5\n"));
    BOOST_TEST(contains(page, "pd_call_forward_oncall_answers_total{source=\"fresh\"} 1\n"));
}

BOOST_AUTO_TEST_CASE(an_unsigned_request_counts_only_its_status)
{
    Counted m;
    LogRecord forged = signed_request("", Outcome::rejected, "");
    forged.status = 403;
    forged.from_twilio = false;
    count_request(m.c, forged);
    const std::string page = m.page();
    BOOST_TEST(contains(page, "pd_call_forward_responses_total{code=\"403\"} 1\n"));
    BOOST_TEST(!contains(page, "pd_call_forward_calls_total{"));
}

BOOST_AUTO_TEST_CASE(route_names_are_escaped_as_label_values)
{
    BOOST_TEST(metrics_label("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
    Counted m;
    count_request(m.c, signed_request("", Outcome::dial, "we\"ird"));
    BOOST_TEST(contains(m.page(), "calls_total{route=\"we\\\"ird\",outcome=\"dial\"} 1\n"));
}

BOOST_AUTO_TEST_CASE(pagerduty_requests_by_result_in_a_cumulative_histogram)
{
    Counted m;
    count_pagerduty(m.c, 200, 40ms);
    count_pagerduty(m.c, 200, 300ms);
    count_pagerduty(m.c, 429, 20ms);
    count_pagerduty(m.c, 503, 2s);
    count_pagerduty(m.c, 0, 15s);
    count_pagerduty(m.c, 404, 100ms);
    const std::string page = m.page();
    BOOST_TEST(contains(page, "pd_call_forward_pagerduty_requests_total{result=\"ok\"} 2\n"));
    BOOST_TEST(contains(page, "pd_call_forward_pagerduty_requests_total{result=\"rate_limited\"} 1\n"));
    BOOST_TEST(contains(page, "pd_call_forward_pagerduty_requests_total{result=\"server_error\"} 1\n"));
    BOOST_TEST(contains(page, "pd_call_forward_pagerduty_requests_total{result=\"no_answer\"} 1\n"));
    BOOST_TEST(contains(page, "pd_call_forward_pagerduty_requests_total{result=\"client_error\"} 1\n"));
    const std::string h = "pd_call_forward_pagerduty_request_duration_seconds";
    BOOST_TEST(contains(page, h + "_bucket{le=\"0.025\"} 1\n"), page);
    BOOST_TEST(contains(page, h + "_bucket{le=\"0.05\"} 2\n"));
    BOOST_TEST(contains(page, h + "_bucket{le=\"0.1\"} 3\n"));  // 100 ms is in le="0.1"
    BOOST_TEST(contains(page, h + "_bucket{le=\"0.5\"} 4\n"));
    BOOST_TEST(contains(page, h + "_bucket{le=\"2.5\"} 5\n"));
    BOOST_TEST(contains(page, h + "_bucket{le=\"10\"} 5\n"));
    BOOST_TEST(contains(page, h + "_bucket{le=\"+Inf\"} 6\n"));
    BOOST_TEST(contains(page, h + "_count 6\n"));
    BOOST_TEST(contains(page, h + "_sum 17.460000\n"));
    BOOST_TEST(!contains(page, "_sum_us"));
}

BOOST_AUTO_TEST_CASE(alerts_sent_rejected_spooled_lost)
{
    Counted m;
    count_alert_answer(m.c, 202);
    count_alert_answer(m.c, 202);
    count_alert_answer(m.c, 400);
    count_alert_answer(m.c, 503);  // spooled: counted by what the desk says
    count_alert_fate(m.c, "spooled (HTTP 503; next try in 30 s)");
    count_alert_fate(m.c, "LOST (HTTP 503; spool_dir: No space left on device)");
    count_alert_fate(m.c, "sent");
    count_alert_fate(m.c, "held 30 s");
    count_alert_fate(m.c, "duplicate");
    const std::string page = m.page();
    BOOST_TEST(contains(page, "pd_call_forward_alerts_total{result=\"sent\"} 2\n"));
    BOOST_TEST(contains(page, "pd_call_forward_alerts_total{result=\"rejected\"} 1\n"));
    BOOST_TEST(contains(page, "pd_call_forward_alerts_total{result=\"spooled\"} 1\n"));
    BOOST_TEST(contains(page, "pd_call_forward_alerts_total{result=\"lost\"} 1\n"));
}

BOOST_AUTO_TEST_CASE(spool_gauges)
{
    Counted m;
    spool_files::Depth depth;
    depth.pending = 3;
    depth.held = 1;
    depth.rejected = 2;
    depth.oldest_age = 421;
    const std::string page = m.page(depth);
    BOOST_TEST(contains(page, "# TYPE pd_call_forward_spool_alerts gauge\n"));
    BOOST_TEST(contains(page, "pd_call_forward_spool_alerts{state=\"pending\"} 3\n"));
    BOOST_TEST(contains(page, "pd_call_forward_spool_alerts{state=\"held\"} 1\n"));
    BOOST_TEST(contains(page, "pd_call_forward_spool_alerts{state=\"rejected\"} 2\n"));
    BOOST_TEST(contains(page, "pd_call_forward_spool_oldest_age_seconds 421\n"));
}

BOOST_AUTO_TEST_SUITE_END()
