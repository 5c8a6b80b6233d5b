#!/usr/bin/env bash
# `inet put smtp(s)://` against a real postfix, next to curl with the same options: submission
# (STARTTLS required, AUTH PLAIN) and smtps (implicit TLS, AUTH LOGIN) deliver the -T file with
# the same body as curl's; a wrong password and a refused recipient give curl's exit statuses
# (67, 55); the -v traces show the same MAIL/RCPT/DATA command lines; globbed pop3 URLs
# in one command use one connection (one dovecot login).
# Prints "ok - NAME" / "not ok - NAME"; exits 1 on any failure.
#
# Outside Bazel: TEST_TMPDIR=/tmp/x tests/integration/transfer/inet_smtp_curl_test.sh (bazel-bin).
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
WORK="${TEST_TMPDIR:?TEST_TMPDIR must be set}/inet_smtp"
STATE="$WORK/servers"
rm -rf -- "$WORK"
mkdir -p "$WORK/home"
export HOME="$WORK/home"  # no ~/.netrc or config may leak in

cleanup() { "$SERVERS/stop" "$STATE" >/dev/null 2>&1 || echo "# stopping the servers failed" >&2; }
trap cleanup EXIT
"$SERVERS/start" "$STATE" 2>"$WORK/start.log" || { cat "$WORK/start.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$STATE/env"

FAILED=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; shift; echo "#   $*"; FAILED=1; }
CRED="$TEST_USER:$TEST_PASS"

for kind in curl inet; do
  printf 'From: %s\r\nTo: %s\r\nSubject: via %s\r\n\r\nline one\r\n.dot line\r\n' \
    "$TEST_USER" "$TEST_USER2" "$kind" >"$WORK/$kind.eml"
done
rc=0
curl -sS --url "smtp://127.0.0.1:$SUBMISSION_PORT" --ssl-reqd --cacert "$CA_FILE" \
  --login-options AUTH=PLAIN --user "$CRED" --mail-from "$TEST_USER" --mail-rcpt "$TEST_USER2" \
  --upload-file "$WORK/curl.eml" || rc=$?
[ "$rc" -eq 0 ] && ok "curl submission" || bad "curl submission" "exit $rc"
rc=0
"$INET" put -sS "smtp://127.0.0.1:$SUBMISSION_PORT" --cacert "$CA_FILE" \
  --login-options AUTH=PLAIN --user "$CRED" --mail-from "$TEST_USER" --mail-rcpt "$TEST_USER2" \
  -T "$WORK/inet.eml" 2>"$WORK/inet.err" || rc=$?
[ "$rc" -eq 0 ] && ok "inet put smtp:// (STARTTLS required, AUTH PLAIN)" \
  || bad "inet put smtp://" "exit $rc: $(cat "$WORK/inet.err")"

body() { python3 -c 'import sys; d=open(sys.argv[1],"rb").read().replace(b"\r\n",b"\n"); sys.stdout.buffer.write(d.split(b"\n\n",1)[1])' "$1"; }
if mapfile -t got < <("$SERVERS/wait_for_mail" "$STATE" "$TEST_USER2" 2 20) && [ "${#got[@]}" -eq 2 ]; then
  c="$(grep -l '^Subject: via curl' "${got[@]}")"; i="$(grep -l '^Subject: via inet' "${got[@]}")"
  if [ -n "$c" ] && [ -n "$i" ] && cmp -s <(body "$c") <(body "$i"); then
    ok "both delivered with the same body"
  else
    bad "bodies" "curl=$c inet=$i"
  fi
else
  bad "delivery" "expected 2 messages, got: ${got[*]:-none}"
fi

rc=0
"$INET" put -sS "smtps://localhost:$SMTPS_PORT" --cacert "$CA_FILE" --login-options AUTH=LOGIN \
  --user "$CRED" --mail-from "$TEST_USER" --mail-rcpt "$TEST_USER2" -T "$WORK/inet.eml" \
  2>"$WORK/smtps.err" || rc=$?
[ "$rc" -eq 0 ] && ok "inet put smtps:// (AUTH LOGIN)" || bad "smtps" "exit $rc: $(cat "$WORK/smtps.err")"

# The envelope on the wire: the same message through postfix's plain port (no AUTH) with -v;
# curl's and inet's MAIL/RCPT/DATA command lines must be identical (curl -v does not show its QUIT).
printf 'From: %s\r\nTo: %s\r\nSubject: wire\r\n\r\nsame bytes\r\n' "$TEST_USER" "$TEST_USER2" \
  >"$WORK/wire.eml"
rc=0
curl -v --url "smtp://127.0.0.1:$SMTP_PORT" --mail-from "$TEST_USER" --mail-rcpt "$TEST_USER2" \
  --mail-rcpt "$TEST_USER" --upload-file "$WORK/wire.eml" >/dev/null 2>"$WORK/wire.curl" || rc=$?
# (inet upgrades with STARTTLS when offered, so it needs the CA; the commands are the same.)
"$INET" put -v --cacert "$CA_FILE" "smtp://127.0.0.1:$SMTP_PORT" --mail-from "$TEST_USER" --mail-rcpt "$TEST_USER2" \
  --mail-rcpt "$TEST_USER" -T "$WORK/wire.eml" >/dev/null 2>"$WORK/wire.inet" || rc=$((rc + $?))
envelope() { grep -E '^> (MAIL|RCPT|DATA)' "$1" | tr -d '\r'; }
if [ "$rc" -eq 0 ] && [ -n "$(envelope "$WORK/wire.curl")" ] &&
   diff <(envelope "$WORK/wire.curl") <(envelope "$WORK/wire.inet") >"$WORK/wire.diff" 2>&1; then
  ok "envelope commands on the wire identical to curl's ($(envelope "$WORK/wire.inet" | wc -l) lines)"
else
  bad "envelope commands" "exit $rc; $(tr '\n' ' ' <"$WORK/wire.diff" 2>/dev/null | cut -c1-400)"
fi

# --mail-auth after AUTH on submission: the same MAIL line (AUTH=<...> then SIZE=).
rc=0
curl -v --ssl-reqd --cacert "$CA_FILE" --url "smtp://127.0.0.1:$SUBMISSION_PORT" --user "$CRED" \
  --mail-from "$TEST_USER" --mail-auth "$TEST_USER" --mail-rcpt "$TEST_USER2" \
  --upload-file "$WORK/wire.eml" >/dev/null 2>"$WORK/auth.curl" || rc=$?
"$INET" put -v --cacert "$CA_FILE" "smtp://127.0.0.1:$SUBMISSION_PORT" --user "$CRED" \
  --mail-from "$TEST_USER" --mail-auth "$TEST_USER" --mail-rcpt "$TEST_USER2" \
  -T "$WORK/wire.eml" >/dev/null 2>"$WORK/auth.inet" || rc=$((rc + $?))
if [ "$rc" -eq 0 ] && envelope "$WORK/auth.curl" | grep -q 'AUTH=<' &&
   diff <(envelope "$WORK/auth.curl") <(envelope "$WORK/auth.inet") >"$WORK/auth.diff" 2>&1; then
  ok "--mail-auth: MAIL line identical to curl's ($(envelope "$WORK/auth.inet" | head -n 1))"
else
  bad "--mail-auth" "exit $rc; $(tr '\n' ' ' <"$WORK/auth.diff" 2>/dev/null | cut -c1-400)"
fi

same_status() {  # name url args...: curl and inet exit with the same status (non-zero)
  local name="$1"; shift
  local c=0 i=0
  curl -s --ssl-reqd "$@" --upload-file "$WORK/curl.eml" >/dev/null 2>&1 || c=$?
  "$INET" put -s --ssl-reqd "$@" -T "$WORK/inet.eml" >/dev/null 2>"$WORK/status.err" || i=$?
  if [ "$c" -ne 0 ] && [ "$c" -eq "$i" ]; then ok "$name: exit $i as curl"
  else bad "$name" "curl exit $c, inet exit $i: $(cat "$WORK/status.err")"; fi
}
same_status "wrong password" "smtp://127.0.0.1:$SUBMISSION_PORT" --cacert "$CA_FILE" \
  --user "$TEST_USER:not-the-password" --mail-from "$TEST_USER" --mail-rcpt "$TEST_USER2"
same_status "recipient outside" "smtp://127.0.0.1:$SUBMISSION_PORT" --cacert "$CA_FILE" \
  --user "$CRED" --mail-from "$TEST_USER" --mail-rcpt "someone@elsewhere.invalid"

# One command, 20 globbed pop3 URLs: one login in dovecot's log.
MD="$MAILDIR_ROOT/$TEST_DOMAIN/${TEST_USER%@*}"
mkdir -p "$MD/new" "$MD/cur" "$MD/tmp"
for k in $(seq 1 20); do printf 'Subject: m%d\r\n\r\nbody %d\r\n' "$k" "$k" >"$MD/new/$((1700000000 + k)).M1P1.t"; done
chown -R "$VMAIL_UID:$VMAIL_GID" "$MAILDIR_ROOT/$TEST_DOMAIN"
before="$(grep -c 'pop3-login: Info: Login:' "$DOVECOT_LOG" || true)"
rc=0
"$INET" get -sS -u "$CRED" --cacert "$CA_FILE" "pop3://127.0.0.1:$POP3_PORT/[1-20]" >"$WORK/pop3.out" || rc=$?
sleep 0.5
after="$(grep -c 'pop3-login: Info: Login:' "$DOVECOT_LOG" || true)"
if [ "$rc" -eq 0 ] && [ "$(grep -c '^Subject: m' "$WORK/pop3.out")" -eq 20 ] && [ $((after - before)) -eq 1 ]; then
  ok "20 globbed pop3 URLs over one login"
else
  bad "globbed pop3" "exit $rc, logins $((after - before)), $(grep -c '^Subject: m' "$WORK/pop3.out") messages"
fi

exit "$FAILED"
