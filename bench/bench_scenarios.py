"""The scenarios of issue 18 for bench/run: clients, work, goals."""
import os
import re
import shlex
import shutil
import statistics

# The user bench/run adds to the test dovecot for the idle row (an empty mailbox).
IDLE_USER, IDLE_PASS = "carol@example.test", "idle-secret"


class Client:
    def __init__(self, name, argv, parse=None, shell=False, missing=None, warmup=None):
        """argv None = not available (`missing` says why). parse(stdout, seconds) -> (seconds,
        extra): for clients that report their own rate (wrk) or figures (the idle test).
        warmup: a lighter command for the warm-up round (same program, less work), where
        repeating the whole measured work would only spend the run's time budget."""
        self.name, self.argv, self.parse, self.shell = name, argv, parse, shell
        self.missing, self.warmup = missing, warmup


class Scenario:
    def __init__(self, id, title, what, work, clients, goals=(), rounds=None, timeout=300,
                 setup=None, after=None, note="", warmup=True):
        self.id, self.title, self.what, self.work = id, title, what, work
        self.warmup = warmup
        self.clients, self.goals, self.rounds, self.timeout = clients, list(goals), rounds, timeout
        self.setup, self.after, self.note = setup, after, note


class Ratio:
    """client's speed >= factor x peer's (the fastest of `peers` per round), median of rounds."""

    def __init__(self, text, client, peers, factor):
        self.text, self.client, self.peers, self.factor = text, client, peers, factor

    def evaluate(self, res, _all):
        from bench_lib import ratios
        rs = ratios(res, self.client, self.peers)
        if not rs:
            return "not measured (" + ", ".join(
                f"{n}: {res['dropped'][n]}" for n in [self.client] + list(self.peers)
                if n in res["dropped"]) + ")", None
        med = statistics.median(rs)
        return f"{self.client} {med:.2f}× ({min(rs):.2f}–{max(rs):.2f})", med >= self.factor


class Rss:
    def __init__(self, text, clients, limit_mib):
        self.text, self.clients, self.limit = text, clients, limit_mib

    def evaluate(self, res, _all):
        got = [(c, max(r.rss_kib for r in res["runs"][c]) / 1024) for c in self.clients
               if res["runs"].get(c)]
        if not got:
            return "not measured", None
        return ", ".join(f"{c} {m:.1f} MiB" for c, m in got), all(m < self.limit for _, m in got)


class Custom:
    def __init__(self, text, fn):
        self.text, self.fn = text, fn

    def evaluate(self, res, all_results):
        return self.fn(res, all_results)


def need(env, name, argv_fn):
    """A client built from bazel's binary `name`, or "not built"."""
    return argv_fn(env.bin(name)) if env.bin(name) else None


def wrk_parse(count):
    def parse(text, _seconds):
        m = re.search(r"Requests/sec:\s*([\d.]+)", text)
        if not m:
            raise ValueError("no Requests/sec")
        rate = float(m.group(1))
        return count / rate, {"rate": rate}
    return parse


def iperf_parse(text, _seconds):
    import json
    j = json.loads(text)
    return float(j["end"]["sum_received"]["seconds"]), {}


def iperf(size):
    """iperf3 memory to memory over loopback (server started for one test, -1)."""
    if not shutil.which("iperf3"):
        return Client("iperf3", None, missing="iperf3 not installed (scripts/setup)")
    port = 20000 + os.getpid() % 20000
    return Client("iperf3", f"iperf3 -s -1 -D -B 127.0.0.1 -p {port} && sleep 0.3 && "
                  f"iperf3 -c 127.0.0.1 -p {port} -n {size} -J", shell=True, parse=iperf_parse)


def scenarios(env):
    s = env.sizes
    out = []
    out += http_scenarios(env, s)
    out += ftp_scenarios(env, s)
    out += imap_scenarios(env, s)
    out += pop3_scenarios(env, s)
    out += idle_scenarios(env, s)
    out += smtp_scenarios(env, s)
    return out


def mib(n):
    return f"{n >> 20} MiB" if n < (1 << 30) else f"{n >> 30} GiB"


def remove(path):
    def setup(_client):
        if os.path.isdir(path):
            shutil.rmtree(path)
            os.makedirs(path)
        elif os.path.exists(path):
            os.unlink(path)
    return setup


# ---- HTTP ---------------------------------------------------------------------------------------

def http_scenarios(env, s):
    inet, hb = env.bin("inet"), env.bin("http_bench")
    hp, hsp, ca = env.http["HTTP_PORT"], env.http["HTTPS_PORT"], env.http["NGINX_CA"]
    base = f"http://127.0.0.1:{hp}"
    n, conns = s["requests"], s["conns"]
    glob = f"{base}/1k.bin?i=[1-{n}]"
    res = []
    res.append(Scenario(
        "http-keepalive", f"{n:,} GETs of 1 KiB on one keep-alive connection",
        f"{n:,} requests; wrk: 1 thread, 1 connection, 3 s, its rate converted to the time of "
        f"{n:,} requests", (n, "req"),
        [Client("lib-blocking", hb and [hb, "seq", "127.0.0.1", hp, "/1k.bin", str(n)]),
         Client("inet", inet and [inet, "get", "-sS", glob]),
         Client("curl", ["curl", "-sS", glob]),
         Client("python", env.pyscript("http_client.py") + ["seq", "127.0.0.1", hp, "/1k.bin", str(n)]),
         Client("wrk", ["wrk", "-t1", "-c1", "-d3s", f"{base}/1k.bin"], parse=wrk_parse(n))],
        goals=[Ratio("HTTP keep-alive GETs on one connection ≥ 0.95× wrk", "lib-blocking", "wrk", 0.95)]))
    res.append(Scenario(
        "http-50conn", f"{n:,} GETs of 1 KiB over {conns} connections",
        f"{n:,} requests; curl --parallel --parallel-max {conns}; wrk: 2 threads, {conns} "
        "connections, 3 s", (n, "req"),
        [Client("lib-async", hb and [hb, "par", "127.0.0.1", hp, "/1k.bin", str(n), str(conns)]),
         Client("curl", ["curl", "-sS", "--parallel", "--parallel-max", str(conns), glob]),
         Client("wrk", ["wrk", "-t2", f"-c{conns}", "-d3s", f"{base}/1k.bin"], parse=wrk_parse(n))],
        goals=[Ratio(f"HTTP {conns} connections ≥ 2× curl --parallel", "lib-async", "curl", 2.0),
               Ratio(f"HTTP {conns} connections ≥ 0.8× wrk", "lib-async", "wrk", 0.8)]))
    size = s["big"]
    dl = os.path.join(env.out, "download.bin")
    res.append(Scenario(
        "http-download", f"{mib(size)} download to a file over HTTP",
        f"{mib(size)} from nginx into a file on tmpfs (raw-tcp: the same file over a bare "
        "loopback socket into a file; iperf3: memory to memory, its own measured time)", (size, "B"),
        [Client("raw-tcp", env.bin("tcp_copy") and [env.bin("tcp_copy"), env.big, dl]),
         iperf(size),
         Client("lib-blocking", hb and [hb, "file", "127.0.0.1", hp, "/big.bin", dl]),
         Client("inet", inet and [inet, "get", "-sS", "-o", dl, f"{base}/big.bin"]),
         Client("curl", ["curl", "-sS", "-o", dl, f"{base}/big.bin"]),
         Client("python", env.pyscript("http_client.py") + ["file", "127.0.0.1", hp, "/big.bin", dl])],
        setup=remove(dl),
        goals=[Ratio("HTTP 1 GiB ≥ 0.9× raw loopback TCP (library)", "lib-blocking", "raw-tcp", 0.9),
               Ratio("HTTP 1 GiB ≥ 0.9× raw loopback TCP (inet)", "inet", "raw-tcp", 0.9),
               Ratio("HTTP 1 GiB ≥ best of curl and Python (inet)", "inet", ["curl", "python"], 1.0),
               Rss("peak RSS of an inetpp 1 GiB HTTP transfer < 32 MiB", ["lib-blocking", "inet"], 32)]))
    res.append(Scenario(
        "https-download", f"{mib(size)} download to a file over HTTPS",
        f"{mib(size)} from nginx (TLS, RSA-2048 certificate) into a file on tmpfs", (size, "B"),
        [Client("lib-blocking", hb and [hb, "file", "127.0.0.1", hsp, "/big.bin", dl, "--tls", ca]),
         Client("inet", inet and [inet, "get", "-sS", "--cacert", ca, "-o", dl,
                                  f"https://127.0.0.1:{hsp}/big.bin"]),
         Client("curl", ["curl", "-sS", "--cacert", ca, "-o", dl, f"https://127.0.0.1:{hsp}/big.bin"]),
         Client("python", env.pyscript("http_client.py") + ["file", "127.0.0.1", hsp, "/big.bin", dl,
                                                            "--tls", ca])],
        setup=remove(dl),
        goals=[Ratio("HTTPS 1 GiB ≥ 1.2× curl (inet)", "inet", "curl", 1.2),
               Ratio("HTTPS 1 GiB ≥ 1.2× curl (library)", "lib-blocking", "curl", 1.2),
               Rss("peak RSS of an inetpp 1 GiB HTTPS transfer < 32 MiB", ["lib-blocking", "inet"], 32)]))
    return res


CURL_FTPS_FILES = 20


def curl_small(nf, c_tls, url, tls):
    """curl over FTPS stalls ~200 ms per file here (1,000 files: over 3 minutes a run): it
    fetches CURL_FTPS_FILES files and its time is scaled to nf."""
    k = min(nf, CURL_FTPS_FILES) if tls else nf
    scale = nf / k

    def parse(_text, seconds):
        return seconds * scale, {}
    return Client("curl", ["curl", "-sS"] + c_tls + [f"{url}/small/", f"{url}/small/f[0001-{k:04d}].txt"],
                  parse=parse if scale != 1 else None)


# ---- FTP ----------------------------------------------------------------------------------------

def ftp_scenarios(env, s):
    if not env.ftp:
        return []
    inet, fb = env.bin("inet"), env.bin("ftp_bench")
    fp, cert = env.ftp["FTP_PORT"], env.ftp["CERT"]
    url = f"ftp://127.0.0.1:{fp}"
    size = s["big"]
    dl = os.path.join(env.out, "download.bin")
    up_path = os.path.join(env.ftp["ROOT"], "incoming", "up.bin")
    small_out = os.path.join(env.out, "small")
    os.makedirs(small_out, exist_ok=True)
    nf = s["small_files"]
    res = []
    for tls in (False, True):
        proto = "FTPS" if tls else "FTP"
        pre = "ftps" if tls else "ftp"
        i_tls = ["--ssl-reqd", "--cacert", cert] if tls else ["--tls", "none"]
        c_tls = ["--ssl-reqd", "--cacert", cert] if tls else []
        p_tls = ["--tls"] if tls else []
        f_tls = ["--tls", cert] if tls else []
        res.append(Scenario(
            f"{pre}-retr", f"{mib(size)} RETR over {proto}",
            f"{mib(size)} from vsftpd (passive) into a file on tmpfs", (size, "B"),
            [Client("lib-blocking", fb and [fb, "retr", "127.0.0.1", str(fp), "big.bin", dl] + f_tls),
             Client("inet", inet and [inet, "get", "-sS"] + i_tls + ["-o", dl, f"{url}/big.bin"]),
             Client("curl", ["curl", "-sS"] + c_tls + ["-o", dl, f"{url}/big.bin"]),
             Client("python", env.pyscript("ftp_client.py") + ["retr", "127.0.0.1", str(fp),
                                                               "big.bin", dl] + p_tls)],
            setup=remove(dl),
            goals=[Ratio(f"{proto} 1 GiB RETR ≥ " + ("curl" if tls else "best of curl and Python"),
                         "inet", "curl" if tls else ["curl", "python"], 1.0),
                   Rss(f"peak RSS of an inetpp 1 GiB {proto} transfer < 32 MiB", ["inet"], 32)]))
        res.append(Scenario(
            f"{pre}-stor", f"{mib(size)} STOR over {proto}",
            f"{mib(size)} from a file to vsftpd (passive)", (size, "B"),
            [Client("inet", inet and [inet, "put", "-sS"] + i_tls + ["-T", env.big,
                                                                    f"{url}/incoming/up.bin"]),
             Client("curl", ["curl", "-sS"] + c_tls + ["-T", env.big, f"{url}/incoming/up.bin"]),
             Client("python", env.pyscript("ftp_client.py") + ["stor", "127.0.0.1", str(fp),
                                                               "incoming/up.bin", env.big] + p_tls)],
            setup=remove(up_path),
            goals=[Rss(f"peak RSS of an inetpp 1 GiB {proto} upload < 32 MiB", ["inet"], 32)]))
        res.append(Scenario(
            f"{pre}-small", f"{nf:,} files of 1 KiB listed and fetched over {proto}",
            f"one listing of the directory, then {nf:,} RETRs on one control connection "
            "(inet, curl: one command with a URL glob; python: NLST then RETR each)", (nf, "file"),
            [Client("lib-blocking", fb and [fb, "many", "127.0.0.1", str(fp), "small", small_out]
                    + f_tls),
             Client("inet", inet and [inet, "get", "-sS"] + i_tls +
                    [f"{url}/small/", f"{url}/small/f[0001-{nf:04d}].txt"]),
             curl_small(nf, c_tls, url, tls),
             Client("python", env.pyscript("ftp_client.py") + ["many", "127.0.0.1", str(fp),
                                                               "small", small_out] + p_tls)],
            setup=remove(small_out), timeout=120,
            note=(f"curl over FTPS waits ~200 ms per file here: it fetches the first {CURL_FTPS_FILES} "
                  f"files and its time is scaled ×{nf / CURL_FTPS_FILES:g} to {nf:,}."
                  if tls and nf > CURL_FTPS_FILES else ""),
            goals=[Ratio(f"{proto} {nf:,} small files ≥ Python", "inet", "python", 1.0)]))
    return res


# ---- IMAP, POP3 ---------------------------------------------------------------------------------

# Every client logs in with a cheap mechanism (Python: LOGIN / USER+PASS; the others: AUTH
# PLAIN), not SCRAM's 4,096 PBKDF2 rounds, so the rows measure the transfer.
PLAIN = ["--login-options", "AUTH=PLAIN"]

IMAP_CMDS = {
    "fetch": ("FETCH 1:* BODY[]", "FETCH BODY[] of all"),
    "headers": ("FETCH 1:* BODY.PEEK[HEADER]", "headers-only FETCH of all"),
    "search": ("UID SEARCH ALL", "UID SEARCH ALL over"),
}


def curl_imap(env, user, pw, what, url, c_tls, count):
    """curl fails (exit 56) on a FETCH 1:* custom command's literals: it fetches the messages
    through a URL glob instead (one connection, one FETCH per message)."""
    if what == "search":
        return Client("curl", ["curl", "-sS"] + c_tls + PLAIN + ["-u", f"{user}:{pw}", "-X",
                                                         IMAP_CMDS[what][0], url])
    section = "/;SECTION=HEADER" if what == "headers" else ""
    return Client("curl", ["curl", "-sS"] + c_tls + PLAIN + ["-u", f"{user}:{pw}",
                                                     f"{url}/;MAILINDEX=[1-{count}]{section}"])


def imap_client_set(env, user, pw, what, tls, count):
    m = env.mail
    inet, ib = env.bin("inet"), env.bin("imap_bench")
    port = m["IMAPS_PORT"] if tls else m["IMAP_PORT"]
    ca = m["CA_FILE"]
    cmd = IMAP_CMDS[what][0]
    scheme = "imaps" if tls else "imap"
    url = f"{scheme}://127.0.0.1:{port}/INBOX"
    i_tls = ["--cacert", ca] if tls else ["--tls", "none"]
    c_tls = ["--cacert", ca] if tls else []
    return [
        Client("lib-blocking", ib and [ib, "cmd", "127.0.0.1", port, user, pw, cmd] +
               (["--tls", ca] if tls else [])),
        Client("inet", inet and [inet, "get", "-sS"] + i_tls + PLAIN + ["-u", f"{user}:{pw}", "-X", cmd, url]),
        curl_imap(env, user, pw, what, url, c_tls, count),
        Client("python", env.pyscript("imap_client.py") + ["127.0.0.1", port, user, pw, what] +
               (["--tls", ca] if tls else [])),
    ]


def rss_of(results, sc_id, client):
    for r in results:
        if r["sc"].id == sc_id and r["runs"].get(client):
            return max(x.rss_kib for x in r["runs"][client]) / 1024
    return None


def flat_memory(big_id, small_id, nbig, nsmall):
    def fn(_res, results):
        parts, ok = [], True
        for c in ("lib-blocking", "inet"):
            a, b = rss_of(results, small_id, c), rss_of(results, big_id, c)
            if a is None or b is None:
                continue
            parts.append(f"{c} {a:.1f} → {b:.1f} MiB")
            ok = ok and b <= a * 1.25 + 2
        if not parts:
            return "not measured", None
        return f"peak RSS {nsmall:,} → {nbig:,} messages: " + ", ".join(parts), ok
    return fn


def imap_scenarios(env, s):
    m = env.mail
    nb, ns = s["mailbox_big"], s["mailbox_small"]
    alice, apw = m["TEST_USER"], m["TEST_PASS"]
    bob, bpw = m["TEST_USER2"], m["TEST_PASS2"]
    res = []
    for what in ("fetch", "headers", "search"):
        for tls in (False, True):
            proto = "TLS (imaps)" if tls else "plaintext"
            sid = f"imap-{what}{'-tls' if tls else ''}"
            goals = []
            if what == "fetch":
                goals = [Ratio(f"IMAP FETCH of all ≥ {'2× ' if tls else ''}Python imaplib, "
                               f"{proto} (inet)", "inet", "python", 2.0 if tls else 1.0),
                         Ratio(f"IMAP FETCH of all ≥ {'2× ' if tls else ''}Python imaplib, "
                               f"{proto} (library)", "lib-blocking", "python", 2.0 if tls else 1.0)]
            res.append(Scenario(
                sid, f"{IMAP_CMDS[what][1]} {nb:,} messages, {proto}",
                f"LOGIN, SELECT, `{IMAP_CMDS[what][0]}`, LOGOUT; messages of ~4.4 KiB"
                + ("" if what == "search" else "; curl: one FETCH per message through a URL glob "
                   "(`;MAILINDEX=[1-n]`), as it cannot read this command's literals"), (nb, "msg"),
                imap_client_set(env, alice, apw, what, tls, nb), goals=goals))
    res.append(Scenario(
        "imap-fetch-small", f"FETCH BODY[] of all {ns:,} messages, plaintext (memory baseline)",
        "as imap-fetch, on the smaller mailbox", (ns, "msg"),
        imap_client_set(env, bob, bpw, "fetch", False, ns),
        goals=[Custom("IMAP FETCH memory flat in the message count",
                      flat_memory("imap-fetch", "imap-fetch-small", nb, ns))]))
    return res


def pop3_scenarios(env, s):
    m = env.mail
    inet, pb = env.bin("inet"), env.bin("pop3_bench")
    n = s["mailbox_small"]
    bob, bpw = m["TEST_USER2"], m["TEST_PASS2"]
    url = f"pop3://127.0.0.1:{m['POP3_PORT']}/[1-{n}]"
    return [Scenario(
        "pop3-retr", f"RETR of {n:,} messages, plaintext", "one command, one connection (inet, "
        "curl: URL glob; python: poplib RETR each; lib-blocking: one pipelined retr_many)", (n, "msg"),
        [Client("lib-blocking", pb and [pb, "retr", "127.0.0.1", m["POP3_PORT"], bob, bpw]),
         Client("inet", inet and [inet, "get", "-sS", "--tls", "none", "-u", f"{bob}:{bpw}"] + PLAIN + [url]),
         Client("curl", ["curl", "-sS", "-u", f"{bob}:{bpw}"] + PLAIN + [url]),
         Client("python", env.pyscript("pop3_client.py") + ["127.0.0.1", m["POP3_PORT"], bob, bpw, str(n)])],
        goals=[Ratio(f"POP3 RETR of {n:,} messages ≥ 1.5× curl", "inet", "curl", 1.5),
               Ratio(f"POP3 RETR of {n:,} messages ≥ 1.5× curl (library)", "lib-blocking", "curl",
                     1.5)])]


# ---- scale --------------------------------------------------------------------------------------

def idle_parse(text, seconds):
    kv = dict(re.findall(r"(\w+)=(-?[\d.]+(?:e[-+]?\d+)?)", text))
    if "connected" not in kv:
        raise ValueError(text.strip()[:200])
    return seconds, {k: float(v) for k, v in kv.items()}


def idle_goal(n):
    """Medians over the counted rounds. The wake-up latency is dovecot's: it delays IDLE
    notifications by 0.5 s, so the first wake-up cannot come sooner (bench/findings.md)."""
    def fn(res, _all):
        runs = res["runs"].get("lib-async")
        if not runs:
            return "not measured (" + res["dropped"].get("lib-async", "?") + ")", None
        es = [r.extra for r in runs]

        def med(key, rounds=es):
            return statistics.median(e.get(key, 0.0) for e in rounds)
        conn = int(min(e["connected"] for e in es))
        per = statistics.median((e["rss_idle_kib"] - e["rss_before_kib"]) / max(e["connected"], 1)
                                for e in es)
        idle_mib = med("rss_idle_kib") / 1024
        at_n = (med("rss_before_kib") + per * n) / 1024
        txt = (f"{conn:,} of {n:,} connected in every round, RSS {idle_mib:.1f} MiB idle "
               f"({per:.1f} KiB per connection"
               + (f"; {at_n:.0f} MiB extrapolated to {n:,}" if conn < n else "") +
               "); wake-up after one APPEND (dovecot notifies after 0.5 s): ")
        # A round where no idler woke within 10 s has no wake-up times (the program prints
        # the unset time points as negative numbers): counted, not averaged in.
        woke = [e for e in es if e.get("woken", 0) > 0 and e.get("wake_first_ms", -1) >= 0]
        if woke:
            txt += (f"first {med('wake_first_ms', woke):.0f} ms, "
                    f"{int(med('woken', woke)):,} woken within 10 s, the last of them at "
                    f"{med('wake_all_ms', woke):.0f} ms (medians of the {len(woke)} of "
                    f"{len(es)} rounds in which any idler woke)")
        else:
            txt += f"no idler woke within 10 s in any of the {len(es)} rounds"
        return txt, max(at_n, idle_mib) < 200
    return fn


def wait_closed(port, seconds=60):
    """Before each idle round: wait until dovecot has let go of the previous round's sessions
    (fewer than 100 TCP connections to its port established or half closed; TIME_WAIT does
    not count), so that rounds do not overlap."""
    hexport = f":{int(port):04X}"

    def setup(_client):
        import time
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            n = 0
            for name in ("/proc/net/tcp", "/proc/net/tcp6"):
                try:
                    with open(name) as f:
                        for line in f:
                            fields = line.split()  # sl local remote st ...
                            if (len(fields) > 3 and fields[3] in ("01", "08")
                                    and hexport in (fields[1][-5:], fields[2][-5:])):
                                n += 1
                except OSError:
                    pass
            if n < 100:
                return
            time.sleep(0.2)
    return setup


def idle_scenarios(env, s):
    m = env.mail
    ib = env.bin("imap_bench")
    n = s["idle_conns"]
    return [Scenario(
        "imap-idle", f"one process holding {n:,} IMAP IDLE connections",
        f"{n:,} connections from one io_context (LOGIN, SELECT, IDLE), then one APPEND from "
        "another connection: time until the first and the last idler sees it; the time column "
        "is the whole run (connect + login of all)", (n, "conn"),
        [Client("lib-async", ib and [ib, "idle", "127.0.0.1", m["IMAP_PORT"], IDLE_USER,
                                     IDLE_PASS, str(n)], parse=idle_parse)],
        timeout=600, setup=wait_closed(m["IMAP_PORT"]),
        note="For this row bench/run adds to the test dovecot: up to 500 sessions per imap "
             "process, 40 processes, and a user with an empty mailbox (carol).",
        goals=[Custom(f"{n:,} idle IMAP connections in < 200 MiB RSS", idle_goal(n))])]


# ---- SMTP ---------------------------------------------------------------------------------------

def concurrent_info(n):
    """The issue asks for the row, not for a speed: informational, with its numbers."""
    def fn(res, _all):
        runs = res["runs"].get("lib-async")
        if not runs:
            return "not measured (" + res["dropped"].get("lib-async", "?") + ")", None
        ts = [r.seconds for r in runs]
        med = statistics.median(ts)
        rss = max(r.rss_kib for r in runs) / 1024
        return (f"lib-async: all {n:,} accepted by postfix in every round, {med:.2f} s median "
                f"({min(ts):.2f}–{max(ts):.2f}; {n / med:,.0f} msg/s), peak RSS {rss:.1f} MiB "
                f"({rss * 1024 / n:.0f} KiB per transaction)"), "info"
    return fn


def smtp_scenarios(env, s):
    m = env.mail
    inet, sb = env.bin("inet"), env.bin("smtp_bench")
    port = m["SMTP_PORT"]
    n, procs, conc = s["smtp_msgs"], s["smtp_procs"], s["smtp_conc"]
    small = os.path.getsize(env.small_msg)
    big = os.path.getsize(env.big_msg)
    mail = (f"{shlex.quote(inet)} mail --host=127.0.0.1 --port={port} --tls=off --auth=off "
            "--from=bench@example.test bob@example.test") if inet else None
    curl = (f"curl -sS smtp://127.0.0.1:{port} --mail-from bench@example.test "
            "--mail-rcpt bob@example.test")
    loop = "set -e; for i in $(seq {n}); do {cmd} < {msg} >/dev/null; done"
    warm = min(procs, 100)  # the warm-up round: 100 processes warm the caches as well as 1,000
    res = []
    res.append(Scenario(
        "smtp-one-conn", f"{n:,} small messages on one connection",
        f"{n:,} messages of {small:,} bytes to postfix (plain, PIPELINING), one connection",
        (n, "msg"),
        [Client("lib-blocking", sb and [sb, "seq", "127.0.0.1", port, str(n), env.small_msg]),
         Client("python", env.pyscript("smtp_client.py") + ["127.0.0.1", port, str(n), str(small)])],
        goals=[Ratio(f"SMTP {n:,} messages on one connection ≥ 2× Python smtplib",
                     "lib-blocking", "python", 2.0)]))
    res.append(Scenario(
        "smtp-per-process", f"{procs:,} small messages, one process per message (sendmail style)",
        f"a shell loop of {procs:,} `inet mail` / `curl smtp://` processes (the warm-up round: "
        f"{warm:,}); peak RSS is the largest single process", (procs, "msg"),
        [Client("inet", mail and loop.format(n=procs, cmd=mail, msg=shlex.quote(env.small_msg)),
                shell=True, warmup=mail and loop.format(n=warm, cmd=mail,
                                                        msg=shlex.quote(env.small_msg))),
         Client("curl", loop.format(n=procs, cmd=curl + " -T -", msg=shlex.quote(env.small_msg)),
                shell=True, warmup=loop.format(n=warm, cmd=curl + " -T -",
                                               msg=shlex.quote(env.small_msg)))],
        note=f"{procs:,} rather than 1,000 processes per round (--quick)." if procs < 1000 else ""))
    res.append(Scenario(
        "smtp-25mib", "one 25 MiB message", f"{big / 1048576:.0f} MiB to postfix (plain, no TLS)",
        (big, "B"),
        [Client("lib-blocking", sb and [sb, "seq", "127.0.0.1", port, "1", env.big_msg]),
         Client("inet", mail and f"{mail} < {shlex.quote(env.big_msg)}", shell=True),
         Client("curl", curl.split() + ["-T", env.big_msg]),
         Client("python", env.pyscript("smtp_client.py") + ["127.0.0.1", port, "1", str(big)])],
        goals=[Ratio("SMTP one 25 MiB message ≥ curl (inet)", "inet", "curl", 1.0),
               Ratio("SMTP one 25 MiB message ≥ curl (library)", "lib-blocking", "curl", 1.0)]))
    res.append(Scenario(
        "smtp-concurrent", f"{conc:,} concurrent SMTP transactions from one io_context",
        f"{conc:,} connections opened at once by coroutines on one thread, one {small:,}-byte "
        "message each (postfix: default_process_limit 1,100, which is also its listen backlog)", (conc, "msg"),
        [Client("lib-async", sb and [sb, "conc", "127.0.0.1", port, str(conc), env.small_msg])],
        timeout=90,
        goals=[Custom(f"{conc:,} concurrent SMTP transactions from one io_context",
                      concurrent_info(conc))]))
    return res
