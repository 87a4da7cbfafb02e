#!/usr/bin/python3
"""End to end through Debian's nginx with the shipped nginx/pd-call-forward.conf,
pd-call-forward under spawn-fcgi, and the PagerDuty stand-in: every scenario
of scenarios.py, and what is particular to spawn-fcgi."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
from harness import FastCgi, Nginx, StandIn, check, run_suite, write_config  # noqa: E402
from scenarios import call, env, log_for, setup, TIMEOUT  # noqa: E402


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


fcgi = [None]  # the running spawn-fcgi, replaced by tests that restart it


def start(d, parts):
    env.dir = d
    env.standin = StandIn(d)
    parts.append(env.standin)
    env.config = write_config(d, env.standin.url, timeout=str(TIMEOUT), menu=True)
    env.spool = os.path.join(d, "spool")
    # A pool of four, as `spawn-fcgi -F 4` in the README.
    fcgi[0] = FastCgi(d, env.config, children=4)
    parts.append(lambda: fcgi[0].stop())
    env.server = Nginx(d, fcgi[0].socket)
    parts.append(env.server)
    return scenarios.TESTS + scenarios.FASTCGI_TESTS + [test_startup_warning_reaches_the_error_log]

if __name__ == "__main__":
    sys.exit(run_suite("nginx", start))
