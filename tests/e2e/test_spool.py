#!/usr/bin/python3
"""Processes sharing one spool_dir: two `--flush` runs side by side send an
alert once."""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PROGRAM, ROUTING_KEY, StandIn, check, run_suite, write_config  # noqa: E402
from test_cgi import ROSTER, STARTUP, TIMEOUT, cgi, env  # noqa: E402


def spool_for(name):
    """A config of its own, on a spool of its own, made by a first request."""
    spool = os.path.join(env.dir, name + "-spool")
    config = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), spool=spool, name=name + ".ini")
    r = cgi(config=config)
    check(r.status == 200, f"{r.status} {r.stderr}")
    return spool, config


def spool_alert(spool, sid):
    """An alert that has waited a minute in spool/pending."""
    path = os.path.join(spool, "pending", sid + ".missed.json")
    with open(path, "w") as f:
        json.dump({"routing_key": ROUTING_KEY, "event_action": "trigger", "dedup_key": sid,
                   "payload": {"summary": "waiting", "source": "test", "severity": "critical"}}, f)
    old = time.time() - 60
    os.utime(path, (old, old))


def sends_per_alert():
    sends = {}
    for r in env.standin.requests():
        if r["path"] == "/v2/enqueue":
            key = r["body"]["dedup_key"]
            sends[key] = sends.get(key, 0) + 1
    return sends


def within(seconds, predicate):
    """Whether `predicate` comes true within `seconds`."""
    end = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def setup(fault="none"):
    env.standin.set_roster(ROSTER)
    env.standin.fault("none")
    env.standin.clear_requests()
    if fault != "none":
        # Held longer than the program waits: it gives up at its timeout.
        env.standin.fault(fault, path="events", delay_ms=int(TIMEOUT * 4000))


# --- tests ----------------------------------------------------------------

def test_flush_runs_side_by_side_send_each_alert_once():
    # The Events API hangs: a --flush run spends its timeout on each alert.
    # Another starts while the first sends the second alert, when the first
    # alert is back in pending, due within the two seconds --flush does
    # not wait out.
    setup()
    spool, config = spool_for("side-by-side")
    sids = ["CA" + c * 32 for c in "gh"]
    for sid in sids:
        spool_alert(spool, sid)
    setup(fault="hang")
    try:
        first = subprocess.Popen([PROGRAM, "--flush", "-c", config], stdout=subprocess.PIPE, text=True)
        check(within(3 * TIMEOUT + STARTUP, lambda: sum(sends_per_alert().values()) >= 2),
              f"the first run did not try its second alert: {sends_per_alert()}")
        second = subprocess.run([PROGRAM, "--flush", "-c", config], capture_output=True, text=True, timeout=60)
        out, _ = first.communicate(timeout=60)
    finally:
        env.standin.fault("none")
    check(first.returncode == 1 and "0 sent, 0 rejected, 2 still waiting" in out, f"{first.returncode}\n{out}")
    check(second.returncode == 0, f"{second.returncode}\n{second.stdout}{second.stderr}")
    check(f"nothing done: another process is sending what waits in {spool}" in second.stdout, second.stdout)
    check(sends_per_alert() == {sid: 1 for sid in sids}, sends_per_alert())


TESTS = [
    test_flush_runs_side_by_side_send_each_alert_once,
]


def start(d, parts):
    env.dir = d
    env.standin = StandIn(d)
    parts.append(env.standin)
    env.config = write_config(d, env.standin.url, timeout=str(TIMEOUT))
    return TESTS


if __name__ == "__main__":
    sys.exit(run_suite("spool", start))
