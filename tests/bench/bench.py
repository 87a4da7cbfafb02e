#!/usr/bin/python3
"""make bench: pd-call-forward through nginx against the PagerDuty stand-in
answering every request after a fixed 100 ms, with a warm cache and a cold
one, beside a hello-world libfcgi program behind the same nginx, the
ceiling for this architecture; and a line called once every two minutes
for ten minutes, across a shift change, its clock sped up by libfaketime.
Prints requests per second, p50/p99 latency and PagerDuty requests per
call, and writes them to BENCHMARKS.md with the machine they ran on."""

import argparse
import gc
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

LATENCY_MS = 100
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


# The rarely called line: ten minutes of the program's time, five times
# faster than the wall clock (libfaketime), so two minutes between calls
# take 24 s.  The stand-in keeps the real time: the program names since and
# until in every request, and the shifts are given in the program's time.
RARE_SPEED = 5
RARE_START = 1_796_119_200  # 2026-12-01 10:00:00 UTC, the program's clock at start
RARE_EVERY = 120            # seconds between calls, in the program's time
RARE_CALLS = 5              # after the line's first call ever
RARE_CHANGE = 330           # Ada hands over to Grace, between the 2nd and 3rd
RARE_TTL = 60
RARE_LINES = 10             # lines alike, each called once at each of those times
ADA_PHONE, GRACE_PHONE = "+14155550101", "+14155550102"


def utc(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def rare_line(top, standin, build):
    """Lines called every two minutes, with oncall_ttl 60: each call's
    latency and who it dialed, and what PagerDuty was asked meanwhile.
    Each round opens with a request to the hello-world program behind its
    own nginx: what the pause itself costs the first request after it (a
    machine and a web server woken up), whatever answers it."""
    change = RARE_START + RARE_CHANGE
    lines = [(f"+1415555{300 + i:04d}", f"PEPLINE{i}") for i in range(RARE_LINES)]
    shifts = []
    for _, policy in lines:
        shifts += [(policy, 1, "PADA001", {"end": utc(change)}),
                   (policy, 1, "PGRACE1", {"start": utc(change), "end": utc(change + 86400)})]
    standin.set_roster(harness.roster(
        shifts, [harness.person("PADA001", "Ada Lovelace", (1, "4155550101", "Mobile")),
                 harness.person("PGRACE1", "Grace Hopper", (1, "4155550102", "Mobile"))],
        escalation_policies={policy: {"name": policy} for _, policy in lines}))
    d = os.path.join(top, "rare")
    os.mkdir(d)
    os.chmod(d, 0o755)
    routes = "".join(f"[route:line{i}]\nnumber = {number}\nescalation_policy = {policy}\n\n"
                     for i, (number, policy) in enumerate(lines))
    config = harness.write_config(d, standin.url, timeout="5", routes=routes,
                                  caching={"oncall_ttl": RARE_TTL, "contact_ttl": 3600, "stale_max": 86400})
    when = time.strftime("@%Y-%m-%d %H:%M:%S", time.gmtime(RARE_START)) + f" x{RARE_SPEED}"
    # NO_FAKE_STAT: the times of the cache's files are read as written, not
    # moved as if they were real times (the marks of which lines are used).
    fcgi = harness.FastCgi(d, config, children=WORKERS, wrapper=["env", "TZ=UTC", "NO_FAKE_STAT=1", "faketime", "-m",
                                                                 "--exclude-monotonic", "-f", when])
    started = time.monotonic()
    nginx = harness.Nginx(d, fcgi.socket)
    dh = os.path.join(top, "rare-hello")
    os.mkdir(dh)
    os.chmod(dh, 0o755)
    hello_fcgi, hello_nginx = stack(dh, os.path.join(harness.ROOT, build, "bench-hello"), None, ("--log",))
    calls = []
    woken = []
    try:
        url = nginx.base + "/voice"

        # Signed beforehand: what is timed is the request alone.
        validator = RequestValidator(harness.TWILIO_TOKEN)
        signed = {number: (harness.incoming_call(to=number),
                           validator.compute_signature(url, harness.incoming_call(to=number)))
                  for number, _ in lines}

        def one_call(number):
            """The time from sending the request to the last byte of the
            answer, and who it dialed."""
            params, signature = signed[number]
            r = harness.twilio_request(url, params, signature=signature)
            dialed = r.twiml().find("Dial/Number")
            return r.elapsed * 1000, dialed.text if dialed is not None else None

        def calls_at(program_seconds):
            """Each line called once, and again at once as a busy line is."""
            time.sleep(max(0.0, started + program_seconds / RARE_SPEED - time.monotonic()))
            woken.append(harness.twilio_request(hello_nginx.base + "/voice", {}, signature="x").elapsed * 1000)
            return [(one_call(number), one_call(number)[0]) for number, _ in lines]

        calls_at(0)  # each line's first call ever: it has to ask
        standin.clear_requests()
        gc.disable()  # no pause of the client's own in what is timed
        for k in range(1, RARE_CALLS + 1):
            for (took, dialed), busy in calls_at(k * RARE_EVERY):
                calls.append({"at": k * RARE_EVERY, "ms": took, "busy_ms": busy, "dialed": dialed,
                              "expected": ADA_PHONE if k * RARE_EVERY < RARE_CHANGE else GRACE_PHONE})
        asked = [q for q in standin.requests() if q["path"] != "/v2/enqueue"]
    finally:
        gc.enable()
        nginx.stop()
        fcgi.stop()
        hello_nginx.stop()
        hello_fcgi.stop()
    oncalls = sum(1 for q in asked if q["path"] == "/oncalls")
    span = RARE_CALLS * RARE_EVERY
    return {"calls": calls, "p50": percentile([c["ms"] for c in calls], 50),
            "p99": percentile([c["ms"] for c in calls], 99),
            "busy_p50": percentile([c["busy_ms"] for c in calls], 50),
            "busy_p99": percentile([c["busy_ms"] for c in calls], 99),
            "pd_per_call": len(asked) / (2 * len(calls)), "oncalls_per_ttl": oncalls / (span / RARE_TTL) / RARE_LINES,
            "phones": sum(1 for q in asked if q["path"].startswith("/users/")),
            # A call that took as long as one PagerDuty request waited for it.
            "waited": sum(1 for c in calls if max(c["ms"], c["busy_ms"]) >= LATENCY_MS),
            "right": all(c["dialed"] == c["expected"] for c in calls), "woken": woken[1:]}


def percentile(values, p):
    """The nearest-rank percentile, as "1.23ms"."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, -(-p * len(ordered) // 100) - 1))
    return f"{ordered[rank]:.2f}ms"


def worker_memory(program):
    """Each running worker's memory (KiB): resident, at its peak, its share
    of the pages it shares with the others (PSS), and its own alone: the
    processes whose executable is `program`."""
    real = os.path.realpath(program)
    found = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and os.path.realpath(f"/proc/{pid}/exe") == real:
                status = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status") if ":" in l)
                smaps = dict(l.split(":", 1) for l in open(f"/proc/{pid}/smaps_rollup") if ":" in l)
                kib = lambda d, k: int(d[k].split()[0])  # noqa: E731
                found.append({"rss": kib(status, "VmRSS"), "peak": kib(status, "VmHWM"), "pss": kib(smaps, "Pss"),
                              "private": kib(smaps, "Private_Clean") + kib(smaps, "Private_Dirty")})
        except OSError:
            continue
    return found


CGI_RUNS = 200
CGI_PEAK_RUNS = 10
CGI_URL = "https://example.com/pd-call-forward.cgi"


def cgi_runs(top, standin, name, program):
    """`program` run as CGI, as a web server runs it for each request, for a
    signed call answered from a warm cache: wall time from exec to exit,
    beside /bin/true run the same way (what starting a process costs here
    at all), and the peak memory of a run.  GNU time measures that: a child
    of this Python process would report Python's own peak (Linux keeps the
    peak of the memory a process had before exec)."""
    d = os.path.join(top, name)
    os.mkdir(d)
    os.chmod(d, 0o755)
    config = harness.write_config(d, standin.url, timeout="5", twilio_extra=f"public_url = {CGI_URL}",
                                  caching={"oncall_ttl": 3600, "contact_ttl": 3600, "stale_max": 86400})
    params = harness.incoming_call()
    body = urllib.parse.urlencode(params).encode()
    env = {"PATH": "/usr/bin:/bin", "REQUEST_METHOD": "POST", "PATH_INFO": "/voice", "QUERY_STRING": "",
           "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
           "SERVER_NAME": "example.com", "SERVER_PORT": "443", "HTTPS": "on", "SCRIPT_NAME": "/pd-call-forward.cgi",
           "HTTP_X_TWILIO_SIGNATURE": RequestValidator(harness.TWILIO_TOKEN).compute_signature(CGI_URL + "/voice", params),
           "PD_CALL_FORWARD_CONFIG": config}

    def one(argv):
        r, w = os.pipe()
        out = os.open(os.devnull, os.O_WRONLY)
        begun = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=[(os.POSIX_SPAWN_DUP2, r, 0),
                                                               (os.POSIX_SPAWN_DUP2, out, 1),
                                                               (os.POSIX_SPAWN_DUP2, out, 2)])
        os.close(r)
        try:
            os.write(w, body)
        except BrokenPipeError:  # /bin/true reads nothing
            pass
        os.close(w)
        _, status, usage = os.wait4(pid, 0)
        took = (time.perf_counter() - begun) * 1000
        os.close(out)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{argv[0]} exited {status}")
        return took

    one([program])  # the cache filled
    ms = [one([program]) for _ in range(CGI_RUNS)]
    true = [one(["/bin/true"]) for _ in range(CGI_RUNS)]
    peak = 0
    for _ in range(CGI_PEAK_RUNS):
        timed = subprocess.run(["/usr/bin/time", "-f", "%M", program], input=body, env=env, capture_output=True, check=True)
        peak = max(peak, int(timed.stderr.decode().strip().splitlines()[-1]))
    return {"p50": percentile(ms, 50), "p99": percentile(ms, 99), "rss_kib": peak,
            "true_p50": percentile(true, 50)}


# The throughput rows take turns, ROUNDS times each: this 2-CPU machine's
# speed drifts during a run (wrk, nginx and the workers share the CPUs),
# and taking turns makes it drift for every row alike.
ROUNDS = 5
WARM = {"oncall_ttl": 60, "contact_ttl": 3600, "stale_max": 86400}


def median_of(values):
    return sorted(values)[len(values) // 2]


def throughput(top, standin, build, portable, seconds):
    """The hello-world programs and the warm path, shared and portable, each
    behind its own nginx, all up at once; wrk on each in turn.  Each row is
    its median round; `ratio`, the median over the rounds of its requests/s
    against the hello-world program's in the same round."""
    hello = os.path.join(harness.ROOT, build, "bench-hello")
    setups = [("hello", hello, None, ()), ("hello-log", hello, None, ("--log",)),
              ("warm", harness.PROGRAM, WARM, ()), ("warm-portable", portable, WARM, ())]
    stacks = {}
    try:
        for name, program, caching, args in setups:
            d = os.path.join(top, name)
            os.mkdir(d)
            os.chmod(d, 0o755)
            config = harness.write_config(d, standin.url, timeout="5", caching=caching) if caching else None
            fcgi, nginx = stack(d, program, config, args)
            stacks[name] = (d, nginx.base + "/voice", fcgi, nginx)
            if caching:
                harness.twilio_request(nginx.base + "/voice", harness.incoming_call())  # fill the cache
        rounds = {name: [] for name, *_ in setups}
        for _ in range(ROUNDS):
            for name, *_ in setups:
                d, url, _, _ = stacks[name]
                standin.clear_requests()
                r = wrk(url, d, seconds)
                r["asked"] = len([q for q in standin.requests() if q["path"] != "/v2/enqueue"])
                rounds[name].append(r)
        results = {}
        for name, program, caching, _ in setups:
            runs = rounds[name]
            r = dict(sorted(runs, key=lambda x: x["rps"])[len(runs) // 2])
            r["errors"] = sum(x["errors"] for x in runs)
            r["pd_per_call"] = sum(x["asked"] for x in runs) / max(1, sum(x["requests"] for x in runs))
            r["ratio"] = median_of([x["rps"] / h["rps"] for x, h in zip(runs, rounds["hello"])])
            r["ratio_log"] = median_of([x["rps"] / h["rps"] for x, h in zip(runs, rounds["hello-log"])])
            r["rounds"] = [x["rps"] for x in runs]
            if caching:
                r["memory"] = worker_memory(program)
            results[name] = r
        return results
    finally:
        for _, _, fcgi, nginx in stacks.values():
            nginx.stop()
            fcgi.stop()


def cold(top, standin, seconds):
    """Nothing cached: every call asks PagerDuty, LATENCY_MS a request."""
    d = os.path.join(top, "cold")
    os.mkdir(d)
    os.chmod(d, 0o755)
    config = harness.write_config(d, standin.url, timeout="5", caching=harness.NO_CACHING)
    fcgi, nginx = stack(d, harness.PROGRAM, config)
    try:
        standin.clear_requests()
        r = wrk(nginx.base + "/voice", d, seconds)
        r["pd_per_call"] = len([q for q in standin.requests() if q["path"] != "/v2/enqueue"]) / max(1, r["requests"])
        return r
    finally:
        nginx.stop()
        fcgi.stop()


def run(build, seconds, portable):
    with tempfile.TemporaryDirectory(prefix="pdcf-bench-") as top:
        os.chmod(top, 0o755)
        standin = harness.StandIn(top)
        try:
            standin.set_roster(ROSTER)
            standin._control("PUT", "/_standin/latency", {"ms": LATENCY_MS})
            results = throughput(top, standin, build, portable, seconds)
            results["cold"] = cold(top, standin, 2 * seconds)
            standin.set_roster(ROSTER)
            results["cgi"] = cgi_runs(top, standin, "cgi", harness.PROGRAM)
            results["cgi-portable"] = cgi_runs(top, standin, "cgi-portable", portable)
            results["rare"] = rare_line(top, standin, build)
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
    rows = [("hello-world libfcgi (ceiling)", results["hello"]),
            ("hello-world, one log line per request", results["hello-log"]),
            ("pd-call-forward, warm cache", results["warm"]),
            ("pd-call-forward, warm cache, the portable binary", results["warm-portable"]),
            ("pd-call-forward, cold cache", results["cold"])]
    lines = [f"| setup | requests/s | p50 | p99 | PagerDuty requests per call | of the ceiling |",
             f"| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in rows:
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else "-"
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']} | {r['p99']} | {r['pd_per_call']:.3f} | {ratio} |")
    rare = results["rare"]
    lines.append(f"| pd-call-forward, lines called every 2 min for 10 min | - | {rare['p50']} | {rare['p99']} "
                 f"| {rare['pd_per_call']:.3f} (in the background) | - |")
    table = "\n".join(lines)
    rows_at = []
    for at in sorted({c["at"] for c in rare["calls"]}):
        these = [c for c in rare["calls"] if c["at"] == at]
        right = sum(c["dialed"] == c["expected"] for c in these)
        on_call = "Ada" if these[0]["expected"] == ADA_PHONE else "Grace"
        rows_at.append(f"| {at // 60} min | {on_call} | {right} of {len(these)} | {percentile([c['ms'] for c in these], 50)} | "
                       f"{max(c['ms'] for c in these):.2f}ms | {percentile([c['busy_ms'] for c in these], 50)} |")
    rare_table = ("| after | on call then | calls that reached them | p50 | slowest | called again at once, p50 |\n"
                  "| ---: | --- | ---: | ---: | ---: | ---: |\n" + "\n".join(rows_at) +
                  f"\n| all {len(rare['calls'])} | | | {rare['p50']} | p99 {rare['p99']} | "
                  f"{rare['busy_p50']}, p99 {rare['busy_p99']} |" +
                  f"\n\nThe hello-world program, called first in each round after the same pause: "
                  f"{', '.join(f'{ms:.2f}ms' for ms in rare['woken'])}.")
    errors = sum(r["errors"] for _, r in rows) + (0 if rare["right"] else 1) + rare["waited"]
    resources = "\n".join(resource_lines(results[warm], results[cgi], build)
                           for warm, cgi, build in (("warm", "cgi", "the shared build (`make`)"),
                                                    ("warm-portable", "cgi-portable", "the portable binary (`make portable`)")))
    return table, rare_table, resources, errors


def resource_lines(warm, cgi, build):
    memory = warm["memory"]
    most = lambda k: max(m[k] for m in memory) / 1024  # noqa: E731
    return (f"- {build}, FastCGI, after its warm run: {len(memory)} workers, each at most {most('rss'):.1f} MiB "
            f"resident ({most('peak'):.1f} MiB at its peak), of which {most('private'):.1f} MiB its own and the rest "
            f"pages of the program and its libraries, which the workers share: {most('pss'):.1f} MiB each, counting "
            f"each shared page once over those who share it (PSS).\n"
            f"- {build}, CGI, a warm call from exec to exit ({CGI_RUNS} runs, the signature checked, the on-call "
            f"from the cache file): p50 {cgi['p50']}, p99 {cgi['p99']}; starting /bin/true the same way takes "
            f"{cgi['true_p50']}.  At most {cgi['rss_kib'] / 1024:.1f} MiB resident (GNU time, {CGI_PEAK_RUNS} runs).")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--portable", default="build/portable/pd-call-forward", help="the binary of make portable")
    ap.add_argument("--seconds", type=int, default=4, help="of each round of wrk")
    ap.add_argument("--write", help="record the results in this Markdown file")
    args = ap.parse_args()
    results = run(args.build, args.seconds, os.path.join(harness.ROOT, args.portable))
    table, rare_table, resources, errors = report(results, args.seconds)
    print(table)
    print()
    print(rare_table)
    print()
    print(resources)
    print(f"\n/oncalls requests per oncall_ttl on the rarely called line: {results['rare']['oncalls_per_ttl']:.2f}")
    for name in ("hello", "hello-log", "warm", "warm-portable"):
        print(f"{name}: requests/s in each round: {', '.join(f'{x:.0f}' for x in results[name]['rounds'])}")
    print(f"\nwarm / hello-world: {results['warm']['ratio']:.2f}, "
          f"warm / hello-world with its log line: {results['warm']['ratio_log']:.2f}")
    if errors:
        print(f"{errors} answers were not 2xx, or calls reached the wrong person or waited for PagerDuty")
        return 1
    if args.write:
        record = RECORD.format(date=time.strftime("%Y-%m-%d"), machine=machine(), seconds=args.seconds,
                               latency=LATENCY_MS, table=table, rare_table=rare_table, resources=resources,
                               oncalls_per_ttl=results["rare"]["oncalls_per_ttl"], lines=RARE_LINES,
                               phones=results["rare"]["phones"],
                               speed=RARE_SPEED, rounds=ROUNDS, cold_seconds=2 * args.seconds, ratio=results["warm"]["ratio"],
                               ratio_log=results["warm"]["ratio_log"],
                               ratio_portable=results["warm-portable"]["ratio"],
                               each_round=", ".join(f"{x:.2f}" for x in (w / h for w, h in zip(
                                   results["warm"]["rounds"], results["hello"]["rounds"]))))
        write_record(args.write, record)
        print(f"written to {args.write}")
    return 0


# BENCHMARKS.md keeps what follows the measured part (the profiles, which a
# person reads and writes): --write replaces only what comes before it.
KEPT = "\n## Profile of the warm path\n"


def write_record(path, record):
    kept = ""
    if os.path.exists(path):
        text = open(path).read()
        if KEPT in text:
            kept = text[text.index(KEPT):]
    with open(path, "w") as f:
        f.write(record + kept)


RECORD = """\
# Benchmarks

`make bench` (not part of `make check`) runs pd-call-forward through nginx
against the project's PagerDuty stand-in, which answers every request after
a fixed {latency} ms, and, beside it, a hello-world libfcgi program
(`tests/bench/hello.cpp`) behind the same nginx: the ceiling for a FastCGI
program behind nginx on this machine.  Every request is a signed incoming
call, checked and answered in full, with its log line.  The hello-world
programs and the warm path take turns: wrk sends requests to each for
{seconds} s, {rounds} times over.  Each row is its median round, and "of
the ceiling" the median over the rounds of its requests/s against the
hello-world program's in the same round: this machine's speed drifts
during a run, and taking turns makes it drift for every row alike.

- **warm cache**: the on-call and the phone are in the cache, as for a line
  called within the last minute (`oncall_ttl = 60`); the shared build
  (`make`) and the portable binary (`make portable`).
- **cold cache**: nothing is cached (`oncall_ttl = 0`): every call asks
  PagerDuty for the on-calls and the phone, {latency} ms each; one run of
  {cold_seconds} s, on its own.
- **lines called every 2 min**: {lines} lines, each called once every two
  minutes for ten minutes (`oncall_ttl = 60`, so each answer has expired
  between two calls), with a shift change from Ada to Grace after 5.5
  minutes.  The program's clock runs {speed} times faster than the wall
  clock (libfaketime), so the ten minutes take two; the workers' refresh
  threads keep every answer fresh ahead of its expiry.  Latency is from
  sending the request to the last byte of the answer.

Recorded {date} on {machine}.

{table}

PagerDuty requests per call count every request made while the calls ran;
for the lines called every 2 minutes (each call made twice: after the
pause, and again at once) they are the workers' refreshes, which no call
waited for: {oncalls_per_ttl:.2f} `/oncalls` requests per
line per `oncall_ttl` (at most 2 allowed), and phone lookups: {phones}
(Grace's, ahead of her shift).

{rare_table}

No call waited for PagerDuty ({latency} ms a request): every one was
answered from the cache its workers refreshed ahead, and every call after
the shift change reached the new on-call.  The first request of a round
comes after a pause of 24 s of wall time, in which the machine and the
web server fall idle; the hello-world program's first request in each
round shows what that costs whatever answers it.

The warm path reaches {ratio:.0%} of the bare hello-world ceiling
(the portable binary {ratio_portable:.0%}), and {ratio_log:.0%} of a
hello-world that, like pd-call-forward, writes one log line per request.
Round by round, against the bare ceiling: {each_round}.  The shared
build and the portable binary differ by less than the rounds do: both
spend the same CPU on a request, within a few percent (the workers'
CPU time from /proc around interleaved wrk runs).

The cold path is bound by PagerDuty's latency (two requests of {latency} ms
per call, four processes), which is what the cache is for.

## Memory and start-up

{resources}
"""

if __name__ == "__main__":
    sys.exit(main())
