#!/usr/bin/python3
"""End to end through Debian's nginx with the shipped nginx/pd-call-forward.conf,
pd-call-forward under spawn-fcgi, and the PagerDuty stand-in: every scenario
of scenarios.py, and what is particular to spawn-fcgi."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
import twilio_model  # noqa: E402
from harness import (SHARED_KEY_CONFIG, FastCgi, Nginx, StandIn, check, person, roster, run_suite,  # noqa: E402
                     write_config)
from scenarios import (ADA_PHONE, GRACE_PHONE, TwilioCall, alerts_of, call, env, log_for, setup,  # noqa: E402
                       setup_together, spool_settled, walk, TIMEOUT)

LIMIT_CALLBACK_URL = 4096  # limits::max_callback_url


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
    return scenarios.TESTS + scenarios.FASTCGI_TESTS + [test_startup_warning_reaches_the_error_log,
                                                        test_two_web_servers_sharing_a_spool_alert_once,
                                                        test_ten_long_names_keep_every_callback_url_within_nginx_limits]

if __name__ == "__main__":
    sys.exit(run_suite("nginx", start))
