"""End-to-end test harness: real servers on loopback, driven as Twilio would.

Everything here starts on 127.0.0.1 only, in a temporary directory of its
own, and is stopped again by Stack.close().  Requests are signed by two
implementations independent of ours and of each other: Debian's
python3-twilio (RequestValidator) and the npm package twilio (twilio-node,
pinned in tests/e2e/node, installed by `make deps`); see sign().  Run with
/usr/bin/python3.
"""

import atexit
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import http.client
import xml.etree.ElementTree as ET
import zlib

from twilio.request_validator import RequestValidator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("B", "build"))
PROGRAM = os.path.join(ROOT, os.environ.get("PROGRAM", "pd-call-forward"))
STANDIN = os.path.join(BUILD, "pd-standin")

# A command the program is run under, one process per request (make
# valgrind sets it for the CGI suite); tests that time the program allow for
# it.
RUNNER = shlex.split(os.environ.get("PROGRAM_RUNNER", ""))

# Where a sanitized build writes its reports (tests/run-all collects them):
# added to every environment a test builds from scratch.
SANITIZER_ENV = {k: os.environ[k] for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS") if k in os.environ}

PD_TOKEN = "pd-test-token"
TWILIO_TOKEN = "twilio-test-auth-token"
# A Webhook Setting's SharedKey secret (in the file twilio-shared-key, set
# with twilio_extra=SHARED_KEY_CONFIG), and the header Twilio sends with
# what it signs.
TWILIO_SHARED_KEY = "twilio-test-shared-key"
SHARED_KEY_CONFIG = "shared_key_file = twilio-shared-key"
SHARED_KEY_SETTINGS = "key=webhooks_sharedkey_01jtest0000000000000000000,algorithm=HMAC_SHA256"
ROUTING_KEY = "R0UT1NGKEY0000000000000000000000"
OPS_NUMBER = "+14155550100"
DB_NUMBER = "+14155550111"
FALLBACK_NUMBER = "+14155550199"
HUNT_NUMBER = "+14155550122"
TRANSCRIBED_NUMBER = "+14155550133"
MENU_NUMBER = "+14155550150"
# The hunt's line again, its calls raising an alert of their own
# (call_alert = answered, always).
ANSWERED_NUMBER = "+14155550144"
ALWAYS_NUMBER = "+14155550166"
# The hunt's line once more, counting a caller's calls (repeat_window,
# caller_limit).
REPEAT_NUMBER = "+14155550177"
# And recording its answered calls (record_calls), their alert carrying
# the link.
RECORDED_NUMBER = "+14155550188"
# And asking the caller why they call (ask_reason).
REASON_NUMBER = "+14155550212"
# Callers the lists of menu=True's routes keep out: ops blocks one number
# and a prefix; net takes calls from +1415555 numbers only.
BLOCKED_CALLER = "+14155550666"
BLOCKED_PREFIX = "+1900"
NET_ALLOWED = "+1415555"
ACME_PREFIX = "+3531555"


def which(name, extra=("/usr/sbin", "/sbin")):
    found = shutil.which(name)
    if found:
        return found
    for d in extra:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    raise RuntimeError(f"{name} not found; run `make deps`")


def stop_process(proc, sig=signal.SIGTERM):
    """Asks `proc` to stop, and kills it if it has not within 5 s."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def listening_inode(path):
    """The inode of the unix socket listening at `path` (/proc/net/unix)."""
    with open("/proc/net/unix") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 8 and fields[7] == path:
                return fields[6]
    raise RuntimeError(f"no unix socket listens at {path}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=10.0, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.02)
    raise RuntimeError(f"timed out waiting for {what}")


# --- the PagerDuty stand-in ---------------------------------------------

def person(user, name, *phones, email=None, time_zone=None):
    """A roster user; phones are (country_code, national, label[, extra]);
    `time_zone` is PagerDuty's User.time_zone (the stand-in's default: UTC)."""
    methods = []
    for p in phones:
        m = {"type": "phone_contact_method", "country_code": p[0], "address": p[1], "label": p[2]}
        if len(p) > 3:
            m.update(p[3])
        methods.append(m)
    if email:
        methods.append({"type": "email_contact_method", "label": "Work", "address": email})
    entry = {"name": name, "contact_methods": methods}
    if time_zone:
        entry["time_zone"] = time_zone
    return user, entry


def roster(oncalls, users, **extra):
    r = {"oncalls": [dict(escalation_policy=o[0], level=o[1], user=o[2], **(o[3] if len(o) > 3 else {}))
                     for o in oncalls],
         "users": dict(users)}
    r.update(extra)
    return r


class StandIn:
    """tests/standin: a PagerDuty REST API stand-in, set up per test."""

    def __init__(self, workdir, tls=None, roster_file=None, keep_alive=None):
        args = [STANDIN, "--token", PD_TOKEN, "--port", "0"]
        if keep_alive:
            args += ["--keep-alive", str(keep_alive)]
        if roster_file:
            args += ["--roster", roster_file]
        if tls:
            args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        self.log = open(os.path.join(workdir, "standin.log"), "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("port="):
            raise RuntimeError(f"stand-in did not start: {line!r}")
        self.port = int(line.split("=", 1)[1])
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.tls = tls

    def _control(self, method, path, body=None):
        if self.tls:
            import ssl
            ctx = ssl.create_default_context(cafile=self.tls[0])
            ctx.check_hostname = False  # some tests serve a certificate for another name
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10, context=ctx)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        data = None if body is None else json.dumps(body)
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        text = resp.read().decode()
        conn.close()
        if resp.status >= 300:
            raise RuntimeError(f"stand-in {method} {path}: {resp.status} {text}")
        return text

    def set_roster(self, r):
        self._control("PUT", "/_standin/roster", r)

    def fault(self, kind, path="all", delay_ms=0, count=0):
        self._control("PUT", "/_standin/fault", {"kind": kind, "path": path, "delay_ms": delay_ms, "count": count})

    def requests(self):
        return json.loads(self._control("GET", "/_standin/requests"))

    def clear_requests(self):
        self._control("DELETE", "/_standin/requests")

    def alerts(self):
        """Events API v2: one alert per dedup_key, as PagerDuty opens them."""
        return json.loads(self._control("GET", "/_standin/alerts"))

    def events(self):
        return json.loads(self._control("GET", "/_standin/events"))

    def clear_events(self):
        self._control("DELETE", "/_standin/events")

    def stop(self):
        stop_process(self.proc)
        self.log.close()


# --- pd-call-forward's config -------------------------------------------

# The scenarios see every roster change at once and no stale answers: the
# cache is there, but never fresh and never standing in.  The cache's own
# suite sets other lifetimes.
NO_CACHING = {"oncall_ttl": 0, "contact_ttl": 0, "stale_max": 0}


# The scenarios' lines for the call's own alert and what goes with it
# (in MENU_ROUTES, which the scenario suites use).
CALL_ALERT_ROUTES = (f"[route:answered]\nnumber = {ANSWERED_NUMBER}\nescalation_policy = PEPHUNT\ntitle = Platform\n"
                     f"call_alert = answered\n\n"
                     f"[route:always]\nnumber = {ALWAYS_NUMBER}\nescalation_policy = PEPHUNT\ntitle = Platform\n"
                     f"call_alert = always\n\n"
                     f"[route:repeat]\nnumber = {REPEAT_NUMBER}\nescalation_policy = PEPHUNT\ntitle = Platform\n"
                     f"repeat_window = 1800\ncaller_limit = 3\n\n"
                     f"[route:recorded]\nnumber = {RECORDED_NUMBER}\nescalation_policy = PEPHUNT\ntitle = Platform\n"
                     f"call_alert = answered\nrecord_calls = yes\n"
                     f"recording_notice = This call is recorded.\n\n"
                     f"[route:reason]\nnumber = {REASON_NUMBER}\nescalation_policy = PEPHUNT\ntitle = Platform\n"
                     f"call_alert = answered\nask_reason = yes\n\n")

ROUTES = (f"[route:ops]\nnumber = {OPS_NUMBER}\nescalation_policy = PEPOPS1\n"
          f"fallback_number = {FALLBACK_NUMBER}\n\n"
          f"[route:db]\nnumber = {DB_NUMBER}\nschedule = PSDB001\n\n"
          f"[route:hunt]\nnumber = {HUNT_NUMBER}\nescalation_policy = PEPHUNT\ntitle = Platform\nmax_loops = 2\n")

# The same three routes, with the caller lists and texts of a switchboard:
# a third team (net) without a number of its own, reached only through the
# menu (or ?route=net), and one number whose spoken menu (and texts) reach
# ops, db and net by 1, 2 and 3, and hunt by '#' (a line the config reader
# must not take for a comment).
MENU_ROUTES = (f"[route:ops]\nnumber = {OPS_NUMBER}\nescalation_policy = PEPOPS1\n"
               f"fallback_number = {FALLBACK_NUMBER}\nblock_callers = {BLOCKED_CALLER}, {BLOCKED_PREFIX}\n"
               f"sms_reply = Thanks, {{name}} got your text.\n\n"
               f"[route:db]\nnumber = {DB_NUMBER}\nschedule = PSDB001\nsms_alert = yes\n\n"
               f"[route:hunt]\nnumber = {HUNT_NUMBER}\nescalation_policy = PEPHUNT\ntitle = Platform\nmax_loops = 2\n\n" +
               CALL_ALERT_ROUTES +
               f"[route:tx]\nnumber = {TRANSCRIBED_NUMBER}\nescalation_policy = PEPHUNT\ntitle = Payments\n"
               f"transcribe = yes\ntranscription_wait = 10\n\n"
               # A key customer's own route: their calls, to any line.
               f"[route:acme]\ncallers = {ACME_PREFIX}\nescalation_policy = PEPHUNT\ntitle = Acme\n"
               f"greeting = Welcome, Acme. Connecting you to {{name}}.\n\n"
               f"[route:net]\nescalation_policy = PEPNET1\ntitle = Network\n"
               f"allow_callers = {NET_ALLOWED}\n"
               f"rejected_message = Sorry, the {{title}} line only takes calls from the office.\n\n"
               f"[menu:main]\nnumber = {MENU_NUMBER}\ntitle = Switchboard\n"
               f"1 = ops\n2 = db\n3 = net\n0 = voicemail\n# = hunt\n")


def write_config(workdir, api_url, timeout="2", call_extra="", routes=None, pagerduty_extra="",
                 twilio_extra="", name="pd-call-forward.ini", spool=None, cache=None, caching=NO_CACHING,
                 menu=False):
    """The test configuration; secrets go to *_file files as the README advises.
    `menu`: MENU_ROUTES instead of ROUTES, for the suites that run the
    menu, text and caller-list scenarios."""
    for secret_file, secret in (("pagerduty-token", PD_TOKEN), ("twilio-auth-token", TWILIO_TOKEN),
                                ("twilio-shared-key", TWILIO_SHARED_KEY), ("events-routing-key", ROUTING_KEY)):
        with open(os.path.join(workdir, secret_file), "w") as f:
            f.write(secret + "\n")
        os.chmod(os.path.join(workdir, secret_file), 0o640)
    if routes is None:
        routes = MENU_ROUTES if menu else ROUTES
    text = (f"[pagerduty]\ntoken_file = pagerduty-token\napi_url = {api_url}\ntimeout = {timeout}\n"
            f"events_url = {api_url}/v2/enqueue\nspool_dir = {spool or os.path.join(workdir, 'spool')}\n"
            f"cache_dir = {cache or os.path.join(workdir, 'cache')}\n"
            + "".join(f"{k} = {v}\n" for k, v in caching.items()) + f"{pagerduty_extra}\n"
            f"[twilio]\nauth_token_file = twilio-auth-token\n{twilio_extra}\n"
            # The shortest wait for a status callback's missed-call alert:
            # the scenarios wait it out.
            f"[call]\ngreeting = Connecting you to {{name}}.\nrouting_key_file = events-routing-key\n"
            f"missed_call_wait = 5\n"
            # Every scenario calls from the same number, seconds apart: each
            # call its own alert, but on the line that counts repeats.
            f"repeat_window = 0\n{call_extra}\n"
            f"{routes}")
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o640)
    return path


# --- servers --------------------------------------------------------------

class FastCgi:
    """pd-call-forward under spawn-fcgi on a unix socket, as the README runs it."""

    def __init__(self, workdir, config, children=1, program=PROGRAM, extra=(), wrapper=()):
        """`wrapper`: a command spawn-fcgi is run under (it ends by running
        the rest of its arguments), for a suite that changes the program's
        surroundings, such as its /etc/resolv.conf."""
        self.socket = os.path.join(workdir, "pd-call-forward.sock")
        self.stderr = open(os.path.join(workdir, "fcgi.stderr"), "w")
        self.pidfile = os.path.join(workdir, "fcgi.pid")
        self.program = program
        self.argv_tail = ["-c", config] if config else list(extra)
        args = list(wrapper) + [which("spawn-fcgi"), "-s", self.socket, "-M", "0666"]
        if children == 1:
            args += ["-n"]
        else:
            args += ["-F", str(children), "-P", self.pidfile]
        args += ["--", program] + (["-c", config] if config else list(extra))
        # A wrapper such as faketime runs the program as its child, not in
        # its own place: stopping the wrapper would leave the program
        # running, its refresh thread still asking PagerDuty.  Those it
        # starts are found by their arguments, among the processes new since.
        before = set(self.running()) if wrapper else set()
        self.proc = subprocess.Popen(args, stdout=self.stderr, stderr=self.stderr)
        self.children = children
        if children > 1:
            # spawn-fcgi forks the pool, writes the pid file, and exits.
            if self.proc.wait(10) != 0:
                raise RuntimeError("spawn-fcgi failed: " + open(self.stderr.name).read())
        wait_for(lambda: os.path.exists(self.socket), what="the FastCGI socket")
        self.socket_fd = f"socket:[{listening_inode(self.socket)}]"
        self.wrapped = []
        if wrapper:
            wait_for(lambda: len(set(self.running()) - before) >= children, what="the wrapped FastCGI program")
            self.wrapped = sorted(set(self.running()) - before)

    def pids(self):
        if self.children == 1:
            return [self.proc.pid]
        with open(self.pidfile) as f:
            return [int(x) for x in f.read().split()]

    def serving(self):
        """Every process whose FastCGI socket (its standard input) is this
        pool's: the pid file names those spawn-fcgi started, this finds any
        it did not name too."""
        found = []
        for pid in os.listdir("/proc"):
            try:
                if pid.isdigit() and os.readlink(f"/proc/{pid}/fd/0") == self.socket_fd:
                    found.append(int(pid))
            except OSError:
                continue
        return found

    def stop(self):
        named = set(self.pids()) if self.children > 1 and os.path.exists(self.pidfile) else set()
        serving = set(self.serving())
        unnamed = serving - named - {self.proc.pid} - set(self.wrapped)
        if unnamed:
            print(f"       harness: stopping workers the pid file did not name: {sorted(unnamed)}", flush=True)
        for pid in named | serving:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        stop_process(self.proc)
        # Gone before the next pool takes the socket's path, or SIGKILLed.
        try:
            wait_for(lambda: not self.serving(), timeout=5, what="the FastCGI workers to stop")
        except Exception:
            for pid in self.serving():
                os.kill(pid, signal.SIGKILL)
        for pid in self.wrapped:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        wait_for(lambda: not set(self.wrapped) & set(self.running()), what="the wrapped FastCGI program to stop")
        self.stderr.close()

    def running(self):
        """The processes running this program with these arguments."""
        wanted = [self.program] + self.argv_tail
        found = []
        for pid in os.listdir("/proc"):
            try:
                if pid.isdigit():
                    argv = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace").split("\0")[:-1]
                    if argv == wanted:
                        found.append(int(pid))
            except OSError:
                continue
        return found


NGINX_TEMPLATE = """\
# Generated for a test run: only ports and paths differ from a real set-up;
# the location block is nginx/pd-call-forward.conf as shipped.
daemon off;
master_process on;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    fastcgi_temp_path {dir}/fastcgi_temp;
    proxy_temp_path {dir}/proxy_temp;
    scgi_temp_path {dir}/scgi_temp;
    uwsgi_temp_path {dir}/uwsgi_temp;
{http_extra}    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        include {dir}/pd-call-forward.conf;
    }}
}}
"""


class Nginx:
    """Debian's nginx with the project's own nginx/pd-call-forward.conf."""

    def __init__(self, workdir, socket_path, http_extra="", pools=(), edit=None):
        """`http_extra`: directives added to the http { } block, for a suite
        that needs a setting of the server around the shipped location.
        `pools`: several FastCGI sockets instead of `socket_path`, taken in
        turn (nginx's round robin), as a load balancer in front of as many
        web servers would.  `edit`: a function of the shipped location's
        text, for a suite that tries an operator's older copy of it."""
        self.dir = workdir
        self.port = free_port()
        with open(os.path.join(ROOT, "nginx", "pd-call-forward.conf")) as f:
            location = f.read()
        if pools:
            location = location.replace("unix:/run/pd-call-forward/pd-call-forward.sock", "pd_call_forward_pools")
            http_extra += ("    upstream pd_call_forward_pools {\n" +
                           "".join(f"        server unix:{p};\n" for p in pools) + "    }\n")
        else:
            location = location.replace("/run/pd-call-forward/pd-call-forward.sock", socket_path)
        if edit:
            location = edit(location)
        with open(os.path.join(workdir, "pd-call-forward.conf"), "w") as f:
            f.write(location)
        shutil.copy("/etc/nginx/fastcgi_params", os.path.join(workdir, "fastcgi_params"))
        conf = os.path.join(workdir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_TEMPLATE.format(dir=workdir, port=self.port, http_extra=http_extra))
        self.errors = open(os.path.join(workdir, "nginx.stderr"), "w")
        self.proc = subprocess.Popen([which("nginx"), "-p", workdir, "-c", conf],
                                     stdout=self.errors, stderr=self.errors)
        wait_for(self._listening, what="nginx to listen")
        self.base = f"http://127.0.0.1:{self.port}/pd-call-forward"

    def _listening(self):
        if self.proc.poll() is not None:
            raise RuntimeError("nginx exited: " + open(os.path.join(self.dir, "nginx.stderr")).read())
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def error_log_text(self):
        with open(os.path.join(self.dir, "error.log"), errors="replace") as f:
            return f.read()

    def log_lines(self):
        """pd-call-forward's log lines, as nginx wrote them to its error log."""
        path = os.path.join(self.dir, "error.log")
        if not os.path.exists(path):
            return []
        out = []
        for line in open(path, errors="replace"):
            i = line.find("pd-call-forward: ")
            if i >= 0 and "FastCGI sent in stderr" in line:
                # nginx quotes the stderr text: cut at its closing quote.
                text = line[i:]
                end = text.find('" while ')
                out.append(text[:end] if end >= 0 else text.rstrip())
        return out

    def stop(self):
        stop_process(self.proc, signal.SIGQUIT)  # nginx's graceful stop
        self.errors.close()


# --- Twilio's side ----------------------------------------------------------

def incoming_call(to=OPS_NUMBER, frm="+14155559876", sid="CA00000000000000000000000000000001", **extra):
    """The parameters of Twilio's 'a call comes in' webhook."""
    p = {"CallSid": sid, "AccountSid": "AC00000000000000000000000000000001", "From": frm, "To": to,
         "CallStatus": "ringing", "ApiVersion": "2010-04-01", "Direction": "inbound", "CallerName": "",
         "ForwardedFrom": "", "ParentCallSid": "", "CallToken": "", "FromCity": "SAN FRANCISCO",
         "FromState": "CA", "FromZip": "94103", "FromCountry": "US", "Caller": frm, "Called": to,
         "StirVerstat": "TN-Validation-Passed-A"}
    p.update(extra)
    return p


def incoming_text(body, to=OPS_NUMBER, frm="+14155559876", sid="SM00000000000000000000000000000001", **extra):
    """The parameters of Twilio's 'a message comes in' webhook (no attachments)."""
    p = {"ToCountry": "US", "ToState": "CA", "SmsMessageSid": sid, "NumMedia": "0", "ToCity": "SAN FRANCISCO",
         "FromZip": "94103", "SmsSid": sid, "FromState": "CA", "SmsStatus": "received", "FromCity": "SAN FRANCISCO",
         "Body": body, "FromCountry": "US", "To": to, "ToZip": "94103", "NumSegments": "1", "MessageSid": sid,
         "AccountSid": "AC00000000000000000000000000000001", "From": frm, "ApiVersion": "2010-04-01"}
    p.update(extra)
    return p


class Reply:
    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def twiml(self):
        return ET.fromstring(self.body)


# --- the two signers ---------------------------------------------------------

NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"


class NodeSigner:
    """tests/e2e/node/sign.js: twilio-node in one process for the whole
    suite, started on first use; safe to call from several threads."""

    def __init__(self):
        self.proc = None
        self.lock = threading.Lock()

    def _start(self):
        if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "twilio")):
            raise RuntimeError(f"twilio-node is not installed in {NODE_DIR}; run `make deps`")
        node = shutil.which("node") or shutil.which("nodejs")
        if not node:
            raise RuntimeError("node not found; run `make deps`")
        self.proc = subprocess.Popen([node, os.path.join(NODE_DIR, "sign.js")], cwd=NODE_DIR, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        atexit.register(self.stop)

    def sign(self, token, url, pairs, settings="", legacy=False):
        request = json.dumps({"token": token, "url": url, "params": pairs, "settings": settings or "",
                              "legacy": legacy})
        with self.lock:
            if self.proc is None:
                self._start()
            self.proc.stdin.write(request + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("tests/e2e/node/sign.js exited")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"twilio-node: {answer['error']}")
        return answer

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.stdin.close()
            stop_process(self.proc)


NODE = NodeSigner()


def param_pairs(params):
    """A dict, or (name, value) pairs when a name repeats, as a list of pairs."""
    return [list(p) for p in (params.items() if isinstance(params, dict) else params or [])]


def python_signature(token, url, pairs):
    """python3-twilio's signature, or None when it cannot make one: Debian's
    7.7.1 takes a dict, one value per name, so a name with two different
    values is beyond it (a name repeated with one value is what a dict
    gives, and what both SDKs sign)."""
    params = {}
    for name, value in pairs:
        if params.get(name, value) != value:
            return None
        params[name] = value
    return RequestValidator(token).compute_signature(url, params)


def sign(url, params=None, token=TWILIO_TOKEN, settings=None, legacy=False, signer=None):
    """The X-Twilio-Signature Twilio would send for a request to `url` with
    the POST `params` (see param_pairs).  Both SDKs compute it every time,
    and they must agree wherever both can sign: HMAC-SHA1 with the URL as
    given.  twilio-node alone signs for a shared key's algorithm
    (`settings`, an X-Twilio-Webhooks-Signature-Settings value) and the
    "legacy querystring" form of the URL (`legacy`).  Which signature is
    returned: `signer` ("python" or "node"), else one chosen from the
    request itself, so that both sign the tests' traffic and a run repeats."""
    pairs = param_pairs(params)
    node = NODE.sign(token, url, pairs, settings, legacy)
    if not node["accepted"]:
        raise AssertionError(f"twilio-node's validateRequest refuses what it signed: {url} {node}")
    python = None
    if node["algorithm"].upper() == "HMAC_SHA1" and not legacy:
        python = python_signature(token, url, pairs)
        if python is not None and python != node["signature"]:
            raise AssertionError(f"the SDKs disagree on {url} {pairs}: python3-twilio {python}, "
                                 f"twilio-node {node['signature']}")
    if signer is None:
        pick = zlib.crc32(json.dumps([url, pairs, token]).encode()) % 2
        signer = "python" if python is not None and pick == 0 else "node"
    if signer == "python":
        if python is None:
            raise ValueError(f"python3-twilio cannot sign this request: {url} {pairs} {settings} legacy={legacy}")
        return python
    return node["signature"]


def twilio_request(url, params=None, method="POST", token=TWILIO_TOKEN, signature=None, body=None,
                   headers=None, timeout=20, settings=None, legacy=False, signer=None):
    """Sends a webhook request as Twilio does: form body (POST) or query (GET),
    signed by sign() unless `signature` is given.  `params`: a dict, or
    (name, value) pairs when a name repeats.  `settings` also goes out as
    X-Twilio-Webhooks-Signature-Settings."""
    params = params or {}
    if method == "GET" and params:
        url = url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        signed_params = {}
    else:
        signed_params = params
    if signature is None:
        signature = sign(url, signed_params, token, settings=settings, legacy=legacy, signer=signer)
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    h = {"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1"}
    if settings is not None:
        h[SETTINGS_HEADER] = settings
    if method == "POST":
        if body is None:
            body = urllib.parse.urlencode(params)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    h.update(headers or {})
    start = time.monotonic()
    path = parts.path + ("?" + parts.query if parts.query else "")
    conn.request(method, path, body=body, headers=h)
    resp = conn.getresponse()
    data = resp.read().decode("utf-8", errors="replace")
    elapsed = time.monotonic() - start
    conn.close()
    return Reply(resp.status, resp.getheaders(), data, elapsed)


# --- running tests --------------------------------------------------------

class Skip(Exception):
    """Raised by a test that cannot run on this machine; the reason is printed."""


class Suite:
    """Runs test functions, prints one line each and a summary line."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def run(self, tests, only=None):
        for test in tests:
            if only and only not in test.__name__:
                continue
            start = time.monotonic()
            try:
                test()
                self.passed += 1
                print(f"ok     {self.name}: {test.__name__} ({time.monotonic() - start:.1f}s)", flush=True)
            except Skip as e:
                print(f"skip   {self.name}: {test.__name__}: {e}", flush=True)
            except Exception as e:  # a failed assertion or a harness error
                self.failed += 1
                print(f"FAILED {self.name}: {test.__name__}: {e}", flush=True)
                if not isinstance(e, AssertionError):
                    traceback.print_exc()
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 1 if self.failed else 0


def run_suite(name, start):
    """A suite's main(): makes its temporary directory, calls
    `start(dir, parts)`, which starts what the suite needs (appending each
    thing to stop, or a function that stops it, to `parts`) and returns the
    tests; runs them; stops everything in reverse order and removes the
    directory (KEEP_TMP=1 keeps it).  A failing set-up counts as one failure."""
    d = temp_dir(f"pdcf-{name}-")
    parts = []
    try:
        tests = start(d, parts)
        return Suite(name).run(tests, only=os.environ.get("ONLY"))
    except Exception as e:
        traceback.print_exc()
        print(f"FAILED {name}: set-up: {e}\n0 passed, 1 failed", flush=True)
        return 1
    finally:
        for part in reversed(parts):
            part() if callable(part) else part.stop()
        if os.environ.get("KEEP_TMP"):
            print(f"kept {d}")
        else:
            shutil.rmtree(d, ignore_errors=True)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def temp_dir(prefix):
    d = tempfile.mkdtemp(prefix=prefix)
    # nginx's workers run as another user when started as root, and need to
    # reach the FastCGI socket inside.
    os.chmod(d, 0o755)
    return d
