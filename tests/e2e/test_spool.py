#!/usr/bin/python3
"""Processes sharing one spool_dir: a burst of requests to the program run
as CGI makes one flusher at a time, and none for requests that are not
Twilio's; two `--flush` runs side by side send an alert once; old claims
are swept on schedule also when nothing waits, as CGI and under FastCGI."""

import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (PROGRAM, ROUTING_KEY, FastCgi, StandIn, check, incoming_call, run_suite, sign,  # noqa: E402
                     write_config)
from test_cgi import ROSTER, STARTUP, TIMEOUT, URL, cgi, env  # noqa: E402


def started_with(config):
    """The processes running that were started with `config`."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if config.encode() in f.read().split(b"\0"):
                    pids.append(pid)
        except OSError:
            pass
    return pids


class MostProcesses:
    """Counts, in the background, the most processes started with `config`
    seen at once (a forked one keeps its command line; one that has exited
    has none, though it may wait a while to be reaped).  Those running
    before are not looked at again: reading every command line each time
    would slow what is measured."""

    def __init__(self, config):
        self.config, self.most, self.running = config.encode(), 0, True
        self.before = {pid for pid in os.listdir("/proc") if pid.isdigit()}
        self.thread = threading.Thread(target=self._watch)
        self.thread.start()

    def _is_ours(self, pid):
        if pid in self.before:
            return False
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                return self.config in f.read().split(b"\0")
        except OSError:
            return False

    def running_now(self):
        return sum(1 for pid in os.listdir("/proc") if pid.isdigit() and self._is_ours(pid))

    def _watch(self):
        while self.running:
            self.most = max(self.most, self.running_now())
            time.sleep(0.01)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.most


def spool_for(name):
    """A config of its own, on a spool of its own, made by a first request
    (and swept by the process it leaves, which is waited for)."""
    spool = os.path.join(env.dir, name + "-spool")
    config = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), spool=spool, name=name + ".ini")
    r = cgi(config=config)
    check(r.status == 200, f"{r.status} {r.stderr}")
    check(within(STARTUP + 2, lambda: not started_with(config)), "the first request's process did not end")
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


def old_claim(spool, sid):
    """A claim of a call eight days ago, and one of today; the sweep last
    ran two hours ago."""
    old, new = (os.path.join(spool, "claims", s + ".answered") for s in (sid + "old", sid + "new"))
    for path in (old, new):
        open(path, "w").close()
    eight_days = time.time() - 8 * 86400
    os.utime(old, (eight_days, eight_days))
    marker = os.path.join(spool, "claims", ".swept")
    if os.path.exists(marker):
        two_hours = time.time() - 7200
        os.utime(marker, (two_hours, two_hours))
    return old, new


# --- tests ----------------------------------------------------------------

def test_a_burst_of_requests_makes_one_flusher():
    # Alerts wait and the Events API hangs.  Unsigned, forged and /health
    # requests start no process that sends them; requests from Twilio start
    # one at a time, which sends each alert once, not once per request.
    setup()
    spool, config = spool_for("burst")
    sids = ["CA" + c * 32 for c in "abcdef"]
    for sid in sids[:2]:
        spool_alert(spool, sid)
    setup(fault="hang")
    health = URL.replace("/voice", "/health")
    forged = sign(URL, incoming_call(), token="wrong")
    watch = MostProcesses(config)
    try:
        for i in range(150):
            r = [lambda: cgi(config=config, signature=""), lambda: cgi(config=config, signature=forged),
                 lambda: cgi(config=config, url=health, method="GET", signature="")][i % 3]()
            check(r.status in (200, 403), f"{r.status} {r.stderr}")
        check(watch.most == 1, f"{watch.most} processes at once for requests that were not Twilio's")
        check(sends_per_alert() == {}, f"sent for requests that were not Twilio's: {sends_per_alert()}")
        # More alerts than one pass sends while the Events API hangs: each
        # request finds some due.
        for sid in sids[2:]:
            spool_alert(spool, sid)
        start = time.monotonic()
        for _ in range(20):
            r = cgi(config=config)
            check(r.status == 200, f"{r.status} {r.stderr}")
        burst = time.monotonic() - start
        end = time.monotonic() + TIMEOUT + STARTUP + 1
        while watch.running_now() and time.monotonic() < end:
            time.sleep(0.05)
    finally:
        most = watch.stop()
        env.standin.fault("none")
    check(most <= 3, f"{most} processes at once")
    sends = sends_per_alert()
    check(sends and set(sends) <= set(sids) and max(sends.values()) <= 2,
          f"sends per alert in a burst of {burst:.1f} s: {sends}")


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


def test_cgi_sweeps_old_claims_when_nothing_waits():
    setup()
    spool, config = spool_for("sweep-cgi")
    old, new = old_claim(spool, "CA1")
    r = cgi(config=config)
    check(r.status == 200, f"{r.status} {r.stderr}")
    check(within(STARTUP + 2, lambda: not os.path.exists(old)), "the old claim is still there")
    check(os.path.exists(new), "today's claim was swept")


def test_a_fastcgi_worker_sweeps_old_claims_when_nothing_waits():
    setup()
    spool, config = spool_for("sweep-fastcgi")
    old, new = old_claim(spool, "CA2")
    d = os.path.join(env.dir, "fastcgi")
    os.mkdir(d)
    worker = FastCgi(d, config)  # no request comes
    try:
        swept = within(STARTUP + 2, lambda: not os.path.exists(old))
    finally:
        worker.stop()
    check(swept, "the old claim is still there")
    check(os.path.exists(new), "today's claim was swept")


TESTS = [
    test_a_burst_of_requests_makes_one_flusher,
    test_flush_runs_side_by_side_send_each_alert_once,
    test_cgi_sweeps_old_claims_when_nothing_waits,
    test_a_fastcgi_worker_sweeps_old_claims_when_nothing_waits,
]


def start(d, parts):
    env.dir = d
    env.standin = StandIn(d)
    parts.append(env.standin)
    env.config = write_config(d, env.standin.url, timeout=str(TIMEOUT))
    return TESTS


if __name__ == "__main__":
    sys.exit(run_suite("spool", start))
