#!/usr/bin/python3
"""PagerDuty slow or down, through nginx: every fault the stand-in can make,
with a warm cache (the last-known on-call is dialed) and a cold one
(fallback_number, or voicemail without it).  Every answer is valid TwiML,
HTTP 200, within the budget + 1 s, and its log line names the fault, an
answer trickled a byte at a time and a resolver that does not answer
included.  Also: a busy line does not stampede PagerDuty, and a connection
the server closed is opened again."""

import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
from harness import (FALLBACK_NUMBER, HUNT_NUMBER, OPS_NUMBER, FastCgi, Nginx, Skip, StandIn,  # noqa: E402
                     check, incoming_call, person, roster, run_suite, twilio_request, wait_for, write_config)
from scenarios import call, env, log_for, new_sid  # noqa: E402

BUDGET = 2.0     # [pagerduty] timeout
TTL = 2          # oncall_ttl and contact_ttl: short, so a test can let them expire
# These are the calls that must ask PagerDuty themselves (the line's first
# call, an answer the refresh could not renew): the workers' refresh ahead
# of expiry, which would renew what a test lets expire, is off here.
NO_REFRESH = "refresh_idle = 0"
ADA = person("PADA001", "Ada Lovelace", (1, "4155550101", "Mobile"))
ROSTER = roster([("PEPOPS1", 1, "PADA001"), ("PEPHUNT", 1, "PADA001")], [ADA])

# fault, where it hits, words the log line must have.
FAULTS = [
    ("500", "all", "HTTP 500"),
    ("503", "all", "HTTP 503"),
    ("429", "all", "HTTP 429"),
    ("429_bare", "all", "HTTP 429"),
    ("401", "all", "HTTP 401 (Unauthorized): check [pagerduty] token"),
    ("slow", "all", "timed out"),
    ("hang", "all", "timed out"),
    ("reset", "all", "connection closed or read failed"),
    ("garbage", "all", "not JSON"),
    ("truncated", "all", "not JSON"),
    ("wrong_shape", "all", 'without the \\"oncalls\\" array'),
    ("500", "contact_methods", "contact_methods: HTTP 500"),
    # Every byte well within any read timeout, the answer never whole in time.
    ("trickle_headers", "all", "timed out after"),
    ("trickle_chunked", "all", "timed out after"),
]
DELAY = {"slow": 4000, "hang": 8000}


def clear_cache():
    for name in os.listdir(env.cache):
        if name.endswith(".json"):
            os.unlink(os.path.join(env.cache, name))


def set_fault(kind, path):
    env.standin.fault(kind, path=path, delay_ms=DELAY.get(kind, 0))


def answered(r, what):
    check(r.status == 200, f"{what}: HTTP {r.status}")
    check(r.elapsed < BUDGET + 1, f"{what}: took {r.elapsed:.2f}s")
    return r.twiml()  # parses, or the test fails


def numbers(doc):
    return [n.text for n in doc.findall("./Dial/Number")]


def warm(kind, path, words):
    def test():
        env.standin.fault("none")
        env.standin.set_roster(ROSTER)
        clear_cache()
        call()                          # PagerDuty answers; the cache keeps it
        time.sleep(TTL + 1.1)           # and now it has expired
        set_fault(kind, path)
        try:
            sid, r = call()
        finally:
            env.standin.fault("none")
        doc = answered(r, kind)
        check(numbers(doc) == ["+14155550101"], f"{kind}: {ET.tostring(doc)}")
        line = log_for(sid)
        check("outcome=dial" in line and "source=stale" in line and " age=" in line, line)
        check(words in line, f"{kind}: {words!r} not in {line}")
    test.__name__ = f"test_{kind}_{path}_warm_cache_dials_the_last_known_on_call"
    return test


def cold(kind, path, words):
    def test():
        env.standin.fault("none")
        env.standin.set_roster(ROSTER)
        clear_cache()
        set_fault(kind, path)
        try:
            sid, r = call()
            sid2, r2 = call(to=HUNT_NUMBER)
        finally:
            env.standin.fault("none")
        doc = answered(r, kind)
        check(numbers(doc) == [FALLBACK_NUMBER], f"{kind}: {ET.tostring(doc)}")
        line = log_for(sid)
        check("outcome=fallback" in line and words in line, f"{kind}: {words!r} not in {line}")
        doc2 = answered(r2, kind)
        check(doc2.find("Record") is not None, f"{kind}: {ET.tostring(doc2)}")
        line2 = log_for(sid2)
        check("outcome=voicemail" in line2 and words in line2, f"{kind}: {line2}")
    test.__name__ = f"test_{kind}_{path}_cold_cache_rings_the_fallback_or_voicemail"
    return test


def test_a_busy_line_does_not_stampede_pagerduty():
    # 1,000 calls spread over several oncall_ttl windows, from 16 clients:
    # /oncalls is asked about once a window, by one process while the others
    # use the entry they have.
    import concurrent.futures
    env.standin.set_roster(ROSTER)
    env.standin.fault("none")
    clear_cache()
    env.standin.clear_requests()
    start = time.monotonic()
    spread = 5.0

    def paced(i):
        time.sleep(max(0.0, start + i * spread / 1000 - time.monotonic()))
        return call()[1]

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        replies = list(pool.map(paced, range(1000)))
    took = time.monotonic() - start
    wrong = [r.status for r in replies if r.status != 200 or numbers(r.twiml()) != ["+14155550101"]]
    check(not wrong, f"{len(wrong)} wrong answers")
    times = [q["received_ms"] for q in env.standin.requests() if q["path"] == "/oncalls"]
    first = min(times)
    per_window = {}
    for t in times:
        per_window[(t - first) // (TTL * 1000)] = per_window.get((t - first) // (TTL * 1000), 0) + 1
    check(len(per_window) >= spread / TTL - 1, f"the calls did not span the windows: {per_window}")
    check(max(per_window.values()) <= 2, f"/oncalls requests per {TTL} s window: {per_window}")
    print(f"       1000 calls in {took:.1f}s, {len(times)} /oncalls requests", flush=True)


def test_while_fresh_a_call_asks_pagerduty_nothing():
    env.standin.set_roster(ROSTER)
    env.standin.fault("none")
    clear_cache()
    call()
    env.standin.clear_requests()
    sid, r = call()                     # within the lifetime (at least a second of it)
    check(numbers(r.twiml()) == ["+14155550101"], r.body)
    check(env.standin.requests() == [], env.standin.requests())
    line = log_for(sid)
    check("pd_requests=0" in line and "source=cache" in line, line)


def test_a_connection_the_server_closed_is_opened_again():
    env.standin.set_roster(ROSTER)
    env.standin.fault("none")
    env.standin.clear_requests()
    clear_cache()
    sid, r = call()
    check(numbers(r.twiml()) == ["+14155550101"], r.body)
    time.sleep(TTL + 1.5)  # past the lifetime; the stand-in closed idle connections after a second
    sid2, r2 = call()
    check(numbers(r2.twiml()) == ["+14155550101"], r2.body)
    line = log_for(sid2)
    check("source=pagerduty" in line and "reason" not in line, line)


def test_a_502_naming_a_long_reset_is_retried_in_time():
    # A 502 carrying PagerDuty's rate-limit headers (ratelimit-reset: 40) is
    # not a 429: the retry that fits the budget goes out, and its answer is
    # the one used, not the fallback.
    env.standin.set_roster(ROSTER)
    env.standin.fault("none")
    clear_cache()
    env.standin.clear_requests()
    env.standin.fault("502_ratelimit", path="oncalls", delay_ms=40000, count=1)
    try:
        sid, r = call()
    finally:
        env.standin.fault("none")
    doc = answered(r, "502_ratelimit")
    check(numbers(doc) == ["+14155550101"], ET.tostring(doc))
    line = log_for(sid)
    check("outcome=dial" in line and "source=pagerduty" in line and "reason" not in line, line)
    oncalls = [q for q in env.standin.requests() if q["path"] == "/oncalls"]
    check([q["fault"] for q in oncalls] == ["502_ratelimit", None], oncalls)


def voicemail_meeting_events_fault(kind, clear_requests=False, **fault):
    """A voicemail whose alert meets `kind` at the Events API: the answer
    still comes, HTTP 200, within the budget + 1 s.  Returns its CallSid."""
    env.standin.fault("none")
    env.standin.clear_events()
    if clear_requests:
        env.standin.clear_requests()
    env.standin.fault(kind, path="events", **fault)
    sid = new_sid()
    try:
        r = voicemail_ready(sid)
    finally:
        env.standin.fault("none")
    check(r.status == 200, f"HTTP {r.status} {r.body}")
    check(r.elapsed < BUDGET + 1, f"took {r.elapsed:.2f}s")
    return sid


def test_an_alert_meeting_a_502_naming_a_long_reset_is_sent_not_spooled():
    # The Events API side: the same 502 is retried after our own pause, and
    # the alert goes out at once instead of waiting in the spool.
    sid = voicemail_meeting_events_fault("502_ratelimit", delay_ms=40000, count=1)
    line = scenarios.log_for_step(sid, "/voice/recording")
    check("alert=sent" in line, line)
    alerts = env.standin.alerts()
    check([a["dedup_key"] for a in alerts] == [sid], alerts)
    tries = [q for q in env.standin.requests() if q["path"] == "/v2/enqueue" and q["body"].get("dedup_key") == sid]
    check([q["fault"] for q in tries] == ["502_ratelimit", None], tries)


def test_an_alert_whose_answer_trickles_is_spooled_in_time_and_sent_once():
    # The Events API takes the event, but its answer trickles back a byte at
    # a time: the request gives up at the deadline and the alert waits in
    # the spool.  PagerDuty may have it already, so the send that follows
    # carries the same dedup_key: the alert is opened once, never twice.
    sid = voicemail_meeting_events_fault("trickle_headers", clear_requests=True)
    line = scenarios.log_for_step(sid, "/voice/recording")
    check('alert="spooled (timed out after' in line, line)

    def resent():
        return any(a["events"] >= 2 for a in env.standin.alerts())
    wait_for(resent, timeout=15, what="the spooled alert to be sent again")
    alerts = env.standin.alerts()
    check([a["dedup_key"] for a in alerts] == [sid], alerts)
    sends = [q for q in env.standin.requests() if q["path"] == "/v2/enqueue"]
    check(len(sends) >= 2 and all(q["body"].get("dedup_key") == sid for q in sends), sends)


def voicemail_ready(sid):
    """Twilio's recording callback for a voicemail: its alert goes at once
    (a missed call reported by the status callback would first wait for the
    call's last request)."""
    return twilio_request(env.server.base + "/voice/recording?route=ops&from=%2B14155559876",
                          {"CallSid": sid, "AccountSid": "AC00000000000000000000000000000001",
                           "RecordingStatus": "completed", "RecordingDuration": "21", "RecordingSid": "RE1",
                           "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"})


# --- PagerDuty's host name when the resolver does not answer ----------------
#
# The program runs in a mount namespace of its own whose /etc/resolv.conf
# names a nameserver the test runs on a loopback address of its own.  While
# it answers, PagerDuty's name is the TLS stand-in's address; when it goes
# silent it swallows every query, as a resolver that is down does (glibc
# then waits 5 s for each of two tries).  The name is in no /etc/hosts.

PD_HOST = "pagerduty-standin.test"


class Nameserver:
    """UDP port 53 (resolv.conf names no port) on a loopback address no
    other test uses; answers A queries for PD_HOST with 127.0.0.1 while
    `answering`, else nothing at all."""

    def __init__(self):
        import random
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(100):
            self.address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
            try:
                self.sock.bind((self.address, 53))
                break
            except OSError:
                continue
        else:
            raise RuntimeError("no free loopback address for a nameserver on port 53")
        self.sock.settimeout(0.1)
        self.answering = False
        self.queries = 0
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping:
            try:
                query, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            except OSError:
                return
            self.queries += 1
            reply = self.answering and dns_reply(query)
            if reply:
                self.sock.sendto(reply, peer)

    def stop(self):
        self.stopping = True
        self.thread.join()
        self.sock.close()


def dns_reply(query):
    """The answer to one query (RFC 1035 section 4.1): PD_HOST's A record,
    no record of other types for it, and no such name for anything else."""
    if len(query) < 17:
        return None
    labels, i = [], 12
    while i < len(query) and query[i] != 0:
        labels.append(query[i + 1:i + 1 + query[i]].decode("ascii", "replace"))
        i += 1 + query[i]
    if i + 5 > len(query):
        return None
    qtype = struct.unpack(">H", query[i + 1:i + 3])[0]
    name = ".".join(labels).lower()
    answer = b""
    if name == PD_HOST and qtype == 1:
        answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton("127.0.0.1")
    rcode = 0 if name == PD_HOST else 3
    flags = 0x8000 | 0x0400 | (struct.unpack(">H", query[2:4])[0] & 0x0100) | 0x0080 | rcode
    return query[:2] + struct.pack(">HHHHH", flags, 1, 1 if answer else 0, 0, 0) + query[12:i + 5] + answer


class Resolving:
    """A TLS stand-in known by PD_HOST, and the nameserver; made once."""
    made = None

    def __init__(self, d, parts):
        self.dir = os.path.join(d, "dns")
        os.mkdir(self.dir)
        self.cert, key = os.path.join(self.dir, "pd.crt"), os.path.join(self.dir, "pd.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=pd-standin", "-addext", f"subjectAltName=DNS:{PD_HOST}", "-keyout", key,
                        "-out", self.cert], check=True, capture_output=True)
        self.standin = StandIn(self.dir, tls=(self.cert, key), keep_alive=1)
        parts.append(self.standin)
        self.nameserver = Nameserver()
        parts.append(self.nameserver)
        self.resolv_conf = os.path.join(self.dir, "resolv.conf")
        with open(self.resolv_conf, "w") as f:
            f.write(f"nameserver {self.nameserver.address}\n")
        self.runs = 0

    @classmethod
    def get(cls):
        if os.geteuid() != 0:
            raise Skip("a nameserver on port 53 and a mount namespace need root")
        if cls.made is None:
            cls.made = cls(env.dir, suite_parts)
        return cls.made

    def program(self):
        """A new pd-call-forward process behind a new nginx, both stopped at
        the end of the suite: a process that has resolved nothing yet."""
        self.runs += 1
        d = os.path.join(self.dir, f"run{self.runs}")
        os.mkdir(d)
        os.chmod(d, 0o755)
        config = write_config(d, f"https://{PD_HOST}:{self.standin.port}", timeout=str(BUDGET),
                              cache=os.path.join(d, "cache"), pagerduty_extra=f"ca_file = {self.cert}\n{NO_REFRESH}",
                              caching={"oncall_ttl": TTL, "contact_ttl": TTL, "stale_max": 86400})
        namespace = ["unshare", "--mount", "sh", "-c", 'mount --bind "$0" /etc/resolv.conf && exec "$@"',
                     self.resolv_conf]
        fcgi = FastCgi(d, config, wrapper=namespace)
        suite_parts.append(fcgi)
        server = Nginx(d, fcgi.socket)
        suite_parts.append(server)
        return server


def dns_call(server):
    sid = new_sid()
    r = twilio_request(server.base + "/voice", incoming_call(to=OPS_NUMBER, sid=sid))
    lines = [line for line in server.log_lines() if f"call_sid={sid}" in line]
    check(len(lines) == 1, f"expected one log line for {sid}, found {lines}")
    return r, lines[0]


def test_a_resolver_that_never_answers_costs_no_more_than_the_budget():
    dns = Resolving.get()
    dns.standin.set_roster(ROSTER)
    dns.nameserver.answering = False
    asked = dns.nameserver.queries
    server = dns.program()
    r, line = dns_call(server)
    doc = answered(r, "silent resolver")
    check(numbers(doc) == [FALLBACK_NUMBER], ET.tostring(doc))
    check("outcome=fallback" in line and f"DNS did not answer for {PD_HOST} within" in line, line)
    check(dns.nameserver.queries > asked, "the program did not ask the nameserver the test runs")


def test_the_last_good_address_serves_while_the_resolver_is_down():
    dns = Resolving.get()
    dns.standin.set_roster(ROSTER)
    dns.nameserver.answering = True
    server = dns.program()
    r, line = dns_call(server)
    check(numbers(answered(r, "resolver up")) == ["+14155550101"], r.body)
    check("source=pagerduty" in line, line)
    # The resolver goes down; the cache expires and the stand-in closes the
    # idle connection, so the next call must connect again.
    dns.nameserver.answering = False
    time.sleep(TTL + 1.1)
    r, line = dns_call(server)
    check(numbers(answered(r, "resolver down")) == ["+14155550101"], r.body)
    check("source=pagerduty" in line and "reason" not in line, line)


TESTS = [f(kind, path, words) for kind, path, words in FAULTS for f in (warm, cold)] + [
    test_an_alert_whose_answer_trickles_is_spooled_in_time_and_sent_once,
    test_a_resolver_that_never_answers_costs_no_more_than_the_budget,
    test_the_last_good_address_serves_while_the_resolver_is_down,
    test_a_502_naming_a_long_reset_is_retried_in_time,
    test_an_alert_meeting_a_502_naming_a_long_reset_is_sent_not_spooled,
    test_a_busy_line_does_not_stampede_pagerduty,
    test_while_fresh_a_call_asks_pagerduty_nothing,
    test_a_connection_the_server_closed_is_opened_again,
]

fcgi = [None]


suite_parts = []


def start(d, parts):
    global suite_parts
    suite_parts = parts
    env.dir = d
    env.standin = StandIn(d, keep_alive=1)
    parts.append(env.standin)
    env.cache = os.path.join(d, "cache")
    env.config = write_config(d, env.standin.url, timeout=str(BUDGET), cache=env.cache, pagerduty_extra=NO_REFRESH,
                              caching={"oncall_ttl": TTL, "contact_ttl": TTL, "stale_max": 86400})
    env.spool = os.path.join(d, "spool")
    fcgi[0] = FastCgi(d, env.config, children=4)
    parts.append(fcgi[0])
    env.server = Nginx(d, fcgi[0].socket)
    parts.append(env.server)
    return TESTS


if __name__ == "__main__":
    sys.exit(run_suite("faults", start))
