#!/usr/bin/env bash
# `inet get http(s)://` against a real nginx (tests/integration/servers/nginx): a 1 MiB file
# byte-identical over http and https, a redirect with -L, gzip with --compressed, many GETs on
# one kept-alive connection (nginx's access log), and curl's exit codes 22 and 47.
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

before="$(wc -l <"$NGINX_LOG")"
urls=(); for i in $(seq 20); do urls+=("$H/text.txt?n=$i"); done
"$INET" get -sS -o /dev/null "${urls[@]}" 2>"$WORK/err" || true
tail -n "+$((before + 1))" "$NGINX_LOG" | grep 'text.txt?n=' >"$WORK/log" || true
new="$(wc -l <"$WORK/log")"
conns="$(awk '{print $1}' "$WORK/log" | sort -u | wc -l)"
[ "$new" = 20 ] && [ "$conns" = 1 ] && ok "20 GETs on one kept-alive connection" \
  || bad "keep-alive" "requests=$new connections=$conns $(cat "$WORK/err")"

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
