"""Debian's Apache on loopback, serving pd-call-forward the ways the project
ships: through mod_fcgid with apache/pd-call-forward.conf, and as a plain
CGI program switched on by apache/htaccess, as on shared hosting.  Each
runs in an Apache of its own (a CGI program's stderr can be the server's
error log itself, so one log could not tell the mounts apart), and the
shipped files are templated for paths and the port only."""

import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess

from harness import PROGRAM, ROOT, free_port, stop_process, wait_for, which

MODULES = "/usr/lib/apache2/modules"

# Debian's safety defaults (nothing of the file system is served, .ht* files
# never are) are kept, so the shipped files must grant what they need.
APACHE_TEMPLATE = """\
# Generated for a test run: only ports and paths differ from a real set-up.
ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/apache2.pid
DefaultRuntimeDir {root}/run
ErrorLog {root}/error.log
LogLevel warn
{user}
LoadModule mpm_{mpm}_module {modules}/mod_mpm_{mpm}.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule status_module {modules}/mod_status.so
{load}

<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
<FilesMatch "^\\.ht">
    Require all denied
</FilesMatch>

<VirtualHost 127.0.0.1:{port}>
    DocumentRoot {root}/www
    # For Apache.settle() only.
    <Location /server-status>
        SetHandler server-status
        Require all granted
    </Location>
{site}
</VirtualHost>
"""

# The rest of the site is served as usual.  (mod_fcgid looks PATH_INFO up
# under the DocumentRoot for PATH_TRANSLATED: were that denied, every call
# would log a harmless AH01630.)
FCGID_SITE = """\
    <Directory {root}/www>
        Require all granted
    </Directory>
    Include {root}/pd-call-forward.conf
"""
FCGID_SERVER = """\
FcgidIPCDir {root}/run/fcgid
FcgidProcessTableFile {root}/run/fcgid-shm
"""

# A shared host's web space: .htaccess may switch on CGI and set variables
# (FileInfo), nothing more.
CGI_SITE = """\
    <Directory {root}/www>
        Options None
        AllowOverride FileInfo Options=ExecCGI
        Require all granted
    </Directory>
"""
CGI_SERVER = "TypesConfig /etc/mime.types\n"
CGID_SERVER = CGI_SERVER + "ScriptSock {root}/run/cgisock\n"

# ap_escape_errorlog_item's escapes, undone.
ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|.)")
UNESCAPED = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "v": "\v", "f": "\f"}


def sanitizer_env(fcgid):
    """Apache gives its programs a clean environment: the sanitizers'
    options (where a sanitized build writes its reports) are passed on
    explicitly, so a report from a program Apache ran is not lost."""
    names = [n for n in ("ASAN_OPTIONS", "UBSAN_OPTIONS") if n in os.environ]
    if not names:
        return ""
    if fcgid:
        return "".join(f'FcgidInitialEnv {n} "{os.environ[n]}"\n' for n in names)
    return "PassEnv " + " ".join(names) + "\n"


def apache_unescape(text):
    def one(m):
        e = m.group(1)
        return chr(int(e[1:], 16)) if len(e) == 3 else UNESCAPED.get(e, e)
    return ESCAPE.sub(one, text)


def share_config_with_apache(config):
    """As root, Apache's children run as www-data: its group gets to read the
    config directory and files, which stay 0640 and owned by root."""
    if os.geteuid() != 0:
        return
    gid = pwd.getpwnam("www-data").pw_gid
    d = os.path.dirname(config)
    os.chown(d, -1, gid)
    os.chmod(d, 0o750)
    for name in os.listdir(d):
        os.chown(os.path.join(d, name), -1, gid)
        os.chmod(os.path.join(d, name), 0o640)


def make_spool_for_apache(path):
    """A directory of the program's own (the alert spool, the cache),
    writable by the user Apache runs it as."""
    os.makedirs(path, mode=0o700)
    if os.geteuid() == 0:
        www = pwd.getpwnam("www-data")
        os.chown(path, www.pw_uid, www.pw_gid)
    return path


class Apache:
    """One Apache in `root`, started in the foreground on a loopback port."""

    def __init__(self, root, mpm, modules, server, site):
        self.root = root
        self.port = free_port()
        run = os.path.join(root, "run")
        os.makedirs(run)
        os.makedirs(os.path.join(root, "www"), exist_ok=True)
        user = ""
        if os.geteuid() == 0:
            # Apache drops to www-data, which makes its sockets in run/.
            user = "User www-data\nGroup www-data"
            www = pwd.getpwnam("www-data")
            os.chown(run, www.pw_uid, www.pw_gid)
        load = "\n".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so" for m in modules)
        conf = os.path.join(root, "apache2.conf")
        with open(conf, "w") as f:
            f.write(APACHE_TEMPLATE.format(root=root, port=self.port, user=user, mpm=mpm, modules=MODULES,
                                           load=load + "\n" + server.format(root=root),
                                           site=site.format(root=root)))
        self.stderr = open(os.path.join(root, "apache2.stderr"), "w")
        # A session of its own, so that stop() can find whatever it leaves.
        self.proc = subprocess.Popen([which("apache2"), "-f", conf, "-DFOREGROUND"],
                                     stdout=self.stderr, stderr=self.stderr, start_new_session=True)
        try:
            wait_for(self._listening, what="Apache to listen")
        except Exception:
            self.stop()
            raise
        self.url = f"http://127.0.0.1:{self.port}"

    def _listening(self):
        if self.proc.poll() is not None:
            raise RuntimeError("apache2 exited: " + open(self.stderr.name).read())
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def _idle(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", "/server-status?auto")
            text = conn.getresponse().read().decode()
        finally:
            conn.close()
        m = re.search(r"^BusyWorkers: (\d+)$", text, re.M)
        return m is not None and int(m.group(1)) <= 1  # the status request itself

    def settle(self):
        """Waits until Apache has no request in hand.  A client has its
        answer once the body is in, but the program's log line can reach
        the error log a moment later (a CGI program writes it after its
        answer), though always before Apache is done with the request."""
        wait_for(self._idle, timeout=30, what="Apache to finish its requests")

    def error_log_text(self):
        self.settle()
        with open(os.path.join(self.root, "error.log"), errors="replace") as f:
            return f.read()

    def stop(self):
        stop_process(self.proc)  # SIGTERM: Apache stops its children and the programs
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.stderr.close()


class ApacheFcgid(Apache):
    """apache/pd-call-forward.conf in a virtual host; mod_fcgid starts the
    program and logs what it sends as FCGI_STDERR."""

    def __init__(self, workdir, config):
        root = os.path.join(workdir, "apache-fcgid")
        sbin = os.path.join(root, "sbin")
        os.makedirs(sbin)
        # A copy: the build tree may be out of www-data's reach.
        self.program = os.path.join(sbin, "pd-call-forward")
        shutil.copy(PROGRAM, self.program)
        with open(os.path.join(ROOT, "apache", "pd-call-forward.conf")) as f:
            text = (f.read().replace("/etc/pd-call-forward/pd-call-forward.ini", config)
                    .replace("/usr/local/sbin", sbin))
        with open(os.path.join(root, "pd-call-forward.conf"), "w") as f:
            f.write(text)
        super().__init__(root, "event", ["alias", "fcgid", "headers"], FCGID_SERVER + sanitizer_env(True), FCGID_SITE)
        self.base = self.url + "/pd-call-forward"

    def log_lines(self):
        """[time] [fcgid:warn] [pid P:tid T] [client A:P] mod_fcgid: stderr: LINE
        with LINE escaped as Apache escapes messages.  (Twilio sends no
        Referer, so no ", referer: ..." follows.)"""
        marker = "] mod_fcgid: stderr: "
        out = []
        for line in self.error_log_text().splitlines():
            i = line.find(marker + "pd-call-forward: ")
            if i >= 0:
                out.append(apache_unescape(line[i + len(marker):]))
        return out


class ApacheCgi(Apache):
    """A web directory holding the program as pd-call-forward.cgi and
    apache/htaccess as its .htaccess; `module` is cgid (threaded MPMs,
    Debian's default) or cgi (prefork)."""

    # A process per request: no worker stays to send held alerts, the flush
    # timer does (scenarios.release_held).
    cgi = True

    def __init__(self, workdir, config, module):
        root = os.path.join(workdir, "apache-" + module)
        web = os.path.join(root, "www", "pd")
        os.makedirs(web)
        self.script = self.program = os.path.join(web, "pd-call-forward.cgi")
        shutil.copy(PROGRAM, self.script)
        with open(os.path.join(ROOT, "apache", "htaccess")) as f:
            text = f.read().replace("/home/USER/pd-call-forward.ini", config)
        with open(os.path.join(web, ".htaccess"), "w") as f:
            f.write(text)
        if module == "cgid":
            super().__init__(root, "event", ["mime", "env", "cgid"], CGID_SERVER + sanitizer_env(False), CGI_SITE)
        else:
            super().__init__(root, "prefork", ["mime", "env", "cgi"], CGI_SERVER + sanitizer_env(False), CGI_SITE)
        self.base = self.url + "/pd/pd-call-forward.cgi"

    def log_lines(self):
        """mod_cgi reads the program's stderr and logs each line as
        [time] [cgi:error] [pid P] [client A:P] AH01215: stderr from SCRIPT: LINE
        (escaped).  Debian's mod_cgid is built without fd passing: the
        program's stderr is the error log itself, and each line is there
        as written."""
        marker = f"] AH01215: stderr from {self.script}: "
        out = []
        for line in self.error_log_text().splitlines():
            if line.startswith("pd-call-forward: "):
                out.append(line)
            elif marker + "pd-call-forward: " in line:
                out.append(apache_unescape(line.split(marker, 1)[1]))
        return out
