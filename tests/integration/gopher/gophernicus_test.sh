#!/usr/bin/env bash
# `inet get gopher://` against a real gophernicus on 127.0.0.1 (Debian's package, run once per
# connection by launcher.py, a loopback-only inetd, as user nobody), compared byte for byte and
# by exit code with curl: the root menu, a sub-menu, a text file, a binary file, a search
# (curl's "/7/selector%09query" form, answered by a gophernicus CGI script), a missing selector
# and a refused connection; and gophers:// (the launcher terminates TLS) with a trusted and an
# untrusted certificate. Serves a fresh temp directory and stops the launchers by PID.
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

HERE="$(cd "$(dirname "$0")" && pwd)"
INET="${INET:-$HERE/../../../tools/inet/inet}"
[ -x "$INET" ] || INET="$TEST_SRCDIR/$TEST_WORKSPACE/tools/inet/inet"
LAUNCHER="$HERE/launcher.py"
[ -f "$LAUNCHER" ] || LAUNCHER="$TEST_SRCDIR/$TEST_WORKSPACE/tests/integration/gopher/launcher.py"
command -v gophernicus >/dev/null || { echo "gophernicus missing (run ./scripts/setup)"; exit 1; }
command -v curl >/dev/null || { echo "curl missing (run ./scripts/setup)"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "must run as root"; exit 1; }

RUN="$(mktemp -d /tmp/inetpp-gopher.XXXXXX)"
PID=""
TLS_PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  [ -n "$TLS_PID" ] && kill "$TLS_PID" 2>/dev/null || true
  rm -rf -- "$RUN"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT="$(free_port)"
TLS_PORT="$(free_port)"

# The served tree: a gophermap menu, a text file (CRLF, a line starting with "."), a binary
# file, a sub-directory (gophernicus lists it itself) and a search CGI.
ROOT="$RUN/root"
mkdir -p "$ROOT/dir" "$ROOT/cgi-bin"
printf 'Hello gopher\r\n.leading dot\r\nlast line\r\n' > "$ROOT/hello.txt"
head -c 300000 /dev/urandom > "$ROOT/blob.bin"
printf 'inner text\n' > "$ROOT/dir/inner.txt"
printf 'iWelcome to the inetpp test\t\tnull.host\t1\n0Hello\thello.txt\n9Blob\tblob.bin\n7Search\t/cgi-bin/search\n1Dir\tdir\n' \
  > "$ROOT/gophermap"
cat > "$ROOT/cgi-bin/search" <<'CGI'
#!/bin/sh
printf 'iyou searched for [%s]\t\tnull.host\t1\r\n' "$SEARCHREQUEST"
printf '0A result\t/hello.txt\t127.0.0.1\t70\r\n'
CGI
chmod 755 "$RUN" "$ROOT/cgi-bin/search"
chmod -R a+rX "$ROOT"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$RUN/key.pem" -out "$RUN/cert.pem" 2>/dev/null

python3 "$LAUNCHER" "$PORT" gophernicus -h 127.0.0.1 -p "$PORT" -r "$ROOT" -nv -ns -nu -nd &
PID=$!
python3 "$LAUNCHER" --tls "$RUN/cert.pem" "$RUN/key.pem" "$TLS_PORT" \
  gophernicus -h 127.0.0.1 -p "$TLS_PORT" -r "$ROOT" -nv -ns -nu -nd &
TLS_PID=$!
for p in "$PORT" "$TLS_PORT"; do
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break
    sleep 0.1
  done
done

fails=0
# same URL: inet get and curl print the same bytes and exit with the same code.
same() {
  local url="$1" irc=0 crc=0
  "$INET" get -s --cacert "$RUN/cert.pem" "$url" > "$RUN/inet.out" 2> "$RUN/inet.err" || irc=$?
  curl -s --cacert "$RUN/cert.pem" "$url" > "$RUN/curl.out" 2> /dev/null || crc=$?
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
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
same "$BASE/0/hello.txt"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "PASS"
