#!/usr/bin/python3
"""make demo: the whole path once, on loopback.

Starts the PagerDuty stand-in with a small demo roster, nginx with the
project's nginx/pd-call-forward.conf, and pd-call-forward under
spawn-fcgi; places one signed call with curl; prints the TwiML answer and
the log line; then stops everything (or, with --keep, leaves it running
and prints the curl command to call again; `make demo-stop` ends it)."""

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e"))
import harness  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

STATE = os.path.join(harness.ROOT, ".demo", "state.json")
NUMBER = "+14155550100"


def curl_command(url, params, signature):
    cmd = ["curl", "-sS", "-i", url, "-H", f"X-Twilio-Signature: {signature}"]
    for k, v in params.items():
        cmd += ["--data-urlencode", f"{k}={v}"]
    return cmd


def stop(state):
    for pid, sig in state["pids"]:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    time.sleep(0.3)
    shutil.rmtree(state["dir"], ignore_errors=True)


def stop_saved():
    if not os.path.exists(STATE):
        print("make demo-stop: no demo is running")
        return 0
    with open(STATE) as f:
        stop(json.load(f))
    os.remove(STATE)
    print("demo stopped")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--stop", action="store_true")
    args = ap.parse_args()
    if args.stop:
        return stop_saved()
    if args.keep and os.path.exists(STATE):
        print("A demo is still running; `make demo-stop` ends it.")
        return 1

    d = harness.temp_dir("pd-call-forward-demo-")
    standin = harness.StandIn(d, roster_file=os.path.join(harness.ROOT, "tests", "standin", "demo-roster.json"))
    config = harness.write_config(
        d, standin.url, timeout="5", pagerduty_extra="prefer_label = Mobile",
        routes=f"[route:platform]\nnumber = {NUMBER}\nescalation_policy = PDEMO01\n")
    fcgi = harness.FastCgi(d, config)
    nginx = harness.Nginx(d, fcgi.socket)
    state = {"dir": d, "pids": [(nginx.proc.pid, signal.SIGQUIT), (fcgi.proc.pid, signal.SIGTERM),
                                (standin.proc.pid, signal.SIGTERM)]}
    try:
        url = nginx.base + "/voice"
        params = {"CallSid": "CA0123456789abcdef0123456789abcdef", "AccountSid": "AC0123456789abcdef0123456789abcdef",
                  "From": "+14155559876", "To": NUMBER, "CallStatus": "ringing", "Direction": "inbound",
                  "ApiVersion": "2010-04-01"}
        signature = RequestValidator(harness.TWILIO_TOKEN).compute_signature(url, params)
        cmd = curl_command(url, params, signature)

        print("pd-call-forward demo: everything below runs on 127.0.0.1 only\n")
        print(f"  PagerDuty stand-in  {standin.url}  (escalation policy PDEMO01: "
              "level 1 Ada Lovelace, level 2 Grace Hopper)")
        print(f"  nginx               http://127.0.0.1:{nginx.port}  with nginx/pd-call-forward.conf")
        print(f"  pd-call-forward     spawn-fcgi on {fcgi.socket}")
        print(f"  config              {config}\n")
        print("Twilio's webhook for a call to the platform line, signed as Twilio signs it:\n")
        print("  " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        answer = subprocess.run(cmd, capture_output=True, text=True)
        print("The answer (TwiML):\n")
        print("  " + answer.stdout.replace("\r\n", "\n").strip().replace("\n", "\n  ") + "\n")
        time.sleep(0.2)
        print("The log line, from nginx's error log:\n")
        for line in nginx.log_lines():
            print("  " + line)
        print()
        body = answer.stdout.replace("\r\n", "\n").split("\n\n", 1)[-1]
        try:
            dialed = [n.text for n in ET.fromstring(body).findall("./Dial/Number")]
        except ET.ParseError:
            dialed = []
        if dialed != ["+14155550101"]:
            print("demo: the on-call (Ada Lovelace, +14155550101) was not dialed; see the files in " + d)
            args.keep = False
            return 1
        if args.keep:
            os.makedirs(os.path.dirname(STATE), exist_ok=True)
            with open(STATE, "w") as f:
                json.dump(state, f)
            print("Still running.  Call again with the curl command above; `make demo-stop` ends it.")
        return 0
    finally:
        if not args.keep:
            stop(state)
            print("demo stopped")


if __name__ == "__main__":
    sys.exit(main())
