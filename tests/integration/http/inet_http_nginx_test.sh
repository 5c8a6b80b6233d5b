#!/usr/bin/env bash
# `inet get http(s)://` against a real nginx (tests/integration/servers/nginx): a 1 MiB file
# byte-identical over http and https, a redirect with -L, gzip with --compressed, 10,000 GETs on
# one kept-alive connection (nginx's access log), a 100 MiB WebDAV PUT, -C -/-r ranges, Basic
# auth, --retry, -Z, and curl's exit codes 22 and 47.
# Prints "ok - NAME" / "not ok - NAME"; exits 1 on any failure.
#
# Outside Bazel: TEST_TMPDIR=/tmp/x tests/integration/http/inet_http_nginx_test.sh (bazel-bin).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

if [ -n "${TEST_SRCDIR:-}" ]; then
  ROOT="$TEST_SRCDIR/inetpp"
  INET="$ROOT/tools/inet/inet"
else
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  INET="$ROOT/bazel-bin/tools/inet/inet"
fi
NGINX="$ROOT/tests/integration/servers/nginx"
WORK="${TEST_TMPDIR:?TEST_TMPDIR must be set}/inet_http"
STATE="$WORK/servers"
rm -rf -- "$WORK"
mkdir -p "$WORK/home"
export HOME="$WORK/home"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

cleanup() { "$NGINX" stop "$STATE" >/dev/null 2>&1 || echo "# stopping nginx failed" >&2; }
trap cleanup EXIT
"$NGINX" start "$STATE" 2>"$WORK/start.log" || { cat "$WORK/start.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$STATE/nginx.env"
H="http://127.0.0.1:$HTTP_PORT"
S="https://localhost:$HTTPS_PORT"

FAILED=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; shift; echo "#   $*"; FAILED=1; }
check() {  # name command...
  local name="$1"; shift
  if "$@" 2>"$WORK/err"; then ok "$name"; else bad "$name" "$(cat "$WORK/err")"; fi
}

check "http file byte-identical" \
  bash -c '"$0" get -sS -o "$1/a.bin" "$2/file.bin" && cmp "$1/a.bin" "$3/file.bin"' \
  "$INET" "$WORK" "$H" "$DOCROOT"
check "https file byte-identical (--cacert)" \
  bash -c '"$0" get -sS --cacert "$4" -o "$1/b.bin" "$2/file.bin" && cmp "$1/b.bin" "$3/file.bin"' \
  "$INET" "$WORK" "$S" "$DOCROOT" "$NGINX_CA"
rc=0; "$INET" get -sS -o /dev/null "$S/file.bin" 2>/dev/null || rc=$?
[ "$rc" -eq 60 ] && ok "untrusted certificate: exit 60" || bad "untrusted certificate" "exit $rc"

code="$("$INET" get -sS -L -w '%{http_code}' -o "$WORK/c.bin" "$H/redirect" 2>"$WORK/err")" || true
[ "$code" = 200 ] && cmp -s "$WORK/c.bin" "$DOCROOT/file.bin" && ok "redirect followed (-L)" \
  || bad "redirect" "code=$code $(cat "$WORK/err")"
code="$("$INET" get -s -w '%{http_code}' -o /dev/null "$H/redirect")" || true
[ "$code" = 302 ] && ok "redirect not followed without -L" || bad "no -L" "code=$code"

"$INET" get -sS -i --compressed -o "$WORK/gz.txt" "$H/text.txt" 2>"$WORK/err" || true
if grep -qi '^Content-Encoding: gzip' "$WORK/gz.txt" \
   && cmp -s <(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d.split(b"\r\n\r\n",1)[1])' "$WORK/gz.txt") "$DOCROOT/text.txt"; then
  ok "gzip decoded (--compressed)"
else
  bad "gzip" "$(head -c 300 "$WORK/gz.txt") $(cat "$WORK/err")"
fi

# 10,000 GETs of one command (a glob) on one pooled connection: nginx's $connection (first
# field of the log line) is the same for all of them.
before="$(wc -l <"$NGINX_LOG")"
rc=0; "$INET" get -sS -o /dev/null "$H/small.txt?n=[1-10000]" 2>"$WORK/err" || rc=$?
tail -n "+$((before + 1))" "$NGINX_LOG" | grep 'small.txt?n=' >"$WORK/log" || true
new="$(grep -c ' 200 ' "$WORK/log" || true)"
conns="$(awk '{print $1}' "$WORK/log" | sort -u | wc -l)"
[ "$rc" = 0 ] && [ "$new" = 10000 ] && [ "$conns" = 1 ] \
  && ok "10000 GETs on one kept-alive connection" \
  || bad "keep-alive" "exit=$rc requests=$new connections=$conns $(head -c 300 "$WORK/err")"

# -Z: 200 URLs at once, at most 4 in flight: every file right, 2 to 4 connections in the log.
mkdir -p "$WORK/par"
before="$(wc -l <"$NGINX_LOG")"
rc=0; "$INET" get -sS -Z --parallel-max 4 -o "$WORK/par/p#1.txt" "$H/small.txt?z=[1-200]" \
  2>"$WORK/err" || rc=$?
files="$(cat "$WORK/par"/p*.txt | grep -c '^small$' || true)"
conns="$(tail -n "+$((before + 1))" "$NGINX_LOG" | grep 'small.txt?z=' | awk '{print $1}' | sort -u | wc -l)"
[ "$rc" = 0 ] && [ "$files" = 200 ] && [ "$conns" -ge 2 ] && [ "$conns" -le 4 ] \
  && ok "-Z --parallel-max 4: 200 files on $conns connections" \
  || bad "-Z" "exit=$rc files=$files connections=$conns $(head -c 300 "$WORK/err")"

# 100 MiB PUT to the WebDAV location, byte-identical (sha256), streamed from the file.
head -c $((100 * 1024 * 1024)) /dev/urandom >"$WORK/up.bin"
code="$("$INET" put -sS -T "$WORK/up.bin" -w '%{http_code}' "$H/dav/up.bin" 2>"$WORK/err")" || true
want="$(sha256sum <"$WORK/up.bin")"; got="$(sha256sum <"$DOCROOT/dav/up.bin" 2>/dev/null || true)"
[ "$code" = 201 ] && [ "$want" = "$got" ] && ok "100 MiB PUT byte-identical (WebDAV)" \
  || bad "PUT" "code=$code $(cat "$WORK/err")"
rm -f "$WORK/up.bin" "$DOCROOT/dav/up.bin"

# Range resume: -C - appends from the partial file's size; a complete file gets 416 (exit 0,
# unchanged); -r gives the bytes asked for.
head -c 300000 "$DOCROOT/file.bin" >"$WORK/part.bin"
code="$("$INET" get -sS -C - -o "$WORK/part.bin" -w '%{http_code}' "$H/file.bin" 2>"$WORK/err")" || true
[ "$code" = 206 ] && cmp -s "$WORK/part.bin" "$DOCROOT/file.bin" && ok "-C - resumes (206)" \
  || bad "-C -" "code=$code $(cat "$WORK/err")"
code="$("$INET" get -sS -C - -o "$WORK/part.bin" -w '%{http_code}' "$H/file.bin" 2>"$WORK/err")" || true
[ "$code" = 416 ] && cmp -s "$WORK/part.bin" "$DOCROOT/file.bin" && ok "-C - on a complete file (416, unchanged)" \
  || bad "-C - complete" "code=$code $(cat "$WORK/err")"
[ "$("$INET" get -sS -r 100-199 "$H/file.bin" | cmp - <(tail -c +101 "$DOCROOT/file.bin" | head -c 100) && echo same)" = same ] \
  && ok "-r 100-199" || bad "-r" "bytes differ"

# Basic auth: 401 without credentials (22 with -f), the file with -u.
code="$("$INET" get -s -o /dev/null -w '%{http_code}' "$H/auth/secret.txt")" || true
rc=0; "$INET" get -sS -f -o /dev/null "$H/auth/secret.txt" 2>/dev/null || rc=$?
[ "$code" = 401 ] && [ "$rc" = 22 ] && ok "basic auth location: 401, -f exit 22" || bad "401" "code=$code rc=$rc"
body="$("$INET" get -sS -u alice:secret "$H/auth/secret.txt" 2>"$WORK/err")" || true
[ "$body" = "the secret file" ] && ok "basic auth with -u" || bad "-u" "$body $(cat "$WORK/err")"

# --retry on a 503: one retry, two requests in the log.
before="$(wc -l <"$NGINX_LOG")"
rc=0; "$INET" get -sS -f --retry 1 --retry-delay 1 -o /dev/null "$H/unavailable" 2>/dev/null || rc=$?
n="$(tail -n "+$((before + 1))" "$NGINX_LOG" | grep -c 'GET /unavailable' || true)"
[ "$rc" = 22 ] && [ "$n" = 2 ] && ok "--retry 1 on 503: two requests, exit 22" || bad "--retry" "rc=$rc requests=$n"

rc=0; "$INET" get -sS -f -o "$WORK/missing" "$H/missing" 2>/dev/null || rc=$?
[ "$rc" -eq 22 ] && ok "-f on 404: exit 22" || bad "-f" "exit $rc"
rc=0; "$INET" get -sS -L --max-redirs 3 -o /dev/null "$H/loop" 2>/dev/null || rc=$?
[ "$rc" -eq 47 ] && ok "redirect loop: exit 47" || bad "loop" "exit $rc"
rc=0; "$INET" get -sS -o /dev/null "http://127.0.0.1:1/" 2>/dev/null || rc=$?
[ "$rc" -eq 7 ] && ok "refused connection: exit 7" || bad "refused" "exit $rc"

# Cookies round trip, and curl's Netscape cookie file both ways (inet writes, curl reads; curl
# writes, inet reads).
first="$("$INET" get -sS -c "$WORK/jar1" "$H/cookie" 2>"$WORK/err")" || true
second="$(curl -sS -b "$WORK/jar1" -c "$WORK/jar2" "$H/cookie" 2>>"$WORK/err")" || true
third="$("$INET" get -sS -b "$WORK/jar2" "$H/cookie" 2>>"$WORK/err")" || true
[ "$first" = "[]" ] && [ "$second" = "[nginx=1]" ] && [ "$third" = "[nginx=1]" ] \
  && grep -q '^#HttpOnly_127.0.0.1	FALSE	/	FALSE	0	nginx	1$' "$WORK/jar1" \
  && ok "cookies round trip (-b/-c, curl's cookie file both ways)" \
  || bad "cookies" "first=$first second=$second third=$third $(cat "$WORK/err")"

exit "$FAILED"
