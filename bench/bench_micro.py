"""The microbenchmarks of issue 18 for bench/run: //bench:micro (Google Benchmark, opt build).

One run of the binary with JSON output: every benchmark repeated (5 times in a full run, in
random interleaving so that no benchmark gets all the quiet seconds), the median, min and max of
its bytes per second of CPU time (Google Benchmark divides rate counters by CPU time: on a shared
machine wall time is noise), and PASS/MISS against the issue's goals for the four codec/parser
rows; the other rows are informational.
"""
import json
import os
import statistics
import subprocess
import time

# (benchmark, goal text, bytes per second); GB and MB are decimal (the JSON has bytes/s; the
# console output of Google Benchmark prints binary G/M).
GOALS = [
    ("BM_ImapFetchLiterals", "IMAP parser ≥ 1 GB/s on literal-heavy input", 1e9),
    ("BM_DataEncoder", "SMTP DATA encoder ≥ 1 GB/s", 1e9),
    ("BM_Base64Lines", "base64 encoder ≥ 1 GB/s", 1e9),
    ("BM_QuotedPrintable", "quoted-printable encoder ≥ 500 MB/s", 5e8),
]

WHAT = {
    "BM_ImapFetchLiterals": "IMAP response parser, FETCH stream of 200 `BODY[]` literals of "
                            "4–64 KiB (bodies streamed, as the client does)",
    "BM_ImapFetchLiteralsKept": "the same with every literal copied into the response",
    "BM_ImapFetchEnvelope": "IMAP parser, 2,000 FETCH responses with ENVELOPE and a multipart "
                            "BODYSTRUCTURE, interpreted into typed responses",
    "BM_DataEncoder": "SMTP DATA encoding (CRLF, dot-stuffing) of 64 KiB of text lines",
    "BM_Base64Lines": "MIME base64 lines of 64 KiB of random bytes",
    "BM_QuotedPrintable": "MIME quoted-printable of 64 KiB of text",
    "BM_MimeCompose20MiB": "MIME composition: text body + a 20 MiB attachment (base64), read "
                           "through 64 KiB buffers as the SMTP client reads it",
    "BM_FtpListParse": "FTP: 1,000 Unix `LIST` lines parsed",
    "BM_FtpMlsdParse": "FTP: 1,000 `MLSD` lines parsed",
    "BM_HttpKeepAliveResponses": "HTTP: 10,000 keep-alive responses with 1 KiB bodies through "
                                 "the client's Beast parser configuration",
    "BM_HttpChunkedBody": "HTTP: one 4 MiB chunked body in 8 KiB chunks",
}


def rate_text(bps):
    return f"{bps / 1e9:.2f} GB/s" if bps >= 1e9 else f"{bps / 1e6:.0f} MB/s"


def run(binary, out_dir, quick, log):
    """Runs the binary; returns {"rows": {name: [bytes/s per repetition]}, "error": str|None,
    "repetitions": n, "wall": s}."""
    res = {"rows": {}, "error": None, "repetitions": 2 if quick else 5, "wall": 0.0}
    if not binary:
        res["error"] = "not built"
        return res
    out = os.path.join(out_dir, "micro.json")
    argv = [binary, f"--benchmark_repetitions={res['repetitions']}",
            "--benchmark_min_time=" + ("0.05" if quick else "0.2"),
            "--benchmark_enable_random_interleaving=true",
            f"--benchmark_out={out}", "--benchmark_out_format=json"]
    log(" ".join(argv))
    t0 = time.monotonic()
    try:
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           timeout=600)
        if r.returncode != 0:
            res["error"] = f"exit {r.returncode}: {r.stderr.strip()[-300:]}"
    except subprocess.TimeoutExpired:
        res["error"] = "timed out after 600 s"
    res["wall"] = time.monotonic() - t0
    if res["error"]:
        return res
    with open(out) as f:
        data = json.load(f)
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "iteration" and "bytes_per_second" in b:
            res["rows"].setdefault(b.get("run_name", b["name"]), []).append(b["bytes_per_second"])
    for name, rates in res["rows"].items():
        print(f"  micro    {name:28} {rate_text(statistics.median(rates)):>10} "
              f"({rate_text(min(rates))}–{rate_text(max(rates))})", flush=True)
    return res


def _summary(rates):
    return (f"{rate_text(statistics.median(rates))} ({rate_text(min(rates))}–"
            f"{rate_text(max(rates))})")


def goal_lines(res):
    """Rows of the report's Goals table."""
    lines = []
    for name, text, limit in GOALS:
        rates = res["rows"].get(name)
        if not rates:
            lines.append(f"| {text} | not measured ({res['error'] or 'no ' + name}) | not measured |")
            continue
        ok = statistics.median(rates) >= limit
        verdict = "PASS" if ok else "**MISS** (see Findings)"
        lines.append(f"| {text} | {name} {_summary(rates)} | {verdict} |")
    return lines


def section(res):
    """The report's Microbenchmarks section."""
    lines = ["## Microbenchmarks", "",
             "`//bench:micro` (Google Benchmark, `--config=opt`; bench/codec_bench.cc and "
             "bench/micro.cc), run once by bench/run after the servers stopped: "
             f"{res['repetitions']} repetitions of each benchmark in random interleaving; "
             "bytes of input per second of **CPU time** (the wall time of a shared machine is "
             "noise), median (min–max) of the repetitions. GB and MB are decimal.", ""]
    if res["error"]:
        return lines + [f"Not run: {res['error']}.", ""]
    goals = {name: (text, limit) for name, text, limit in GOALS}
    lines += ["| benchmark | what | median | min–max | goal | result |", "|---|---|---|---|---|---|"]
    for name in sorted(res["rows"], key=lambda n: (n not in goals, list(WHAT).index(n)
                                                   if n in WHAT else 99, n)):
        rates = res["rows"][name]
        med = statistics.median(rates)
        goal, verdict = "", "informational"
        if name in goals:
            goal = "≥ " + rate_text(goals[name][1])
            verdict = "PASS" if med >= goals[name][1] else "**MISS**"
        lines.append(f"| {name} | {WHAT.get(name, '')} | {rate_text(med)} | "
                     f"{rate_text(min(rates))}–{rate_text(max(rates))} | {goal} | {verdict} |")
    lines += ["", f"Wall time of the microbenchmarks: {res['wall']:.0f} s.", ""]
    return lines
