#!/usr/bin/env bash
# `inet get pop3(s)://` against a real dovecot, compared byte for byte with curl's output for the
# same URLs: LIST (pop3://host/), RETR (pop3://host/N), -X UIDL, -X 'TOP N 0', --list-only,
# over STLS (pop3://) and implicit TLS (pop3s://); exit statuses for a wrong password (67) and a
# missing message (8), as curl's. Prints "ok - NAME" / "not ok - NAME"; exits 1 on any failure.
#
# Outside Bazel: TEST_TMPDIR=/tmp/x tests/integration/pop3/inet_pop3_curl_test.sh (uses bazel-bin).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

if [ -n "${TEST_SRCDIR:-}" ]; then
  ROOT="$TEST_SRCDIR/inetpp"
  INET="$ROOT/tools/inet/inet"
else
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  INET="$ROOT/bazel-bin/tools/inet/inet"
fi
SERVERS="$ROOT/tests/integration/servers"
WORK="${TEST_TMPDIR:?TEST_TMPDIR must be set}/inet_pop3"
STATE="$WORK/servers"
rm -rf -- "$WORK"
mkdir -p "$WORK/home"
export HOME="$WORK/home"  # no ~/.netrc or config may leak in

cleanup() { "$SERVERS/stop" "$STATE" >/dev/null 2>&1 || echo "# stopping the servers failed" >&2; }
trap cleanup EXIT
"$SERVERS/start" "$STATE" 2>"$WORK/start.log" || { cat "$WORK/start.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$STATE/env"

# Messages straight into alice's Maildir: CRLF and LF-only files, dot lines, an empty body.
MD="$MAILDIR_ROOT/$TEST_DOMAIN/${TEST_USER%@*}"
mkdir -p "$MD/new" "$MD/cur" "$MD/tmp"
printf 'From: a@example.test\r\nSubject: one\r\n\r\nhello\r\n.\r\n..two dots\r\n.x\r\n' >"$MD/new/1.M1P1.t"
printf 'From: a@example.test\nSubject: lf only\n\nline\n.\n...\nlast\n' >"$WORK/lf.txt"
cp "$WORK/lf.txt" "$MD/new/2.M2P1.t"
printf 'From: a@example.test\r\nSubject: empty body\r\n\r\n' >"$MD/new/3.M3P1.t"
head -c 300000 /dev/urandom | base64 | sed 's/^/./' >"$WORK/big.txt"
{ printf 'From: a@example.test\nSubject: big\n\n'; cat "$WORK/big.txt"; } >"$MD/new/4.M4P1.t"
chown -R "$VMAIL_UID:$VMAIL_GID" "$MAILDIR_ROOT/$TEST_DOMAIN"
chmod -R go-rwx "$MAILDIR_ROOT/$TEST_DOMAIN"

FAILED=0
CRED="$TEST_USER:$TEST_PASS"
PLAIN="pop3://127.0.0.1:$POP3_PORT"
TLS="pop3s://localhost:$POP3S_PORT"
n=0
same() {  # name url [args...]: curl and inet give the same bytes and exit 0
  local name="$1" url="$2"; shift 2
  n=$((n + 1))
  local c=0 i=0
  curl -s --ssl-reqd -u "$CRED" --cacert "$CA_FILE" "$url" "$@" >"$WORK/c$n" 2>"$WORK/ce$n" || c=$?
  "$INET" get -s -S -u "$CRED" --cacert "$CA_FILE" "$url" "$@" >"$WORK/i$n" 2>"$WORK/ie$n" || i=$?
  if [ "$c" -ne 0 ] || [ "$i" -ne 0 ]; then
    echo "not ok - $name"; echo "#   curl exit $c, inet exit $i: $(cat "$WORK/ie$n")"; FAILED=1
  elif ! cmp -s "$WORK/c$n" "$WORK/i$n"; then
    echo "not ok - $name"; echo "#   output differs: $(cmp "$WORK/c$n" "$WORK/i$n" || true)"; FAILED=1
  elif [ ! -s "$WORK/c$n" ] && [ "$name" != "LIST N --list-only" ]; then
    echo "not ok - $name"; echo "#   empty output from both"; FAILED=1
  else
    echo "ok - $name ($(wc -c <"$WORK/i$n") bytes)"
  fi
}
status() {  # name want user:pass url: inet exits `want` (and curl too)
  local name="$1" want="$2" cred="$3" url="$4"
  local c=0 i=0
  curl -s --ssl-reqd -u "$cred" --cacert "$CA_FILE" "$url" >/dev/null 2>&1 || c=$?
  "$INET" get -s -u "$cred" --cacert "$CA_FILE" "$url" >/dev/null 2>&1 || i=$?
  if [ "$i" -eq "$want" ] && [ "$c" -eq "$want" ]; then echo "ok - $name (exit $i)"
  else echo "not ok - $name"; echo "#   want $want: inet $i, curl $c"; FAILED=1; fi
}

for base in "$PLAIN" "$TLS"; do
  same "LIST $base/" "$base/"
  for m in 1 2 3 4; do same "RETR $base/$m" "$base/$m"; done
  same "UIDL $base/" "$base/" -X UIDL
  same "TOP 1 0 $base/" "$base/" -X "TOP 1 0"
  same "TOP 2 1 $base/" "$base/" -X "TOP 2 1"
  same "LIST --list-only $base/" "$base/" --list-only
done
same "LIST N --list-only" "$TLS/2" --list-only
# The LF-only file is delivered with CRLF line ends and otherwise unchanged.
lf_out="$(grep -l '^Subject: lf only' "$WORK"/i* | head -n 1)"
if [ -n "$lf_out" ] && [ "$(tr -d '\r' <"$lf_out")" = "$(cat "$WORK/lf.txt")" ] \
   && [ "$(grep -c $'\r$' "$lf_out")" -eq "$(wc -l <"$WORK/lf.txt")" ]; then
  echo "ok - RETR of an LF-only maildir file is that file with CRLF"
else
  echo "not ok - RETR of an LF-only maildir file is that file with CRLF"; FAILED=1
fi
# Globs: one connection, the RETRs pipelined by inet (dovecot lists PIPELINING).
for base in "$PLAIN" "$TLS"; do
  same "RETR glob $base/[1-4]" "$base/[1-4]"
  same "RETR glob $base/{3,2} and $base/[1-4]" "$base/{3,2}" "$base/[1-4]"
done
status "wrong password is 67" 67 "$TEST_USER:wrong" "$TLS/1"
status "missing message is 8" 8 "$CRED" "$TLS/99"
status "STLS: wrong password is 67" 67 "$TEST_USER:wrong" "$PLAIN/1"
# A missing message in the middle of a glob fails that URL only: the others are delivered
# (the exit codes differ: curl exits with the last URL's status, inet with the failure's, 8).
c=0 i=0
curl -s -u "$CRED" --cacert "$CA_FILE" "$PLAIN/{1,99,3}" >"$WORK/cg" 2>/dev/null || c=$?
"$INET" get -s -u "$CRED" --tls none "$PLAIN/{1,99,3}" >"$WORK/ig" 2>/dev/null || i=$?
if [ "$c" -eq 0 ] && [ "$i" -eq 8 ] && cmp -s "$WORK/cg" "$WORK/ig" && [ -s "$WORK/ig" ]; then
  echo "ok - glob with a missing message (exit $i, $(wc -c <"$WORK/ig") bytes)"
else
  echo "not ok - glob with a missing message: curl exit $c, inet exit $i"; FAILED=1
fi
exit "$FAILED"
