#!/usr/bin/python3
"""End to end through Debian's nginx with the shipped nginx/pd-call-forward.conf,
pd-call-forward under spawn-fcgi, and the PagerDuty stand-in: every scenario
of scenarios.py, and what is particular to spawn-fcgi."""

import concurrent.futures
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
import twilio_model  # noqa: E402
from harness import (DB_NUMBER, OPS_NUMBER, SHARED_KEY_CONFIG, FastCgi, twilio_request, Nginx, StandIn, check, person, roster, run_suite,  # noqa: E402
                     incoming_call, which, write_config, ROOT)
from scenarios import (ADA, ADA_PHONE, GRACE, GRACE_PHONE, LINUS_PHONE, TwilioCall, alerts_of, call, env, log_for, numbers, setup,  # noqa: E402
                       metric_values, scrape,
                       setup_together, spool_settled, walk, TIMEOUT)

LIMIT_CALLBACK_URL = 4096  # limits::max_callback_url

# The company's days off as a calendar exports them: Christmas Eve every
# year since 2020, an all-day event.
HOLIDAYS_ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example Corp//Holidays//EN\r\n"
                "BEGIN:VEVENT\r\nUID:xmas-eve@example.com\r\nDTSTAMP:20200101T000000Z\r\nSUMMARY:Christmas Eve\r\n"
                "DTSTART;VALUE=DATE:20201224\r\nDTEND;VALUE=DATE:20201225\r\nRRULE:FREQ=YEARLY\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n")

# The desk (Linus, on PEPDB01) on weekdays in Berlin, the on-call (Ada, on
# PEPOPS1) the rest of the week; a night line open overnight, voicemail by day.
HOURS_ROUTES = (f"[route:desk]\nnumber = {OPS_NUMBER}\nescalation_policy = PEPDB01\ntitle = Service desk\n"
                f"hours = Mon-Fri 08:00-18:00\nafter_hours = oncall\nholidays_file = holidays.ics\n\n"
                f"[route:oncall]\nescalation_policy = PEPOPS1\n\n"
                f"[route:night]\nnumber = {DB_NUMBER}\nescalation_policy = PEPOPS1\n"
                f"hours = Mon-Fri 22:00-06:00\nafter_hours = voicemail\n")


def test_the_greeting_and_the_whisper_say_the_time_where_the_engineer_is():
    # Ada is in California; at 12:10 UTC in December it is 4:10 there.
    setup(r=roster([("PEPOPS1", 1, "PADA001")],
                 [person("PADA001", "Ada Lovelace", (1, "4155550101", "Mobile"), time_zone="America/Los_Angeles")]))
    config = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), name="local-time.ini",
                          routes=f"[route:ops]\nnumber = {OPS_NUMBER}\nescalation_policy = PEPOPS1\n"
                                 "greeting = It is {local_time} for {name}. Please hold.\n"
                                 "whisper = Call on the {title} line. It is {local_time} for you. Press 1.\n")
    fcgi[0].stop()
    os.unlink(fcgi[0].socket)
    fcgi[0] = FastCgi(env.dir, config, wrapper=["env", "TZ=UTC", "ASAN_OPTIONS=verify_asan_link_order=0",
                                                "faketime", "-m", "--exclude-monotonic", "2026-12-02 12:10:00"])
    try:
        sid, r = call()
        check(r.status == 200, r.body)
        said = r.twiml().find("Say").text
        check(said == "It is 4:10 in the morning for Ada Lovelace. Please hold.", said)
        asked = [q for q in env.standin.requests() if q["path"] == "/oncalls"]
        check(asked and asked[0]["query"].get("include[]") == ["users"], asked)
        screen = r.twiml().find("Dial/Number").get("url")
        check("tz=America%2FLos_Angeles" in screen, screen)
        s = twilio_request(screen, {"CallSid": "CA" + "9" * 32, "ParentCallSid": sid, "AccountSid": "AC1",
                                    "From": "+14155550100", "To": "+14155550101", "CallStatus": "in-progress"})
        whisper = s.twiml().find("Gather/Say").text
        check("It is 4:10 in the morning for you." in whisper, whisper)
    finally:
        fcgi[0].stop()
        os.unlink(fcgi[0].socket)
        fcgi[0] = FastCgi(env.dir, env.config, children=4)


def test_the_desk_by_day_the_on_call_at_night_weekends_holidays_and_across_dst():
    # The real binary behind nginx, its clock moved by libfaketime (the
    # times below are UTC); nothing in the program is told the time.
    setup()
    with open(os.path.join(env.dir, "holidays.ics"), "w") as f:
        f.write(HOLIDAYS_ICS)
    config = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), routes=HOURS_ROUTES,
                          call_extra="time_zone = Europe/Berlin", name="hours.ini")
    cases = [
        ("2026-12-02 09:00:00", OPS_NUMBER, LINUS_PHONE, "Wednesday 10:00: the desk"),
        ("2026-12-02 19:00:00", OPS_NUMBER, ADA_PHONE, "Wednesday 20:00: the on-call"),
        ("2026-12-05 09:00:00", OPS_NUMBER, ADA_PHONE, "Saturday 10:00: the on-call"),
        ("2026-12-24 09:00:00", OPS_NUMBER, ADA_PHONE, "Christmas Eve, a Thursday, from the calendar"),
        ("2026-03-23 06:30:00", OPS_NUMBER, ADA_PHONE, "Monday 07:30 CET: not yet open"),
        ("2026-03-30 06:30:00", OPS_NUMBER, LINUS_PHONE, "Monday 08:30 CEST: the clocks went forward"),
        ("2026-12-04 21:30:00", DB_NUMBER, ADA_PHONE, "Friday 22:30: the night line"),
        ("2026-12-05 04:30:00", DB_NUMBER, ADA_PHONE, "Saturday 05:30: Friday's night goes on"),
        ("2026-12-05 05:30:00", DB_NUMBER, None, "Saturday 06:30: the night is over, voicemail"),
    ]
    fcgi[0].stop()
    try:
        for when, to, dialed, what in cases:
            os.unlink(fcgi[0].socket)
            fcgi[0] = FastCgi(env.dir, config, wrapper=["env", "TZ=UTC", "ASAN_OPTIONS=verify_asan_link_order=0",
                                                        "faketime", "-m", "--exclude-monotonic", when])
            try:
                sid, r = call(to=to)
                check(r.status == 200, f"{what}: {r.status} {r.body}")
                if dialed:
                    check(numbers(r) == [dialed], f"{what}: {r.body}")
                else:
                    check(r.twiml().find("Dial") is None and r.twiml().find("Record") is not None, f"{what}: {r.body}")
                after_hours = (to == OPS_NUMBER and dialed == ADA_PHONE) or dialed is None
                check(("closed (" in log_for(sid)) == after_hours, f"{what}: {log_for(sid)}")
            finally:
                fcgi[0].stop()
    finally:
        os.unlink(fcgi[0].socket)
        fcgi[0] = FastCgi(env.dir, env.config, children=4)


def test_a_rarely_called_line_never_waits_for_pagerduty_and_a_hand_over_needs_no_request():
    # oncall_ttl 4 s, and the line called once every 10 s: each call finds
    # the answer the workers refreshed before it expired.  Ada hands over to
    # Grace 6 s after the first call; the second call reaches Grace without
    # a request, her phone fetched before her shift began.
    change = int(time.time()) + 6
    setup(r=roster([("PEPOPS1", 1, "PADA001", {"end": rfc3339_at(change)}),
                    ("PEPOPS1", 1, "PGRACE1", {"start": rfc3339_at(change), "end": rfc3339_at(change + 3600)})],
                   [ADA, GRACE]))
    config = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), name="refresh.ini",
                          cache=os.path.join(env.dir, "refresh-cache"),
                          caching={"oncall_ttl": 4, "contact_ttl": 3600, "stale_max": 86400})
    fcgi[0].stop()
    os.unlink(fcgi[0].socket)
    fcgi[0] = FastCgi(env.dir, config, children=2)
    try:
        sid, r = call()
        check(numbers(r) == [ADA_PHONE] and "source=pagerduty" in log_for(sid), log_for(sid))
        env.standin.clear_requests()
        time.sleep(change + 4 - time.time())
        sid, r = call()
        check(numbers(r) == [GRACE_PHONE], r.body)
        check("pd_requests=0 " in log_for(sid) and "source=cache" in log_for(sid), log_for(sid))
        asked = env.standin.requests()
        oncalls = [q for q in asked if q["path"] == "/oncalls"]
        grace = [q for q in asked if q["path"] == "/users/PGRACE1/contact_methods"]
        # Refreshed ahead by both workers together, at most twice per
        # lifetime of 4 s (a lead of 2 s: half of it), over 10 s without a
        # call; Grace's phone once, before the call that needed it.
        check(2 <= len(oncalls) <= 6, [q["received_ms"] for q in oncalls])
        check(all("since" in q["query"] and "until" in q["query"] for q in oncalls), oncalls)
        check(len(grace) == 1, grace)
    finally:
        fcgi[0].stop()
        os.unlink(fcgi[0].socket)
        fcgi[0] = FastCgi(env.dir, env.config, children=4)


def rfc3339_at(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def test_startup_warning_reaches_the_error_log():
    # A second program on the same socket, with signature checking off.
    setup()
    fcgi[0].stop()
    nosig = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), twilio_extra="validate_signature = no",
                         name="nosig.ini")
    os.unlink(fcgi[0].socket)
    fcgi[0] = FastCgi(env.dir, nosig)
    try:
        sid, r = call(signature="")
        check(r.status == 200, r.status)
        check("signature=off" in log_for(sid), log_for(sid))
        warnings = [l for l in env.server.log_lines() if "warning:" in l and "signature checking is off" in l]
        check(len(warnings) == 1, f"start-up warning in nginx's log: {warnings}")
    finally:
        fcgi[0].stop()
        os.unlink(fcgi[0].socket)
        fcgi[0] = FastCgi(env.dir, env.config, children=4)


def test_two_web_servers_sharing_a_spool_alert_once():
    # Two FastCGI pools on one spool_dir behind one load balancer (nginx's
    # round robin over both sockets): a call's requests alternate between
    # them, so the status callback and the call's last request meet
    # different pools.  Answered and voicemail calls raise no missed-call
    # alert in either order; a real missed call raises exactly one.
    pool_dir = os.path.join(env.dir, "second-pool")
    os.mkdir(pool_dir)
    os.chmod(pool_dir, 0o755)
    second = FastCgi(pool_dir, env.config, children=4)
    lb_dir = os.path.join(env.dir, "balancer")
    os.mkdir(lb_dir)
    os.chmod(lb_dir, 0o755)
    balancer = Nginx(lb_dir, None, pools=[fcgi[0].socket, second.socket])
    single = env.server
    env.server = balancer
    try:
        seen = set()
        for status_first in (True, False):
            setup_together()
            answered = walk({ADA_PHONE: twilio_model.person()}, status_first=status_first)
            check(answered.bridged_to == ADA_PHONE and alerts_of(answered) == [], env.standin.events())
            setup_together()
            voicemail = walk({}, status_first=status_first)
            check([e["payload"]["class"] for e in alerts_of(voicemail)] == ["voicemail"], env.standin.events())
            setup_together()
            missed = walk({}, caller=twilio_model.Caller(hang_up_after=1), status_first=status_first)
            check([e["payload"]["class"] for e in alerts_of(missed)] == ["missed"], env.standin.events())
            for c in (answered, voicemail, missed):
                lines = [l for l in open(os.path.join(lb_dir, "error.log")) if f"call_sid={c.sid} " in l]
                seen |= {s for s in (fcgi[0].socket, second.socket) for l in lines if s in l}
        check(seen == {fcgi[0].socket, second.socket}, f"requests reached only {seen}")
    finally:
        env.server = single
        balancer.stop()
        second.stop()


def test_ten_long_names_keep_every_callback_url_within_nginx_limits():
    # Ten engineers at each of two levels whose PagerDuty names are long
    # and not ASCII: the "tried" list once made a 9 kB action URL that the
    # shipped nginx config answered with 414, and the caller was lost.
    name = "Åsa-Ødegård Ærø Ñúñez " * 12
    users = [person(f"PU{i:05}", f"{name}{i}", (1, f"41555503{i:02}", "Mobile")) for i in range(20)]
    oncalls = [("PEPHUNT", 1 + i // 10, f"PU{i:05}") for i in range(20)]
    setup(r=roster(oncalls, users, escalation_policies={"PEPHUNT": {"name": "Platform", "num_loops": 0}}))
    check(spool_settled() == [], "alerts left from an earlier test")
    c = TwilioCall()
    c.start()
    check(len(c.numbers()) == 10, c.numbers())
    urls = []
    for status in ("no-answer", "no-answer"):
        urls += [e.get(a) for e in c.doc.iter() for a in ("action", "url", "recordingStatusCallback") if e.get(a)]
        c.dial_ends(status)  # through nginx: HTTP 200 with TwiML, or the test fails
    check(c.doc.find("Record") is not None, f"voicemail after both levels: {c.doc}")
    urls += [e.get(a) for e in c.doc.iter() for a in ("action", "recordingStatusCallback") if e.get(a)]
    for u in urls:
        check(len(u.encode()) <= LIMIT_CALLBACK_URL, f"{len(u.encode())} bytes: {u[:200]}")
    c.leave_voicemail(seconds=21)
    alerts = alerts_of(c)
    check(len(alerts) == 1, alerts)
    details = alerts[0]["payload"]["custom_details"]
    # Every name that fits (cut), and how many did not: the alert counts all.
    check(len(details["tried"]) + details.get("tried_more", 0) == 20, details)


def promtool_check(body):
    """Prometheus' own check of the exposition format (and its naming rules)."""
    promtool = os.path.join(ROOT, "build", "tools", "promtool")  # make deps takes it out of Debian's package
    if not os.access(promtool, os.X_OK):
        promtool = which("promtool")
    p = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, text=True, timeout=30)
    check(p.returncode == 0, f"promtool check metrics: {p.returncode}\n{p.stdout}{p.stderr}")


def test_metrics_sum_every_worker_and_follow_the_calls():
    setup()
    status, headers, body = scrape()
    check(status == 200, f"{status} {body[:300]}")
    check(headers.get("content-type") == "text/plain; version=0.0.4; charset=utf-8", headers)
    check(headers.get("cache-control") == "no-store", headers)
    promtool_check(body)
    before = metric_values(body)
    # Four at a time through a pool of four, so that several workers answer:
    # they share one set of counters.
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda _: call()[1], range(12)))
    check([r.status for r in replies] == [200] * 12, [r.status for r in replies])
    forged = twilio_request(scenarios.voice_url(), incoming_call(sid="CAforged"), signature="bm90IGEgc2lnbmF0dXJl")
    check(forged.status == 403, forged.status)
    status, _, body = scrape()
    promtool_check(body)
    after = metric_values(body)

    def moved(name):
        return after.get(name, 0) - before.get(name, 0)
    check(moved('pd_call_forward_calls_total{route="ops",outcome="dial"}') == 12, (before, after))
    check(moved('pd_call_forward_responses_total{code="403"}') == 1, after)
    # The forged call made no series of its own.
    check(moved('pd_call_forward_responses_total{code="200"}') >= 12, after)
    asked = sum(moved(f'pd_call_forward_pagerduty_requests_total{{result="{r}"}}')
                for r in ("ok", "client_error", "rate_limited", "server_error", "no_answer"))
    check(asked == len(env.standin.requests()) and moved('pd_call_forward_pagerduty_requests_total{result="ok"}') >= 12,
          (asked, len(env.standin.requests())))
    check(moved('pd_call_forward_pagerduty_request_duration_seconds_count') == asked, after)
    check(moved('pd_call_forward_oncall_answers_total{source="pagerduty"}') == 12, after)


def test_metrics_only_to_metrics_allow():
    # Loopback alone by default; set, only the addresses named.
    fcgi[0].stop()
    allowed = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), menu=True, twilio_extra=SHARED_KEY_CONFIG,
                           name="metrics-allow.ini")
    with open(allowed, "a") as f:
        f.write("\n[server]\nmetrics_allow = 127.0.0.2\n")
    os.unlink(fcgi[0].socket)
    fcgi[0] = FastCgi(env.dir, allowed, children=2)
    try:
        status, headers, body = scrape("127.0.0.1")
        check(status == 403 and "pd_call_forward" not in body and "metrics_allow" in body, (status, body))
        status, _, body = scrape("127.0.0.2")
        check(status == 200 and "pd_call_forward_calls_total" in body, (status, body[:200]))
    finally:
        fcgi[0].stop()
        os.unlink(fcgi[0].socket)
        fcgi[0] = FastCgi(env.dir, env.config, children=4)


fcgi = [None]  # the running spawn-fcgi, replaced by tests that restart it


def start(d, parts):
    env.dir = d
    env.standin = StandIn(d)
    parts.append(env.standin)
    env.config = write_config(d, env.standin.url, timeout=str(TIMEOUT), menu=True, twilio_extra=SHARED_KEY_CONFIG)
    env.spool = os.path.join(d, "spool")
    # A pool of four, as `spawn-fcgi -F 4` in the README.
    fcgi[0] = FastCgi(d, env.config, children=4)
    parts.append(lambda: fcgi[0].stop())
    env.server = Nginx(d, fcgi[0].socket)
    parts.append(env.server)
    return scenarios.TESTS + scenarios.FASTCGI_TESTS + [test_metrics_sum_every_worker_and_follow_the_calls,
                                                        test_metrics_only_to_metrics_allow,
                                                        test_startup_warning_reaches_the_error_log,
                                                        test_two_web_servers_sharing_a_spool_alert_once,
                                                        test_ten_long_names_keep_every_callback_url_within_nginx_limits,
                                                        test_the_desk_by_day_the_on_call_at_night_weekends_holidays_and_across_dst,
                                                        test_the_greeting_and_the_whisper_say_the_time_where_the_engineer_is,
                                                        test_a_rarely_called_line_never_waits_for_pagerduty_and_a_hand_over_needs_no_request]

if __name__ == "__main__":
    sys.exit(run_suite("nginx", start))
