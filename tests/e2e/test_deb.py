#!/usr/bin/python3
"""The Debian package (debian/).  `make deb` builds it without compiling
again what `make` built, and lintian finds no error and no warning in it;
it holds the binary, both man pages, the example config as a conffile, the
systemd units and timers, and the nginx and Apache examples.  Installed
with dpkg on this machine, it makes its system user, the spool and the
cache that user's alone, and the config 0640 for that user's group; its
binary, run as that user with the config at its default path, answers a
signed webhook as a CGI program and `--check` accepts the package's
directories.  Purged, it takes away all it made and nothing else: a file
the admin added to /etc/pd-call-forward stays.

It changes the machine it runs on, so it starts only where neither the
package nor anything it would make is there already, and purges the
package, whatever happened, before it ends."""

import grp
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (OPS_NUMBER, ROOT, STANDIN, TWILIO_TOKEN, StandIn, Suite, check, incoming_call, person,
                     roster, sign, temp_dir, write_config)

PACKAGE = USER = "pd-call-forward"
VERSION = re.search(r"^VERSION\s*=\s*(\S+)", open(os.path.join(ROOT, "Makefile")).read(), re.M).group(1)
ARCH = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
DEB = os.path.join(ROOT, "build", "deb", f"{PACKAGE}_{VERSION}_{ARCH}.deb")

BINARY = "/usr/sbin/pd-call-forward"
ETC = "/etc/pd-call-forward"
CONFIG = f"{ETC}/pd-call-forward.ini"
STATE = "/var/lib/pd-call-forward"
SPOOL = f"{STATE}/spool"
CACHE = "/var/cache/pd-call-forward"
# What postinst makes, owned by the user, mode 0700.
OWN_DIRS = (STATE, SPOOL, CACHE)

UNITS = ("pd-call-forward.socket", "pd-call-forward.service", "pd-call-forward-flush.service",
         "pd-call-forward-flush.timer", "pd-call-forward-readiness.service", "pd-call-forward-readiness.timer",
         "pd-call-forward-refresh.service", "pd-call-forward-refresh.timer")
SERVICES = [u for u in UNITS if u.endswith(".service")]
DOC = "usr/share/doc/pd-call-forward"
# Every file of the package, and its mode.
PACKAGED = {
    "usr/sbin/pd-call-forward": 0o755,
    "usr/share/man/man8/pd-call-forward.8.gz": 0o644,
    "usr/share/man/man5/pd-call-forward.ini.5.gz": 0o644,
    "etc/pd-call-forward/pd-call-forward.ini": 0o644,
    f"{DOC}/README.md.gz": 0o644,
    f"{DOC}/changelog.gz": 0o644,
    f"{DOC}/copyright": 0o644,
    f"{DOC}/examples/pd-call-forward.ini": 0o644,
    f"{DOC}/examples/nginx/pd-call-forward.conf": 0o644,
    f"{DOC}/examples/apache/pd-call-forward.conf": 0o644,
    f"{DOC}/examples/apache/htaccess": 0o644,
    **{f"{DOC}/examples/systemd/{u}": 0o644 for u in UNITS},
    **{f"lib/systemd/system/{u}": 0o644 for u in UNITS},
    # The services run as the package's user, not a dynamic one.
    **{f"lib/systemd/system/{s}.d/static-user.conf": 0o644 for s in SERVICES},
}

URL = "https://ops.example.com/cgi-bin/pd-call-forward/voice"
ADA = person("PADA001", "Ada Lovelace", (1, "4155550101", "Mobile"))
ROUTE = f"[route:ops]\nnumber = {OPS_NUMBER}\nescalation_policy = PEPOPS1\n"
# What the admin puts beside the config (write_config's secret files).
ADMIN_FILES = ("pagerduty-token", "twilio-auth-token", "twilio-shared-key", "events-routing-key")

# What is compared before the install and after the purge: every entry
# under these trees (type, mode, owner, size), the account files, the
# stat overrides.  Not compared: dpkg's own records of what it installed,
# the copies of the account files the shadow tools keep as they change, and
# man-db's index, which its trigger rebuilds for every package that ships a
# man page (on a new machine it makes the index of every language then).
WATCHED = ("/etc", "/usr/sbin", "/usr/share/man", "/usr/share/doc", "/lib/systemd/system", "/var/lib", "/var/cache")
UNWATCHED = ("/var/lib/dpkg", "/etc/passwd-", "/etc/group-", "/etc/shadow-", "/etc/gshadow-", "/var/cache/man")
ACCOUNT_FILES = ("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow")


class Env:
    dir = standin = before = None
    # The package make deb built, or with ONLY= the one it built last.
    deb = DEB if os.path.exists(DEB) else None
    installed = False  # dpkg -i was run: the package is this suite's to purge


env = Env()


def run(*argv, timeout=600, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, **kw)


def package_status():
    """dpkg's state of the package: '' when it knows none."""
    p = run("dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE)
    return p.stdout.strip() if p.returncode == 0 else ""


def account(kind, name):
    try:
        return pwd.getpwnam(name) if kind == "user" else grp.getgrnam(name)
    except KeyError:
        return None


def statoverrides():
    return run("dpkg-statoverride", "--list").stdout


def ours_in_overrides(text):
    return [l for l in text.splitlines() if ETC in l or f" {USER} " in f" {l} "]


def already_here():
    """What of the package this machine has already: the suite would
    install over it and purge it."""
    found = []
    if package_status() not in ("", "not-installed"):
        found.append(f"the package {PACKAGE} ({package_status()})")
    for kind in ("user", "group"):
        if account(kind, USER):
            found.append(f"the {kind} {USER}")
    found += [path for path in (ETC, STATE, CACHE, BINARY) if os.path.lexists(path)]
    found += [f"the stat override '{l}'" for l in ours_in_overrides(statoverrides())]
    return found


def snapshot():
    entries = {}
    for top in WATCHED:
        for parent, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if os.path.join(parent, d) not in UNWATCHED]
            for name in dirs + files:
                path = os.path.join(parent, name)
                if path in UNWATCHED:
                    continue
                try:
                    st = os.lstat(path)
                except FileNotFoundError:
                    continue
                size = st.st_size if stat.S_ISREG(st.st_mode) else 0
                entries[path] = (stat.S_IFMT(st.st_mode), oct(stat.S_IMODE(st.st_mode)), st.st_uid, st.st_gid, size)
    accounts = {path: open(path, "rb").read() for path in ACCOUNT_FILES}
    return entries, accounts, statoverrides()


def differences(before, after):
    (entries0, accounts0, overrides0), (entries1, accounts1, overrides1) = before, after
    diff = [f"new: {p}" for p in sorted(set(entries1) - set(entries0))]
    diff += [f"gone: {p}" for p in sorted(set(entries0) - set(entries1))]
    diff += [f"changed: {p} {entries0[p]} -> {entries1[p]}" for p in sorted(set(entries0) & set(entries1))
             if entries0[p] != entries1[p]]
    diff += [f"changed: {p}" for p in ACCOUNT_FILES if accounts0[p] != accounts1[p]]
    if overrides0 != overrides1:
        diff.append(f"dpkg-statoverride --list: {overrides0!r} -> {overrides1!r}")
    return diff


def mode_owner(path):
    st = os.stat(path)
    return oct(stat.S_IMODE(st.st_mode)), pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name


def as_the_user(argv, env_vars, body=""):
    """The installed program as its own user, as the units and the
    README's spawn-fcgi line run it."""
    return subprocess.run(argv, input=body.encode(), env=env_vars, capture_output=True, timeout=60, cwd="/",
                          user=USER, group=USER, extra_groups=[])


def cgi_request(params, url=URL, token=TWILIO_TOKEN):
    """A signed webhook, given to the installed binary as a web server
    gives a CGI program its request (RFC 3875); no -c and no
    PD_CALL_FORWARD_CONFIG, so that it reads the config where the
    package put it."""
    body = urllib.parse.urlencode(params)
    parts = urllib.parse.urlsplit(url)
    script, _, path_info = parts.path.partition("/pd-call-forward")
    e = {"GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": "POST",
         "SCRIPT_NAME": script + "/pd-call-forward", "PATH_INFO": path_info, "QUERY_STRING": parts.query,
         "REQUEST_URI": parts.path, "HTTP_HOST": parts.netloc, "SERVER_NAME": parts.hostname, "SERVER_PORT": "443",
         "HTTPS": "on", "REMOTE_ADDR": "192.0.2.10", "CONTENT_TYPE": "application/x-www-form-urlencoded",
         "CONTENT_LENGTH": str(len(body.encode())), "HTTP_X_TWILIO_SIGNATURE": sign(url, params, token),
         "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    p = as_the_user([BINARY], e, body)
    out = p.stdout.decode(errors="replace")
    head, _, reply = out.partition("\r\n\r\n")
    headers = dict(l.split(": ", 1) for l in head.split("\r\n") if ": " in l)
    return headers, reply, p.stderr.decode(errors="replace")


# --- tests ----------------------------------------------------------------

def test_make_deb_compiles_nothing_make_built_and_lintian_passes():
    # What `make check` did before this suite (a no-op then), so that the
    # package build has nothing left to compile.
    p = run("make", "-s", "--no-print-directory", "-C", ROOT, "pd-call-forward", timeout=1800)
    check(p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:])
    env.deb = None
    if os.path.exists(DEB):
        os.unlink(DEB)
    p = run("make", "--no-print-directory", "-C", ROOT, "deb", timeout=1800)
    out = p.stdout + p.stderr
    check(p.returncode == 0 and os.path.exists(DEB), out[-5000:])
    compiled = [l for l in out.splitlines() if re.search(r"\s-c\s+-o\s|\s-o\s+pd-call-forward\s", l)]
    check(not compiled, f"the package build compiled again: {compiled[:3]}")
    check("'pd-call-forward' is up to date" in out, out[-5000:])
    # make deb ends with lintian (errors and warnings fail it; info tags shown).
    check(re.search(r"\blintian --fail-on error,warning .*\.changes", out), f"make deb ran no lintian: {out[-3000:]}")
    tags = [l for l in out.splitlines() if re.match(r"^[EWIPX]: ", l)]
    bad = [l for l in tags if l[0] in "EW"]
    check(not bad, "lintian: " + "\n".join(bad))
    for note in tags:
        print(f"       lintian: {note}", flush=True)
    env.deb = DEB


def test_the_package_holds_what_the_readme_says():
    check(env.deb, "make deb built no package")
    p = run("dpkg-deb", "-c", env.deb)
    check(p.returncode == 0, p.stderr)
    files = {}
    for line in p.stdout.splitlines():
        perms, owner, _size, _date, _time, path = line.split(None, 5)
        check(owner == "root/root", line)
        if not perms.startswith("d"):
            files[path[2:]] = perms
    check(sorted(files) == sorted(PACKAGED), f"packaged: {sorted(files)}\nexpected: {sorted(PACKAGED)}")
    for path, mode in PACKAGED.items():
        check(files[path] == stat.filemode(stat.S_IFREG | mode), f"{path}: {files[path]}")
    p = run("dpkg-deb", "-I", env.deb, "conffiles")
    check(p.stdout.split() == [CONFIG], f"conffiles: {p.stdout!r}")
    fields = run("dpkg-deb", "-f", env.deb, "Package", "Version", "Architecture", "Depends").stdout
    check(f"Version: {VERSION}" in fields and f"Architecture: {ARCH}" in fields, fields)
    check(re.search(r"Depends:.*\badduser\b", fields) and "libfcgi" in fields, fields)


def test_install_makes_the_user_the_directories_and_the_modes():
    check(env.deb, "make deb built no package")
    env.before = snapshot()
    env.installed = True
    p = run("dpkg", "-i", env.deb, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    check(p.returncode == 0 and package_status() == "installed", p.stdout + p.stderr)
    user, group = account("user", USER), account("group", USER)
    check(user and group and user.pw_gid == group.gr_gid, f"{user} {group}")
    check(user.pw_uid < 1000 and user.pw_shell in ("/usr/sbin/nologin", "/bin/false"), str(user))
    check(user.pw_dir == STATE, str(user))
    check(mode_owner(ETC) == ("0o750", "root", USER), f"{ETC}: {mode_owner(ETC)}")
    check(mode_owner(CONFIG) == ("0o640", "root", USER), f"{CONFIG}: {mode_owner(CONFIG)}")
    check(open(CONFIG).read() == open(os.path.join(ROOT, "pd-call-forward.ini")).read(),
          f"{CONFIG} is not the example config")
    for d in OWN_DIRS:
        check(mode_owner(d) == ("0o700", USER, USER), f"{d}: {mode_owner(d)}")
    # The example config's directories are the ones made, and the
    # program's own defaults.
    text = open(CONFIG).read()
    check(f"spool_dir = {SPOOL}\n" in text and f"cache_dir = {CACHE}\n" in text, "spool_dir or cache_dir moved")
    overrides = ours_in_overrides(statoverrides())
    check(sorted(overrides) == sorted([f"root {USER} 750 {ETC}", f"root {USER} 640 {CONFIG}"]), overrides)
    for s in SERVICES:
        text = open(f"/lib/systemd/system/{s}").read()
        check(f"ExecStart={BINARY} " in text, f"{s} does not run {BINARY}")
    analyze = shutil.which("systemd-analyze")
    if analyze:
        # With the drop-ins: the services as the package runs them.
        p = run(analyze, "verify", "--man=no", *[f"/lib/systemd/system/{u}" for u in UNITS])
        check(p.returncode == 0 and not p.stdout.strip() and not p.stderr.strip(), p.stdout + p.stderr)
    p = run(BINARY, "--version")
    check(p.returncode == 0 and VERSION in p.stdout + p.stderr, p.stdout + p.stderr)
    p = run("man", "-w", "pd-call-forward.ini")
    check(p.stdout.strip() == "/usr/share/man/man5/pd-call-forward.ini.5.gz", p.stdout + p.stderr)


def test_the_installed_binary_answers_a_signed_call_as_its_user():
    check(package_status() == "installed", "the package is not installed")
    env.standin.set_roster(roster([("PEPOPS1", 1, "PADA001")], [ADA], escalation_policies={"PEPOPS1": {"name": "Ops"}}))
    # The admin fills in the config and puts the secrets beside it, for
    # the service's group (README: *Install from the Debian package*).
    write_config(ETC, env.standin.url, routes=ROUTE, spool=SPOOL, cache=CACHE, caching={})
    gid = grp.getgrnam(USER).gr_gid
    for name in ADMIN_FILES:
        os.chown(os.path.join(ETC, name), 0, gid)
    check(mode_owner(CONFIG) == ("0o640", "root", USER), f"{CONFIG}: {mode_owner(CONFIG)}")
    headers, body, err = cgi_request(incoming_call())
    check(headers.get("Status", "200 OK").startswith("200") and headers.get("Content-Type", "").startswith("text/xml"),
          f"{headers} {body} {err}")
    numbers = [n.text for n in ET.fromstring(body).findall("./Dial/Number")]
    check(numbers == ["+14155550101"], body)
    check("outcome=dial" in err and "route=ops" in err and "warning" not in err and "error" not in err, err)
    # PagerDuty's answer went to the package's cache, the user's own.
    cached = os.path.join(CACHE, "oncalls-escalation_policy-PEPOPS1.json")
    check(os.path.exists(cached) and os.stat(cached).st_uid == pwd.getpwnam(USER).pw_uid, os.listdir(CACHE))
    headers, body, err = cgi_request(incoming_call(), token="wrong")
    check(headers.get("Status", "").startswith("403"), f"{headers} {err}")
    # --check, as the README says to run it: the config, PagerDuty, and
    # the spool and cache the package made, accepted as the program's own.
    p = as_the_user([BINARY, "--check"], {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    out = p.stdout.decode() + p.stderr.decode()
    check(p.returncode == 0 and f"{CONFIG}: configuration OK" in out and "error" not in out
          and "Every route reaches its on-call." in out, out)


def test_purge_takes_what_it_made_and_leaves_the_admins_files():
    check(env.installed, "the package was not installed")
    admin = {name: open(os.path.join(ETC, name)).read() for name in ADMIN_FILES if os.path.exists(os.path.join(ETC, name))}
    check(len(admin) == len(ADMIN_FILES), f"the admin's files: {sorted(admin)}")
    p = run("dpkg", "--purge", PACKAGE)
    check(p.returncode == 0, p.stdout + p.stderr)
    check(package_status() in ("", "not-installed"), package_status())
    check(not account("user", USER) and not account("group", USER), "the user or group is still there")
    check(not ours_in_overrides(statoverrides()), statoverrides())
    left = [f"/{path}" for path in PACKAGED if os.path.lexists(f"/{path}")]
    left += [d for d in OWN_DIRS if os.path.lexists(d)]
    check(not left, f"left after purge: {left}")
    # What the admin added stays, out of reach of the gone group's id.
    check(sorted(os.listdir(ETC)) == sorted(admin), f"{ETC}: {os.listdir(ETC)}")
    for name, text in admin.items():
        check(open(os.path.join(ETC, name)).read() == text, f"{name} changed")
    st = os.stat(ETC)
    check((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, 0, 0o750), f"{ETC}: {mode_owner(ETC)}")


def test_nothing_else_on_the_machine_changed():
    check(env.before, "no snapshot before the install")
    check(package_status() in ("", "not-installed"), "the package is still installed")
    # The admin's files are the admin's: this suite put them there.
    shutil.rmtree(ETC, ignore_errors=True)
    diff = differences(env.before, snapshot())
    check(not diff, "\n".join(diff[:40]))


TESTS = [
    test_make_deb_compiles_nothing_make_built_and_lintian_passes,
    test_the_package_holds_what_the_readme_says,
    test_install_makes_the_user_the_directories_and_the_modes,
    test_the_installed_binary_answers_a_signed_call_as_its_user,
    test_purge_takes_what_it_made_and_leaves_the_admins_files,
    test_nothing_else_on_the_machine_changed,
]


def restore():
    """Whatever failed: the package purged, and what it or this suite made
    taken away, each repair named."""
    if not env.installed:
        return
    if package_status() not in ("", "not-installed"):
        print("deb: purging the package left installed", flush=True)
        p = run("dpkg", "--purge", PACKAGE)
        if p.returncode != 0:
            print(p.stdout + p.stderr, flush=True)
            run("dpkg", "--purge", "--force-remove-reinstreq", PACKAGE)
    for line in ours_in_overrides(statoverrides()):
        print(f"deb: removing the stat override '{line}'", flush=True)
        run("dpkg-statoverride", "--remove", line.split()[-1])
    for path in (ETC, STATE, CACHE):
        if os.path.lexists(path):
            print(f"deb: removing {path}", flush=True)
            shutil.rmtree(path, ignore_errors=True)
    if account("user", USER):
        print(f"deb: removing the user {USER}", flush=True)
        run("userdel", USER)
    if account("group", USER):
        print(f"deb: removing the group {USER}", flush=True)
        run("groupdel", USER)


def main():
    name = "deb"
    if os.environ.get("B", "build") != "build":
        # The package holds the plain build: under SANITIZE= it would be
        # compiled anew, unsanitized, for this suite alone.
        print(f"skip   {name}: the package holds the plain build, not {os.environ['B']}/\n0 passed, 0 failed")
        return 0
    if os.geteuid() != 0:
        print(f"skip   {name}: installing a package takes root\n0 passed, 0 failed")
        return 0
    found = already_here()
    if found:
        print(f"FAILED {name}: set-up: this machine already has {', '.join(found)}; the suite installs "
              f"and purges {PACKAGE}, and would change them: run it where they are not\n0 passed, 1 failed",
              flush=True)
        return 1
    # Stopped by a signal, it still purges.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env.dir = temp_dir("pdcf-deb-")
    try:
        try:
            env.standin = StandIn(env.dir)
        except OSError as e:
            print(f"FAILED {name}: set-up: the PagerDuty stand-in: {e} (make {STANDIN})\n0 passed, 1 failed",
                  flush=True)
            return 1
        return Suite(name).run(TESTS, only=os.environ.get("ONLY"))
    finally:
        restore()
        if env.standin:
            env.standin.stop()
        shutil.rmtree(env.dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
