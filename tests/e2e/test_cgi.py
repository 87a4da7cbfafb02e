#!/usr/bin/python3
"""The built binary run as a plain CGI program (RFC 3875): the environment
and stdin a web server would give it, one process per request.  Also the
command line, start-up errors and TLS to PagerDuty."""

import os
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DB_NUMBER, FALLBACK_NUMBER, OPS_NUMBER, PROGRAM, RUNNER, SANITIZER_ENV, SHARED_KEY_CONFIG,
                     SHARED_KEY_SETTINGS, TWILIO_SHARED_KEY, TWILIO_TOKEN, StandIn, check, incoming_call, person, roster,
                     run_suite, sign, write_config)

# PagerDuty's time budget, and how long a process may take beyond it to
# start, answer and exit (far longer under valgrind, where a TLS handshake
# alone takes seconds).
TIMEOUT = 1.5 if not RUNNER else 10.0
STARTUP = 1.0 if not RUNNER else 10.0
URL = "https://ops.example.com/cgi-bin/pd-call-forward/voice"

ADA = person("PADA001", "Ada Lovelace", (1, "4155550101", "Mobile"))
GRACE = person("PGRACE1", "Grace Hopper", (1, "4155550102", "Mobile"))
LINUS = person("PLINUS1", "Linus Db", (1, "4155550103", "Mobile"))
ROSTER = roster([("PEPOPS1", 1, "PADA001"), ("PEPDB01", 1, "PLINUS1", {"schedule": "PSDB001"})], [ADA, LINUS])


class Env:
    dir = standin = config = None


env = Env()


class CgiReply:
    def __init__(self, proc, elapsed):
        self.rc = proc.returncode
        self.stderr = proc.stderr.decode(errors="replace")
        out = proc.stdout.decode(errors="replace")
        head, _, self.body = out.partition("\r\n\r\n")
        self.headers = {}
        for line in head.split("\r\n"):
            if ": " in line:
                k, v = line.split(": ", 1)
                self.headers[k.lower()] = v
        self.status = int(self.headers.get("status", "200 OK").split()[0]) if head else 0
        self.elapsed = elapsed

    def numbers(self):
        return [n.text for n in ET.fromstring(self.body).findall("./Dial/Number")]


def cgi(params=None, url=URL, method="POST", signature=None, config=None, env_extra=None, body=None,
        content_length=None, args=None, token=TWILIO_TOKEN, settings=None, legacy=False, signer=None):
    """Runs the program once as a web server runs a CGI program.  `params`:
    a dict, or (name, value) pairs when a name repeats; signed by
    harness.sign() unless `signature` is given."""
    parts = urllib.parse.urlsplit(url)
    params = incoming_call() if params is None else params
    if body is None:
        body = urllib.parse.urlencode(params) if method == "POST" else ""
    if signature is None:
        signature = sign(url, params if method == "POST" else {}, token, settings=settings, legacy=legacy,
                         signer=signer)
    script, _, path_info = parts.path.partition("/pd-call-forward")
    e = {
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": method,
        "SCRIPT_NAME": script + "/pd-call-forward", "PATH_INFO": path_info, "QUERY_STRING": parts.query,
        "REQUEST_URI": parts.path + ("?" + parts.query if parts.query else ""), "HTTP_HOST": parts.netloc,
        "SERVER_NAME": parts.hostname, "SERVER_PORT": "443", "HTTPS": "on", "REMOTE_ADDR": "192.0.2.10",
        "CONTENT_TYPE": "application/x-www-form-urlencoded" if method == "POST" else "",
        "CONTENT_LENGTH": str(len(body.encode())) if content_length is None else content_length,
        "HTTP_X_TWILIO_SIGNATURE": signature, "HTTP_X_TWILIO_WEBHOOKS_SIGNATURE_SETTINGS": settings,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), **SANITIZER_ENV,
    }
    e.update(env_extra or {})
    e = {k: v for k, v in e.items() if v is not None}
    argv = RUNNER + [PROGRAM] + (args if args is not None else ["-c", config or env.config])
    start = time.monotonic()
    proc = subprocess.run(argv, input=body.encode(), env=e, capture_output=True, timeout=30)
    return CgiReply(proc, time.monotonic() - start)


def setup(fault="none", r=ROSTER):
    env.standin.fault(fault)
    env.standin.set_roster(r)
    env.standin.clear_requests()


# --- tests ----------------------------------------------------------------

def test_incoming_call_dials_the_on_call():
    setup()
    r = cgi()
    check(r.status == 200, f"{r.status} {r.body} {r.stderr}")
    check(r.headers.get("content-type") == "text/xml; charset=utf-8", r.headers)
    check(int(r.headers["content-length"]) == len(r.body.encode()), "Content-Length")
    check(r.numbers() == ["+14155550101"], r.body)
    check(r.stderr.count("\n") == 1 and "outcome=dial" in r.stderr, r.stderr)


def test_two_on_call_at_level_one_ring_together():
    setup(r=roster([("PEPOPS1", 1, "PADA001"), ("PEPOPS1", 1, "PGRACE1")], [ADA, GRACE]))
    r = cgi()
    check(r.numbers() == ["+14155550101", "+14155550102"], r.body)


def test_routes_by_called_number_and_by_query():
    setup()
    r = cgi(params=incoming_call(to=DB_NUMBER))
    check(r.numbers() == ["+14155550103"] and "route=db" in r.stderr, f"{r.body} {r.stderr}")
    r = cgi(url=URL + "?route=db")
    check(r.numbers() == ["+14155550103"] and "route=db" in r.stderr, f"{r.body} {r.stderr}")


def test_nobody_on_call_dials_the_fallback():
    setup(r=roster([], []))
    r = cgi()
    check(r.status == 200 and r.numbers() == [FALLBACK_NUMBER], r.body)
    check("nobody is on call" in r.stderr, r.stderr)


def test_without_a_routing_key_nobody_hears_unavailable():
    setup(r=roster([], []))
    config = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), name="no-key.ini")
    text = open(config).read()
    with open(config, "w") as f:
        f.write(text.replace("routing_key_file = events-routing-key\n", ""))
    r = cgi(config=config, params=incoming_call(to=DB_NUMBER))
    doc = ET.fromstring(r.body)
    check(doc.find("Record") is None and doc.find("Hangup") is not None, r.body)
    check("outcome=unavailable" in r.stderr, r.stderr)
    check("[route:db]: no routing_key: voicemail and missed-call alerts are off" in r.stderr, r.stderr)


def test_signature_with_port_variants():
    setup()
    # Twilio signs HTTPS voice webhooks without the port; the server sees :443.
    r = cgi(url="https://ops.example.com:443/cgi-bin/pd-call-forward/voice",
            signature=sign(URL, incoming_call()))
    check(r.status == 200, f"{r.status} {r.stderr}")


def test_bad_signature_is_403():
    setup()
    r = cgi(token="wrong")
    check(r.status == 403, r.status)
    check("outcome=rejected" in r.stderr and "does not match" in r.stderr, r.stderr)
    check(env.standin.requests() == [], "PagerDuty was asked")


def test_a_repeated_value_signed_by_each_sdk():
    # Digits=1234 twice: both SDKs sign the value once.
    setup()
    params = list(incoming_call().items()) + [("Digits", "1234"), ("Digits", "1234")]
    for signer in ("python", "node"):
        r = cgi(params=params, signer=signer)
        check(r.status == 200 and r.numbers() == ["+14155550101"], f"{signer}: {r.status} {r.stderr}")
    # Two different values: twilio-node signs both (python3-twilio 7.7.1 cannot).
    r = cgi(params=params + [("Digits", "5678")], signer="node")
    check(r.status == 200, f"{r.status} {r.stderr}")


def test_a_callback_signed_in_twilio_nodes_legacy_form():
    # The hunt's callback carries the names already dialed; url_component
    # writes the ' of O'Brien as %27, and the "legacy querystring" form
    # twilio-node also accepts writes it as it is.
    obrien = person("PADA001", "Ada O'Brien", (1, "4155550101", "Mobile"))
    setup(r=roster([("PEPOPS1", 1, "PADA001")], [obrien]))
    r = cgi()
    check(r.status == 200, f"{r.status} {r.stderr}")
    action = ET.fromstring(r.body).find("Dial").get("action")
    check("tried=Ada%20O%27Brien" in action, action)
    status = incoming_call(CallStatus="in-progress", DialCallStatus="no-answer", DialCallDuration="0")
    r = cgi(url=action, params=status, legacy=True)
    check(r.status == 200, f"{r.status} {r.stderr}")
    check("path=/voice/dial-status" in r.stderr and "outcome=rejected" not in r.stderr, r.stderr)


def test_a_shared_key_signs_with_hmac_sha256():
    setup()
    config = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), twilio_extra=SHARED_KEY_CONFIG,
                          name="shared-key.ini")
    r = cgi(config=config, token=TWILIO_SHARED_KEY, settings=SHARED_KEY_SETTINGS)
    check(r.status == 200 and r.numbers() == ["+14155550101"], f"{r.status} {r.stderr}")
    # The Auth Token still signs where no Webhook Rule matches.
    r = cgi(config=config)
    check(r.status == 200, f"{r.status} {r.stderr}")
    # Signed with the Auth Token, but said to be the shared key's.
    r = cgi(config=config, settings=SHARED_KEY_SETTINGS)
    check(r.status == 403 and "does not match the shared key" in r.stderr, f"{r.status} {r.stderr}")


def test_a_shared_key_signature_without_the_key_is_403_saying_what_to_change():
    setup()
    r = cgi(token=TWILIO_SHARED_KEY, settings=SHARED_KEY_SETTINGS)
    check(r.status == 403 and "outcome=rejected" in r.stderr, f"{r.status} {r.stderr}")
    check("set [twilio] shared_key_file to that key's secret, or remove the Webhook Rule for this URL at Twilio"
          in r.stderr, r.stderr)
    check("webhooks_sharedkey" not in r.stderr, "the header was logged")
    check(env.standin.requests() == [], "PagerDuty was asked")


def test_an_unknown_signing_algorithm_is_403():
    setup()
    config = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), twilio_extra=SHARED_KEY_CONFIG,
                          name="shared-key.ini")
    signature = sign(URL, incoming_call(), TWILIO_SHARED_KEY, settings=SHARED_KEY_SETTINGS)
    settings = SHARED_KEY_SETTINGS.replace("HMAC_SHA256", "HMAC_SHA512")
    r = cgi(config=config, signature=signature, settings=settings)
    check(r.status == 403, f"{r.status} {r.stderr}")
    check("signature algorithm to HMAC_SHA256 at Twilio" in r.stderr, r.stderr)
    check("HMAC_SHA512" not in r.stderr, "the header was logged")
    # The header over its limit.
    r = cgi(config=config, signature=signature, settings=SHARED_KEY_SETTINGS + "," + "x" * 300)
    check(r.status == 403 and "malformed X-Twilio-Webhooks-Signature-Settings" in r.stderr, r.stderr)
    check(env.standin.requests() == [], "PagerDuty was asked")


def test_body_limits():
    setup()
    r = cgi(body="CallSid=" + "x" * (64 * 1024))
    check(r.status == 413, r.status)
    r = cgi(content_length="12abc")
    check(r.status == 400, r.status)
    check("CONTENT_LENGTH is not a number" in r.stderr, r.stderr)
    r = cgi(body="CallSid=%zz&To=%2B1")
    check(r.status == 400 and "bad percent-escape" in r.stderr, r.stderr)


def test_health_and_errors():
    r = cgi(url="https://ops.example.com/cgi-bin/pd-call-forward/health", method="GET", signature="")
    check(r.status == 200 and r.body == "ok\n", f"{r.status} {r.body!r}")
    r = cgi(url="https://ops.example.com/cgi-bin/pd-call-forward/nope")
    check(r.status == 404, r.status)
    r = cgi(method="DELETE", body="")
    check(r.status == 405 and r.headers.get("allow") == "GET, POST", r.headers)


def test_pagerduty_down_dials_the_fallback():
    for fault in ("500", "503"):
        setup(fault=fault)
        r = cgi()
        check(r.status == 200 and r.numbers() == [FALLBACK_NUMBER], f"{r.status} {r.body}")
        check(r.elapsed < TIMEOUT + STARTUP, f"took {r.elapsed:.2f}s")
    setup()
    env.standin.fault("slow", delay_ms=int(TIMEOUT * 3000))
    r = cgi()
    check(r.status == 200 and r.numbers() == [FALLBACK_NUMBER], f"{r.status} {r.body}")
    check(r.elapsed < TIMEOUT + STARTUP, f"took {r.elapsed:.2f}s")
    setup()
    env.standin.fault("hang", delay_ms=int(TIMEOUT * 6000))
    r = cgi()
    check(r.status == 200 and r.numbers() == [FALLBACK_NUMBER], f"{r.status} {r.body}")
    check(r.elapsed < TIMEOUT + STARTUP, f"took {r.elapsed:.2f}s")
    check("timed out" in r.stderr, r.stderr)
    env.standin.fault("none")


def test_broken_config_is_500_and_names_file_and_line():
    bad = os.path.join(env.dir, "broken.ini")
    with open(bad, "w") as f:
        f.write("[pagerduty]\ntoken = x\n[twilio]\nauth_token = y\n[route:ops]\nnumber = +14155550100\n"
                "escalation_policy = PEPOPS1\ndial_timeout = forever\n")
    r = cgi(config=bad)
    check(r.status == 500, r.status)
    check(f"{bad}:8: [route:ops] dial_timeout: expected whole seconds" in r.stderr, r.stderr)
    check("outcome=error" in r.stderr, r.stderr)


def test_missing_config_file():
    r = cgi(config="/nonexistent/pd-call-forward.ini")
    check(r.status == 500, r.status)
    check("/nonexistent/pd-call-forward.ini: cannot read the configuration file" in r.stderr, r.stderr)


def test_config_from_environment_and_option():
    setup()
    r = cgi(args=[], env_extra={"PD_CALL_FORWARD_CONFIG": env.config})
    check(r.status == 200, f"{r.status} {r.stderr}")
    # -c wins over the environment.
    r = cgi(args=["-c", env.config], env_extra={"PD_CALL_FORWARD_CONFIG": "/nonexistent.ini"})
    check(r.status == 200, f"{r.status} {r.stderr}")
    # Neither: the default path (absent on a test machine, so a 500 naming it).
    if not os.path.exists("/etc/pd-call-forward/pd-call-forward.ini"):
        r = cgi(args=[], env_extra={"PD_CALL_FORWARD_CONFIG": None})
        check(r.status == 500 and "/etc/pd-call-forward/pd-call-forward.ini: cannot read" in r.stderr, r.stderr)


def test_signature_check_off_warns():
    setup()
    path = write_config(env.dir, env.standin.url, timeout=str(TIMEOUT), twilio_extra="validate_signature = no",
                        name="nosig.ini")
    r = cgi(config=path, signature="")
    check(r.status == 200, f"{r.status} {r.stderr}")
    check("warning:" in r.stderr and "signature checking is off" in r.stderr, r.stderr)
    check("signature=off" in r.stderr, r.stderr)


def test_command_line():
    p = subprocess.run(RUNNER + [PROGRAM, "--version"], capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout.startswith("pd-call-forward "), p.stdout)
    p = subprocess.run(RUNNER + [PROGRAM, "--help"], capture_output=True, text=True)
    check(p.returncode == 0 and "--config" in p.stdout, p.stdout)
    p = subprocess.run(RUNNER + [PROGRAM, "--bogus"], capture_output=True, text=True)
    check(p.returncode == 2 and "unknown argument" in p.stderr, p.stderr)
    # Started by hand, not by a web server.
    p = subprocess.run(RUNNER + [PROGRAM], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                       env={"PATH": "/usr/bin:/bin", **SANITIZER_ENV})
    check(p.returncode == 2 and "not started by a web server" in p.stderr, p.stderr)


def make_cert(d, name, san):
    cert, key = os.path.join(d, name + ".crt"), os.path.join(d, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=pd-standin", "-addext", f"subjectAltName={san}", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


def with_tls_standin(cert, key, body):
    tls = StandIn(env.dir, tls=(cert, key))
    try:
        tls.set_roster(ROSTER)
        body(tls)
    finally:
        tls.stop()


def test_tls_certificates_are_verified():
    cert, key = make_cert(env.dir, "good", "IP:127.0.0.1")

    def run(tls):
        untrusted = write_config(env.dir, tls.url, timeout=str(TIMEOUT), name="tls.ini")
        r = cgi(config=untrusted)
        check(r.status == 200 and r.numbers() == [FALLBACK_NUMBER], r.body)
        check("TLS certificate verification failed" in r.stderr, r.stderr)
        # ca_file trusts a private CA.
        trusted = write_config(env.dir, tls.url, timeout=str(TIMEOUT), pagerduty_extra=f"ca_file = {cert}",
                               name="tls-ca.ini")
        r = cgi(config=trusted)
        check(r.status == 200 and r.numbers() == ["+14155550101"], f"{r.body} {r.stderr}")
        # Without ca_file the system's trust store is used: SSL_CERT_FILE
        # points OpenSSL's default store at the test CA.
        r = cgi(config=untrusted, env_extra={"SSL_CERT_FILE": cert})
        check(r.status == 200 and r.numbers() == ["+14155550101"], f"{r.body} {r.stderr}")
    with_tls_standin(cert, key, run)


def test_tls_host_name_is_verified():
    # A certificate the client trusts, but for another address.
    cert, key = make_cert(env.dir, "other", "IP:127.0.0.2")

    def run(tls):
        config = write_config(env.dir, tls.url, timeout=str(TIMEOUT), pagerduty_extra=f"ca_file = {cert}",
                              name="tls-other.ini")
        r = cgi(config=config)
        check(r.status == 200 and r.numbers() == [FALLBACK_NUMBER], f"{r.body} {r.stderr}")
        check("TLS certificate verification failed" in r.stderr, r.stderr)
    with_tls_standin(cert, key, run)


def test_a_held_missed_call_goes_out_with_no_timer_and_no_request():
    # The number's status callback reports a call nobody answered; its
    # alert is held missed_call_wait (5 s here) for the call's last
    # request.  No request comes after it and no flush timer runs: the
    # process the request left behind sends it when it falls due.
    setup()
    env.standin.clear_events()
    sid = "CA" + "7" * 32
    params = {"CallSid": sid, "AccountSid": "AC00000000000000000000000000000001", "From": "+14155559876",
              "To": OPS_NUMBER, "CallStatus": "no-answer", "CallDuration": "0", "ApiVersion": "2010-04-01",
              "Direction": "inbound"}
    r = cgi(params, url=URL + "/status")
    check(r.status == 200 and 'alert="held 5 s"' in r.stderr, f"{r.status} {r.stderr}")
    check(r.elapsed < STARTUP + 1, f"the answer waited for the alert: {r.elapsed:.1f} s")
    end = time.monotonic() + 20
    while not env.standin.alerts() and time.monotonic() < end:
        time.sleep(0.2)
    alerts = env.standin.alerts()
    check([a["dedup_key"] for a in alerts] == [sid], alerts)


# The portable binary (make portable) runs this suite too, and must need
# nothing of the host but glibc: libc, libm and the loader.
PORTABLE = os.environ.get("PORTABLE_SUITE") == "1"


def test_the_portable_binary_needs_only_glibc():
    out = subprocess.run(["ldd", PROGRAM], capture_output=True, text=True, check=True).stdout
    needed = [line.split()[0] for line in out.splitlines() if line.strip()]
    glibc = {"linux-vdso.so.1", "libc.so.6", "libm.so.6"}
    check(needed and all(n in glibc or "/ld-linux" in n for n in needed), out)


TESTS = [
    test_a_held_missed_call_goes_out_with_no_timer_and_no_request,
    test_incoming_call_dials_the_on_call,
    test_two_on_call_at_level_one_ring_together,
    test_routes_by_called_number_and_by_query,
    test_nobody_on_call_dials_the_fallback,
    test_without_a_routing_key_nobody_hears_unavailable,
    test_signature_with_port_variants,
    test_bad_signature_is_403,
    test_a_repeated_value_signed_by_each_sdk,
    test_a_callback_signed_in_twilio_nodes_legacy_form,
    test_a_shared_key_signs_with_hmac_sha256,
    test_a_shared_key_signature_without_the_key_is_403_saying_what_to_change,
    test_an_unknown_signing_algorithm_is_403,
    test_body_limits,
    test_health_and_errors,
    test_pagerduty_down_dials_the_fallback,
    test_broken_config_is_500_and_names_file_and_line,
    test_missing_config_file,
    test_config_from_environment_and_option,
    test_signature_check_off_warns,
    test_command_line,
    test_tls_certificates_are_verified,
    test_tls_host_name_is_verified,
]


def start(d, parts):
    env.dir = d
    env.standin = StandIn(d)
    parts.append(env.standin)
    env.config = write_config(d, env.standin.url, timeout=str(TIMEOUT))
    return TESTS + ([test_the_portable_binary_needs_only_glibc] if PORTABLE else [])

if __name__ == "__main__":
    sys.exit(run_suite("cgi-portable" if PORTABLE else "cgi", start))
