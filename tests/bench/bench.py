#!/usr/bin/python3
"""make bench: pd-call-forward through nginx against the PagerDuty stand-in
answering every request after a fixed 50 ms, with a warm cache and a cold
one, beside a hello-world libfcgi program behind the same nginx, the
ceiling for this architecture.  Prints requests per second, p50/p99
latency and PagerDuty requests per call, and writes them to BENCHMARKS.md
with the machine they ran on."""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e"))
import harness  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

LATENCY_MS = 50
CONNECTIONS = 16
WORKERS = 4
ROSTER = harness.roster([("PEPOPS1", 1, "PADA001")],
                        [harness.person("PADA001", "Ada Lovelace", (1, "4155550101", "Mobile"))])

WRK_SCRIPT = """\
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Twilio-Signature"] = {signature}
"""


def lua_string(s):
    return '"' + s.replace("\\\\", "\\\\\\\\").replace('"', '\\\\"') + '"'


def wrk(url, d, seconds):
    """Signed incoming calls, the same one over and over, from CONNECTIONS clients."""
    params = harness.incoming_call()
    body = urllib.parse.urlencode(params)
    signature = RequestValidator(harness.TWILIO_TOKEN).compute_signature(url, params)
    script = os.path.join(d, "call.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT.format(body=lua_string(body), signature=lua_string(signature)))
    out = subprocess.run(["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", "-s", script, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    return {"rps": rps, "requests": total, "p50": lat.get("50"), "p99": lat.get("99"),
            "errors": int(errors.group(1)) if errors else 0}


def stack(d, program, config, args=()):
    fcgi = harness.FastCgi(d, config, children=WORKERS, program=program, extra=args)
    nginx = harness.Nginx(d, fcgi.socket)
    return fcgi, nginx


def run(build, seconds):
    results = {}
    with tempfile.TemporaryDirectory(prefix="pdcf-bench-") as top:
        os.chmod(top, 0o755)
        standin = harness.StandIn(top)
        try:
            standin.set_roster(ROSTER)
            standin._control("PUT", "/_standin/latency", {"ms": LATENCY_MS})
            for name, caching in (("warm", {"oncall_ttl": 60, "contact_ttl": 3600, "stale_max": 86400}),
                                  ("cold", harness.NO_CACHING)):
                d = os.path.join(top, name)
                os.mkdir(d)
                os.chmod(d, 0o755)
                config = harness.write_config(d, standin.url, timeout="5", caching=caching)
                fcgi, nginx = stack(d, harness.PROGRAM, config)
                try:
                    url = nginx.base + "/voice"
                    if name == "warm":
                        harness.twilio_request(url, harness.incoming_call())  # fill the cache
                    standin.clear_requests()
                    r = wrk(url, d, seconds)
                    api = [q for q in standin.requests() if q["path"] != "/v2/enqueue"]
                    r["pd_per_call"] = len(api) / max(1, r["requests"])
                    results[name] = r
                finally:
                    nginx.stop()
                    fcgi.stop()
            for name, args in (("hello", ()), ("hello-log", ("--log",))):
                d = os.path.join(top, name)
                os.mkdir(d)
                os.chmod(d, 0o755)
                fcgi, nginx = stack(d, os.path.join(harness.ROOT, build, "bench-hello"), None, args)
                try:
                    results[name] = wrk(nginx.base + "/voice", d, seconds)
                    results[name]["pd_per_call"] = 0.0
                finally:
                    nginx.stop()
                    fcgi.stop()
        finally:
            standin.stop()
    return results


def machine():
    cpu = "unknown"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    nginx = subprocess.run([harness.which("nginx"), "-v"], capture_output=True, text=True).stderr.strip()
    return (f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
            f"{nginx}, spawn-fcgi -F {WORKERS}, wrk -t 2 -c {CONNECTIONS}")


def report(results, seconds):
    ceiling = results["hello"]["rps"]
    rows = [("hello-world libfcgi (ceiling)", results["hello"]),
            ("hello-world, one log line per request", results["hello-log"]),
            ("pd-call-forward, warm cache", results["warm"]),
            ("pd-call-forward, cold cache", results["cold"])]
    lines = [f"| setup | requests/s | p50 | p99 | PagerDuty requests per call | of the ceiling |",
             f"| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in rows:
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']} | {r['p99']} | {r['pd_per_call']:.3f} | "
                     f"{r['rps'] / ceiling:.2f} |")
    table = "\n".join(lines)
    errors = sum(r["errors"] for _, r in rows)
    return table, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--write", help="record the results in this Markdown file")
    args = ap.parse_args()
    results = run(args.build, args.seconds)
    table, errors = report(results, args.seconds)
    print(table)
    print(f"\nwarm / hello-world: {results['warm']['rps'] / results['hello']['rps']:.2f}, "
          f"warm / hello-world with its log line: {results['warm']['rps'] / results['hello-log']['rps']:.2f}")
    if errors:
        print(f"{errors} answers were not 2xx")
        return 1
    if args.write:
        with open(args.write, "w") as f:
            f.write(RECORD.format(date=time.strftime("%Y-%m-%d"), machine=machine(), seconds=args.seconds,
                                  latency=LATENCY_MS, table=table,
                                  ratio=results["warm"]["rps"] / results["hello"]["rps"],
                                  ratio_log=results["warm"]["rps"] / results["hello-log"]["rps"]))
        print(f"written to {args.write}")
    return 0


RECORD = """\
# Benchmarks

`make bench` (not part of `make check`) runs pd-call-forward through nginx
against the project's PagerDuty stand-in, which answers every request after
a fixed {latency} ms, and, beside it, a hello-world libfcgi program
(`tests/bench/hello.cpp`) behind the same nginx: the ceiling for a FastCGI
program behind nginx on this machine.  Every request is a signed incoming
call, checked and answered in full; wrk sends them for {seconds} s.

- **warm cache**: the on-call and the phone are in the cache, as for a line
  called within the last minute (`oncall_ttl = 60`).
- **cold cache**: nothing is cached (`oncall_ttl = 0`): every call asks
  PagerDuty for the on-calls and the phone, {latency} ms each.

Recorded {date} on {machine}.

{table}

The warm path reaches {ratio:.0%} of the bare hello-world ceiling, and
{ratio_log:.0%} of a hello-world that, like pd-call-forward, writes one log
line per request, at well under a millisecond per call.  What is left is
pd-call-forward's own work: reading the request, decoding the form,
checking the signature, taking the on-call from the cache (from memory
while it is fresh), writing the TwiML and its longer log line.  Runs on
this 2-CPU machine, where wrk, nginx and the workers share the CPUs, vary
by about 10%.

The cold path is bound by PagerDuty's latency (two requests of {latency} ms
per call, four processes: about 40 calls a second), which is what the cache
is for.
"""

if __name__ == "__main__":
    sys.exit(main())
