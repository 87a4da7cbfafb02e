#!/usr/bin/python3
"""The operator's commands, run as an operator would before a real call:
`pd-call-forward --check` and `pd-call-forward --test-call`, against the
PagerDuty stand-in."""

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DB_NUMBER, FALLBACK_NUMBER, OPS_NUMBER, PD_TOKEN, PROGRAM, SANITIZER_ENV, SHARED_KEY_CONFIG,
                     TWILIO_SHARED_KEY, StandIn, check, person, roster, run_suite, write_config)

ADA = person("PADA001", "Ada Lovelace", (1, "4155550101", "Mobile"))
LINUS = person("PLINUS1", "Linus Db", (1, "4155550103", "Mobile"))
NOPHONE = person("PNOPH01", "Nora Nophone", email="nora@example.com")
TARGETS = {"escalation_policies": {"PEPOPS1": {"name": "Ops"}, "PEPDB01": {"name": "Database"},
                                   "PEPHUNT": {"name": "Platform"}},
           "schedules": {"PSDB001": {"name": "Database primary"}}}
GOOD = roster([("PEPOPS1", 1, "PADA001"), ("PEPDB01", 1, "PLINUS1", {"schedule": "PSDB001"}),
               ("PEPHUNT", 1, "PADA001")], [ADA, LINUS], **TARGETS)


class Env:
    dir = standin = config = None


env = Env()


def run(*args, config=None):
    p = subprocess.run([PROGRAM, *args, "-c", config or env.config], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def setup(r=GOOD, fault="none"):
    env.standin.set_roster(r)
    env.standin.fault(fault)
    env.standin.clear_requests()


def row(out, route):
    lines = [l for l in out.splitlines() if l.startswith(route + " ")]
    check(len(lines) == 1, f"no row for {route} in:\n{out}")
    return lines[0]


# --- --check ----------------------------------------------------------------

def test_check_every_route_reaches_its_on_call():
    setup()
    rc, out, err = run("--check")
    check(rc == 0, f"exit {rc}\n{out}{err}")
    check(f"{env.config}: configuration OK" in out, out)
    header = out.splitlines()[2]
    check(header.split() == ["ROUTE", "NUMBER", "TARGET", "ON", "CALL", "NOW", "DIALS", "PROBLEM"], header)
    ops = row(out, "ops")
    for part in [OPS_NUMBER, "escalation policy PEPOPS1 (Ops)", "Ada Lovelace", "+*******0101"]:
        check(part in ops, f"{part!r} not in {ops!r}")
    db = row(out, "db")
    check("schedule PSDB001 (Database primary)" in db and "Linus Db" in db, db)
    check("+14155550101" not in out, "an unmasked number")
    check("Every route reaches its on-call." in out, out)


def test_check_unknown_target_and_no_phone_fail_even_with_a_fallback():
    # ops has fallback_number; its level-1 person has no phone (level 2 has).
    setup(roster([("PEPOPS1", 1, "PNOPH01"), ("PEPOPS1", 2, "PADA001")], [ADA, NOPHONE],
                 escalation_policies={"PEPOPS1": {"name": "Ops"}}))
    rc, out, _ = run("--check")
    check(rc == 1, f"exit {rc}\n{out}")
    ops = row(out, "ops")
    check("Nora Nophone (PNOPH01) has no usable phone contact method" in ops, ops)
    db = row(out, "db")  # PSDB001 is not in this roster
    check("unknown schedule PSDB001: check the id" in db, db)
    check("unknown escalation policy PEPHUNT: check the id" in row(out, "hunt"), out)
    check("3 of 3 routes do not reach their own on-call." in out, out)


def test_check_says_why_a_phone_is_not_dialed():
    # Ada's only phone is disabled in PagerDuty: --check fails and says so,
    # and a test call goes to the fallback.
    ada_off = person("PADA001", "Ada Lovelace", (1, "4155550101", "Mobile", {"enabled": False}))
    setup(roster([("PEPOPS1", 1, "PADA001")], [ada_off], escalation_policies={"PEPOPS1": {"name": "Ops"}}))
    rc, out, _ = run("--check")
    check(rc == 1, out)
    ops = row(out, "ops")
    check("Ada Lovelace (PADA001) has no usable phone contact method: 1 disabled" in ops, ops)
    check("+*******0199 (fallback_number)" in ops, ops)
    rc, out, err = run("--test-call", "ops")
    check([n.text for n in ET.fromstring(out).findall("./Dial/Number")] == [FALLBACK_NUMBER], out)
    check("1 disabled" in err, err)


def test_check_names_an_on_call_whose_phone_is_a_line_of_ours():
    # Ada's PagerDuty phone is the db line's number: dialing it would ring
    # this program again.  --check fails naming her, and a test call of the
    # ops line goes to the fallback instead of into the db line.
    ada_db = person("PADA001", "Ada Lovelace", (1, DB_NUMBER[2:], "Mobile"))
    setup(roster([("PEPOPS1", 1, "PADA001")], [ada_db], escalation_policies={"PEPOPS1": {"name": "Ops"}}))
    rc, out, _ = run("--check")
    check(rc == 1, out)
    ops = row(out, "ops")
    check("Ada Lovelace's phone is the number of this program's [route:db]; skipped" in ops, ops)
    rc, out, err = run("--test-call", "ops")
    check([n.text for n in ET.fromstring(out).findall("./Dial/Number")] == [FALLBACK_NUMBER], out)
    check("[route:db]" in err, err)


def test_check_shows_hostile_names_from_pagerduty_defused():
    # A user name that clears the terminal line and writes a fake row, a
    # policy name with a newline: --check's table keeps one row per route
    # and sends the terminal no control character.
    eve = person("PADA001", "Eve\x1b[2K\rops  +14155550100  fine\u202e", (1, "4155550101", "Mobile"))
    setup(roster([("PEPOPS1", 1, "PADA001")], [eve], escalation_policies={"PEPOPS1": {"name": "Ops\nforged row"}}))
    rc, out, _ = run("--check")
    check(not any(ord(c) < 0x20 and c != "\n" or 0x7f <= ord(c) <= 0x9f or c == "\u202e" for c in out), repr(out))
    check("forged row" not in [l.strip() for l in out.splitlines()], out)
    ops = row(out, "ops")
    check("Ops\\x0aforged row" in ops and "Eve\\x1b[2K\\x0dops" in ops and "\\u{202e}" in ops, ops)


def test_check_and_test_call_reach_a_schedule_no_policy_uses():
    # PSDB001 is in no escalation policy, so /oncalls has nothing of it:
    # both commands still find who is on it now, as a call does.
    shifts = {"PSDB001": {"name": "Database primary", "shifts": [{"user": "PLINUS1"}]}}
    setup(roster([("PEPOPS1", 1, "PADA001"), ("PEPHUNT", 1, "PADA001")], [ADA, LINUS],
                 **dict(TARGETS, schedules=shifts)))
    rc, out, _ = run("--check")
    check(rc == 0, out)
    db = row(out, "db")
    check("schedule PSDB001 (Database primary)" in db and "Linus Db" in db and "+*******0103" in db, db)
    rc, out, err = run("--test-call", "db")
    check(rc == 0, err)
    check([n.text for n in ET.fromstring(out).findall("./Dial/Number")] == ["+14155550103"], out)
    asked = [q["path"] for q in env.standin.requests()]
    check("/schedules/PSDB001/users" in asked and "/oncalls" in asked, asked)  # /oncalls for ops and hunt only
    check(all(q["query"].get("escalation_policy_ids[]") for q in env.standin.requests() if q["path"] == "/oncalls"),
          env.standin.requests())


def test_check_nobody_on_call_shows_the_fallback():
    setup(roster([], [], **TARGETS))
    rc, out, _ = run("--check")
    check(rc == 1, out)
    ops = row(out, "ops")
    check("nobody is on call for escalation policy PEPOPS1" in ops, ops)
    check("+*******0199 (fallback_number)" in ops, ops)


def test_check_pagerduty_down():
    setup(fault="401")
    rc, out, _ = run("--check")
    check(rc == 1, out)
    check("HTTP 401 (Unauthorized): check [pagerduty] token" in row(out, "ops"), out)


def test_check_lists_every_config_error_with_its_line():
    bad = os.path.join(env.dir, "bad.ini")
    with open(bad, "w") as f:
        f.write("[pagerduty]\ntoken = x\ntimeout = soon\n[twilio]\nauth_token = y\n"
                "[route:ops]\nnumber = 555\nescalation_policy = PEPOPS1\nvoice = \n[calls]\n")
    os.chmod(bad, 0o600)
    setup()
    rc, out, _ = run("--check", config=bad)
    check(rc == 1, out)
    for part in [f"{bad}:3: [pagerduty] timeout: expected seconds", f"{bad}:7: [route:ops] number: expected",
                 f"{bad}:9: [route:ops] voice: expected", f"{bad}:10: [calls]: unknown section"]:
        check(f"error: {part}" in out, f"{part!r} not in:\n{out}")
    check("4 errors; PagerDuty was not asked." in out, out)
    check(env.standin.requests() == [], "PagerDuty was asked")


def test_check_warns_when_every_user_can_read_a_secret():
    setup()
    inline = os.path.join(env.dir, "inline.ini")
    text = open(env.config).read().replace("token_file = pagerduty-token", f"token = {PD_TOKEN}")
    with open(inline, "w") as f:
        f.write(text)
    os.chmod(inline, 0o644)
    os.chmod(os.path.join(env.dir, "twilio-auth-token"), 0o644)
    try:
        rc, out, _ = run("--check", config=inline)
        check(rc == 0, out)
        check(f"warning: {inline}: holds a secret and every user can read it" in out, out)
        check(f"twilio-auth-token: holds a secret and every user can read it" in out, out)
        check(PD_TOKEN not in out, "the secret itself is printed")
        os.chmod(inline, 0o640)
        os.chmod(os.path.join(env.dir, "twilio-auth-token"), 0o640)
        rc, out, _ = run("--check", config=inline)
        check("warning" not in out, out)
    finally:
        os.chmod(os.path.join(env.dir, "twilio-auth-token"), 0o640)


def test_check_and_start_up_warn_where_twilio_will_not_transcribe():
    # Twilio transcribes only American English messages shorter than 120 s.
    setup()
    german = write_config(env.dir, env.standin.url, timeout="2", name="german.ini",
                          call_extra="voice = Polly.Vicki\ntranscribe = yes\nvoicemail_max_length = 300\n")
    rc, out, _ = run("--check", config=german)
    check(rc == 0, out)
    for words in ("warning: " + german, "[call] transcribe: Twilio transcribes only American English (en-US) and "
                  "this line speaks de-DE", "[call] transcribe: Twilio transcribes only messages shorter than 120 s "
                  "and voicemail_max_length is 300"):
        check(words in out, f"{words!r} not in:\n{out}")
    # At start, on standard error (the web server's log), as every warning.
    rc, _, err = run("--test-call", OPS_NUMBER, config=german)
    check("pd-call-forward: warning: " in err and "transcribes only American English" in err, err)


def test_check_reads_a_shared_key_as_a_secret():
    setup()
    config = write_config(env.dir, env.standin.url, twilio_extra=SHARED_KEY_CONFIG, name="shared-key.ini")
    key_file = os.path.join(env.dir, "twilio-shared-key")
    os.chmod(key_file, 0o644)
    try:
        rc, out, _ = run("--check", config=config)
        check(rc == 0, out)
        check(f"warning: {key_file}: holds a secret and every user can read it" in out, out)
        check(TWILIO_SHARED_KEY not in out, "the secret itself is printed")
    finally:
        os.chmod(key_file, 0o640)
    both = write_config(env.dir, env.standin.url, twilio_extra=SHARED_KEY_CONFIG + "\nshared_key = x",
                        name="shared-key-twice.ini")
    rc, out, _ = run("--check", config=both)
    check(rc == 1 and "[twilio] shared_key_file: set either shared_key or shared_key_file, not both" in out, out)


# --- --test-call ------------------------------------------------------------

def test_test_call_prints_the_twiml_and_the_log_line():
    setup()
    rc, out, err = run("--test-call", OPS_NUMBER, "--from", "+14155559876")
    check(rc == 0, f"exit {rc}: {err}")
    doc = ET.fromstring(out)
    check([n.text for n in doc.findall("./Dial/Number")] == ["+14155550101"], out)
    check(err.startswith("pd-call-forward: method=POST path=/voice status=200 outcome=dial"), err)
    check("from=+*******9876" in err and "route=ops" in err, err)
    check([q["path"] for q in env.standin.requests()] == ["/oncalls", "/users/PADA001/contact_methods"],
          env.standin.requests())


def test_test_call_by_route_name():
    setup()
    rc, out, err = run("--test-call", "db")
    check(rc == 0, err)
    check([n.text for n in ET.fromstring(out).findall("./Dial/Number")] == ["+14155550103"], out)
    check(f"to={DB_NUMBER}" in err and "from=anonymous" in err, err)


def hours_config():
    """ops keeps office hours in Berlin, db takes the rest."""
    routes = (f"[route:ops]\nnumber = {OPS_NUMBER}\nescalation_policy = PEPOPS1\nhours = Mon-Fri 08:00-18:00\n"
              f"holidays = 2026-12-24, 2026-12-25\nafter_hours = db\n\n"
              f"[route:db]\nnumber = {DB_NUMBER}\nschedule = PSDB001\n")
    return write_config(env.dir, env.standin.url, timeout="2", routes=routes, call_extra="time_zone = Europe/Berlin",
                        name="hours.ini")


def test_test_call_at_a_time_keeps_the_lines_hours_and_asks_pagerduty_for_then():
    setup()
    config = hours_config()
    rc, out, err = run("--test-call", OPS_NUMBER, "--at", "2026-12-23 10:00", config=config)
    check(rc == 0, f"exit {rc}: {err}")
    check(err.startswith("a call at Wed 2026-12-23 10:00 CET\n"), err)
    check([n.text for n in ET.fromstring(out).findall("./Dial/Number")] == ["+14155550101"], out)
    asked = [q for q in env.standin.requests() if q["path"] == "/oncalls"]
    check(len(asked) == 1 and asked[0]["query"]["since"] == ["2026-12-23T09:00:00Z"], asked)
    # On the holiday the call goes to db's schedule, asked for that day too.
    setup()
    rc, out, err = run("--test-call", OPS_NUMBER, "--at", "2026-12-24 10:00", config=config)
    check(rc == 0 and "route=db" in err and "ops closed" in err, f"exit {rc}: {err}")
    check([n.text for n in ET.fromstring(out).findall("./Dial/Number")] == ["+14155550103"], out)
    check([q["path"] for q in env.standin.requests()][0] == "/schedules/PSDB001/users", env.standin.requests())
    check(env.standin.requests()[0]["query"]["since"] == ["2026-12-24T09:00:00Z"], env.standin.requests())
    rc, out, err = run("--test-call", OPS_NUMBER, "--at", "tomorrow", config=config)
    check(rc == 2 and "--at: \"tomorrow\" is not a local time" in err, f"exit {rc}: {err}")


def test_check_says_which_branch_is_in_force_and_when_it_changes():
    setup()
    rc, out, err = run("--check", config=hours_config())
    check(rc == 0, f"exit {rc}\n{out}{err}")
    lines = [l for l in out.splitlines() if l.startswith("route ops ")]
    check(len(lines) == 1, out)
    check("Mon-Fri 08:00-18:00 (Europe/Berlin, 2 holidays)" in lines[0], lines[0])
    check(("open" in lines[0]) or ("closed: route db" in lines[0]), lines[0])
    check(" CET: " in lines[0] or " CEST: " in lines[0], lines[0])


def utc(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def test_check_ahead_names_next_weeks_on_call_whose_only_phone_is_disabled():
    # Ada is on call until a shift change three days from now; then Dora,
    # whose only phone PagerDuty reports disabled.  db's schedule has Linus
    # all week.  Days before it matters, --check --ahead 7d says so.
    change = (int(time.time()) // 3600 + 72) * 3600
    dora = person("PDORA01", "Dora Disabled", (1, "4155550109", "Mobile", {"enabled": False}))
    setup(roster([("PEPOPS1", 1, "PADA001", {"end": utc(change)}),
                  ("PEPOPS1", 1, "PDORA01", {"start": utc(change), "end": utc(change + 14 * 86400)}),
                  ("PEPDB01", 1, "PLINUS1", {"schedule": "PSDB001"}), ("PEPHUNT", 1, "PADA001")],
                 [ADA, LINUS, dora], **TARGETS))
    env.standin.clear_events()
    rc, out, err = run("--check", "--ahead", "7d")
    check(rc == 1, f"exit {rc}\n{out}{err}")
    check("Every route reaches its on-call." in out, out)  # today is fine
    rows = [l for l in out.splitlines() if "Dora Disabled" in l]
    check(len(rows) == 1, out)
    when = time.strftime("%a %Y-%m-%d %H:%M UTC", time.gmtime(change))
    check(rows[0].split()[:2] == ["ops", "1"] and when in rows[0] and "no phone to dial: 1 disabled" in rows[0], rows[0])
    check("1 finding." in out, out)
    # Every shift of the week (not only the earliest), for each policy.
    asked = [q for q in env.standin.requests() if q["path"] == "/oncalls" and "since" in q["query"]]
    check(len(asked) == 2 and all("earliest" not in q["query"] for q in asked), asked)
    check(any(q["path"] == "/schedules/PSDB001" for q in env.standin.requests()), env.standin.requests())
    check(env.standin.events() == [], "an event without --notify")

    # --notify: one alert for the day, however often it runs.
    for _ in range(2):
        rc, out, err = run("--check", "--ahead", "7d", "--notify")
        check(rc == 1, f"exit {rc}\n{out}{err}")
    events = env.standin.events()
    check(len(events) == 1, events)
    event = events[0].get("event", events[0])
    check(event["dedup_key"].startswith("readiness-") and event["payload"]["severity"] == "warning", event)
    check("Dora Disabled" in json.dumps(event["payload"]["custom_details"]), event)

    # With Dora's phone back, the week is fine: exit 0.
    dora = person("PDORA01", "Dora Disabled", (1, "4155550109", "Mobile"))
    setup(roster([("PEPOPS1", 1, "PADA001", {"end": utc(change)}),
                  ("PEPOPS1", 1, "PDORA01", {"start": utc(change), "end": utc(change + 14 * 86400)}),
                  ("PEPDB01", 1, "PLINUS1", {"schedule": "PSDB001"}), ("PEPHUNT", 1, "PADA001")],
                 [ADA, LINUS, dora], **TARGETS))
    rc, out, err = run("--check", "--ahead", "7d")
    check(rc == 0 and "Every shift can be dialed" in out, f"exit {rc}\n{out}{err}")


def test_test_call_when_pagerduty_is_down():
    setup(fault="503")
    rc, out, err = run("--test-call", OPS_NUMBER)
    check(rc == 1, f"exit {rc}")
    check([n.text for n in ET.fromstring(out).findall("./Dial/Number")] == [FALLBACK_NUMBER], out)
    check("outcome=fallback" in err and "HTTP 503" in err, err)


# --- the program's own directories -------------------------------------------

CACHING = {"oncall_ttl": 60, "contact_ttl": 3600, "stale_max": 86400}
MALLORY = "+19005550199"


def plant_mallory(cache, fetched_at=None, fresh_until=None, oncalls_name="oncalls-escalation_policy-PEPOPS1.json"):
    """Entries as another hand would leave them in `cache`: the ops line's
    on-call is Mallory, whose phone is MALLORY.  Returns their paths."""
    now = int(time.time())
    fetched_at = now if fetched_at is None else fetched_at
    fresh_until = now + 60 if fresh_until is None else fresh_until
    entries = {oncalls_name: {"known_until": fresh_until,
                              "oncalls": [{"level": 1, "user_id": "PMAL001", "name": "Mallory", "end": ""}]},
               "phone-methods-PMAL001.json": [{"number": MALLORY, "label": "Mobile", "sms": False, "state": "usable"}]}
    paths = []
    for name, value in entries.items():
        path = os.path.join(cache, name)
        with open(path, "w") as f:
            json.dump({"fetched_at": fetched_at, "fresh_until": fresh_until, "value": json.dumps(value)}, f)
        paths.append(path)
    return paths


def own_dirs_config(name, cache):
    return write_config(env.dir, env.standin.url, timeout="2", name=name, cache=cache, caching=CACHING,
                        spool=os.path.join(env.dir, name + ".spool"))


def dialed(out):
    return [n.text for n in ET.fromstring(out).findall("./Dial/Number")]


def test_a_cache_dir_others_can_write_is_refused_at_start_and_by_check():
    setup()
    cache = os.path.join(env.dir, "open-cache")
    os.mkdir(cache)
    os.chmod(cache, 0o777)
    planted = plant_mallory(cache)
    config = own_dirs_config("open-cache.ini", cache)
    refused = f"{cache}: [pagerduty] cache_dir is refused: {cache} can be written by every user (mode 0777)"

    rc, out, _ = run("--check", config=config)
    check(rc == 1, f"exit {rc}\n{out}")
    check(f"error: {refused}" in out and f"chmod 0700 {cache}" in out, out)
    check("Ada Lovelace" in row(out, "ops") and "Mallory" not in out, out)
    check("Every route reaches its on-call." in out and "1 directory is refused" in out, out)

    # At start, with the calls still answered: from PagerDuty, not from it.
    rc, out, err = run("--test-call", OPS_NUMBER, config=config)
    check(f"pd-call-forward: error: {refused}" in err, err)
    check(dialed(out) == ["+14155550101"], out)
    p = subprocess.run([PROGRAM], capture_output=True, text=True, timeout=30,
                       env={"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "PATH_INFO": "/health",
                            "PD_CALL_FORWARD_CONFIG": config, **SANITIZER_ENV})
    check(p.stdout.startswith("Status: 200 OK"), p.stdout + p.stderr)
    check(f"pd-call-forward: error: {refused}" in p.stderr, p.stderr)

    # Made the program's alone, it is used again; what another user left
    # there is not.
    os.chmod(cache, 0o700)
    if os.geteuid() == 0:
        for path in planted:
            os.chown(path, 65534, 65534)
    rc, out, err = run("--test-call", OPS_NUMBER, config=config)
    check("error" not in err, err)
    check(dialed(out) == ["+14155550101"], out)
    if os.geteuid() == 0:
        check(f"pd-call-forward: warning: ignored {planted[0]}: it belongs to nobody (uid 65534)" in err, err)
    rc, out, _ = run("--check", config=config)
    check(rc == 0 and "error" not in out, out)


def test_a_planted_link_or_a_long_fresh_until_is_not_believed():
    setup()
    cache = os.path.join(env.dir, "own-cache")
    config = own_dirs_config("own-cache.ini", cache)
    rc, out, err = run("--test-call", OPS_NUMBER, config=config)
    check(dialed(out) == ["+14155550101"] and "warning" not in err and "error" not in err, err)
    oncalls = os.path.join(cache, "oncalls-escalation_policy-PEPOPS1.json")

    # A link in place of an entry is not followed.
    elsewhere = os.path.join(env.dir, "elsewhere")
    os.mkdir(elsewhere)
    target, _ = plant_mallory(elsewhere)
    plant_mallory(cache)
    os.unlink(oncalls)
    os.symlink(target, oncalls)
    rc, out, err = run("--test-call", OPS_NUMBER, config=config)
    check(dialed(out) == ["+14155550101"], out)
    check(f"pd-call-forward: warning: ignored {oncalls}: a symbolic link" in err, err)

    # Fetched two minutes ago and "fresh" for ten years: believed for
    # oncall_ttl (60 s) after it was fetched, no longer.
    now = int(time.time())
    plant_mallory(cache, fetched_at=now - 120, fresh_until=now + 10 * 365 * 86400)
    rc, out, err = run("--test-call", OPS_NUMBER, config=config)
    check(dialed(out) == ["+14155550101"] and "pd_requests=1 " in err, out + err)  # /oncalls asked again


# --- --refresh ----------------------------------------------------------------

def cgi_call(config, to):
    """One incoming call to the program run as CGI, as a web server runs
    it: its log line."""
    body = f"CallSid=CA{'7' * 32}&AccountSid=AC{'1' * 32}&From=%2B14155559876&To={to.replace('+', '%2B')}"
    env_vars = {"PATH": os.environ.get("PATH", ""), "REQUEST_METHOD": "POST", "PATH_INFO": "/voice",
                "QUERY_STRING": "", "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": str(len(body)), "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
                "SCRIPT_NAME": "/pd-call-forward.cgi", "PD_CALL_FORWARD_CONFIG": config, **SANITIZER_ENV}
    p = subprocess.run([PROGRAM], input=body, env=env_vars, capture_output=True, text=True, timeout=30)
    check(p.returncode == 0 and "<Dial" in p.stdout, p.stdout + p.stderr)
    return [l for l in p.stderr.splitlines() if "method=POST" in l][0]


def test_refresh_keeps_a_cgi_lines_cache_fresh_so_no_call_waits():
    setup()
    config = write_config(env.dir, env.standin.url, timeout="2", name="refresh.ini",
                          cache=os.path.join(env.dir, "refresh-cache"), caching=CACHING,
                          twilio_extra="validate_signature = no")
    rc, out, err = run("--refresh", config=config)
    check(rc == 0, f"exit {rc}\n{out}{err}")
    check("escalation policy PEPOPS1 (route ops): refreshed, 2 requests" in out, out)
    check("schedule PSDB001 (route db): refreshed, 2 requests" in out, out)
    check("escalation policy PEPHUNT (route hunt): refreshed, 1 request\n" in out, out)  # Ada's phone is kept
    # Run again within the half-minute: all is fresh past the next run.
    env.standin.clear_requests()
    rc, out, _ = run("--refresh", config=config)
    check(rc == 0 and out.count("nothing asked") == 3 and env.standin.requests() == [], out)
    # A call to the CGI program then asks PagerDuty nothing.
    line = cgi_call(config, OPS_NUMBER)
    check("pd_requests=0 " in line and "source=cache" in line and "+*******0101" in line, line)

    # PagerDuty failing: said, and exit 1, for the timer's unit to show.
    setup(fault="503")
    config = write_config(env.dir, env.standin.url, timeout="2", name="refresh-down.ini",
                          cache=os.path.join(env.dir, "refresh-down-cache"), caching=CACHING)
    rc, out, _ = run("--refresh", config=config)
    check(rc == 1 and "escalation policy PEPOPS1 (route ops): failed: GET /oncalls: HTTP 503" in out, out)


TESTS = [
    test_check_every_route_reaches_its_on_call,
    test_check_unknown_target_and_no_phone_fail_even_with_a_fallback,
    test_check_says_why_a_phone_is_not_dialed,
    test_check_names_an_on_call_whose_phone_is_a_line_of_ours,
    test_check_shows_hostile_names_from_pagerduty_defused,
    test_check_and_test_call_reach_a_schedule_no_policy_uses,
    test_check_nobody_on_call_shows_the_fallback,
    test_check_pagerduty_down,
    test_check_lists_every_config_error_with_its_line,
    test_check_warns_when_every_user_can_read_a_secret,
    test_check_reads_a_shared_key_as_a_secret,
    test_check_and_start_up_warn_where_twilio_will_not_transcribe,
    test_test_call_prints_the_twiml_and_the_log_line,
    test_test_call_by_route_name,
    test_test_call_when_pagerduty_is_down,
    test_check_ahead_names_next_weeks_on_call_whose_only_phone_is_disabled,
    test_test_call_at_a_time_keeps_the_lines_hours_and_asks_pagerduty_for_then,
    test_check_says_which_branch_is_in_force_and_when_it_changes,
    test_a_cache_dir_others_can_write_is_refused_at_start_and_by_check,
    test_a_planted_link_or_a_long_fresh_until_is_not_believed,
    test_refresh_keeps_a_cgi_lines_cache_fresh_so_no_call_waits,
]


def start(d, parts):
    env.dir = d
    env.standin = StandIn(d)
    parts.append(env.standin)
    env.config = write_config(d, env.standin.url, timeout="2")
    return TESTS

if __name__ == "__main__":
    sys.exit(run_suite("commands", start))
