#!/usr/bin/env bash
# `inet get gopher://` against a real gophernicus on 127.0.0.1 (Debian's package, run once per
# connection by launcher.py, a loopback-only inetd, as user nobody), compared byte for byte and
# by exit code with curl: the root menu, a sub-menu, a text file, a binary file, a search
# (curl's "/7/selector%09query" form, answered by a gophernicus CGI script), a missing selector
# and a refused connection; and gophers:// (the launcher terminates TLS) with a trusted and an
# untrusted certificate. start_gopher/stop_gopher set up and remove the server and its tree.
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

HERE="$(cd "$(dirname "$0")" && pwd)"
INET="${INET:-$HERE/../../../tools/inet/inet}"
[ -x "$INET" ] || INET="$TEST_SRCDIR/$TEST_WORKSPACE/tools/inet/inet"
SCRIPTS="$HERE"
[ -x "$SCRIPTS/start_gopher" ] || SCRIPTS="$TEST_SRCDIR/$TEST_WORKSPACE/tests/integration/gopher"
command -v curl >/dev/null || { echo "curl missing (run ./scripts/setup)"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "must run as root"; exit 1; }

WORK="$(mktemp -d /tmp/inetpp-gopher-cli.XXXXXX)"
cleanup() {
  "$SCRIPTS/stop_gopher" "$WORK/srv" >/dev/null 2>&1 || true
  rm -rf -- "$WORK"
}
trap cleanup EXIT
"$SCRIPTS/start_gopher" "$WORK/srv"
. "$WORK/srv/env"
PORT="$GOPHER_PORT"
TLS_PORT="$GOPHERS_PORT"
RUN="$WORK"
PID="$LAUNCHER_PID"
TLS_PID="$TLS_LAUNCHER_PID"

fails=0
# same URL: inet get and curl print the same bytes and exit with the same code.
same() {
  local url="$1" irc=0 crc=0
  "$INET" get -s --cacert "$CA_FILE" "$url" > "$RUN/inet.out" 2> "$RUN/inet.err" || irc=$?
  curl -s --cacert "$CA_FILE" "$url" > "$RUN/curl.out" 2> /dev/null || crc=$?
  if [ "$irc" -ne "$crc" ]; then
    echo "FAIL $url: inet exit $irc, curl exit $crc"; cat "$RUN/inet.err"; fails=$((fails + 1)); return
  fi
  if ! cmp -s "$RUN/inet.out" "$RUN/curl.out"; then
    echo "FAIL $url: output differs (inet $(wc -c < "$RUN/inet.out") bytes, curl $(wc -c < "$RUN/curl.out"))"
    diff <(od -c "$RUN/inet.out") <(od -c "$RUN/curl.out") | head -20 || true
    fails=$((fails + 1)); return
  fi
  echo "ok   $url (exit $irc, $(wc -c < "$RUN/inet.out") bytes)"
}

BASE="gopher://127.0.0.1:$PORT"
same "$BASE"
same "$BASE/"
same "$BASE/1/"
same "$BASE/1/dir"
same "$BASE/0/hello.txt"
same "$BASE/9/blob.bin"
same "$BASE/7/cgi-bin/search%09two%20words"
same "$BASE/0/missing.txt"
same "$BASE/1/dir?x=1"

# gophers:// (TLS from the first byte, terminated by the launcher).
TBASE="gophers://127.0.0.1:$TLS_PORT"
same "$TBASE/"
same "$TBASE/0/hello.txt"
same "$TBASE/9/blob.bin"
same "$TBASE/7/cgi-bin/search%09two%20words"
# An untrusted certificate: curl's 60 for both.
irc=0; crc=0
"$INET" get -s "$TBASE/0/hello.txt" > /dev/null 2>&1 || irc=$?
curl -s "$TBASE/0/hello.txt" > /dev/null 2>&1 || crc=$?
[ "$irc" -eq "$crc" ] && echo "ok   untrusted certificate (exit $irc)" \
  || { echo "FAIL untrusted certificate: inet exit $irc, curl exit $crc"; fails=$((fails + 1)); }

kill -0 "$TLS_PID" 2>/dev/null || { echo "FAIL: the TLS launcher died"; fails=$((fails + 1)); }

# The payload itself, not only agreement with curl.
"$INET" get -s -o "$RUN/blob.out" "$BASE/9/blob.bin"
cmp "$ROOT/blob.bin" "$RUN/blob.out" || { echo "FAIL: binary differs from the file"; fails=$((fails + 1)); }
"$INET" get -s "$BASE/7/cgi-bin/search%09two%20words" | grep -q "you searched for \[two words\]" \
  || { echo "FAIL: the search query did not reach the server"; fails=$((fails + 1)); }

# Nothing listens on a stopped server's port: curl's 7 for both.
kill "$PID"
for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
same "$BASE/0/hello.txt"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "PASS"
