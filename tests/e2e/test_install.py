#!/usr/bin/python3
"""What ships besides the binary: the man pages lint clean, the example
config is valid and documented, `make install`/`uninstall` honour PREFIX and
DESTDIR, and the README shows the commands the project really runs."""

import concurrent.futures
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PROGRAM, ROOT, SANITIZER_ENV, Skip, Suite, check

MAN_PAGES = ["man/pd-call-forward.8", "man/pd-call-forward.ini.5"]


def test_man_pages_lint_clean():
    for page in MAN_PAGES:
        p = subprocess.run(["mandoc", "-Tlint", "-Wall", os.path.join(ROOT, page)], capture_output=True, text=True)
        # Cross-references to pages not installed on this machine, and the
        # state of its man database, say nothing about our pages.
        problems = [l for l in (p.stdout + p.stderr).splitlines()
                    if l and "referenced manual not found" not in l and "mandoc.db" not in l]
        check(not problems, f"{page}: {problems}")


def limits():
    """Every constant of src/core/limits.hpp: name → value (durations in ms)."""
    text = open(os.path.join(ROOT, "src/core/limits.hpp")).read()
    found = {}
    for name, assigned, braced in re.findall(r"constexpr [\w:<>]+ (\w+)\s*(?:=\s*([^;{]+)|\{([^}]+)\});", text):
        expr = assigned or braced
        check(re.fullmatch(r"[\d\s*]+", expr), f"{name} = {expr}: not a product of numbers")
        value = 1
        for factor in expr.split("*"):
            value *= int(factor)
        found[name] = value
    return found


def size(n):
    return f"{n // 1048576} MiB" if n % 1048576 == 0 else f"{n // 1024} KiB" if n % 1024 == 0 else f"{n} bytes"


def seconds(ms):
    return f"{ms / 1000:g}"


def days(s):
    return f"{s // 86400} days" if s % 86400 == 0 else f"{s // 3600} hour" + ("s" if s // 3600 != 1 else "")


# Where pd-call-forward(8)'s LIMITS section states each limit.  A new
# constant in src/core/limits.hpp fails this test until it is documented.
LIMIT_TEXT = {
    "max_body": lambda v: f"It Request body: {size(v)}",
    "max_body_drain": lambda v: f"Up to {size(v)} of an oversized body",
    "max_params": lambda v: f"It Parameters: {v} per query string or body",
    "max_param_length": lambda v: f"or body, {size(v)} each 400, for a name or value over {size(v)} once decoded",
    "max_request_variable": lambda v: f"It CGI variables: {size(v)} each",
    "max_signature_header": lambda v: f"HTTP_X_TWILIO_SIGNATURE : No {v} bytes",
    "max_signature_settings": lambda v: f"HTTP_X_TWILIO_WEBHOOKS_SIGNATURE_SETTINGS : No {v} bytes",
    "max_pagerduty_response": lambda v: f"It PagerDuty answer: {size(v)}",
    "max_retry_after": lambda v: f"It Retry-After: {v} seconds A longer wait asked by a 429 counts as {v},",
    "oncall_page_limit": lambda v: f"pages of {v}",
    "max_oncall_pages": lambda v: f"It On-call entries: {v} pages",
    "max_dial_numbers": lambda v: f"It Numbers dialed at once: {v}",
    "max_tried_names": lambda v: f"missed-call alert: {v},",
    "max_tried_name": lambda v: f"alert: 20, {v} bytes each",
    "max_callback_url": lambda v: f"It Callback URLs: {size(v)} each",
    "max_caller_in_url": lambda v: f"a longer SIP address is cut to {v} bytes",
    "max_config_file": lambda v: f"It Configuration file: {size(v)};",
    "max_secret_file": lambda v: f"each secret file: {size(v)}",
    "max_cache_entry": lambda v: f"It Cache entry: {size(v)}",
    "max_spool_name": lambda v: f"CallSid cut to {v} letters and digits",
    "max_spool_listed": lambda v: f"digits; {v} alerts a pass",
    "max_spool_file": lambda v: f"It Spooled alert: {size(v)}",
    "max_noted_entries": lambda v: f"It Ignored files named in the log: {v} a process",
    "min_missed_call_wait": lambda v: f"Ic missed_call_wait {v} to",
    "max_missed_call_wait": lambda v: f"missed_call_wait 5 to {v},",
    "min_transcription_wait": lambda v: f"Ic transcription_wait {v} to",
    "max_transcription_wait": lambda v: f"transcription_wait 10 to {v},",
    "max_parallel_requests": lambda v: f"in flight for one call: {v}",
    "dns_refresh": lambda v: f"It PagerDuty's address: looked up again every {v} seconds",
    "pagerduty_costly_failure": lambda v: f"It PagerDuty down: after a failure that took {seconds(v)} second;",
    "pagerduty_down_for": lambda v: f"took 1 second; for {v} seconds",
    "max_request_start_ahead": lambda v: f"X-Request-Start : No {seconds(v)} second ahead,",
    "max_queue_wait": lambda v: f"second ahead, {seconds(v)} seconds behind;",
    "min_budget_after_queue": lambda v: f"seconds behind; {seconds(v)} second kept",
    "min_pagerduty_timeout": lambda v: f"Ic timeout {seconds(v)} to",
    "max_pagerduty_timeout": lambda v: f"to {seconds(v)} seconds,",
    "min_dial_timeout": lambda v: f"Ic dial_timeout {v} to",
    "max_dial_timeout": lambda v: f"dial_timeout 5 to {v},",
    "max_loops": lambda v: f"Ic max_loops up to {v},",
    "min_screen_timeout": lambda v: f"Ic screen_timeout {v} to",
    "max_screen_timeout": lambda v: f"screen_timeout 3 to {v},",
    "min_voicemail_length": lambda v: f"Ic voicemail_max_length {v} to",
    "max_voicemail_length": lambda v: f"voicemail_max_length 5 to {v},",
    "max_oncall_ttl": lambda v: f"Ic oncall_ttl up to {days(v)},",
    "max_contact_ttl": lambda v: f"Ic contact_ttl up to {days(v)},",
    "max_stale": lambda v: f"Ic stale_max up to {days(v)},",
    "max_alert_summary": lambda v: f"cut to {v} bytes",
    "max_dedup_key": lambda v: f"keys to {v},",
    "max_caller_list": lambda v: f"It Caller lists: {v} numbers or prefixes each",
    "max_sms_messages": lambda v: f"It Texts in one answer: {v}, each cut to",
    "max_sms_length": lambda v: f"each cut to {v} characters",
    "max_menu_retries": lambda v: f"Ic menu_retries up to {v},",
    "min_menu_timeout": lambda v: f"Ic menu_timeout {v} to",
    "max_menu_timeout": lambda v: f"menu_timeout 1 to {v},",
    "max_name_in_url": lambda v: f"for the call's alert, is cut to {v} bytes",
    "max_reason_url": lambda v: f"only when its URL is at most {v} bytes",
    "max_caller_calls": lambda v: f"It Calls counted in a repeat window: {v}",
    "max_repeat_calls_kept": lambda v: f"its first {v} calls are kept by CallSid",
    "min_reason_length": lambda v: f"Ic reason_max_length {v} to",
    "max_reason_length": lambda v: f"reason_max_length 3 to {v},",
    "max_repeat_window": lambda v: f"Ic repeat_window up to {v} seconds,",
    "max_caller_limit": lambda v: f"Ic caller_limit up to {v},",
    "max_audio_url": lambda v: f"It Recordings: {v} bytes of URL",
    "max_readiness_ahead": lambda v: f"It Readiness: Fl -ahead No up to {days(v)}",
    "max_refresh_idle": lambda v: f"Ic refresh_idle up to {days(v)}.",
    "refresh_tick": lambda v: f"It Refreshing ahead: every {v} ms;",
    "refresh_retry": lambda v: f"after a failure, {v} seconds",
    "wanted_mark_every": lambda v: f"at most once an hour ({v} seconds) a process",
    "max_refresh_log": lambda v: f"keeps at most {size(v)} of failures",
    "refresh_every": lambda v: f"refreshes what expires within {v} seconds of its run",
    "max_hours_ranges": lambda v: f"It Opening hours: {v} ranges in one Ic hours",
    "max_hours_lookahead": lambda v: f"looks up to {v} days ahead for the next change",
    "max_holidays_file": lambda v: f"It Holidays file: {size(v)}",
    "max_holiday_occurrences": lambda v: f"followed for up to {v} occurrences, none after",
    "holidays_until_year": lambda v: f"none after the year {v};",
    "max_holiday_days": lambda v: f"a file gives at most {v} days in all",
    "max_series": lambda v: f"It Metrics: {v} series",
    "max_series_name": lambda v: f"series of at most {v} bytes each",
    "max_history_record": lambda v: f"It Call history: records of at most {size(v)}",
    "min_history": lambda v: f"Ic history_max {size(v)} to",
    "max_history": lambda v: f"history_max 64 KiB to {size(v)}",
    "max_calls_since": lambda v: f"Fl -since goes back up to {days(v)}",
}


def test_every_limit_is_in_the_man_page():
    page = open(os.path.join(ROOT, "man/pd-call-forward.8")).read()
    section = page[page.index(".Sh LIMITS"):page.index(".Sh SEE ALSO")]
    # One line of words, as a reader sees it: roff's line starts and
    # argument quoting aside.
    words = " ".join(l.lstrip(".").strip() for l in section.splitlines())
    words = re.sub(r"\s+", " ", words)
    values = limits()
    check(len(values) >= 30, f"only {len(values)} constants read from src/core/limits.hpp")
    undocumented = sorted(set(values) - set(LIMIT_TEXT))
    check(not undocumented, f"src/core/limits.hpp has limits the man page's LIMITS section lacks: {undocumented}")
    wrong = [f"{name}: {LIMIT_TEXT[name](v)!r}" for name, v in values.items() if LIMIT_TEXT[name](v) not in words]
    check(not wrong, f"pd-call-forward(8) LIMITS does not say: {wrong}")


def example_keys():
    """Every key of the example config, commented-out ones included."""
    keys = set()
    for line in open(os.path.join(ROOT, "pd-call-forward.ini")):
        m = re.match(r"^[;#]?\s*([a-z_]+)\s*=", line)
        if m:
            keys.add(m.group(1))
    return keys


def test_every_key_is_documented():
    page = open(os.path.join(ROOT, "man/pd-call-forward.ini.5")).read()
    keys = example_keys()
    check(len(keys) >= 15, f"only {len(keys)} keys found in the example")
    documented = set(re.findall(r"Ic ([a-z_]+)", page))
    missing = sorted(k for k in keys if k not in documented)
    check(not missing, f"not in pd-call-forward.ini(5): {missing}")
    readme = open(os.path.join(ROOT, "README.md")).read()
    missing = sorted(k for k in keys if f"`{k}`" not in readme)
    check(not missing, f"not in the README's config reference: {missing}")


def test_example_config_is_valid():
    d = tempfile.mkdtemp(prefix="pdcf-example-")
    try:
        # As installed: the token files beside the config, all 0640.
        config = os.path.join(d, "pd-call-forward.ini")
        text = open(os.path.join(ROOT, "pd-call-forward.ini")).read()
        with open(config, "w") as f:
            f.write(text.replace("/var/lib/pd-call-forward/spool", os.path.join(d, "spool"))
                    .replace("/var/cache/pd-call-forward", os.path.join(d, "cache")))
        for name in ("pagerduty-token", "twilio-auth-token", "events-routing-key", "pd-call-forward.ini"):
            if name != "pd-call-forward.ini":
                with open(os.path.join(d, name), "w") as f:
                    f.write("secret\n")
            os.chmod(os.path.join(d, name), 0o640)
        env = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "PATH_INFO": "/health",
               "PD_CALL_FORWARD_CONFIG": config, **SANITIZER_ENV}
        p = subprocess.run([PROGRAM], env=env, capture_output=True, text=True)
        check(p.stdout.startswith("Status: 200 OK"), p.stdout + p.stderr)
        check("error" not in p.stderr and "warning" not in p.stderr, p.stderr)
    finally:
        shutil.rmtree(d)


def make_install(d, *args):
    cmd = ["make", "-s", "--no-print-directory", "-C", ROOT, f"DESTDIR={d}", "PREFIX=/usr", *args]
    if os.environ.get("PROGRAM"):
        cmd.append(f"PROGRAM={os.environ['PROGRAM']}")
    p = subprocess.run(cmd, capture_output=True, text=True)
    check(p.returncode == 0, p.stdout + p.stderr)
    return p.stdout


def files_under(d):
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)


INSTALLED = {
    "usr/sbin/pd-call-forward": 0o755,
    "usr/share/man/man8/pd-call-forward.8": 0o644,
    "usr/share/man/man5/pd-call-forward.ini.5": 0o644,
    "etc/pd-call-forward/pd-call-forward.ini": 0o640,
    "usr/share/doc/pd-call-forward/README.md": 0o644,
    "usr/share/doc/pd-call-forward/COPYING": 0o644,
    "usr/share/doc/pd-call-forward/examples/pd-call-forward.ini": 0o644,
    "usr/share/doc/pd-call-forward/examples/nginx/pd-call-forward.conf": 0o644,
    "usr/share/doc/pd-call-forward/examples/apache/pd-call-forward.conf": 0o644,
    "usr/share/doc/pd-call-forward/examples/apache/htaccess": 0o644,
    "usr/share/doc/pd-call-forward/examples/systemd/pd-call-forward.socket": 0o644,
    "usr/share/doc/pd-call-forward/examples/systemd/pd-call-forward.service": 0o644,
    "usr/share/doc/pd-call-forward/examples/systemd/pd-call-forward-flush.service": 0o644,
    "usr/share/doc/pd-call-forward/examples/systemd/pd-call-forward-flush.timer": 0o644,
    "usr/share/doc/pd-call-forward/examples/systemd/pd-call-forward-readiness.service": 0o644,
    "usr/share/doc/pd-call-forward/examples/systemd/pd-call-forward-readiness.timer": 0o644,
    "usr/share/doc/pd-call-forward/examples/systemd/pd-call-forward-refresh.service": 0o644,
    "usr/share/doc/pd-call-forward/examples/systemd/pd-call-forward-refresh.timer": 0o644,
}
UNITS = {
    "usr/lib/systemd/system/pd-call-forward.socket": 0o644,
    "usr/lib/systemd/system/pd-call-forward.service": 0o644,
    "usr/lib/systemd/system/pd-call-forward-flush.service": 0o644,
    "usr/lib/systemd/system/pd-call-forward-flush.timer": 0o644,
    "usr/lib/systemd/system/pd-call-forward-readiness.service": 0o644,
    "usr/lib/systemd/system/pd-call-forward-readiness.timer": 0o644,
    "usr/lib/systemd/system/pd-call-forward-refresh.service": 0o644,
    "usr/lib/systemd/system/pd-call-forward-refresh.timer": 0o644,
}


def check_layout(d, expected):
    check(files_under(d) == sorted(expected), f"installed: {files_under(d)}")
    for path, mode in expected.items():
        actual = os.stat(os.path.join(d, path)).st_mode & 0o777
        check(actual == mode, f"{path}: mode {oct(actual)}, expected {oct(mode)}")


def test_install_and_uninstall():
    d = tempfile.mkdtemp(prefix="pdcf-install-")
    try:
        make_install(d, "install")
        check_layout(d, INSTALLED)
        p = subprocess.run([os.path.join(d, "usr/sbin/pd-call-forward"), "--version"], capture_output=True, text=True)
        check(p.returncode == 0, p.stderr)
        make_install(d, "uninstall")
        check(files_under(d) == [], f"left after uninstall: {files_under(d)}")
    finally:
        shutil.rmtree(d)


def test_install_systemd_units_only_when_asked():
    d = tempfile.mkdtemp(prefix="pdcf-install-")
    try:
        make_install(d, "install", "SYSTEMD=1")
        check_layout(d, {**INSTALLED, **UNITS})
        service = open(os.path.join(d, "usr/lib/systemd/system/pd-call-forward.service")).read()
        check("ExecStart=/usr/sbin/pd-call-forward -c %d/pd-call-forward.ini" in service, service)
        make_install(d, "uninstall")
        check(files_under(d) == [], f"left after uninstall: {files_under(d)}")
    finally:
        shutil.rmtree(d)


def test_install_keeps_an_existing_config():
    d = tempfile.mkdtemp(prefix="pdcf-install-")
    try:
        mine = os.path.join(d, "etc/pd-call-forward/pd-call-forward.ini")
        os.makedirs(os.path.dirname(mine))
        with open(mine, "w") as f:
            f.write("[pagerduty]\ntoken_file = mine\n")
        make_install(d, "install")
        check(open(mine).read() == "[pagerduty]\ntoken_file = mine\n", "install replaced the admin's config")
        out = make_install(d, "uninstall")
        check(open(mine).read() == "[pagerduty]\ntoken_file = mine\n", "uninstall removed the admin's config")
        check("kept" in out, out)
    finally:
        shutil.rmtree(d)


UNIT_NAMES = ("pd-call-forward.service", "pd-call-forward.socket", "pd-call-forward-flush.service",
              "pd-call-forward-flush.timer", "pd-call-forward-readiness.service", "pd-call-forward-readiness.timer",
              "pd-call-forward-refresh.service", "pd-call-forward-refresh.timer")


def unit_files(d):
    """The units as `make install` writes them, naming the built binary."""
    for unit in UNIT_NAMES:
        text = open(os.path.join(ROOT, "systemd", unit)).read().replace("@SBINDIR@", os.path.dirname(PROGRAM))
        with open(os.path.join(d, unit), "w") as f:
            f.write(text)
    return [os.path.join(d, u) for u in UNIT_NAMES]


def test_systemd_units_verify_and_are_hardened():
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        raise Skip("systemd-analyze is not installed")
    d = tempfile.mkdtemp(prefix="pdcf-units-")
    try:
        service, socket_unit, flush, timer, readiness, morning, refresh, half_minute = unit_files(d)
        p = subprocess.run([analyze, "verify", "--man=no", service, socket_unit, flush, timer, readiness, morning,
                            refresh, half_minute],
                           capture_output=True, text=True)
        check(p.returncode == 0 and not p.stderr.strip() and not p.stdout.strip(), p.stdout + p.stderr)
        # systemd's own exposure score, 0 (locked down) to 10: 2.0 or less is "OK".
        for unit in (service, flush, readiness, refresh):
            p = subprocess.run([analyze, "security", "--offline=true", "--threshold=20", unit],
                               capture_output=True, text=True)
            overall = [l for l in p.stdout.splitlines() if "Overall exposure level" in l]
            check(p.returncode == 0, f"{os.path.basename(unit)}: exposure above 2.0: {overall}")
        text = open(service).read()
        for line in ("StandardInput=socket", "DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes"):
            check(line in text, f"{line} missing")
        # The timer runs --flush every minute, as the same user, on the same
        # spool: a missed call that only the status callback reported goes
        # out within two minutes when nothing else runs (CGI).
        text = open(flush).read()
        check(f"ExecStart={os.path.dirname(PROGRAM)}/pd-call-forward --flush -c %d/pd-call-forward.ini" in text, text)
        for line in ("User=pd-call-forward", "DynamicUser=yes", "StateDirectory=pd-call-forward"):
            check(line in text, f"flush service: {line} missing")
        check("OnCalendar=minutely" in open(timer).read(), "the timer does not run every minute")
        # Every morning, the coming week's shifts, the day's alert raised.
        text = open(readiness).read()
        check(f"ExecStart={os.path.dirname(PROGRAM)}/pd-call-forward --check --ahead 7d --notify "
              "-c %d/pd-call-forward.ini" in text, text)
        check("User=pd-call-forward" in text and "StateDirectory=pd-call-forward" in text, text)
        check("OnCalendar=*-*-* 10:00" in open(morning).read(), "the readiness timer does not run daily")
        # Every 30 s, for CGI: the cache refreshed before it expires, as the
        # same user, so the workers' cache_dir stays its owner's.
        text = open(refresh).read()
        check(f"ExecStart={os.path.dirname(PROGRAM)}/pd-call-forward --refresh -c %d/pd-call-forward.ini" in text, text)
        check("User=pd-call-forward" in text and "CacheDirectory=pd-call-forward" in text, text)
        check("OnCalendar=*:*:00,30" in open(half_minute).read(), "the refresh timer does not run every 30 s")
    finally:
        shutil.rmtree(d)


def test_systemd_socket_activation():
    # Starting the units takes systemd as the init system and changes the
    # live machine; this suite does neither.
    state = "is" if os.path.isdir("/run/systemd/system") else "is not"
    raise Skip(f"systemd {state} the init system here; the units are not started, only checked offline by "
               "systemd-analyze (verify, security) above")


def test_readme_shows_the_real_commands():
    readme = open(os.path.join(ROOT, "README.md")).read()
    for cmd in ("make demo", "make check", "make demo KEEP=1"):
        check(cmd in readme, f"README lacks `{cmd}`")
    ci = open(os.path.join(ROOT, ".ci", "run")).read()
    check(re.search(r"^\s*(exec\s+)?make check\b", ci, re.M), ".ci/run does not run make check")
    # The server files quoted in the README are the ones the tests run.
    shipped = open(os.path.join(ROOT, "nginx", "pd-call-forward.conf")).read()
    block = shipped[shipped.index("location"):].strip()
    check(block in readme, "README's nginx block differs from nginx/pd-call-forward.conf")
    for name in ("pd-call-forward.conf", "htaccess"):
        lines = [l for l in open(os.path.join(ROOT, "apache", name)).read().splitlines()
                 if l.strip() and not l.lstrip().startswith("#")]
        quoted = "\n".join(lines)
        check(quoted in readme.replace("\n\n", "\n"), f"README's apache/{name} block differs from the file")


def test_build_keeps_caller_flags_and_is_warning_free():
    # A dry run shows the commands; the caller's flags must come after ours
    # (so they can override them) and survive into every command.
    program = os.environ.get("PROGRAM", "pd-call-forward")  # build-san/... under SANITIZE=
    # A dry run (-n) runs nothing, so -B only lists every command.
    p = subprocess.run(["make", "-n", "-B", "-C", ROOT, "--no-print-directory", program,
                        "CXXFLAGS=-O1 -DPDCF_CALLER_FLAG", "LDFLAGS=-Wl,-O1"], capture_output=True, text=True)
    check(p.returncode == 0, p.stderr)
    compiles = [l for l in p.stdout.splitlines() if re.search(r" -c -o \S+/src/", l)]
    links = [l for l in p.stdout.splitlines() if f"-o {program} " in l]
    check(len(compiles) >= 10 and len(links) == 1, p.stdout)
    for line in compiles:
        check("-Wall -Wextra" in line and "-std=c++17" in line, line)
        check(line.index("-Wall") < line.index("-O1 -DPDCF_CALLER_FLAG"), f"caller flags not last: {line}")
    check("-Wl,-O1" in links[0], links[0])
    # Every source compiles without a single warning, two at a time.
    commands = []
    for line in compiles:
        words = shlex.split(line)
        i = words.index("-c")
        commands.append([w for w in words[:i] if w not in ("-MD", "-MP")] + ["-fsyntax-only", "-Werror", words[i + 3]])
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda c: subprocess.run(c, cwd=ROOT, capture_output=True, text=True), commands)
        for command, result in zip(commands, results):
            check(result.returncode == 0, f"{command[-1]}: {result.stderr[:2000]}")


def test_make_demo_dials_the_demo_on_call():
    build = os.environ.get("B", "build")
    p = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "demo.py"), "--build", build],
                       capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:])
    for part in ("X-Twilio-Signature:", "HTTP/1.1 200 OK", "Connecting you to Ada Lovelace.",
                 "+14155550101</Number>", "outcome=dial", "route=platform", "demo stopped"):
        check(part in p.stdout, f"{part!r} not in the demo's output")


TESTS = [
    test_man_pages_lint_clean,
    test_every_key_is_documented,
    test_every_limit_is_in_the_man_page,
    test_example_config_is_valid,
    test_install_and_uninstall,
    test_install_systemd_units_only_when_asked,
    test_install_keeps_an_existing_config,
    test_systemd_units_verify_and_are_hardened,
    test_systemd_socket_activation,
    test_readme_shows_the_real_commands,
    test_build_keeps_caller_flags_and_is_warning_free,
    test_make_demo_dials_the_demo_on_call,
]

if __name__ == "__main__":
    sys.exit(Suite("install").run(TESTS, only=os.environ.get("ONLY")))
