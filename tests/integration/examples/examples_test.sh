#!/usr/bin/env bash
# The example programs of the docs run against real servers (tests/integration/servers): postfix
# + dovecot for the mail examples, nginx for http_get, and mime_parts on a delivered message.
# Each must exit 0 and print what it claims; the mail it sends must arrive. (ftp_roundtrip,
# nntp_read and gopher_menu are only compiled: vsftpd is started by its own test, and there is
# no NNTP or Gopher test server.)
#
# Output: "ok - NAME" / "not ok - NAME" lines; exits 1 if any check failed. Needs root.
# Outside Bazel: TEST_TMPDIR=/tmp/x tests/integration/examples/examples_test.sh (uses bazel-bin;
# build the example targets first).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
export LC_ALL=C.UTF-8

if [ -n "${TEST_SRCDIR:-}" ]; then ROOT="$TEST_SRCDIR/inetpp"; BIN="$ROOT"
else ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"; BIN="$ROOT/bazel-bin"; fi
SERVERS="$ROOT/tests/integration/servers"
WORK="${TEST_TMPDIR:?TEST_TMPDIR must be set}/examples"
STATE="$WORK/servers"
rm -rf -- "$WORK"
mkdir -p "$WORK/pop3" "$WORK/fetch"
cleanup() {
  "$SERVERS/stop" "$STATE" >/dev/null 2>&1 || echo "# stopping the mail servers failed" >&2
  "$SERVERS/nginx" stop "$WORK/nginx" >/dev/null 2>&1 || echo "# stopping nginx failed" >&2
}
trap cleanup EXIT
"$SERVERS/start" "$STATE" 2>"$WORK/start.log" || { cat "$WORK/start.log" >&2; exit 1; }
"$SERVERS/nginx" start "$WORK/nginx" 2>"$WORK/nginx.log" || { cat "$WORK/nginx.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$STATE/env"
# shellcheck disable=SC1091
. "$WORK/nginx/nginx.env"

FAILED=0
run() {  # NAME OUTFILE COMMAND...: exit 0 expected
  local name=$1 out=$2; shift 2
  local rc=0
  timeout 120 "$@" >"$out" 2>"$out.err" || rc=$?
  if [ "$rc" -eq 0 ]; then echo "ok - $name runs"
  else echo "not ok - $name runs (exit $rc)"; sed 's/^/#   /' "$out.err" "$out" | head -20
    FAILED=$((FAILED + 1)); fi
}
expect() {  # NAME FILE REGEX
  if grep -qE -- "$3" "$2"; then echo "ok - $1"
  else echo "not ok - $1: no /$3/ in $(tr '\n' ' ' <"$2" | cut -c1-300)"; FAILED=$((FAILED + 1)); fi
}

# smtp_send: submission, STARTTLS (certificate verified), AUTH; alice -> bob.
run smtp_send "$WORK/smtp_send.out" "$BIN/docs/examples/smtp_send" 127.0.0.1 "$SUBMISSION_PORT" \
  "$TEST_USER" "$TEST_PASS" "$TEST_USER2" "$CA_FILE"
expect "smtp_send: accepted" "$WORK/smtp_send.out" '^accepted: 250'
"$SERVERS/wait_for_mail" "$STATE" "$TEST_USER2" 1 20 >"$WORK/delivered"
expect "smtp_send: delivered" "$WORK/delivered" 'example.test/bob/'

# mime_parts on the delivered message.
run mime_parts "$WORK/mime_parts.out" sh -c '"$1" < "$2"' _ "$BIN/docs/examples/mime_parts" \
  "$(tail -n 1 "$WORK/delivered")"
expect "mime_parts: decoded subject" "$WORK/mime_parts.out" '^message text/plain Subject: Grüße from inetpp'
expect "mime_parts: body size" "$WORK/mime_parts.out" '^body: [0-9]+ bytes'

# imap_summary: STARTTLS on IMAP, LIST, EXAMINE, the newest message.
IMAP_PASSWORD="$TEST_PASS2" run imap_summary "$WORK/imap.out" \
  "$BIN/protocols/imap/examples/imap_summary" 127.0.0.1 "$IMAP_PORT" "$TEST_USER2" --cacert "$CA_FILE"
expect "imap_summary: INBOX" "$WORK/imap.out" '^INBOX: 1 messages'
expect "imap_summary: subject" "$WORK/imap.out" 'Grüße from inetpp'

# pop3_fetch: implicit TLS, UIDL + pipelined RETR into a directory.
POP3_PASSWORD="$TEST_PASS2" run pop3_fetch "$WORK/pop3.out" \
  "$BIN/protocols/pop3/examples/pop3_fetch" 127.0.0.1 "$POP3S_PORT" "$TEST_USER2" "$WORK/pop3" \
  --pop3s --cacert "$CA_FILE"
expect "pop3_fetch: one message" "$WORK/pop3.out" '^downloaded 1 message'
# shellcheck disable=SC2012
expect "pop3_fetch: the message file" <(cat "$WORK"/pop3/*.eml 2>/dev/null) '^Subject: '

# fetch_urls: the transfer library, two URLs on one IMAP connection.
url="imap://${TEST_USER2/@/%40}:$TEST_PASS2@127.0.0.1:$IMAP_PORT/INBOX"
run fetch_urls "$WORK/fetch.out" sh -c 'cd "$1" && shift && exec "$@"' _ "$WORK/fetch" \
  "$BIN/protocols/transfer/examples/fetch_urls" --cacert "$CA_FILE" "$url;UID=1" \
  "$url;UID=1;SECTION=HEADER"
# Both transfers are started at once, so each opens its own connection.
expect "fetch_urls: both URLs" "$WORK/fetch.out" '^[12] connection\(s\) for 2 URL\(s\)'
expect "fetch_urls: the header section" "$WORK/fetch.out" 'SECTION=HEADER: [1-9][0-9]* bytes'
expect "fetch_urls: body written" "$WORK/fetch/out-1" 'Hello!'

# async_mail: IMAPS IDLE in flight while SMTP submission sends to the same mailbox.
run async_mail "$WORK/async.out" "$BIN/docs/examples/async_mail" "127.0.0.1:$SUBMISSION_PORT" \
  "127.0.0.1:$IMAPS_PORT" "$TEST_USER" "$TEST_PASS" "$CA_FILE"
expect "async_mail: sent" "$WORK/async.out" '^smtp: 250'
expect "async_mail: IDLE saw it" "$WORK/async.out" 'INBOX now has [1-9][0-9]* messages'

# http_get: nginx over HTTPS, keep-alive then the agent.
printf 'hello from nginx\n' >"$DOCROOT/example.txt"
run http_get "$WORK/http.out" "$BIN/protocols/http/examples/http_get" localhost "$HTTPS_PORT" \
  /example.txt /example.txt --cacert "$NGINX_CA"
expect "http_get: reused connection" "$WORK/http.out.err" '/example.txt: 200 OK, 17 bytes \(reused connection\)'

[ "$FAILED" -eq 0 ] || { echo "# $FAILED check(s) failed"; exit 1; }
