"""The machinery of bench/run: build, servers, data, measurement, statistics, report.

Scenarios live in bench_scenarios.py; this module knows nothing about protocols.
"""
import datetime
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import bench_micro
from bench_scenarios import IDLE_PASS, IDLE_USER, scenarios  # noqa: F401  (scenarios: for bench/run)

# --config=opt (.bazelrc); a shared Bazel disk cache when BAZEL_DISK_CACHE names one.
BAZEL_FLAGS = ["--config=opt"] + (
    ["--disk_cache=" + os.environ["BAZEL_DISK_CACHE"]] if os.environ.get("BAZEL_DISK_CACHE") else [])
TARGETS = {
    "inet": "//tools/inet:inet",
    "http_bench": "//bench:http_bench",
    "smtp_bench": "//bench:smtp_bench",
    "imap_bench": "//bench:imap_bench",
    "pop3_bench": "//bench:pop3_bench",
    "ftp_bench": "//bench:ftp_bench",
    "tcp_copy": "//bench:tcp_copy",
    "micro": "//bench:micro",
}


def log(msg):
    print("bench/run: " + msg, file=sys.stderr, flush=True)


# ---- build ---------------------------------------------------------------------------------------

def build(root, skip=False):
    """Builds every client target (opt); returns {name: path or None (not built)}."""
    if not skip:
        log("bazel build " + " ".join(BAZEL_FLAGS + list(TARGETS.values())))
        r = subprocess.run(["bazel", "build", "--keep_going"] + BAZEL_FLAGS + list(TARGETS.values()),
                           cwd=root, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            log("some targets did not build:\n" + "\n".join(
                line for line in r.stderr.splitlines() if "ERROR" in line))
    binroot = os.path.join(root, "bazel-out/k8-opt/bin")  # --config=opt's output tree
    bins = {}
    for name, label in TARGETS.items():
        pkg, target = label[2:].split(":")
        path = os.path.join(binroot, pkg, target)
        bins[name] = path if os.access(path, os.X_OK) else None
        log(f"{name}: {bins[name] or 'not built'}")
    return bins


# ---- servers and data ---------------------------------------------------------------------------

def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v.strip("'\"")
    return env


def alive(pid):
    """A zombie counts as gone (tests/integration/servers/stop does the same)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, seconds=10):
    import socket
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def write_file(path, size, chunk=1 << 20):
    """`size` bytes of random data (one random MiB repeated: fast and incompressible enough)."""
    block = os.urandom(min(chunk, size) or 1)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n


class Env:
    """The servers, the data and the sizes of one run."""

    def __init__(self, root, bins, quick=False):
        self.root, self.bins, self.quick = root, bins, quick
        self.py = sys.executable
        self.servers = os.path.join(root, "tests/integration/servers")
        self.state = None
        self.vsftpd = None
        self.sizes = {
            "big": (64 << 20) if quick else (1 << 30),
            "requests": 2000 if quick else 10000,
            "conns": 50,
            "small_files": 200 if quick else 1000,
            "mailbox_big": 1000 if quick else 10000,
            "mailbox_small": 300 if quick else 1000,
            "smtp_msgs": 200 if quick else 1000,
            "smtp_procs": 50 if quick else 1000,
            "smtp_big": 25 << 20,
            "idle_conns": 300 if quick else 10000,
            "smtp_conc": 100 if quick else 1000,
        }

    def bin(self, name):
        return self.bins.get(name)

    def pyscript(self, name):
        return [self.py, os.path.join(self.root, "bench/py", name)]

    # -- lifecycle
    def start(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # servers and clients inherit it
        self.state = tempfile.mkdtemp(prefix="ib.", dir="/tmp")
        os.chmod(self.state, 0o755)
        self.out = tempfile.mkdtemp(prefix="inetpp-bench-out.", dir="/dev/shm")
        log("starting postfix + dovecot")
        subprocess.run([os.path.join(self.servers, "start"), self.state], check=True,
                       stdout=subprocess.DEVNULL)
        self.mail = read_env(os.path.join(self.state, "env"))
        self._tune_mail_servers()
        log("starting nginx")
        subprocess.run([os.path.join(self.servers, "nginx"), "start", self.state], check=True)
        self.http = read_env(os.path.join(self.state, "nginx.env"))
        self._tune_nginx()
        self._start_vsftpd()
        self.versions = versions(self)
        self._prepare_data()

    def stop(self, keep=False):
        if self.vsftpd:
            self.vsftpd.terminate()
            self.vsftpd.wait()
        if self.state:
            subprocess.run([os.path.join(self.servers, "nginx"), "stop", self.state],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run([os.path.join(self.servers, "stop"), self.state],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not keep:
                shutil.rmtree(self.state, ignore_errors=True)
        if getattr(self, "out", None):
            shutil.rmtree(self.out, ignore_errors=True)

    def _tune_mail_servers(self):
        """Lifts the test configuration's connection limits for the scale rows (10,000 IMAP
        sessions: several sessions per imap process; 1,000 SMTP connections) and reloads."""
        conf = self.mail["DOVECOT_CONF"]
        with open(conf, "a") as f:
            f.write("\n# bench/run: scale rows\ndefault_client_limit = 20000\n"
                    "mail_max_userip_connections = 100000\n"
                    "service imap-login {\n  service_count = 0\n  client_limit = 20000\n"
                    "  process_min_avail = 1\n  process_limit = 4\n}\n"
                    "service imap {\n  service_count = 0\n  client_limit = 500\n  process_limit = 40\n"
                    "  vsz_limit = 2G\n}\n"
                    "service anvil {\n  client_limit = 30000\n}\n")
        # A third user with an empty mailbox for the idle row (SELECT stays cheap).
        with open(os.path.join(self.mail["RUN_DIR"], "passwd"), "a") as f:
            f.write(f"{IDLE_USER}:{{PLAIN}}{IDLE_PASS}::::::\n")
        subprocess.run(["doveadm", "-c", conf, "reload"], check=True)
        pf = self.mail["POSTFIX_CONFIG_DIR"]
        # default_process_limit is also smtpd's listen backlog: 1,000 connects at once.
        subprocess.run(["postconf", "-c", pf, "-e", "default_process_limit=1100",
                        "smtpd_client_connection_count_limit=0",
                        "smtpd_client_connection_rate_limit=0",
                        "message_size_limit=104857600"], check=True)
        self._restart_postfix(pf)

    def _restart_postfix(self, pf):
        """A restart, not a reload: postfix keeps its listening sockets over a reload, and their
        backlog (max(maxproc, default_process_limit)) is fixed when they are made. The new
        master PID goes into STATE_DIR/env for tests/integration/servers/stop."""
        old = int(self.mail["POSTFIX_PID"])
        subprocess.run(["postfix", "-c", pf, "stop"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        end = time.monotonic() + 20
        while time.monotonic() < end and alive(old):
            time.sleep(0.05)
        pidfile = os.path.join(self.mail["RUN_DIR"], "queue/pid/master.pid")
        subprocess.run(["postfix", "-c", pf, "start"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        new = ""
        while time.monotonic() < end and (not new or new == str(old)):
            time.sleep(0.05)
            try:
                with open(pidfile) as f:
                    new = f.read().strip()
            except OSError:
                pass
        envfile = os.path.join(self.state, "env")
        with open(envfile) as f:
            text = f.read()
        with open(envfile, "w") as f:
            f.write(re.sub(r"^POSTFIX_PID=.*$", f"POSTFIX_PID={new}", text, flags=re.M))
        self.mail["POSTFIX_PID"] = new
        if not new or not wait_port(int(self.mail["SMTP_PORT"]), 20):
            raise RuntimeError("postfix did not come back after its restart")

    def _tune_nginx(self):
        """The test nginx closes a connection after 1,000 requests and allows 64 connections;
        the rate rows need 10,000 requests per connection and 50+ connections."""
        conf = os.path.join(self.http["NGINX_RUN_DIR"], "nginx.conf")
        with open(conf) as f:
            text = f.read()
        text = text.replace("keepalive_requests 1000;", "keepalive_requests 1000000;")
        text = text.replace("worker_connections 64;", "worker_connections 1024;")
        with open(conf, "w") as f:
            f.write(text)
        os.kill(int(self.http["NGINX_PID"]), signal.SIGHUP)
        time.sleep(1)

    def _start_vsftpd(self):
        if not shutil.which("vsftpd", path="/usr/sbin:/usr/bin:/sbin:/bin"):
            log("vsftpd missing: FTP rows not run")
            self.ftp = None
            return
        self.ftp = {"FTP_PORT": free_port()}
        run = os.path.join(self.state, "ftp")
        froot = os.path.join(run, "root")
        self.ftp["ROOT"] = froot
        os.makedirs(os.path.join(froot, "incoming"))
        os.makedirs(os.path.join(froot, "small"))
        os.makedirs("/var/run/vsftpd/empty", exist_ok=True)
        os.chmod(run, 0o755)
        os.chmod(froot, 0o755)
        shutil.chown(os.path.join(froot, "incoming"), "ftp")
        cert, key = os.path.join(run, "cert.pem"), os.path.join(run, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ftp["CERT"] = cert
        pasv = 40000 + (os.getpid() % 20000)
        # The configuration of tests/integration/ftp/vsftpd_test.sh (anonymous, upload into
        # incoming/, explicit FTPS with require_ssl_reuse), with a wider passive port range.
        conf = os.path.join(run, "vsftpd.conf")
        with open(conf, "w") as f:
            f.write(f"""listen=YES
listen_address=127.0.0.1
listen_port={self.ftp['FTP_PORT']}
background=NO
anonymous_enable=YES
local_enable=NO
no_anon_password=YES
anon_root={froot}
write_enable=YES
anon_upload_enable=YES
anon_umask=022
pasv_enable=YES
pasv_min_port={pasv}
pasv_max_port={pasv + 2000}
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
require_ssl_reuse=YES
rsa_cert_file={cert}
rsa_private_key_file={key}
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=/var/run/vsftpd/empty
xferlog_enable=NO
max_per_ip=0
max_clients=0
""")
        self.vsftpd = subprocess.Popen(["vsftpd", conf], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        if not wait_port(self.ftp["FTP_PORT"]):
            log("vsftpd did not start: FTP rows not run")
            self.ftp = None

    def _prepare_data(self):
        s = self.sizes
        t0 = time.monotonic()
        data = os.path.join(self.state, "bench-data")
        os.makedirs(data)
        self.big = os.path.join(data, "big.bin")
        write_file(self.big, s["big"])
        doc = self.http["DOCROOT"]
        write_file(os.path.join(doc, "1k.bin"), 1024)
        os.link(self.big, os.path.join(doc, "big.bin"))
        os.chmod(self.big, 0o644)
        if self.ftp:
            os.link(self.big, os.path.join(self.ftp["ROOT"], "big.bin"))
            small = os.path.join(self.ftp["ROOT"], "small")
            block = os.urandom(1024)
            for i in range(1, s["small_files"] + 1):
                with open(os.path.join(small, "f%04d.txt" % i), "wb") as f:
                    f.write(block)
        # Messages for SMTP: a small one (~2 KiB) and a 25 MiB one, CRLF lines.
        line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n"
        head = "From: bench@example.test\r\nTo: bob@example.test\r\nSubject: bench\r\n\r\n"
        self.small_msg = os.path.join(data, "small.eml")
        with open(self.small_msg, "w", newline="") as f:
            f.write(head + line * 27)
        self.big_msg = os.path.join(data, "big.eml")
        with open(self.big_msg, "w", newline="") as f:
            f.write(head + line * (s["smtp_big"] // len(line)))
        self._make_maildir("alice", s["mailbox_big"])
        self._make_maildir("bob", s["mailbox_small"])
        self._make_maildir(IDLE_USER.split("@")[0], 0)
        log(f"data ready in {time.monotonic() - t0:.1f} s")

    def _make_maildir(self, user, count):
        """`count` messages of about 4 KiB straight into dovecot's Maildir (LF line ends, as
        dovecot stores them), in cur/ with the :2, suffix so nothing is renamed on first access."""
        m = self.mail
        box = os.path.join(m["MAILDIR_ROOT"], m["TEST_DOMAIN"], user)
        for d in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(box, d), exist_ok=True)
        body = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
                "tempor.\n") * 48
        uid, gid = int(m["VMAIL_UID"]), int(m["VMAIL_GID"])
        base = 1700000000
        for i in range(1, count + 1):
            msg = (f"Return-Path: <sender{i}@example.test>\nFrom: Sender {i} <sender{i}@example.test>\n"
                   f"To: {user}@example.test\nSubject: benchmark message {i}\n"
                   f"Date: Tue, 14 Nov 2023 22:13:20 +0000\nMessage-ID: <{i}.bench@example.test>\n"
                   f"MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n{body}")
            path = os.path.join(box, "cur", f"{base + i}.M{i}P1.bench:2,")
            with open(path, "w") as f:
                f.write(msg)
            os.chown(path, uid, gid)
        for root, dirs, _ in os.walk(os.path.join(m["MAILDIR_ROOT"], m["TEST_DOMAIN"])):
            os.chown(root, uid, gid)
            for d in dirs:
                os.chown(os.path.join(root, d), uid, gid)


# ---- measurement --------------------------------------------------------------------------------

class Run:
    __slots__ = ("seconds", "rss_kib", "ok", "error", "extra")

    def __init__(self, seconds, rss_kib, ok, error="", extra=None):
        self.seconds, self.rss_kib, self.ok, self.error, self.extra = (
            seconds, rss_kib, ok, error, extra or {})


def measure(argv, timeout, stdout_path=None, shell=False):
    """Runs one client process; wall time, peak RSS (wait4: the process and its waited-for
    children), exit status."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    # GNU time runs the client: a process forked from this (large) Python process would start
    # with its peak RSS; time's own child starts small, and time reports that child's wait4.
    rss_file = tempfile.NamedTemporaryFile(prefix="rss.", dir="/tmp", delete=False)
    rss_file.close()
    if shell:
        argv = ["bash", "-c", argv]
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file.name] + argv, stdout=out,
                         stderr=err, start_new_session=True)
    killed = []

    def kill():
        killed.append(True)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.daemon = True  # an interrupted run must not wait for it
    timer.start()
    _, status, _ = os.wait4(p.pid, 0)
    t1 = time.monotonic()
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()
    err.seek(0)
    lines = [x for x in err.read()[-4000:].decode(errors="replace").splitlines() if x.strip()]
    tail = lines[-1].strip()[:300] if lines else ""
    with open(rss_file.name) as f:
        nums = re.findall(r"^(\d+) ([\d.]+) ([\d.]+)$", f.read(), re.M)
    os.unlink(rss_file.name)
    rss = int(nums[-1][0]) if nums else 0
    cpu = (float(nums[-1][1]) + float(nums[-1][2])) if nums else 0.0
    if killed:
        return Run(t1 - t0, rss, False, f"timed out after {timeout:.0f} s")
    if p.returncode != 0:
        return Run(t1 - t0, rss, False, f"exit {p.returncode}: {tail}")
    return Run(t1 - t0, rss, True, extra={"cpu": cpu})


def inet_schemes(inet):
    """{"get": {...}, "put": {...}}: the URL schemes this `inet` has handlers for."""
    out = {}
    for verb in ("get", "put"):
        r = subprocess.run([inet, "help", verb], capture_output=True, text=True)
        m = re.search(r"URL schemes with a handler in this build: (.*)", r.stdout + r.stderr)
        out[verb] = set(m.group(1).split()) if m else None
    return out


def missing_scheme(env, c):
    """'not built (...)' when an `inet get/put` client names a scheme this inet lacks."""
    if not isinstance(c.argv, list) or len(c.argv) < 2 or c.argv[1] not in ("get", "put"):
        return None
    if not hasattr(env, "schemes"):
        env.schemes = inet_schemes(c.argv[0])
    known = env.schemes.get(c.argv[1])
    for a in c.argv[2:]:
        m = re.match(r"([a-z0-9]+)://", a)
        if m and known is not None and m.group(1) not in known:
            return f"not built (this inet has no {m.group(1)}:// handler for {c.argv[1]})"
    return None


def run_scenario(env, sc, rounds):
    """Warm-up round then `rounds` counted rounds, the clients in alternation; res["wall"] is
    the row's whole wall time (warm-up, rounds, profiles)."""
    t_row = time.monotonic()
    res = {"sc": sc, "rounds": rounds, "runs": {c.name: [] for c in sc.clients}, "dropped": {}}
    for c in sc.clients:
        why = missing_scheme(env, c)
        if why:
            c.argv, c.missing = None, why
    active = [c for c in sc.clients if c.argv is not None]
    for c in sc.clients:
        if c.argv is None:
            res["dropped"][c.name] = c.missing or "not built"
    for r in range(0 if sc.warmup else 1, rounds + 1):
        for c in list(active):
            if sc.setup:
                sc.setup(c)
            stdout_path = os.path.join(env.out, "stdout") if c.parse else None
            argv = c.warmup if r == 0 and getattr(c, "warmup", None) else c.argv
            run = measure(argv, sc.timeout, stdout_path, shell=c.shell)
            if run.ok and c.parse:
                try:
                    with open(stdout_path, errors="replace") as f:
                        text = f.read()
                    run.seconds, run.extra = c.parse(text, run.seconds)
                except Exception as e:  # noqa: BLE001 - reported in the table
                    run.ok, run.error = False, f"output not understood: {e}"
            tag = "warm-up" if r == 0 else f"round {r}"
            print(f"  {tag:8} {c.name:14} {run.seconds:8.3f} s  {run.rss_kib / 1024:7.1f} MiB"
                  + ("" if run.ok else f"  FAILED {run.error}"), flush=True)
            if not run.ok:
                res["dropped"][c.name] = run.error.splitlines()[0][:200] if run.error else "failed"
                active.remove(c)
                continue
            if r > 0:
                res["runs"][c.name].append(run)
    res["profiles"] = profile_misses(env, sc, res)
    res["wall"] = time.monotonic() - t_row
    print(f"  wall     {res['wall']:.1f} s for this row", flush=True)
    return res


PROFILE_SECONDS = 10


def profile_misses(env, sc, res):
    """For each missed goal of an inetpp client: one more run under `strace -f -c`, the system
    calls that dominate (count, share of syscall time) — the first thing to look at."""
    out = {}
    if not shutil.which("strace"):
        return out
    for g in sc.goals:
        name = getattr(g, "client", None)
        if not name or name in out or not name.startswith(("lib-", "inet")):
            continue
        try:
            _, ok = g.evaluate(res, [res])
        except Exception:  # noqa: BLE001 - render() reports it
            continue
        if ok is not False:
            continue
        c = next(x for x in sc.clients if x.name == name)
        if sc.setup:
            sc.setup(c)
        trace = os.path.join(env.out, "strace.txt")
        argv = ["bash", "-c", c.argv] if c.shell else c.argv
        # At most PROFILE_SECONDS of it: strace prints its summary when interrupted.
        p = subprocess.Popen(["timeout", "-s", "INT", str(PROFILE_SECONDS), "strace", "-f", "-c",
                              "-o", trace] + argv, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        complete = p.wait() == 0
        try:
            os.killpg(p.pid, signal.SIGKILL)  # a client strace let go of when interrupted
        except ProcessLookupError:
            pass
        if not os.path.exists(trace):
            continue
        rows = []
        with open(trace) as f:
            for line in f:
                m = re.match(r"\s*([\d.]+)\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$", line)
                if m and m.group(3) != "total":
                    rows.append((int(m.group(2)), float(m.group(1)), m.group(3)))
        rows.sort(reverse=True)
        amount, unit = sc.work
        parts = []
        for calls, pct, call in rows[:5]:
            extra = ""
            if complete and unit == "B" and call in ("read", "recvfrom", "recvmsg", "write", "writev",
                                        "sendto", "sendmsg"):
                extra = f", {amount / calls / 1024:.1f} KiB per call"
            parts.append(f"{calls:,} {call} ({pct:.0f}% of syscall time{extra})")
        out[name] = "; ".join(parts) + ("" if complete else
                                        f" (the first {PROFILE_SECONDS} s of the run)")
        print(f"  profile  {name}: {out[name]}", flush=True)
    return out


# ---- statistics and report ----------------------------------------------------------------------

def fmt_s(x):
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def fmt_rate(sc, seconds):
    amount, unit = sc.work
    if unit == "B":
        return f"{amount / seconds / 1048576:.0f} MiB/s"
    return f"{amount / seconds:,.0f} {unit}/s"


def ratios(res, a, b):
    """Per-round speed ratio of client a to peer(s) b (t_b / t_a; > 1: a is faster). b may be a
    list: each round's fastest of them."""
    ra = res["runs"].get(a, [])
    peers = b if isinstance(b, list) else [b]
    rb = [res["runs"].get(p, []) for p in peers]
    n = min([len(ra)] + [len(x) for x in rb])
    if n == 0:
        return []
    return [min(x[i].seconds for x in rb) / ra[i].seconds for i in range(n)]


def ratio_text(rs):
    if not rs:
        return "–"
    return f"{statistics.median(rs):.2f}× ({min(rs):.2f}–{max(rs):.2f})"


def scenario_table(res):
    sc = res["sc"]
    names = [c.name for c in sc.clients]
    peers = [n for n in names if res["runs"][n]]
    lines = [f"### {sc.id}: {sc.title}", ""]
    if sc.note:
        lines += [sc.note, ""]
    head = ["client", "median s", "min–max s", "rate", "peak RSS MiB"] + [f"vs {p}" for p in peers]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for c in sc.clients:
        runs = res["runs"][c.name]
        if not runs:
            why = res["dropped"].get(c.name, "no result")
            lines.append(f"| {c.name} | {why} |" + " |" * (len(head) - 2))
            continue
        ts = [x.seconds for x in runs]
        med = statistics.median(ts)
        rss = max(x.rss_kib for x in runs) / 1024
        cells = [c.name, fmt_s(med), f"{fmt_s(min(ts))}–{fmt_s(max(ts))}", fmt_rate(sc, med),
                 f"{rss:.1f}"]
        for p in peers:
            cells.append("" if p == c.name else ratio_text(ratios(res, c.name, p)))
        lines.append("| " + " | ".join(cells) + " |")
        if c.name in res["dropped"]:
            lines[-1] += f" (dropped later: {res['dropped'][c.name]})"
    for name, prof in res.get("profiles", {}).items():
        lines += ["", f"Profile of {name} (a goal is missed; one more run under `strace -f -c`, "
                  f"most frequent system calls): {prof}."]
    lines.append("")
    lines.append(f"{res['rounds']} counted round{'s' if res['rounds'] != 1 else ''}"
                 f"{' after one warm-up' if sc.warmup else ' (no warm-up)'}; {sc.what}. "
                 "Ratios: the peer's time over this client's, round by round (> 1: faster); "
                 "median (min–max)."
                 + (f" Wall time of this row: {res['wall']:.0f} s." if "wall" in res else ""))
    lines.append("")
    return lines


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1048576:.1f} GiB"
    return cpu, mem


def versions(env):
    def first(cmd, words=2):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return " ".join((r.stdout + r.stderr).strip().splitlines()[0].split()[:words])
        except Exception:  # noqa: BLE001
            return "?"
    return {
        "curl": first(["curl", "--version"], 2).replace("curl ", ""),
        "python": platform.python_version(),
        "wrk": first(["wrk", "--version"], 2).replace("wrk ", ""),
        "nginx": first(["nginx", "-v"], 3).replace("nginx version: nginx/", ""),
        "dovecot": first(["dovecot", "--version"], 1),
        "postfix": first(["postconf", "-c", env.mail["POSTFIX_CONFIG_DIR"], "-h", "mail_version"], 1),
        "vsftpd": first(["dpkg-query", "-W", "-f=${Version}", "vsftpd"]),
    }


def goal_verdict(g, ok, res):
    if ok == "info":
        return "informational (no goal in the issue)"
    if ok is None:
        return "not measured"
    if ok:
        return "PASS"
    name = getattr(g, "client", None)
    where = (f"strace profile under `{res['sc'].id}`, " if name in res.get("profiles", {}) else "")
    return f"**MISS** ({where}finding in Findings)"


def run_time_section(results, micro, timing, elapsed):
    """Where the run's wall time went: the budget of issue 18 (< 25 min on this machine)."""
    load = (f" Load average (1 min) after the build: {timing['load_start']:.1f}, at the end: "
            f"{os.getloadavg()[0]:.1f}, on {os.cpu_count()} CPUs (other jobs slow every row)."
            if "load_start" in timing else "")
    lines = ["## Run time", "",
             f"The whole run took {elapsed / 60:.1f} min (issue 18: under 25 min on this 2-core "
             f"machine).{load} Wall time of each part (a row: its warm-up, counted rounds and "
             "strace profiles):", "", "| part | counted rounds | wall s | share |",
             "|---|---|---|---|"]
    parts = [(k, "", v) for k, v in timing.get("before", [])]
    parts += [(r["sc"].id, str(r["rounds"]), r.get("wall", 0.0)) for r in results]
    parts += [(k, "", v) for k, v in timing.get("after", [])]
    if micro is not None:
        parts.append(("microbenchmarks", f"{micro['repetitions']} repetitions", micro["wall"]))
    for name, rounds, sec in parts:
        lines.append(f"| {name} | {rounds} | {sec:.1f} | {100 * sec / max(elapsed, 1e-9):.0f}% |")
    lines.append("")
    return lines


def render(env, results, cmdline, elapsed, micro=None, timing=None):
    cpu, mem = machine()
    root = env.root
    commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    v = getattr(env, "versions", {})
    lines = [
        "# Benchmarks",
        "",
        "Written by `bench/run` from one run — never edit by hand. Regenerate it with:",
        "",
        "```",
        "sudo bench/run                 # the full table (~15-20 min on 2 cores); writes this file",
        "sudo bench/run --quick         # development: small data, 2 rounds, prints only",
        "sudo bench/run [--rounds N] [--only REGEX] [--no-build] [--out FILE] [--keep]",
        "```",
        "",
        "How it measures: [bench/README.md](../bench/README.md).",
        "",
        f"- command: `{cmdline.strip()}`" + (" (quick: small data, not comparable)" if env.quick else ""),
        f"- date: {now}; run time {elapsed / 60:.1f} min",
        f"- commit: {commit}{' (with uncommitted changes)' if dirty else ''}",
        f"- machine: {os.cpu_count()} CPUs ({cpu}), {mem} RAM, Linux {platform.release()}; "
        "shared with other jobs, so absolute times are noisy: compare the ratios (measured "
        "round by round, clients in alternation)",
        "- servers (127.0.0.1): " + ", ".join(f"{k} {v.get(k, '?')}" for k in
                                              ("nginx", "vsftpd", "postfix", "dovecot")),
        "- peers: " + ", ".join(f"{k} {v.get(k, '?')}" for k in ("curl", "python", "wrk")),
        "- clients: `lib-*` are inetpp's library in small opt-built programs (bench/*.cc; "
        "`-async`: coroutines on one io_context), `inet` the CLI (opt), `curl` the curl CLI, "
        "`python` the stdlib scripts in bench/py, `raw-tcp` a bare loopback socket copy "
        "(bench/tcp_copy.cc), `wrk` the HTTP load generator",
        "",
        "## Goals",
        "",
        "| goal | measured | result |",
        "|---|---|---|",
    ]
    goal_lines = []
    for res in results:
        for g in res["sc"].goals:
            try:
                measured, ok = g.evaluate(res, results)
            except Exception as e:  # noqa: BLE001 - one odd round must not cost the report
                measured, ok = f"not evaluated ({type(e).__name__}: {e})", None
            goal_lines.append(f"| {g.text} | {measured} | {goal_verdict(g, ok, res)} |")
    if micro is not None:
        goal_lines += bench_micro.goal_lines(micro)
    lines += goal_lines or ["| (no scenario run) | | |"]
    lines += ["", "## Scenarios", ""]
    for res in results:
        lines += scenario_table(res)
    if micro is not None:
        lines += bench_micro.section(micro)
    lines += run_time_section(results, micro, timing or {}, elapsed)
    findings = os.path.join(root, "bench/findings.md")
    if os.path.exists(findings):
        with open(findings) as f:
            lines += ["## Findings (bench/findings.md, written by hand: why the misses miss)", "",
                      f.read().strip(), ""]
    return "\n".join(lines) + "\n"
