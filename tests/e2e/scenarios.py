"""The call scenarios every web-server set-up must pass, written once.

A suite (test_nginx.py, test_apache.py...) starts its servers, fills in
`env`, and runs TESTS, plus FASTCGI_TESTS when the program stays running
between requests."""

import concurrent.futures
import datetime
import json
import os
import subprocess
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

import twilio_model
from harness import (ACME_PREFIX, ALWAYS_NUMBER, ANSWERED_NUMBER, REASON_NUMBER, RECORDED_NUMBER, REPEAT_NUMBER, BLOCKED_CALLER, BLOCKED_PREFIX, DB_NUMBER, FALLBACK_NUMBER, HUNT_NUMBER, MENU_NUMBER,
                     TRANSCRIBED_NUMBER,
                     OPS_NUMBER, PD_TOKEN, PROGRAM, ROUTING_KEY, SHARED_KEY_SETTINGS, TWILIO_SHARED_KEY, TWILIO_TOKEN,
                     check, incoming_call, incoming_text, person, roster, twilio_request)

TIMEOUT = 2.0  # [pagerduty] timeout in this suite's config

ADA = person("PADA001", "Ada Lovelace", (1, "4155550101", "Mobile"), (44, "20 7946 0958", "Work"),
             email="ada@example.com")
GRACE = person("PGRACE1", "Grace Hopper", (1, "415-555-0102", "Mobile"))
LINUS = person("PLINUS1", "Linus Db", (1, "4155550103", "Mobile"))


class Env:
    """Set by the suite that runs these scenarios."""
    dir = None       # the suite's temporary directory
    standin = None   # harness.StandIn
    server = None    # .base (the script's URL), .log_lines(), .error_log_text()
    config = None    # the config file the server's program reads (with SHARED_KEY_CONFIG)
    spool = None     # its [pagerduty] spool_dir


env = Env()
sid_counter = [0]
sid_lock = threading.Lock()


def new_sid(prefix="CA"):
    """A CallSid, or with prefix="SM" a MessageSid, unique in the run."""
    with sid_lock:
        sid_counter[0] += 1
        return prefix + "%032d" % sid_counter[0]


def voice_url(query=""):
    return env.server.base + "/voice" + (("?" + query) if query else "")


def call(to=OPS_NUMBER, query="", frm="+14155559876", **kw):
    sid = new_sid()
    reply = twilio_request(voice_url(query), incoming_call(to=to, frm=frm, sid=sid), **kw)
    return sid, reply


def a_request_from_twilio():
    """An incoming call: once it is answered, the program looks at the
    spool.  Only a request from Twilio does; a forged or unsigned one, and
    /health, start nothing."""
    call()


def scrape(source="127.0.0.1"):
    """GET /metrics through the web server, from `source`: (status, headers, body)."""
    import http.client
    parts = urllib.parse.urlsplit(env.server.base + "/metrics")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10, source_address=(source, 0))
    try:
        conn.request("GET", parts.path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode()
    finally:
        conn.close()


def metric_values(body):
    """Every sample of a /metrics page: {'name{labels}': value}."""
    out = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def metrics_now():
    status, _, body = scrape()
    check(status == 200, f"/metrics: {status} {body[:300]}")
    return metric_values(body)


def log_for(sid):
    lines = [l for l in env.server.log_lines() if f"call_sid={sid}" in l]
    check(len(lines) == 1, f"expected one log line for {sid}, found {lines}")
    return lines[0]


def numbers(reply):
    return [n.text for n in reply.twiml().findall("./Dial/Number")]


def setup(fault="none", r=None):
    env.standin.fault(fault)
    env.standin.set_roster(r if r is not None else roster([("PEPOPS1", 1, "PADA001"), ("PEPOPS1", 2, "PGRACE1"),
                                                            ("PEPDB01", 1, "PLINUS1", {"schedule": "PSDB001"})],
                                                           [ADA, GRACE, LINUS]))
    env.standin.clear_requests()


# --- scenarios ------------------------------------------------------------

def test_incoming_call_dials_the_on_call():
    setup()
    sid, r = call()
    check(r.status == 200, f"status {r.status}: {r.body}")
    check(r.header("Content-Type") == "text/xml; charset=utf-8", r.header("Content-Type"))
    length = r.header("Content-Length")
    if length is not None:
        check(int(length) == len(r.body.encode()), "Content-Length")
    else:  # Apache re-sends a CGI program's answer chunked when it is not all in yet
        check(r.header("Transfer-Encoding") == "chunked", r.headers)
    doc = r.twiml()
    check(doc.tag == "Response", doc.tag)
    check(doc.find("Say").text == "Connecting you to Ada Lovelace.", doc.find("Say").text)
    # A voice of Twilio's current <Say> reference, speaking its own language.
    check(doc.find("Say").get("voice") == "Polly.Joanna" and doc.find("Say").get("language") is None,
          f"Say attributes: {doc.find('Say').attrib}")
    dial = doc.find("Dial")
    # After the greeting the call is answered: answerOnBridge would do nothing.
    check(dial.get("timeout") == "25" and dial.get("answerOnBridge") is None, dial.attrib)
    check(numbers(r) == ["+14155550101"], numbers(r))

    reqs = env.standin.requests()
    check([q["path"] for q in reqs] == ["/oncalls", "/users/PADA001/contact_methods"], reqs)
    check(reqs[0]["query"].get("escalation_policy_ids[]") == ["PEPOPS1"], reqs[0]["query"])
    check(reqs[0]["query"].get("earliest") == ["true"], reqs[0]["query"])
    for q in reqs:
        check(q["header_problem"] == "", q["header_problem"])

    line = log_for(sid)
    for part in ["method=POST", "path=/voice", "status=200", "outcome=dial", "route=ops", "to=+14155550100",
                 "dialed=+*******0101", "from=+*******9876", "pd_requests=2", "level=1"]:
        check(part in line, f"{part} not in {line}")
    check("pd_ms=" in line and " ms=" in line, line)
    check("+14155550101" not in line and "+14155559876" not in line, "full numbers in the log")


def test_secrets_never_logged():
    setup()
    call()
    call(signature="bad")
    text = env.server.error_log_text()
    check(PD_TOKEN not in text and TWILIO_TOKEN not in text, "a secret is in the server's error log")


def test_two_on_call_at_level_one_ring_together():
    setup(r=roster([("PEPOPS1", 1, "PADA001"), ("PEPOPS1", 1, "PGRACE1"), ("PEPOPS1", 1, "PADA001")],
                   [ADA, GRACE]))
    sid, r = call()
    check(r.status == 200, r.status)
    check(numbers(r) == ["+14155550101", "+14155550102"], numbers(r))
    check(r.twiml().find("Say").text == "Connecting you to Ada Lovelace and Grace Hopper.", r.body)
    check("dialed=+*******0101,+*******0102" in log_for(sid), log_for(sid))


def rfc3339(seconds_from_now):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def check_asked_schedule_now(reqs, schedule, before, after):
    """The first request asked who is on `schedule` at the time of the call
    (between `before` and `after`, epoch seconds), not /oncalls."""
    q = reqs[0]
    check(q["path"] == f"/schedules/{schedule}/users", reqs)
    since = datetime.datetime.strptime(q["query"]["since"][0], "%Y-%m-%dT%H:%M:%S%z").timestamp()
    until = datetime.datetime.strptime(q["query"]["until"][0], "%Y-%m-%dT%H:%M:%S%z").timestamp()
    check(int(before) <= since <= after and until - since == 1, q["query"])
    check(not [x for x in reqs if x["path"] == "/oncalls"], reqs)


def test_route_by_called_number():
    # db's schedule is used by an escalation policy (PEPDB01): still found.
    setup()
    before = time.time()
    sid, r = call(to=DB_NUMBER)
    check(numbers(r) == ["+14155550103"], r.body)
    check_asked_schedule_now(env.standin.requests(), "PSDB001", before, time.time())
    check("route=db" in log_for(sid), log_for(sid))


def test_a_schedule_no_policy_uses_reaches_its_on_call():
    # PagerDuty lists an on-call only "for a given Escalation Policy": a
    # schedule that no policy uses has no /oncalls entries, yet its route
    # reaches whoever is on it now, and only them.
    setup(r=roster([("PEPOPS1", 1, "PADA001")], [ADA, GRACE, LINUS],
                   schedules={"PSDB001": {"name": "Database primary", "shifts": [
                       {"user": "PADA001", "start": rfc3339(-7200), "end": rfc3339(-3600)},
                       {"user": "PLINUS1", "start": rfc3339(-3600), "end": rfc3339(3600)},
                       {"user": "PGRACE1", "start": rfc3339(3600)}]}}))
    before = time.time()
    sid, r = call(to=DB_NUMBER)
    check(numbers(r) == ["+14155550103"], r.body)
    check(r.twiml().find("Say").text == "Connecting you to Linus Db.", r.body)
    reqs = env.standin.requests()
    check_asked_schedule_now(reqs, "PSDB001", before, time.time())
    check([q["path"] for q in reqs] == ["/schedules/PSDB001/users", "/users/PLINUS1/contact_methods"], reqs)
    line = log_for(sid)
    check("outcome=dial" in line and "route=db" in line and "level=1" in line, line)


def test_route_by_query_wins_over_to():
    setup()
    sid, r = call(to=OPS_NUMBER, query="route=db")
    check(numbers(r) == ["+14155550103"], r.body)
    check("route=db" in log_for(sid), log_for(sid))


def test_nobody_on_call_dials_the_fallback():
    setup(r=roster([], []))
    sid, r = call()
    check(r.status == 200, r.status)
    check(numbers(r) == [FALLBACK_NUMBER], r.body)
    line = log_for(sid)
    check("outcome=fallback" in line and "nobody is on call" in line, line)


def test_no_fallback_goes_to_voicemail():
    setup(r=roster([], []))
    sid, r = call(to=DB_NUMBER)
    doc = r.twiml()
    check(doc.find("Dial") is None and doc.find("Record") is not None, r.body)
    check("leave a message" in doc.find("Say").text, r.body)
    check("outcome=voicemail" in log_for(sid), log_for(sid))


def test_pagerduty_500_dials_the_fallback_in_time():
    setup(fault="500")
    sid, r = call()
    check(r.status == 200, r.status)
    check(numbers(r) == [FALLBACK_NUMBER], r.body)
    check(r.elapsed < TIMEOUT + 1, f"took {r.elapsed:.2f}s")
    check("HTTP 500" in log_for(sid), log_for(sid))


def test_pagerduty_slow_dials_the_fallback_within_the_timeout():
    setup()
    env.standin.fault("slow", delay_ms=int(TIMEOUT * 1000) + 4000)
    sid, r = call()
    check(r.status == 200, r.status)
    check(numbers(r) == [FALLBACK_NUMBER], r.body)
    check(r.elapsed < TIMEOUT + 1, f"took {r.elapsed:.2f}s")
    line = log_for(sid)
    check("outcome=fallback" in line and "timed out" in line, line)


def test_every_pagerduty_fault_dials_the_fallback():
    faults = [("garbage", "GET /oncalls: not JSON"), ("empty", "GET /oncalls: not JSON"),
              ("truncated", "GET /oncalls: not JSON"), ("wrong_shape", "without the \\\"oncalls\\\" array"),
              ("401", "check [pagerduty] token"), ("429", "HTTP 429"), ("429_bare", "rate limited"),
              ("503", "HTTP 503"), ("reset", "GET /oncalls: connection closed or read failed")]
    for fault, words in faults:
        setup(fault=fault)
        sid, r = call()
        check(r.status == 200 and numbers(r) == [FALLBACK_NUMBER], f"{fault}: {r.status} {r.body}")
        check(r.elapsed < TIMEOUT + 1, f"{fault}: took {r.elapsed:.2f}s")
        check(words in log_for(sid), f"{fault}: {words!r} not in {log_for(sid)}")


def test_contact_methods_failing_dials_the_fallback():
    setup()
    env.standin.fault("500", path="contact_methods")
    sid, r = call()
    check(numbers(r) == [FALLBACK_NUMBER], r.body)
    check("pagerduty: Ada Lovelace: GET /users/PADA001/contact_methods: HTTP 500" in log_for(sid), log_for(sid))


def test_pages_of_oncalls_are_followed():
    # PagerDuty pages at most 100 entries; the stand-in pages at 1 here, and
    # level 1 is only on the third page.
    setup(r=roster([("PEPOPS1", 3, "PLINUS1"), ("PEPOPS1", 2, "PGRACE1"), ("PEPOPS1", 1, "PADA001")],
                   [ADA, GRACE, LINUS], page_size=1))
    sid, r = call()
    check(numbers(r) == ["+14155550101"], r.body)
    offsets = [q["query"].get("offset") for q in env.standin.requests() if q["path"] == "/oncalls"]
    check(offsets == [["0"], ["1"], ["2"]], offsets)


def test_a_phone_that_is_off_is_not_dialed():
    # Ada's phones are both unusable in PagerDuty, one disabled and one
    # blacklisted: level 2 rings instead, and the log says why.  With nobody
    # else, the fallback.
    ada_off = person("PADA001", "Ada Lovelace", (1, "4155550101", "Mobile", {"enabled": False}),
                     (44, "20 7946 0958", "Work", {"blacklisted": True}))
    setup(r=roster([("PEPOPS1", 1, "PADA001"), ("PEPOPS1", 2, "PGRACE1")], [ada_off, GRACE]))
    sid, r = call()
    check(numbers(r) == ["+14155550102"], r.body)
    line = log_for(sid)
    check("level=2" in line and "Ada Lovelace (PADA001) has no usable phone contact method: 1 disabled, "
                                "1 blacklisted" in line, line)
    setup(r=roster([("PEPOPS1", 1, "PADA001")], [ada_off]))
    sid, r = call()
    check(numbers(r) == [FALLBACK_NUMBER], r.body)
    check("outcome=fallback" in log_for(sid) and "1 disabled, 1 blacklisted" in log_for(sid), log_for(sid))


def test_bad_signature_is_403_and_nothing_else():
    setup()
    sid, r = call(token="not-the-auth-token")
    check(r.status == 403, r.status)
    check(env.standin.requests() == [], "PagerDuty was asked")
    line = log_for(sid)
    check("outcome=rejected" in line and "does not match" in line, line)
    sid, r = call(signature="")
    check(r.status == 403, r.status)
    check("missing X-Twilio-Signature" in log_for(sid), log_for(sid))


def test_signatures_twilio_node_accepts_through_the_server():
    # The settings header reaches the program, and the URL as Twilio
    # requested it, ' written %27 in a callback, arrives unchanged, so the
    # legacy querystring form of it checks.
    setup(r=roster([("PEPOPS1", 1, "PADA001")],
                   [person("PADA001", "Ada O'Brien", (1, "4155550101", "Mobile"))]))
    sid, r = call(token=TWILIO_SHARED_KEY, settings=SHARED_KEY_SETTINGS)
    check(r.status == 200 and numbers(r) == ["+14155550101"], f"{r.status} {log_for(sid)}")
    action = r.twiml().find("Dial").get("action")
    check("tried=Ada%20O%27Brien" in action, action)
    status = incoming_call(sid=sid, CallStatus="in-progress", DialCallStatus="no-answer", DialCallDuration="0")
    r = twilio_request(action, status, legacy=True)
    check(r.status == 200, f"{r.status} {env.server.log_lines()[-1:]}")
    # Without the shared key's header, its signature is no Auth Token's.
    sid, r = call(token=TWILIO_SHARED_KEY, signature=None, settings=None)
    check(r.status == 403 and "does not match" in log_for(sid), r.status)


def test_body_over_64_kib_is_413():
    setup()
    params = incoming_call(sid=new_sid(), Padding="x" * (65 * 1024))
    r = twilio_request(voice_url(), params)
    check(r.status == 413, f"status {r.status}")
    check(env.standin.requests() == [], "PagerDuty was asked")


def test_get_webhook():
    setup()
    sid = new_sid()
    r = twilio_request(voice_url(), incoming_call(sid=sid), method="GET")
    check(r.status == 200 and numbers(r) == ["+14155550101"], f"{r.status} {r.body}")
    check("method=GET" in log_for(sid), log_for(sid))


def test_health():
    r = twilio_request(env.server.base + "/health", method="GET", signature="")
    check(r.status == 200 and r.body == "ok\n", f"{r.status} {r.body!r}")


def test_unknown_path_and_method():
    r = twilio_request(env.server.base + "/admin", incoming_call())
    check(r.status == 404, r.status)
    r = twilio_request(voice_url(), method="PUT", body="x", signature="")
    check(r.status == 405 and r.header("Allow") == "GET, POST", f"{r.status} {r.headers}")


def test_hostile_name_from_pagerduty():
    setup(r=roster([("PEPOPS1", 1, "PEVIL01")],
                   [person("PEVIL01", "O'Brien & <Co> </Say><Hangup/>", (1, "4155550104", "Mobile"))]))
    sid, r = call()
    doc = r.twiml()  # parses: the name was escaped
    check(doc.find("Hangup") is None, r.body)
    check(doc.find("Say").text == "Connecting you to O'Brien & <Co> </Say><Hangup/>.", doc.find("Say").text)



def test_concurrent_calls_are_all_answered_right():
    # 200 signed calls from 16 client threads, alternating between the two
    # routes: every answer dials the right route's on-call.
    setup()
    expected = {OPS_NUMBER: ["+14155550101"], DB_NUMBER: ["+14155550103"]}
    jobs = [(OPS_NUMBER if i % 2 else DB_NUMBER) for i in range(200)]

    def one(to):
        sid, r = call(to=to)
        return to, sid, r.status, numbers(r) if r.status == 200 else r.body

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, jobs))
    wrong = [(to, status, got) for to, _, status, got in results if status != 200 or got != expected[to]]
    check(not wrong, f"{len(wrong)} wrong answers, e.g. {wrong[:3]}")
    sids = {sid for _, sid, _, _ in results}
    logged = [l for l in env.server.log_lines() if any(f"call_sid={sid} " in l for sid in sids)]
    check(len(logged) == 200, f"{len(logged)} log lines for 200 calls")


# --- whole calls: the hunt, the screen, voicemail and its alert ------------

class TwilioCall:
    """One call as Twilio places it: the incoming webhook, then each
    callback URL the TwiML answers name, with the parameters Twilio sends."""

    def __init__(self, to=HUNT_NUMBER, frm="+14155559876"):
        self.sid = new_sid()
        self.to, self.frm = to, frm
        self.doc = None
        self.replies = []

    def params(self, **extra):
        p = {"CallSid": self.sid, "AccountSid": "AC00000000000000000000000000000001", "From": self.frm,
             "To": self.to, "CallStatus": "in-progress", "ApiVersion": "2010-04-01", "Direction": "inbound"}
        p.update(extra)
        return p

    def post(self, url, params):
        r = twilio_request(url, params)
        check(r.status == 200, f"{url}: HTTP {r.status} {r.body}")
        self.replies.append(r)
        return r.twiml()

    def start(self):
        r = twilio_request(voice_url(), incoming_call(to=self.to, frm=self.frm, sid=self.sid))
        check(r.status == 200, f"incoming: HTTP {r.status}")
        self.doc = r.twiml()
        return self.doc

    def numbers(self):
        return [n.text for n in self.doc.findall("./Dial/Number")]

    def dial_ends(self, status, bridged=None, call_status="in-progress"):
        """Twilio requests the <Dial action> when the dial is over."""
        extra = {"DialCallStatus": status, "DialCallSid": "CA" + "d" * 32, "DialCallDuration": "0",
                 "CallStatus": call_status}
        if bridged is not None:
            extra["DialBridged"] = bridged
        self.doc = self.post(self.doc.find("Dial").get("action"), self.params(**extra))
        return self.doc

    def screen(self, index, digits):
        """The engineer's leg runs the <Number url> whisper, then presses `digits`."""
        number = self.doc.findall("./Dial/Number")[index]
        # Twilio documents ParentCallSid and To on the engineer's leg, not
        # whose number its From is: the line's own here, never the caller's.
        leg = {"CallSid": "CA" + "e" * 32, "ParentCallSid": self.sid, "From": self.to, "To": number.text,
               "CallStatus": "in-progress", "Direction": "outbound-api"}
        whisper = self.post(number.get("url"), leg)
        gather = whisper.find("Gather")
        check(gather is not None and gather.get("numDigits") == "1", ET.tostring(whisper))
        answer = self.post(gather.get("action"), dict(leg, Digits=digits))
        return whisper, answer

    def leave_voicemail(self, seconds=21, url="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"):
        record = self.doc.find("Record")
        check(record is not None, ET.tostring(self.doc))
        rec = {"RecordingUrl": url, "RecordingDuration": str(seconds), "RecordingSid": "RE1"}
        closing = self.post(record.get("action"), self.params(Digits="hangup", CallStatus="completed", **rec))
        ready = record.get("recordingStatusCallback")
        self.post(ready, {"CallSid": self.sid, "AccountSid": "AC1", "RecordingStatus": "completed", **rec})
        return closing, ready

    def recording_ready_again(self, ready, seconds=21):
        self.post(ready, {"CallSid": self.sid, "AccountSid": "AC1", "RecordingStatus": "completed",
                          "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
                          "RecordingDuration": str(seconds), "RecordingSid": "RE1"})


HUNT_ROSTER = [("PEPHUNT", 1, "PADA001"), ("PEPHUNT", 2, "PGRACE1")]


def spool_files(sub):
    d = os.path.join(env.spool, sub)
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def spool_settled(seconds=10.0):
    """Waits until no process is sending from the spool (each tries spooled
    alerts after its answers, retrying within its budget); returns what is
    left pending."""
    end = time.monotonic() + seconds
    while spool_files("sending") and time.monotonic() < end:
        time.sleep(0.05)
    return spool_files("pending")


def setup_hunt(fault=None):
    setup(r=roster(HUNT_ROSTER, [ADA, GRACE], escalation_policies={"PEPHUNT": {"name": "Platform", "num_loops": 0}}))
    check(spool_settled() == [], f"alerts left from an earlier test: {spool_files('pending')}")
    env.standin.clear_events()
    if fault:
        env.standin.fault(fault, path="events")


def walk_to_voicemail(call):
    call.start()
    check(call.numbers() == ["+14155550101"], ET.tostring(call.doc))
    whisper, answer = call.screen(0, "")                 # Ada's voicemail picks up; nobody presses 1
    check("Call on the Platform line from 1 4 1 5 5 5 5 9 8 7 6. Press 1 to accept, or 2 to pass it on." ==
          whisper.find("Gather/Say").text, ET.tostring(whisper))
    check(answer.find("Hangup") is not None, ET.tostring(answer))
    call.dial_ends("completed", bridged="false")         # level 1: picked up, never bridged
    check(call.numbers() == ["+14155550102"], ET.tostring(call.doc))
    _, answer = call.screen(0, "7")                      # Grace's voicemail took it; 7 means nothing
    check(answer.find("Gather") is not None, ET.tostring(answer))  # the screen once more, then silence: <Hangup>
    call.dial_ends("completed", bridged="false")         # answered, never bridged
    check(call.doc.find("Record") is not None, ET.tostring(call.doc))


def is_cgi():
    """Whether the server runs the program afresh for each request."""
    return getattr(env.server, "cgi", False)


def as_the_program(path):
    """A file the test put in the program's spool made the program's own,
    as if it had written it: it reads no other user's files there."""
    st = os.stat(env.spool)
    if os.geteuid() == 0 and st.st_uid != 0:
        os.chown(path, st.st_uid, st.st_gid)


def flush_command(timeout=60):
    """`pd-call-forward --flush` as the README's cron line runs it: as the
    program's user (under Apache www-data, who owns the spool), since the
    program leaves another user's spool alone; with the web server's copy
    of the program when it has one."""
    st = os.stat(env.spool)
    who = {"user": st.st_uid, "group": st.st_gid} if os.geteuid() == 0 and st.st_uid != 0 else {}
    program = getattr(env.server, "program", PROGRAM)
    return subprocess.run([program, "--flush", "-c", env.config], capture_output=True, text=True, timeout=timeout,
                          **who)


def calls_command(*args):
    """`pd-call-forward --calls ...` as an operator runs it: as the
    program's user, like --flush."""
    st = os.stat(env.spool)
    who = {"user": st.st_uid, "group": st.st_gid} if os.geteuid() == 0 and st.st_uid != 0 else {}
    program = getattr(env.server, "program", PROGRAM)
    p = subprocess.run([program, "--calls", "-c", env.config, *args], capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, TZ="UTC"), **who)
    check(p.returncode == 0, f"--calls: {p.returncode}\n{p.stdout}{p.stderr}")
    return p.stdout


def run_flush_timer():
    """`pd-call-forward --flush`, as the shipped systemd timer or the
    README's cron line runs it every minute.  While another process sends
    from the spool (a worker's pass; as CGI, the process a request left to
    wait for a held alert, up to a minute) it does nothing: run again then,
    as the timer would a minute later."""
    end = time.monotonic() + 90
    while True:
        p = flush_command()
        check(p.returncode == 0, f"--flush: {p.returncode}\n{p.stdout}{p.stderr}")
        if not p.stdout.startswith("nothing done: ") or time.monotonic() > end:
            return p.stdout
        time.sleep(0.2)


def release_held(seconds=30.0):
    """Waits until every held alert has fallen due and gone out (or been
    dropped).  A FastCGI worker does that by itself, with no request
    coming; a CGI program has no process that stays, so the flush timer
    does it, run here when it is due as the timer would run it."""
    end = time.monotonic() + seconds
    while spool_files("held") and time.monotonic() < end:
        if is_cgi():
            # The process the request left behind may send a held alert
            # between the listing and the stat: a file gone is one not due.
            due = time.time()
            for f in spool_files("held"):
                try:
                    due = max(due, os.stat(os.path.join(env.spool, "held", f)).st_mtime)
                except FileNotFoundError:
                    pass
            time.sleep(max(0.0, min(due - time.time() + 0.1, end - time.monotonic())))
            run_flush_timer()
        else:
            time.sleep(0.1)
    check(not spool_files("held"), f"held alerts not released within {seconds} s: {spool_files('held')}")
    spool_settled()


def wait_for_alerts(n, seconds=5.0):
    end = time.monotonic() + seconds
    while True:
        alerts = env.standin.alerts()
        if len(alerts) >= n or time.monotonic() > end:
            return alerts
        time.sleep(0.05)


def check_voicemail_alert(alert, call):
    check(alert["dedup_key"] == call.sid, alert)
    check(alert["summary"] == "Voicemail on Platform line from +14155559876 (21 s)", alert["summary"])
    check(alert["severity"] == "critical" and alert["source"] == "pd-call-forward", alert)
    check(alert["routing_key"] == ROUTING_KEY, alert)
    check(alert["links"][0]["href"] == "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", alert)
    d = alert["custom_details"]
    check(d["caller"] == "+14155559876" and d["called"] == HUNT_NUMBER, d)
    check(d["duration_seconds"] == 21, d)
    check(d["tried"] == ["Ada Lovelace", "Grace Hopper"], d)


def test_a_whole_call_ends_in_exactly_one_voicemail_alert():
    setup_hunt()
    call = TwilioCall()
    walk_to_voicemail(call)
    closing, ready = call.leave_voicemail()
    check("passed on" in closing.find("Say").text and closing.find("Hangup") is not None, ET.tostring(closing))
    call.recording_ready_again(ready)                    # Twilio retried the callback
    alerts = wait_for_alerts(1)
    check(len(alerts) == 1 and len(env.standin.events()) == 1, f"{alerts} / {env.standin.events()}")
    check_voicemail_alert(alerts[0], call)
    lines = [l for l in env.server.log_lines() if f"call_sid={call.sid} " in l]
    check(any("outcome=alert" in l and "alert=sent" in l for l in lines), lines)
    check(any("alert=duplicate" in l for l in lines), lines)


def test_events_api_down_the_alert_waits_and_flush_sends_it():
    setup_hunt(fault="503")
    call = TwilioCall()
    walk_to_voicemail(call)
    call.leave_voicemail()
    line = [l for l in env.server.log_lines() if f"call_sid={call.sid} " in l and "outcome=alert" in l]
    check(line and "alert=\"spooled (HTTP 503)\"" in line[-1], line)
    check(env.standin.alerts() == [], "PagerDuty got it while down")
    pending = spool_settled()
    check(pending == [f"{call.sid}.voicemail.json"], pending)
    env.standin.fault("none")
    out = run_flush_timer()
    check(f"sent {call.sid}.voicemail.json" in out and "1 sent, 0 rejected, 0 still waiting" in out, out)
    alerts = env.standin.alerts()
    check(len(alerts) == 1, alerts)
    check_voicemail_alert(alerts[0], call)


def test_events_api_down_the_next_request_sends_it():
    setup_hunt(fault="503")
    call = TwilioCall()
    walk_to_voicemail(call)
    call.leave_voicemail()
    check(env.standin.alerts() == [], "PagerDuty got it while down")
    check(spool_settled() == [f"{call.sid}.voicemail.json"], spool_files("pending"))
    env.standin.fault("none")
    # Any request from Twilio will do: each process looks at the spool once
    # its answer is out, for alerts that failed at least two seconds ago.
    end = time.monotonic() + 10
    while not env.standin.alerts() and time.monotonic() < end:
        a_request_from_twilio()
        time.sleep(0.5)
    alerts = wait_for_alerts(1)
    check(len(alerts) == 1, alerts)
    check_voicemail_alert(alerts[0], call)
    check(spool_settled() == [], spool_files("pending"))


def test_levels_one_and_two_silent_level_three_rings():
    setup(r=roster(HUNT_ROSTER + [("PEPHUNT", 3, "PLINUS1")], [ADA, GRACE, LINUS],
                   escalation_policies={"PEPHUNT": {"name": "Platform", "num_loops": 0}}))
    call = TwilioCall()
    call.start()
    call.dial_ends("no-answer")
    call.screen(0, "")
    call.dial_ends("completed", bridged="false")
    check(call.numbers() == ["+14155550103"], ET.tostring(call.doc))
    _, answer = call.screen(0, "1")
    check(list(answer) == [], ET.tostring(answer))
    call.dial_ends("completed", bridged="true")
    check(call.doc.find("Hangup") is not None, ET.tostring(call.doc))
    lines = [l for l in env.server.log_lines() if f"call_sid={call.sid} " in l]
    check(any("outcome=dial" in l and "level=3" in l for l in lines), lines)


def test_a_policy_that_repeats_is_hunted_round_again():
    # The route allows two rounds and the policy repeats once: after level 2,
    # level 1 rings again.
    setup(r=roster(HUNT_ROSTER, [ADA, GRACE], escalation_policies={"PEPHUNT": {"name": "Platform", "num_loops": 1}}))
    call = TwilioCall()
    call.start()
    call.dial_ends("no-answer")
    check(call.numbers() == ["+14155550102"], ET.tostring(call.doc))
    call.dial_ends("busy")
    check(call.numbers() == ["+14155550101"], ET.tostring(call.doc))
    check("/escalation_policies/PEPHUNT" in [q["path"] for q in env.standin.requests()], "num_loops not asked")
    call.dial_ends("no-answer")
    check(call.numbers() == ["+14155550102"], ET.tostring(call.doc))
    call.dial_ends("no-answer")
    check(call.doc.find("Record") is not None, ET.tostring(call.doc))


def test_a_caller_never_waits_for_the_spool():
    # An alert has been waiting a minute and the Events API now hangs: the
    # program tries it again after each answer, never before one.
    setup_hunt(fault="hang")
    pending = os.path.join(env.spool, "pending", "CA" + "f" * 32 + ".missed.json")
    with open(pending, "w") as f:
        f.write(json.dumps({"routing_key": ROUTING_KEY, "event_action": "trigger", "dedup_key": "CA" + "f" * 32,
                            "payload": {"summary": "waiting", "source": "test", "severity": "info"}}))
    as_the_program(pending)
    old = time.time() - 60
    os.utime(pending, (old, old))
    try:
        for _ in range(3):
            call = TwilioCall()
            start = time.monotonic()
            call.start()
            check(time.monotonic() - start < TIMEOUT, f"the answer took {time.monotonic() - start:.2f}s")
    finally:
        env.standin.fault("none")
    # Once it answers again, the waiting alert goes out (a try begun while
    # it hung may still be under way).
    end = time.monotonic() + 15
    while (spool_files("pending") or spool_files("sending")) and time.monotonic() < end:
        a_request_from_twilio()
        time.sleep(0.5)
    check(spool_settled() == [], spool_files("pending"))


def test_caller_hangs_up_mid_hunt_one_missed_call_alert():
    setup_hunt()
    call = TwilioCall()
    call.start()
    call.dial_ends("no-answer", call_status="completed")
    check(list(call.doc) == [], ET.tostring(call.doc))
    alerts = wait_for_alerts(1)
    check(len(alerts) == 1, alerts)
    a = alerts[0]
    check(a["dedup_key"] == call.sid, a)
    check(a["summary"].startswith("Missed call on Platform line from +14155559876 after "), a["summary"])
    check(a["custom_details"]["tried"] == ["Ada Lovelace"], a)
    check("outcome=gone" in log_for_step(call.sid, "/voice/dial-status"), env.server.log_lines())


def test_an_answered_call_raises_nothing():
    setup_hunt()
    call = TwilioCall()
    call.start()
    whisper, answer = call.screen(0, "1")
    check(list(answer) == [], ET.tostring(answer))       # accepted: Twilio joins the calls
    call.dial_ends("completed", bridged="true")
    check(call.doc.find("Hangup") is not None, ET.tostring(call.doc))
    # The number's status callback, if set, knows the call was answered.
    twilio_request(env.server.base + "/voice/status", call.params(CallStatus="completed", CallDuration="120"))
    release_held()
    check(env.standin.alerts() == [], env.standin.alerts())


def log_for_step(sid, path):
    lines = [l for l in env.server.log_lines() if f"call_sid={sid} " in l and f"path={path} " in l]
    check(lines, f"no log line for {path}")
    return lines[-1]


# --- whole calls as Twilio documents them (twilio_model) -------------------
#
# Level 1 of the Platform line is Ada and Grace, rung together; level 2 is
# Linus.  Each phone picks up after its own time, or never; the first to
# pick up wins and the others are hung up.

ADA_PHONE, GRACE_PHONE, LINUS_PHONE = "+14155550101", "+14155550102", "+14155550103"
TOGETHER_ROSTER = [("PEPHUNT", 1, "PADA001"), ("PEPHUNT", 1, "PGRACE1"), ("PEPHUNT", 2, "PLINUS1")]


def setup_together(events_fault=None):
    setup(r=roster(TOGETHER_ROSTER, [ADA, GRACE, LINUS],
                   escalation_policies={"PEPHUNT": {"name": "Platform", "num_loops": 0}}))
    release_held()  # an earlier call's held alert goes, or is dropped, first
    check(spool_settled() == [] and not spool_files("held"),
          f"alerts left from an earlier test: {spool_files('pending')} {spool_files('held')}")
    env.standin.clear_events()
    if events_fault:
        env.standin.fault(events_fault, path="events")


def walk(phones, caller=None, status_first=True, to=HUNT_NUMBER, **kw):
    """One call walked as Twilio places it, the number's status callback set."""
    call = twilio_model.TwilioCall(voice_url(), to, CALLER, phones, caller=caller, sid=new_sid(),
                                   status_url=env.server.base + "/voice/status", status_first=status_first, **kw)
    call.run()
    check(call.violations == [], f"TwiML Twilio would not run as meant: {call.violations}")
    return call


def alerts_of(call):
    """The events PagerDuty got for this call, once every held alert of it
    has gone out or been dropped."""
    release_held()
    return [e for e in env.standin.events() if e.get("dedup_key") == call.sid]


def test_a_colleague_whose_phone_is_off_does_not_stop_the_level():
    # Ada's phone is off: her carrier's voicemail picks up after one ring,
    # Twilio hangs up Grace's phone, and the screen declines the voicemail.
    # Grace must still be reached, and no alert raised.
    for status_first in (True, False):
        setup_together()
        call = walk({ADA_PHONE: twilio_model.phone_off(), GRACE_PHONE: twilio_model.person(after=9)},
                    status_first=status_first)
        check(call.bridged_to == GRACE_PHONE, f"put through to {call.bridged_to}; rings: {call.rings}")
        check([r.outcome for r in call.rang(GRACE_PHONE)] == ["canceled", "accepted"], call.rings)
        check(call.rang(LINUS_PHONE) == [], f"level 2 rang although Grace answered: {call.rings}")
        check(alerts_of(call) == [], f"an answered call raised {env.standin.events()}")


def test_both_voicemails_then_level_two_answers():
    # A personal voicemail picks up before Grace does; then Grace's own
    # voicemail: level 1 is done, and Linus answers at level 2.
    setup_together()
    call = walk({ADA_PHONE: twilio_model.voicemail_box(after=12), GRACE_PHONE: twilio_model.voicemail_box(after=20),
                 LINUS_PHONE: twilio_model.person()})
    check(call.bridged_to == LINUS_PHONE, f"put through to {call.bridged_to}; rings: {call.rings}")
    check([r.outcome for r in call.rang(GRACE_PHONE)] == ["canceled", "declined"], call.rings)
    check(alerts_of(call) == [], env.standin.events())


def test_an_engineer_who_presses_2_passes_the_call_to_the_rest_of_the_level():
    # Ada picks up first and passes it on (after a key that means nothing,
    # the screen once more): Grace rings again at once and takes it.
    for keys in ("2", "72"):
        setup_together()
        call = walk({ADA_PHONE: twilio_model.person(after=5, keys=keys), GRACE_PHONE: twilio_model.person(after=9)})
        check(call.bridged_to == GRACE_PHONE, f"put through to {call.bridged_to}; rings: {call.rings}")
        check([r.outcome for r in call.rang(ADA_PHONE)] == ["declined"], call.rings)
        check([r.outcome for r in call.rang(GRACE_PHONE)] == ["canceled", "accepted"], call.rings)
        check(call.rang(LINUS_PHONE) == [], f"level 2 rang although Grace answered: {call.rings}")
        check(any("path=/voice/screen-result " in l and "outcome=passed" in l for l in env.server.log_lines()),
              "no outcome=passed in the log")
        check(alerts_of(call) == [], f"an answered call raised {env.standin.events()}")


def test_a_call_passed_on_and_missed_says_who_passed():
    setup_together()
    call = walk({ADA_PHONE: twilio_model.person(after=5, keys="2"), GRACE_PHONE: twilio_model.no_answer(),
                 LINUS_PHONE: twilio_model.voicemail_box()})
    check(call.bridged_to is None and call.message == 20, f"{call.rings} / {call.paths()}")
    events = alerts_of(call)
    check(len(events) == 1, f"one alert per call, got {events}")
    tried = events[0]["payload"]["custom_details"]["tried"]
    check(tried == ["Ada Lovelace (passed)", "Grace Hopper", "Linus Db"], tried)


def test_nobody_answers_and_the_alert_names_only_who_really_rang():
    for status_first in (True, False):
        setup_together()
        call = walk({ADA_PHONE: twilio_model.phone_off(), GRACE_PHONE: twilio_model.no_answer(),
                     LINUS_PHONE: twilio_model.voicemail_box()}, status_first=status_first)
        check(call.bridged_to is None and call.message == 20, f"{call.rings} / {call.paths()}")
        events = alerts_of(call)
        check(len(events) == 1, f"one alert per call, got {events}")
        payload = events[0]["payload"]
        check(payload["class"] == "voicemail", payload)
        tried = payload["custom_details"]["tried"]
        check(tried == ["Ada Lovelace", "Grace Hopper", "Linus Db"], tried)
        numbers = {"Ada Lovelace": ADA_PHONE, "Grace Hopper": GRACE_PHONE, "Linus Db": LINUS_PHONE}
        for name in tried:
            check(call.really_rang(numbers[name]), f"{name} is in 'tried' but never really rang: {call.rings}")


def test_an_answered_call_raises_no_missed_call_in_either_order():
    for status_first in (True, False):
        setup_together()
        call = walk({ADA_PHONE: twilio_model.person(after=5), GRACE_PHONE: twilio_model.no_answer()},
                    status_first=status_first)
        check(call.bridged_to == ADA_PHONE, call.rings)
        paths = call.paths()
        order = [p.rsplit("/voice", 1)[-1] for p in paths if p.endswith(("/voice/status", "/voice/dial-status"))]
        check(order == (["/status", "/dial-status"] if status_first else ["/dial-status", "/status"]), paths)
        check(alerts_of(call) == [], f"status callback {'first' if status_first else 'last'}: {env.standin.events()}")
    # Nor when no <Dial> action comes once the bridged call ends (whether
    # Twilio sends one then is not documented).
    setup_together()
    call = walk({ADA_PHONE: twilio_model.person(after=5)}, dial_action_on_hangup=False)
    check(call.bridged_to == ADA_PHONE and not any(p.endswith("/dial-status") for p in call.paths()), call.paths())
    check(alerts_of(call) == [], f"without the <Dial> action: {env.standin.events()}")


# --- the call's own alert (call_alert) ------------------------------------
#
# What PagerDuty's Events API gets for one call, in order, as the stand-in
# received it.  PagerDuty's documentation: "a second trigger with a known
# dedup_key only adds a log entry to the open alert", an acknowledge or
# resolve changes the alert of its dedup_key.

def events_of(call, n, seconds=10.0):
    """The call's events once `n` have come (or the time is up), and none
    more is waiting in the spool: (event_action, class or None) each."""
    end = time.monotonic() + seconds
    while True:
        events = alerts_of(call)
        if len(events) >= n or time.monotonic() > end:
            break
        time.sleep(0.1)
    check(spool_settled() == [], f"left in the spool: {spool_files('pending')}")
    events = alerts_of(call)
    return [(e["event_action"], e.get("payload", {}).get("class")) for e in events], events


def the_alert_of(call):
    alerts = [a for a in env.standin.alerts() if a["dedup_key"] == call.sid]
    check(len(alerts) == 1, f"one alert per call, got {alerts}")
    return alerts[0]


def test_answered_ada_takes_the_call_one_acknowledged_alert_then_resolved():
    for status_first in (True, False):
        setup_together()
        call = walk({ADA_PHONE: twilio_model.person(after=5), GRACE_PHONE: twilio_model.no_answer()},
                    to=ANSWERED_NUMBER, status_first=status_first)
        check(call.bridged_to == ADA_PHONE, call.rings)
        seq, events = events_of(call, 3)
        check(seq == [("trigger", "call"), ("acknowledge", None), ("resolve", None)], seq)
        payload = events[0]["payload"]
        check(payload["summary"] == "Call on Platform line from +*******9876 taken by Ada Lovelace", payload)
        check(payload["severity"] == "info", payload)  # pages nobody where urgency follows severity
        d = payload["custom_details"]
        check(d["answered_by"] == "Ada Lovelace" and d["escalation_policy"] == "PEPHUNT" and "at" in d, d)
        check(the_alert_of(call)["status"] == "resolved", env.standin.alerts())


def test_answered_nobody_takes_it_only_the_voicemail_alert():
    setup_together()
    call = walk({ADA_PHONE: twilio_model.no_answer(), GRACE_PHONE: twilio_model.no_answer(),
                 LINUS_PHONE: twilio_model.voicemail_box()}, to=ANSWERED_NUMBER)
    check(call.bridged_to is None and call.message == 20, f"{call.rings} / {call.paths()}")
    seq, _ = events_of(call, 1)
    check(seq == [("trigger", "voicemail")], seq)


def test_always_the_first_ring_raises_it_and_acceptance_acknowledges_it():
    setup_together()
    # Ada presses a key that means nothing, hears the screen again, and 1.
    call = walk({ADA_PHONE: twilio_model.person(after=5, keys="71"), GRACE_PHONE: twilio_model.no_answer()},
                to=ALWAYS_NUMBER)
    check(call.bridged_to == ADA_PHONE, call.rings)
    seq, events = events_of(call, 3)
    check(seq == [("trigger", "call"), ("acknowledge", None), ("resolve", None)], seq)
    payload = events[0]["payload"]
    check(payload["summary"] == "Incoming call on Platform line from +*******9876, ringing level 1", payload)
    check(payload["severity"] == "critical", payload)
    check(the_alert_of(call)["status"] == "resolved", env.standin.alerts())


def test_always_a_call_nobody_takes_is_one_alert_from_the_first_ring_to_the_voicemail():
    setup_together()
    call = walk({ADA_PHONE: twilio_model.person(after=5, keys="2"), GRACE_PHONE: twilio_model.no_answer(),
                 LINUS_PHONE: twilio_model.voicemail_box()}, to=ALWAYS_NUMBER)
    check(call.bridged_to is None and call.message == 20, f"{call.rings} / {call.paths()}")
    seq, events = events_of(call, 2)
    check(seq == [("trigger", "call"), ("trigger", "voicemail")], seq)
    alert = the_alert_of(call)
    check(alert["status"] == "triggered" and alert["events"] == 2, alert)
    check(events[1]["payload"]["custom_details"]["tried"] == ["Ada Lovelace (passed)", "Grace Hopper", "Linus Db"],
          events[1]["payload"])


def test_a_recorded_call_is_announced_and_its_link_reaches_the_alert_before_the_resolve():
    setup_together()
    call = walk({ADA_PHONE: twilio_model.person(after=5), GRACE_PHONE: twilio_model.no_answer()}, to=RECORDED_NUMBER)
    check(call.bridged_to == ADA_PHONE, call.rings)
    check(call.heard[:1] == ["This call is recorded."], call.heard)
    seq, events = events_of(call, 4)
    check(seq == [("trigger", "call"), ("acknowledge", None), ("trigger", "recording"), ("resolve", None)], seq)
    link = events[2]["links"][0]
    check(link["text"] == "Call recording" and link["href"].endswith("/Recordings/RE" + call.sid[2:]), link)
    check(the_alert_of(call)["status"] == "resolved", env.standin.alerts())


REASON_PROMPT = "After the tone, please say your name and why you are calling."


def test_the_engineer_hears_the_callers_words_before_pressing_1():
    setup_together()
    phones = {ADA_PHONE: twilio_model.person(after=5), GRACE_PHONE: twilio_model.no_answer()}
    call = walk(phones, to=REASON_NUMBER)
    check(call.bridged_to == ADA_PHONE, call.rings)
    check(call.heard[0] == REASON_PROMPT, call.heard)
    heard = call.whispered[0][1]
    check(heard[0][0] == "Play" and heard[0][1].endswith("/Recordings/RW" + call.sid[2:]), heard)
    check(heard[1][0] == "Say" and "Press 1 to accept" in heard[1][1], heard)
    seq, events = events_of(call, 2)
    links = events[0].get("links", [])
    check(any(l["text"] == "The caller's reason" and l["href"] == heard[0][1] for l in links), events[0])
    # Asking adds to the time before the first ring only the prompt, the
    # words and the silence that ends them.
    setup_together()
    plain = walk(phones, to=ANSWERED_NUMBER)
    asked = (len(REASON_PROMPT.split()) / twilio_model.WORDS_PER_SECOND + twilio_model.Caller().reason + 3)
    check(abs((call.rings[0].start - plain.rings[0].start) - asked) < 0.01,
          f"{call.rings[0].start} vs {plain.rings[0].start} + {asked}")


def test_words_not_yet_playable_or_none_the_whisper_says_the_number():
    for caller, ready_first in ((twilio_model.Caller(), False), (twilio_model.Caller(reason=0), True),
                                (twilio_model.Caller(reason_key="5"), True)):
        setup_together()
        call = walk({ADA_PHONE: twilio_model.person(after=5)}, to=REASON_NUMBER, caller=caller,
                    reason_ready_first=ready_first)
        check(call.bridged_to == ADA_PHONE, call.rings)
        heard = call.whispered[0][1]
        check([tag for tag, _ in heard] == ["Say"] and "1 4 1 5 5 5 5 9 8 7 6" in heard[0][1], heard)


def test_a_caller_who_calls_again_joins_the_open_alert_and_a_fourth_call_is_limited():
    # Each scenario's caller is a number of its own here: the line counts
    # calls per number for half an hour.
    setup_together()
    caller = "+1212555" + "%04d" % (int(new_sid()[-4:]) % 10000)
    calls = []
    for _ in range(2):
        calls.append(twilio_model.TwilioCall(voice_url(), REPEAT_NUMBER, caller,
                                             {ADA_PHONE: twilio_model.no_answer(), GRACE_PHONE: twilio_model.no_answer(),
                                              LINUS_PHONE: twilio_model.voicemail_box()},
                                             sid=new_sid(), status_url=env.server.base + "/voice/status"))
        calls[-1].run()
        check(calls[-1].violations == [] and calls[-1].message == 20, calls[-1].paths())
    first = calls[0].sid
    end = time.monotonic() + 10
    while len([e for e in env.standin.events() if e.get("dedup_key") == first]) < 2 and time.monotonic() < end:
        release_held()
        time.sleep(0.1)
    events = env.standin.events()
    check([e["event_action"] for e in events] == ["trigger", "trigger"], events)
    check({e["dedup_key"] for e in events} == {first}, f"one dedup_key per repeat window: {events}")
    check(events[1]["payload"]["summary"].endswith("(call 2 from this number within 30 min)"), events[1])
    alerts = env.standin.alerts()
    check(len(alerts) == 1 and alerts[0]["events"] == 2, alerts)
    # caller_limit = 3: the third still rings, the fourth hears rejected_message.
    twilio_request(voice_url(), incoming_call(to=REPEAT_NUMBER, frm=caller, sid=new_sid()))
    sid, reply = call(to=REPEAT_NUMBER, frm=caller)
    check("does not accept calls" in reply.body and reply.twiml().find("Dial") is None, reply.body)
    check("outcome=limited" in log_for_step(sid, "/voice"), log_for_step(sid, "/voice"))


def test_a_voicemail_raises_one_alert_and_no_missed_call_in_either_order():
    for status_first in (True, False):
        setup_together()
        call = walk({}, status_first=status_first)
        check(call.message == 20, call.paths())
        events = alerts_of(call)
        check([e["payload"]["class"] for e in events] == ["voicemail"], events)
        check(events[0]["payload"]["summary"] == f"Voicemail on Platform line from {CALLER} (20 s)", events[0])


def test_a_real_missed_call_raises_exactly_one_alert_within_two_minutes():
    # The caller hangs up while the greeting is said: only the number's
    # status callback says so, and no request comes after it.  Then one
    # who hangs up while it rings, with and without the <Dial> action
    # Twilio's documentation does not promise.
    cases = [dict(caller=twilio_model.Caller(hang_up_after=1)),
             dict(caller=twilio_model.Caller(hang_up_after=10), dial_action_on_hangup=True),
             dict(caller=twilio_model.Caller(hang_up_after=10), dial_action_on_hangup=False)]
    for case in cases:
        setup_together()
        ended = time.monotonic()
        call = walk({ADA_PHONE: twilio_model.no_answer(), GRACE_PHONE: twilio_model.no_answer()}, **case)
        check(call.bridged_to is None and call.message is None, call.paths())
        events = alerts_of(call)
        took = time.monotonic() - ended
        check([e["payload"]["class"] for e in events] == ["missed"], f"{case}: {events}")
        check(events[0]["payload"]["summary"].startswith(f"Missed call on Platform line from {CALLER}"), events)
        check(took < 120, f"the missed-call alert took {took:.0f} s")
    # Nothing more comes later either.
    time.sleep(1)
    check(len(env.standin.events()) == 1, env.standin.events())


def test_a_silent_voicemail_is_a_missed_call_not_an_empty_message():
    for status_first in (True, False):
        setup_together()
        call = walk({}, caller=twilio_model.Caller(message=0), status_first=status_first)
        events = alerts_of(call)
        check([e["payload"]["class"] for e in events] == ["missed"], f"{events}")


def test_a_transcription_arrives_in_the_voicemail_alert():
    # In either order of the recording's callback and the transcription's.
    for recording_first, length in ((True, " (30 s)"), (False, "")):
        setup_together()
        call = walk({}, to=TRANSCRIBED_NUMBER, caller=twilio_model.Caller(message=30), recording_first=recording_first)
        check("/voice/transcription" in " ".join(call.paths()), call.paths())
        events = alerts_of(call)
        check(len(events) == 1, f"one event, the transcript in it: {events}")
        payload = events[0]["payload"]
        check(payload["summary"] == f'Voicemail on Payments line from {CALLER}{length}: '
                                    '"The payment service is returning errors for everyone"', payload["summary"])
        check(payload["custom_details"]["transcription"] == "The payment service is returning errors for everyone",
              payload)
    # A message Twilio will not transcribe (120 s or more) is not held for one.
    setup_together()
    call = walk({}, to=TRANSCRIBED_NUMBER, caller=twilio_model.Caller(message=150))
    lines = [l for l in env.server.log_lines() if f"call_sid={call.sid} " in l and "path=/voice/recording " in l]
    check(lines and "alert=sent" in lines[-1], lines)


def test_a_rate_limited_alert_waits_minutes_in_the_spool():
    # PagerDuty's Events API answers 429: "retry ... preferably with a
    # backoff of a few minutes".  Not again within the call, nor by the
    # worker or the flush timer a few seconds on; once the minutes are up,
    # it goes.
    setup_together(events_fault="429")
    before = metrics_now()
    call = walk({})
    line = [l for l in env.server.log_lines() if f"call_sid={call.sid} " in l and "path=/voice/recording " in l]
    check(line and 'alert="spooled (HTTP 429; next try in 180 s)"' in line[-1], line)
    # /metrics says so too, summed over the processes that served the call.
    spooled = 'pd_call_forward_alerts_total{result="spooled"}'
    waiting = metrics_now()
    check(waiting[spooled] - before[spooled] == 1, (before[spooled], waiting[spooled]))
    check(waiting['pd_call_forward_spool_alerts{state="pending"}'] == 1, waiting)
    check(waiting["pd_call_forward_spool_oldest_age_seconds"] < 60, waiting)
    name = f"{call.sid}.voicemail.json"
    check(spool_files("pending") == [name], spool_files("pending"))
    due = os.stat(os.path.join(env.spool, "pending", name)).st_mtime
    check(due >= time.time() + 170, f"due in {due - time.time():.0f} s")
    env.standin.fault("none")
    for _ in range(3):
        a_request_from_twilio()
        time.sleep(1)
    out = run_flush_timer()
    check("0 sent, 0 rejected, 1 still waiting" in out, out)
    tries = [e for e in env.standin.requests() if e["path"] == "/v2/enqueue"]
    check(len(tries) == 1, f"tried again within seconds: {len(tries)} requests")
    # Three minutes later (the times of the alert and of its routing key's
    # pause moved back instead of waiting).
    past = time.time() - 1
    os.utime(os.path.join(env.spool, "pending", name), (past, past))
    for f in spool_files("paused"):
        os.utime(os.path.join(env.spool, "paused", f), (past, past))
    # The flush timer sends it, or a flusher already running does (as CGI,
    # one a request left to wait for another test's held alert, which the
    # timer waits for and then finds nothing left to send).
    out = run_flush_timer()
    check(f"sent {name}" in out or "0 still waiting" in out, out)
    check(spool_files("pending") == [] and spool_files("sending") == [],
          (spool_files("pending"), spool_files("sending")))
    check([a["dedup_key"] for a in env.standin.alerts()] == [call.sid], env.standin.alerts())
    after = metrics_now()
    check(after['pd_call_forward_spool_alerts{state="pending"}'] == 0, after)
    check(after['pd_call_forward_alerts_total{result="sent"}'] > waiting['pd_call_forward_alerts_total{result="sent"}'],
          (waiting, after))


# --- the menu, texts and caller lists ----------------------------------------
#
# write_config(menu=True): [menu:main] on MENU_NUMBER (1 = ops, 2 = db,
# 3 = net, 0 = voicemail, # = hunt), ops blocking BLOCKED_CALLER and BLOCKED_PREFIX,
# net taking calls from NET_ALLOWED numbers only, db raising an alert for
# every text.

MARGARET = person("PMARG01", "Margaret Hamilton", (1, "4155550105", "Mobile"),
                  (1, "4155550155", "Mobile SMS", {"type": "sms_contact_method"}))
KATHERINE = person("PKATH01", "Katherine Johnson", (1, "4155550106", "Mobile"))
CALLER = "+14155559876"

# Each team's on-call: ops Ada then Grace, db Linus (a schedule), net
# Katherine then Margaret.
MENU_ROSTER = [("PEPOPS1", 1, "PADA001"), ("PEPOPS1", 2, "PGRACE1"), ("PEPDB01", 1, "PLINUS1", {"schedule": "PSDB001"}),
               ("PEPNET1", 1, "PKATH01"), ("PEPNET1", 2, "PMARG01")]
MENU_TARGETS = {"escalation_policies": {"PEPOPS1": {"name": "Ops", "num_loops": 0},
                                        "PEPNET1": {"name": "Network", "num_loops": 0},
                                        "PEPHUNT": {"name": "Platform", "num_loops": 0}},
                "schedules": {"PSDB001": {"name": "Database primary"}}}


def setup_menu(oncalls=MENU_ROSTER, events_fault=None, users=(ADA, GRACE, LINUS, MARGARET, KATHERINE)):
    """The teams' roster; no alert left over from an earlier test, and
    none recorded yet."""
    setup(r=roster(oncalls, list(users), **MENU_TARGETS))
    check(spool_settled() == [], f"alerts left from an earlier test: {spool_files('pending')}")
    env.standin.clear_events()
    if events_fault:
        env.standin.fault(events_fault, path="events")


class MenuCall(TwilioCall):
    """A call to the menu's number: the caller hears the prompt, and Twilio
    requests the <Gather action> with the key pressed, or with none."""

    def __init__(self, frm=CALLER):
        super().__init__(to=MENU_NUMBER, frm=frm)

    def gather(self):
        g = self.doc.find("Gather")
        check(g is not None, f"no <Gather>: {ET.tostring(self.doc)}")
        return g

    def press(self, digits):
        """`digits` "" is what actionOnEmptyResult sends when no key was pressed.
        The URL is the action exactly as the TwiML gives it, signed as it is."""
        extra = {"Digits": digits}
        if digits:
            extra["FinishedOnKey"] = ""
        self.doc = self.post(self.gather().get("action"), self.params(**extra))
        return self.doc


def check_prompt(doc, attempt):
    """`doc` ends in the menu's <Gather> of one key; its action is the
    prompt number `attempt`."""
    g = doc.find("Gather")
    check(g is not None and list(doc)[-1] is g, ET.tostring(doc))
    check(g.get("input") == "dtmf" and g.get("numDigits") == "1" and g.get("timeout") == "5", g.attrib)
    check(g.get("method") == "POST" and g.get("actionOnEmptyResult") == "true", g.attrib)
    action = g.get("action")
    check(action.startswith(env.server.base + "/voice/menu?"), action)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(action).query)
    check(query.get("menu") == ["main"] and query.get("try") == [str(attempt)], query)
    # Twilio's From and To carry the numbers: they stay out of the URL and
    # so out of the web server's access log.
    check("from" not in query and "to" not in query and CALLER[1:] not in action, query)
    check(g.find("Say").text == "For ops, press 1. For db, press 2. For Network, press 3. To leave a message, press 0. "
                                "For Platform, press pound.", g.find("Say").text)


def lines_for(sid, key="call_sid"):
    return [l for l in env.server.log_lines() if f"{key}={sid} " in l]


def menu_log(call):
    """The log lines of the call's menu steps, in order."""
    return [l for l in lines_for(call.sid) if "path=/voice/menu " in l]


def test_a_key_customers_call_reaches_their_own_route_whichever_line_they_dial():
    # Acme (callers = +3531555) has its own route: its calls go there
    # from the ops line and from the menu's, without the menu.
    setup(r=roster([("PEPHUNT", 1, "PADA001"), ("PEPOPS1", 1, "PGRACE1")], [ADA, GRACE]))
    for to in (OPS_NUMBER, MENU_NUMBER):
        sid, r = call(to=to, frm=ACME_PREFIX + "0123")
        check(r.status == 200, r.body)
        check(r.twiml().find("Say").text == "Welcome, Acme. Connecting you to Ada Lovelace.", r.body)
        check(numbers(r) == [ADA_PHONE], r.body)
        line = log_for(sid)
        check("route=acme" in line and "the caller is in the callers of route acme" in line, line)
    # Anyone else reaches the line they dialed.
    sid, r = call(to=OPS_NUMBER, frm="+35316660123")
    check(numbers(r) == [GRACE_PHONE] and "route=ops" in log_for(sid), r.body)


def test_menu_prompt_then_key_2_dials_the_db_on_call():
    setup_menu()
    call = MenuCall()
    call.start()
    check_prompt(call.doc, 1)
    check(env.standin.requests() == [], "PagerDuty was asked before a key was pressed")
    line = log_for(call.sid)
    check("outcome=menu" in line and "route=main" in line and f"to={MENU_NUMBER}" in line, line)

    call.press("2")
    check(call.doc.find("Gather") is None, ET.tostring(call.doc))
    check(call.doc.find("Say").text == "Connecting you to Linus Db.", ET.tostring(call.doc))
    check(call.numbers() == ["+14155550103"], ET.tostring(call.doc))
    reqs = env.standin.requests()
    check([q["path"] for q in reqs] == ["/schedules/PSDB001/users", "/users/PLINUS1/contact_methods"], reqs)
    dial = call.doc.find("Dial")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(dial.get("action")).query)
    check(query.get("route") == ["db"] and "from" not in query and "to" not in query, query)
    line = menu_log(call)[-1]
    for part in ["outcome=dial", "route=db", "dialed=+*******0103", "level=1", "reason=\"menu main: key 2"]:
        check(part in line, f"{part} not in {line}")


def test_each_menu_key_reaches_its_team_and_the_hunt_goes_on():
    # key: (level 1, what the dial status "no-answer" leads to)
    teams = {"1": (["+14155550101"], ["+14155550102"]),   # ops: Ada, then Grace at level 2
             "2": (["+14155550103"], None),               # db: Linus, then db's voicemail
             "3": (["+14155550106"], ["+14155550105"])}   # net: Katherine, then Margaret's phone (not her SMS number)
    routes = {"1": ("ops", "PEPOPS1"), "2": ("db", None), "3": ("net", "PEPNET1")}
    for key, (first, then) in teams.items():
        setup_menu()
        call = MenuCall()
        call.start()
        call.press(key)
        check(call.numbers() == first, f"key {key}: {ET.tostring(call.doc)}")
        route, policy = routes[key]
        if policy:
            oncalls = [q for q in env.standin.requests() if q["path"] == "/oncalls"]
            check(oncalls and oncalls[0]["query"].get("escalation_policy_ids[]") == [policy], f"key {key}: {oncalls}")
        check(f"route={route}" in menu_log(call)[-1], menu_log(call))
        call.dial_ends("no-answer")
        if then:
            check(call.numbers() == then, f"key {key}, no answer: {ET.tostring(call.doc)}")
        else:
            record = call.doc.find("Record")
            check(record is not None and call.doc.find("Dial") is None,
                  f"key {key}, no answer: {ET.tostring(call.doc)}")
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(record.get("action")).query)
            check(query.get("route") == [route], query)
        line = log_for_step(call.sid, "/voice/dial-status")
        check(f"route={route}" in line and ("level=2" in line if then else "outcome=voicemail" in line), line)


def test_menu_pound_key_reaches_its_team():
    # The prompt says "press pound": the key must reach the action as
    # Digits=#.  Twilio's <Gather> ends on finishOnKey, "#" unless the
    # TwiML says otherwise, and then sends no key at all.
    setup_menu(oncalls=MENU_ROSTER + HUNT_ROSTER)
    call = MenuCall()
    call.start()
    gather = call.gather()
    call.press("#")
    check(call.numbers() == ["+14155550101"], ET.tostring(call.doc))
    check("route=hunt" in menu_log(call)[-1] and 'reason="menu main: key #' in menu_log(call)[-1], menu_log(call))
    check(gather.get("finishOnKey", "#") != "#",
          f"<Gather> keeps Twilio's default finishOnKey '#': pressing # ends the gather with no key, "
          f"so the '#' choice cannot be reached: {gather.attrib}")


def test_menu_key_0_leaves_a_voicemail_for_the_menu():
    setup_menu()
    call = MenuCall()
    call.start()
    call.press("0")
    check(call.doc.find("Say").text.startswith("Nobody could take your call. Please leave a message"),
          ET.tostring(call.doc))
    check(env.standin.requests() == [], "PagerDuty was asked for the menu's own voicemail")
    closing, _ = call.leave_voicemail()
    check(closing.find("Hangup") is not None, ET.tostring(closing))
    alerts = wait_for_alerts(1)
    check(len(alerts) == 1, alerts)
    a = alerts[0]
    check(a["dedup_key"] == call.sid and a["routing_key"] == ROUTING_KEY, a)
    check(a["summary"] == f"Voicemail on Switchboard line from {CALLER} (21 s)", a["summary"])
    check(a["custom_details"]["called"] == MENU_NUMBER, a["custom_details"])


def test_menu_wrong_key_then_no_key_then_the_default():
    setup_menu()
    call = MenuCall()
    call.start()
    check_prompt(call.doc, 1)
    call.press("7")                                      # not a choice: said so, then the prompt again
    first = list(call.doc)[0]
    check(first.tag == "Say" and first.text == "Sorry, that is not one of the choices.", ET.tostring(call.doc))
    check_prompt(call.doc, 2)
    call.press("")                                       # no key: the prompt again, nothing said before it
    check([e.tag for e in call.doc] == ["Gather"], ET.tostring(call.doc))
    check_prompt(call.doc, 3)
    call.press("")                                       # retries used up: the default, voicemail
    check(call.doc.find("Gather") is None and call.doc.find("Record") is not None, ET.tostring(call.doc))
    check(env.standin.requests() == [], "PagerDuty was asked")
    steps = menu_log(call)
    check(len(steps) == 3, steps)
    for line, outcome, reason in zip(steps, ["menu", "menu", "voicemail"],
                                     ["key 7 is not a choice (1 of 3)", "no key (2 of 3)", "no key; default"]):
        check(f"outcome={outcome} " in line and reason in line.split(" reason=", 1)[-1], f"{outcome}, {reason}: {line}")

    # A key on the last prompt still counts; a wrong one there leads to the
    # default too.
    setup_menu()
    call = MenuCall()
    call.start()
    call.press("")
    call.press("*")
    check_prompt(call.doc, 3)
    call.press("3")
    check(call.numbers() == ["+14155550106"], ET.tostring(call.doc))
    call = MenuCall()
    call.start()
    for _ in range(3):
        call.press("9")
    check(call.doc.find("Record") is not None, ET.tostring(call.doc))
    check("key 9 is not a choice; default" in menu_log(call)[-1], menu_log(call))


class TwilioText:
    """One text as Twilio delivers it to the number's messaging webhook."""

    def __init__(self, body, to=OPS_NUMBER, frm=CALLER, query=""):
        self.sid = new_sid("SM")
        self.body, self.to, self.frm, self.query = body, to, frm, query

    def send(self):
        url = env.server.base + "/sms" + ("?" + self.query if self.query else "")
        r = twilio_request(url, incoming_text(self.body, to=self.to, frm=self.frm, sid=self.sid))
        check(r.status == 200, f"/sms: HTTP {r.status} {r.body}")
        check(r.header("Content-Type") == "text/xml; charset=utf-8", r.header("Content-Type"))
        self.doc = r.twiml()
        check(self.doc.tag == "Response", r.body)
        return self.doc

    def messages(self):
        """(to, text) of each <Message>; to None for the reply to the sender."""
        return [(m.get("to"), m.text) for m in self.doc.findall("Message")]

    def log(self):
        lines = lines_for(self.sid, key="message_sid")
        check(len(lines) == 1, f"expected one log line for {self.sid}, found {lines}")
        return lines[0]


def test_a_text_goes_to_everyone_at_level_one_by_sms_if_they_have_it():
    # Ada has a phone; Margaret a phone and, listed after it, an SMS
    # number: the text goes to that.  Grace, at level 2, is not asked.
    setup_menu(oncalls=[("PEPOPS1", 1, "PADA001"), ("PEPOPS1", 1, "PMARG01"), ("PEPOPS1", 2, "PGRACE1")])
    text = TwilioText("The site is down: 502 on /checkout & <cart>")
    text.send()
    forwarded = f"Text to the ops line from {CALLER}: The site is down: 502 on /checkout & <cart>"
    check(text.messages() == [("+14155550101", forwarded), ("+14155550155", forwarded),
                              (None, "Thanks, Ada Lovelace and Margaret Hamilton got your text.")], text.messages())
    paths = [q["path"] for q in env.standin.requests()]
    check(paths[0] == "/oncalls" and sorted(paths[1:]) == ["/users/PADA001/contact_methods",
                                                           "/users/PMARG01/contact_methods"], paths)
    check(env.standin.requests()[0]["query"].get("escalation_policy_ids[]") == ["PEPOPS1"], env.standin.requests())
    line = text.log()
    for part in ["path=/sms", "status=200", "outcome=forwarded", f"message_sid={text.sid}", "route=ops",
                 "from=+*******9876", "texted=+*******0101,+*******0155", "level=1"]:
        check(part in line, f"{part} not in {line}")
    check("dialed=" not in line and "call_sid=" not in line, line)
    check(spool_settled() == [] and env.standin.events() == [], "ops raises no alert for a text")


def test_a_text_skips_a_disabled_sms_method():
    # Margaret's SMS number is disabled in PagerDuty: the text goes to her
    # phone instead.  Ada's only method, an SMS one, is disabled too: she
    # gets nothing, and the log says why.
    margaret = person("PMARG01", "Margaret Hamilton", (1, "4155550105", "Mobile"),
                      (1, "4155550155", "Mobile SMS", {"type": "sms_contact_method", "enabled": False}))
    ada = person("PADA001", "Ada Lovelace",
                 (1, "4155550101", "Mobile SMS", {"type": "sms_contact_method", "enabled": False}))
    setup_menu(oncalls=[("PEPOPS1", 1, "PADA001"), ("PEPOPS1", 1, "PMARG01")], users=[ada, margaret])
    text = TwilioText("disk full")
    text.send()
    check([to for to, _ in text.messages()] == ["+14155550105", None], text.messages())
    line = text.log()
    check("outcome=forwarded" in line and "texted=+*******0105" in line and "0155" not in line, line)
    check("Ada Lovelace (PADA001) has no usable SMS or phone contact method: 1 disabled" in line, line)


def test_a_text_to_the_menu_number_reaches_the_team_it_names():
    setup_menu()
    by_key = TwilioText("3 the VPN is down in Berlin", to=MENU_NUMBER)
    by_key.send()
    check(by_key.messages() == [("+14155550106",
                                 f"Text to the Network line from {CALLER}: 3 the VPN is down in Berlin")],
          by_key.messages())
    oncalls = [q for q in env.standin.requests() if q["path"] == "/oncalls"]
    check(len(oncalls) == 1 and oncalls[0]["query"].get("escalation_policy_ids[]") == ["PEPNET1"], oncalls)
    line = by_key.log()
    for part in ["outcome=forwarded", "route=net", f"to={MENU_NUMBER}", "texted=+*******0106",
                 'reason="menu main: the text names 3']:
        check(part in line, f"{part} not in {line}")

    by_title = TwilioText("  network: BGP sessions flapping", to=MENU_NUMBER)
    by_title.send()
    check([to for to, _ in by_title.messages()] == ["+14155550106"], by_title.messages())

    # Naming no team: the menu's default is voicemail, so the menu's alert,
    # and a reply that says how to reach a team.
    vague = TwilioText("30 people cannot log in", to=MENU_NUMBER)  # "30" is not the key "3"
    vague.send()
    check(vague.messages() == [(None, "Your message has been passed on as an alert. To reach a team directly, start "
                                      "your text with 1 for ops, 2 for db, 3 for Network, # for Platform.")],
          vague.messages())
    check("outcome=unrouted" in vague.log() and "route=main" in vague.log(), vague.log())
    alerts = wait_for_alerts(1)
    check(len(alerts) == 1 and alerts[0]["dedup_key"] == vague.sid, alerts)
    check(alerts[0]["summary"] == f'Text on Switchboard line from {CALLER}: "30 people cannot log in"', alerts[0])


def status_callback(sid, to, frm, status):
    """The number's status callback, when the call is over."""
    r = twilio_request(env.server.base + "/voice/status",
                       {"CallSid": sid, "AccountSid": "AC00000000000000000000000000000001", "From": frm, "To": to,
                        "CallStatus": status, "CallDuration": "0", "ApiVersion": "2010-04-01", "Direction": "inbound"})
    check(r.status == 200, f"/voice/status: HTTP {r.status} {r.body}")
    return r


def test_a_blocked_caller_is_rejected_and_raises_no_alert():
    setup_menu()
    blocked = []
    for frm, status in ((BLOCKED_CALLER, "busy"), (BLOCKED_PREFIX + "5550100", "no-answer")):
        sid, r = call(to=OPS_NUMBER, frm=frm)
        check(r.status == 200, r.status)
        check([(e.tag, e.attrib) for e in r.twiml()] == [("Reject", {"reason": "rejected"})], r.body)
        line = log_for(sid)
        check("outcome=blocked" in line and "route=ops" in line, line)
        check(frm not in line, f"a full number in the log: {line}")
        status_callback(sid, OPS_NUMBER, frm, status)
        check("outcome=ignored" in log_for_step(sid, "/voice/status"), log_for_step(sid, "/voice/status"))
        blocked.append(sid)
    check(env.standin.requests() == [], "PagerDuty was asked for a blocked caller")

    # Through the menu: key 1 leads to ops, which blocks the caller.  The
    # menu answered the call, and <Reject> keeps a call unanswered only as
    # its first verb: the caller is hung up on.  The menu's number then
    # reports a completed call.
    menu_call = MenuCall(frm=BLOCKED_CALLER)
    menu_call.start()
    menu_call.press("1")
    check([e.tag for e in menu_call.doc] == ["Hangup"], ET.tostring(menu_call.doc))
    check("outcome=blocked" in menu_log(menu_call)[-1], menu_log(menu_call))
    status_callback(menu_call.sid, MENU_NUMBER, BLOCKED_CALLER, "completed")
    blocked.append(menu_call.sid)

    # The same callback for a caller nobody blocked raises the missed-call
    # alert (once the call's last request has had time to come): only the
    # blocked calls raised none.
    sid = new_sid()
    status_callback(sid, OPS_NUMBER, CALLER, "no-answer")
    release_held()
    alerts = wait_for_alerts(1)
    check([a["dedup_key"] for a in alerts] == [sid], f"alerts: {alerts}")
    check(spool_settled() == [], spool_files("pending"))
    check(not [e for e in env.standin.events() if e.get("dedup_key") in blocked], env.standin.events())


def test_a_caller_not_allowed_hears_the_rejected_message():
    setup_menu()
    for frm in ("+442079460958", "anonymous"):           # not in allow_callers; anonymous, not allowed
        sid, r = call(to=MENU_NUMBER, query="route=net", frm=frm)  # net has no number: ?route=
        check(r.status == 200, r.status)
        doc = r.twiml()
        check([e.tag for e in doc] == ["Say", "Hangup"], r.body)
        check(doc.find("Say").text == "Sorry, the Network line only takes calls from the office.", r.body)
        check("outcome=refused" in log_for(sid) and "route=net" in log_for(sid), log_for(sid))
        status_callback(sid, MENU_NUMBER, frm, "completed")
        check("outcome=ignored" in log_for_step(sid, "/voice/status"), log_for_step(sid, "/voice/status"))
    check(env.standin.requests() == [], "PagerDuty was asked for a refused caller")
    sid, r = call(to=MENU_NUMBER, query="route=net")      # a +1415555 number is let through
    check(numbers(r) == ["+14155550106"], r.body)

    # Texts: the refused sender is told, the blocked one gets no answer.
    refused = TwilioText("let me in", to=MENU_NUMBER, frm="+442079460958", query="route=net")
    refused.send()
    check(refused.messages() == [(None, "Sorry, the Network line only takes calls from the office.")],
          refused.messages())
    check("outcome=refused" in refused.log(), refused.log())
    ignored = TwilioText("spam", to=OPS_NUMBER, frm=BLOCKED_CALLER)
    ignored.send()
    check(list(ignored.doc) == [], ET.tostring(ignored.doc))
    check("outcome=blocked" in ignored.log(), ignored.log())
    check(spool_settled() == [] and env.standin.events() == [], env.standin.events())


DB_TEXT = 'Disk "full" on db-7 (98%) – replica lagging ✓'


def check_text_alert(alert, text):
    check(alert["dedup_key"] == text.sid and alert["routing_key"] == ROUTING_KEY, alert)
    check(alert["summary"] == f'Text on db line from {CALLER}: "{DB_TEXT}"', alert["summary"])
    check(alert["severity"] == "critical" and alert["source"] == "pd-call-forward", alert)
    d = alert["custom_details"]
    check(d["text"] == DB_TEXT and d["message_sid"] == text.sid, d)
    check(d["sender"] == CALLER and d["called"] == DB_NUMBER and d["route"] == "db", d)
    check(d["forwarded_to"] == ["Linus Db"] and d["media"] == [], d)


def send_db_text_while_the_events_api_is_down():
    setup_menu(events_fault="503")
    text = TwilioText(DB_TEXT, to=DB_NUMBER)
    text.send()
    check(text.messages() == [("+14155550103", f"Text to the db line from {CALLER}: {DB_TEXT}")], text.messages())
    check('alert="spooled (HTTP 503)"' in text.log() and "outcome=forwarded" in text.log(), text.log())
    check(env.standin.alerts() == [], "PagerDuty got it while down")
    check(spool_settled() == [f"{text.sid}.text.json"], spool_files("pending"))
    env.standin.fault("none")
    return text


def test_events_api_down_a_text_alert_waits_and_flush_sends_it():
    text = send_db_text_while_the_events_api_is_down()
    out = run_flush_timer()
    check(f"sent {text.sid}.text.json" in out and "1 sent, 0 rejected, 0 still waiting" in out, out)
    alerts = env.standin.alerts()
    check(len(alerts) == 1 and len(env.standin.events()) == 1, f"{alerts} / {env.standin.events()}")
    check_text_alert(alerts[0], text)
    check(spool_settled() == [], spool_files("pending"))


def test_events_api_down_the_next_request_sends_the_text_alert():
    text = send_db_text_while_the_events_api_is_down()
    # As with voicemail: a spooled alert is tried again after some later
    # answer to Twilio, once it has waited two seconds.
    end = time.monotonic() + 10
    while not env.standin.alerts() and time.monotonic() < end:
        a_request_from_twilio()
        time.sleep(0.25)
    check(spool_settled() == [], spool_files("pending"))
    alerts = env.standin.alerts()
    check(len(alerts) == 1 and len(env.standin.events()) == 1, f"{alerts} / {env.standin.events()}")
    check_text_alert(alerts[0], text)


def test_text_log_lines_mask_every_number():
    setup_menu(oncalls=[("PEPOPS1", 1, "PADA001"), ("PEPOPS1", 1, "PMARG01"), ("PEPNET1", 1, "PKATH01")])
    texts = [TwilioText("one", to=OPS_NUMBER), TwilioText("3 two", to=MENU_NUMBER),
             TwilioText("three", to=MENU_NUMBER, frm="+442079460958", query="route=net")]
    for t in texts:
        t.send()
    full = [CALLER, "+442079460958", "+14155550101", "+14155550155", "+14155550106"]
    expected = {texts[0].sid: "texted=+*******0101,+*******0155", texts[1].sid: "texted=+*******0106",
                texts[2].sid: None}
    for t in texts:
        line = t.log()
        check(f"message_sid={t.sid} " in line, line)
        if expected[t.sid]:
            check(expected[t.sid] + " " in line, f"{expected[t.sid]} not in {line}")
        else:
            check("texted=" not in line and "outcome=refused" in line, line)
        check("from=+*******9876" in line or "from=+********0958" in line, line)
        for n in full:
            check(n not in line and n.replace("+", "%2B") not in line, f"{n} in {line}")
    # Nor anywhere else in the server's log about these texts.
    for l in env.server.error_log_text().splitlines():
        if any(t.sid in l for t in texts):
            check(not any(n in l or n.replace("+", "%2B") in l for n in full), f"a full number in {l}")


def test_check_lists_the_menu_and_who_each_key_reaches():
    setup_menu(oncalls=MENU_ROSTER + HUNT_ROSTER)
    p = subprocess.run([PROGRAM, "--check", "-c", env.config], capture_output=True, text=True, timeout=30)
    check(p.returncode == 0, p.stdout + p.stderr)
    out = p.stdout
    check(f'MENU main ({MENU_NUMBER}): "For ops, press 1.' in out, out)
    rows = {l.split()[0]: l for l in out.split("MENU main", 1)[1].splitlines()[1:] if l.strip()}
    for key, who, number in (("1", "Ada Lovelace", "+*******0101"), ("2", "Linus Db", "+*******0103"),
                             ("3", "Katherine Johnson", "+*******0106")):
        check(key in rows and who in rows[key] and number in rows[key], f"key {key}: {rows.get(key)}\n{out}")
    check("0" in rows and "voicemail" in rows["0"], out)
    check("+14155550101" not in out, "an unmasked number")

# --- only where one process serves many requests ---------------------------

def test_config_is_read_once_per_process():
    setup()
    path = env.config
    saved = open(path).read()
    try:
        with open(path, "w") as f:
            f.write("[broken\n")
        sid, r = call()
        check(r.status == 200 and numbers(r) == ["+14155550101"], f"{r.status} {r.body}")
    finally:
        with open(path, "w") as f:
            f.write(saved)


def test_the_call_history_shows_the_days_calls_newest_first():
    # Each request of a call, whichever process served it, leaves a record
    # in spool_dir; --calls shows a call per row.
    setup_together()
    answered = walk({ADA_PHONE: twilio_model.person()})
    check(answered.bridged_to == ADA_PHONE, answered.bridged_to)
    voicemail = walk({})
    alerts_of(voicemail)  # its alert out, so the history can say so
    rows = json.loads(calls_command("--json"))
    by_sid = {r["call_sid"]: r for r in rows}
    check(answered.sid in by_sid and voicemail.sid in by_sid, rows[:3])
    first = [r["call_sid"] for r in rows].index(voicemail.sid)
    check(first < [r["call_sid"] for r in rows].index(answered.sid), "newest first")
    a, v = by_sid[answered.sid], by_sid[voicemail.sid]
    check(a["outcome"] == "answered" and a["answered_by"] == "Ada Lovelace", a)
    check(a["line"] == "hunt" and a["caller"].endswith("9876") and CALLER not in a["caller"], a)
    check(v["outcome"] == "message left" and "voicemail" in v["alert"], v)
    check(v["seconds"] >= 0 and a["time"].endswith("Z"), (a, v))
    table = calls_command("--since", "1h")
    check(table.startswith("TIME") and answered.sid not in table and "Ada Lovelace" in table, table)
    check(CALLER not in table, table)


def test_keep_alive_reuses_the_connection():
    # Each worker process keeps one connection to PagerDuty: 8 calls (16
    # requests) through a pool of a few workers need only a few connections.
    setup()
    for _ in range(8):
        call()
    reqs = env.standin.requests()
    check(len(reqs) == 16, reqs)
    ports = {q["remote_port"] for q in reqs}
    check(len(ports) <= 4, f"{len(ports)} connections for 8 calls: the connection is not reused")


TESTS = [
    test_the_call_history_shows_the_days_calls_newest_first,
    test_a_key_customers_call_reaches_their_own_route_whichever_line_they_dial,
    test_incoming_call_dials_the_on_call,
    test_secrets_never_logged,
    test_two_on_call_at_level_one_ring_together,
    test_route_by_called_number,
    test_a_schedule_no_policy_uses_reaches_its_on_call,
    test_route_by_query_wins_over_to,
    test_nobody_on_call_dials_the_fallback,
    test_no_fallback_goes_to_voicemail,
    test_pagerduty_500_dials_the_fallback_in_time,
    test_pagerduty_slow_dials_the_fallback_within_the_timeout,
    test_every_pagerduty_fault_dials_the_fallback,
    test_contact_methods_failing_dials_the_fallback,
    test_pages_of_oncalls_are_followed,
    test_a_phone_that_is_off_is_not_dialed,
    test_bad_signature_is_403_and_nothing_else,
    test_signatures_twilio_node_accepts_through_the_server,
    test_body_over_64_kib_is_413,
    test_get_webhook,
    test_health,
    test_unknown_path_and_method,
    test_hostile_name_from_pagerduty,
    test_concurrent_calls_are_all_answered_right,
    test_a_whole_call_ends_in_exactly_one_voicemail_alert,
    test_events_api_down_the_alert_waits_and_flush_sends_it,
    test_events_api_down_the_next_request_sends_it,
    test_levels_one_and_two_silent_level_three_rings,
    test_a_policy_that_repeats_is_hunted_round_again,
    test_a_caller_never_waits_for_the_spool,
    test_caller_hangs_up_mid_hunt_one_missed_call_alert,
    test_an_answered_call_raises_nothing,
    test_a_colleague_whose_phone_is_off_does_not_stop_the_level,
    test_both_voicemails_then_level_two_answers,
    test_an_engineer_who_presses_2_passes_the_call_to_the_rest_of_the_level,
    test_a_call_passed_on_and_missed_says_who_passed,
    test_nobody_answers_and_the_alert_names_only_who_really_rang,
    test_an_answered_call_raises_no_missed_call_in_either_order,
    test_answered_ada_takes_the_call_one_acknowledged_alert_then_resolved,
    test_answered_nobody_takes_it_only_the_voicemail_alert,
    test_always_the_first_ring_raises_it_and_acceptance_acknowledges_it,
    test_always_a_call_nobody_takes_is_one_alert_from_the_first_ring_to_the_voicemail,
    test_a_caller_who_calls_again_joins_the_open_alert_and_a_fourth_call_is_limited,
    test_a_recorded_call_is_announced_and_its_link_reaches_the_alert_before_the_resolve,
    test_the_engineer_hears_the_callers_words_before_pressing_1,
    test_words_not_yet_playable_or_none_the_whisper_says_the_number,
    test_a_voicemail_raises_one_alert_and_no_missed_call_in_either_order,
    test_a_real_missed_call_raises_exactly_one_alert_within_two_minutes,
    test_a_silent_voicemail_is_a_missed_call_not_an_empty_message,
    test_a_transcription_arrives_in_the_voicemail_alert,
    test_a_rate_limited_alert_waits_minutes_in_the_spool,
    test_menu_prompt_then_key_2_dials_the_db_on_call,
    test_each_menu_key_reaches_its_team_and_the_hunt_goes_on,
    test_menu_pound_key_reaches_its_team,
    test_menu_key_0_leaves_a_voicemail_for_the_menu,
    test_menu_wrong_key_then_no_key_then_the_default,
    test_a_text_goes_to_everyone_at_level_one_by_sms_if_they_have_it,
    test_a_text_skips_a_disabled_sms_method,
    test_a_text_to_the_menu_number_reaches_the_team_it_names,
    test_a_blocked_caller_is_rejected_and_raises_no_alert,
    test_a_caller_not_allowed_hears_the_rejected_message,
    test_events_api_down_a_text_alert_waits_and_flush_sends_it,
    test_events_api_down_the_next_request_sends_the_text_alert,
    test_text_log_lines_mask_every_number,
    test_check_lists_the_menu_and_who_each_key_reaches,
]

# What a second CGI module (mod_cgi beside mod_cgid) adds is the web
# server's own part: how it hands the request over, what it passes on, and
# whether the process a CGI run leaves behind may finish sending.  The call
# flow itself is the same program run the same way, walked under mod_cgid.
SERVER_TESTS = [
    test_incoming_call_dials_the_on_call,
    test_secrets_never_logged,
    test_bad_signature_is_403_and_nothing_else,
    test_signatures_twilio_node_accepts_through_the_server,
    test_body_over_64_kib_is_413,
    test_get_webhook,
    test_health,
    test_unknown_path_and_method,
    test_concurrent_calls_are_all_answered_right,
    test_a_whole_call_ends_in_exactly_one_voicemail_alert,
    test_events_api_down_the_alert_waits_and_flush_sends_it,
    test_a_caller_never_waits_for_the_spool,
    test_a_real_missed_call_raises_exactly_one_alert_within_two_minutes,
    test_answered_ada_takes_the_call_one_acknowledged_alert_then_resolved,
    test_menu_prompt_then_key_2_dials_the_db_on_call,
    test_a_text_goes_to_everyone_at_level_one_by_sms_if_they_have_it,
]

FASTCGI_TESTS = [
    test_config_is_read_once_per_process,
    test_keep_alive_reuses_the_connection,
]
