"""The call scenarios every web-server set-up must pass, written once.

A suite (test_nginx.py, test_apache.py...) starts its servers, fills in
`env`, and runs TESTS, plus FASTCGI_TESTS when the program stays running
between requests."""

import concurrent.futures
import os
import threading

from harness import (DB_NUMBER, FALLBACK_NUMBER, OPS_NUMBER, PD_TOKEN, TWILIO_TOKEN, check, incoming_call, person,
                     roster, twilio_request)

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
    config = None    # the config file the server's program reads


env = Env()
sid_counter = [0]
sid_lock = threading.Lock()


def new_sid():
    with sid_lock:
        sid_counter[0] += 1
        return "CA%032d" % sid_counter[0]


def voice_url(query=""):
    return env.server.base + "/voice" + (("?" + query) if query else "")


def call(to=OPS_NUMBER, query="", **kw):
    sid = new_sid()
    reply = twilio_request(voice_url(query), incoming_call(to=to, sid=sid), **kw)
    return sid, reply


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
    check(doc.find("Say").get("voice") == "alice" and doc.find("Say").get("language") == "en-US", "Say attributes")
    dial = doc.find("Dial")
    check(dial.get("timeout") == "25" and dial.get("answerOnBridge") == "true", dial.attrib)
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


def test_route_by_called_number():
    setup()
    sid, r = call(to=DB_NUMBER)
    check(numbers(r) == ["+14155550103"], r.body)
    reqs = env.standin.requests()
    check(reqs[0]["query"].get("schedule_ids[]") == ["PSDB001"], reqs[0]["query"])
    check("route=db" in log_for(sid), log_for(sid))


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


def test_no_fallback_says_unavailable_and_hangs_up():
    setup(r=roster([], []))
    sid, r = call(to=DB_NUMBER)
    doc = r.twiml()
    check(doc.find("Dial") is None and doc.find("Hangup") is not None, r.body)
    check("nobody" in doc.find("Say").text.lower(), r.body)
    check("outcome=unavailable" in log_for(sid), log_for(sid))


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
    test_incoming_call_dials_the_on_call,
    test_secrets_never_logged,
    test_two_on_call_at_level_one_ring_together,
    test_route_by_called_number,
    test_route_by_query_wins_over_to,
    test_nobody_on_call_dials_the_fallback,
    test_no_fallback_says_unavailable_and_hangs_up,
    test_pagerduty_500_dials_the_fallback_in_time,
    test_pagerduty_slow_dials_the_fallback_within_the_timeout,
    test_every_pagerduty_fault_dials_the_fallback,
    test_contact_methods_failing_dials_the_fallback,
    test_pages_of_oncalls_are_followed,
    test_bad_signature_is_403_and_nothing_else,
    test_body_over_64_kib_is_413,
    test_get_webhook,
    test_health,
    test_unknown_path_and_method,
    test_hostile_name_from_pagerduty,
    test_concurrent_calls_are_all_answered_right,
]

FASTCGI_TESTS = [
    test_config_is_read_once_per_process,
    test_keep_alive_reuses_the_connection,
]
