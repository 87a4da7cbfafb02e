#!/usr/bin/python3
"""End to end through Debian's Apache and the PagerDuty stand-in: every
scenario of scenarios.py against mod_fcgid with the shipped
apache/pd-call-forward.conf, and every per-request one against the program
run as plain CGI under the shipped apache/htaccess, by mod_cgid (Debian's
default) and by mod_cgi (prefork)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
from apache import ApacheCgi, ApacheFcgid, make_spool_for_apache, share_config_with_apache  # noqa: E402
from harness import SHARED_KEY_CONFIG, StandIn, run_suite, write_config  # noqa: E402
from scenarios import env, TIMEOUT  # noqa: E402


def on(mount, server, test):
    """`test` against `server`, named after the mount it runs on."""
    def run():
        env.server = server
        test()
    run.__name__ = f"{mount}: {test.__name__}"
    return run


def start(d, parts):
    env.dir = d
    env.standin = StandIn(d)
    parts.append(env.standin)
    # In a directory of its own outside every web root, as the README
    # sets it up.
    etc = os.path.join(d, "etc")
    os.mkdir(etc)
    spool = env.spool = make_spool_for_apache(os.path.join(d, "spool"))
    cache = make_spool_for_apache(os.path.join(d, "cache"))
    env.config = write_config(etc, env.standin.url, timeout=str(TIMEOUT), spool=spool, cache=cache,
                              menu=True, twilio_extra=SHARED_KEY_CONFIG)
    share_config_with_apache(env.config)
    fcgid = ApacheFcgid(d, env.config)
    parts.append(fcgid)
    tests = [on("fcgid", fcgid, t) for t in scenarios.TESTS + scenarios.FASTCGI_TESTS]
    # A CGI program reads its config on every request: the once-per-process
    # scenarios are not for it.  mod_cgi runs the web server's part of them
    # (scenarios.SERVER_TESTS); the call flows are walked under mod_cgid.
    for module, scenario_list in (("cgid", scenarios.TESTS), ("cgi", scenarios.SERVER_TESTS)):
        server = ApacheCgi(d, env.config, module)
        parts.append(server)
        tests += [on(module, server, t) for t in scenario_list]
    return tests

if __name__ == "__main__":
    sys.exit(run_suite("apache", start))
