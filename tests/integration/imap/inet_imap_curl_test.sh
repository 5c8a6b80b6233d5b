#!/usr/bin/env bash
# `inet get imap(s)://` against a real dovecot, compared byte for byte (and exit status) with
# curl's output for the same URLs: LIST (imap://host/, imap://host/INBOX), UID and MAILINDEX
# fetches, ;SECTION=, ;PARTIAL=, ?SEARCH, ;UIDVALIDITY= (match and mismatch), a non-ASCII
# mailbox, several URLs on one command line, -X with responses without literals; -X with
# literals (inet prints them inline, curl drops them: curl issue 23010); `inet put` APPENDs
# what `curl -T` appends. Over STARTTLS (imap://) and implicit TLS (imaps://).
# Prints "ok - NAME" / "not ok - NAME"; exits 1 on any failure.
#
# Outside Bazel: TEST_TMPDIR=/tmp/x tests/integration/imap/inet_imap_curl_test.sh (uses bazel-bin).
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
WORK="${TEST_TMPDIR:?TEST_TMPDIR must be set}/inet_imap"
STATE="$WORK/servers"
rm -rf -- "$WORK"
mkdir -p "$WORK/home"
export HOME="$WORK/home"  # no ~/.netrc or config may leak in

cleanup() { "$SERVERS/stop" "$STATE" >/dev/null 2>&1 || echo "# stopping the servers failed" >&2; }
trap cleanup EXIT
"$SERVERS/start" "$STATE" 2>"$WORK/start.log" || { cat "$WORK/start.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$STATE/env"

# Messages straight into alice's Maildir (UIDs follow the file names' order).
MD="$MAILDIR_ROOT/$TEST_DOMAIN/${TEST_USER%@*}"
mkdir -p "$MD/new" "$MD/cur" "$MD/tmp"
printf 'From: a@example.test\r\nSubject: one\r\n\r\nhello\r\n' >"$MD/new/1.M1P1.t"
cat >"$MD/new/2.M2P1.t" <<'MSG'
From: b@example.test
To: alice@example.test
Subject: multipart
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"

preamble
--XX
Content-Type: text/plain

part one text
--XX
Content-Type: multipart/alternative; boundary="YY"

--YY
Content-Type: text/plain

alt plain
--YY
Content-Type: text/html

<p>alt html</p>
--YY--
--XX--
MSG
printf 'From: c@example.test\nSubject: three\n\nthird body\n' >"$MD/new/3.M3P1.t"
{ printf 'From: d@example.test\nSubject: big\n\n'; head -c 300000 /dev/urandom | base64; } \
  >"$MD/new/4.M4P1.t"
chown -R "$VMAIL_UID:$VMAIL_GID" "$MAILDIR_ROOT/$TEST_DOMAIN"
chmod -R go-rwx "$MAILDIR_ROOT/$TEST_DOMAIN"

FAILED=0
CRED="$TEST_USER:$TEST_PASS"
PLAIN="imap://127.0.0.1:$IMAP_PORT"
TLS="imaps://localhost:$IMAPS_PORT"
n=0
fail() { echo "not ok - $1"; echo "#   $2"; FAILED=1; }
run_both() {  # url-and-args...: outputs in $WORK/cN / iN, statuses in $c / $i
  n=$((n + 1)); c=0; i=0
  curl -s --ssl-reqd -u "$CRED" --cacert "$CA_FILE" "$@" >"$WORK/c$n" 2>"$WORK/ce$n" || c=$?
  "$INET" get -s -S -u "$CRED" --cacert "$CA_FILE" "$@" >"$WORK/i$n" 2>"$WORK/ie$n" || i=$?
}
same() {  # name [curl/inet args...]: the same bytes, both exit 0, output not empty
  local name="$1"; shift
  run_both "$@"
  if [ "$c" -ne 0 ] || [ "$i" -ne 0 ]; then fail "$name" "curl exit $c, inet exit $i: $(cat "$WORK/ie$n")"
  elif ! cmp -s "$WORK/c$n" "$WORK/i$n"; then fail "$name" "output differs: $(cmp "$WORK/c$n" "$WORK/i$n" 2>&1 || true)"
  elif [ ! -s "$WORK/c$n" ]; then fail "$name" "empty output from both"
  else echo "ok - $name ($(wc -c <"$WORK/i$n") bytes)"; fi
}
status() {  # name want [args...]: inet and curl both exit `want`, same (usually empty) output
  local name="$1" want="$2"; shift 2
  run_both "$@"
  if [ "$i" -eq "$want" ] && [ "$c" -eq "$want" ] && cmp -s "$WORK/c$n" "$WORK/i$n"; then
    echo "ok - $name (exit $i)"
  else fail "$name" "want $want: inet $i ($(cat "$WORK/ie$n")), curl $c; $(cmp "$WORK/c$n" "$WORK/i$n" 2>&1 || true)"; fi
}

# A non-ASCII mailbox (modified UTF-7 on the wire) with one message in it.
"$INET" get -s -S -u "$CRED" --cacert "$CA_FILE" -X 'CREATE "Entw&APw-rfe"' "$PLAIN/" >/dev/null \
  || fail "CREATE Entwürfe" "inet -X CREATE failed"
"$INET" put -s -S -u "$CRED" --cacert "$CA_FILE" "$PLAIN/Entw%C3%BCrfe" <"$MD/new/1.M1P1.t" \
  || fail "APPEND to Entwürfe" "inet put failed"
VALIDITY="$(curl -s --ssl-reqd -u "$CRED" --cacert "$CA_FILE" "$PLAIN/" -X 'STATUS INBOX (UIDVALIDITY)' \
  | sed -n 's/.*UIDVALIDITY \([0-9]*\).*/\1/p' | tr -d '\r')"

for base in "$PLAIN" "$TLS"; do
  same "LIST $base/" "$base/"
  same "LIST $base/INBOX" "$base/INBOX"
  for u in 1 2 3 4; do same "UID=$u $base" "$base/INBOX;UID=$u"; done
  same "MAILINDEX=2 $base" "$base/INBOX;MAILINDEX=2"
  same "SECTION=2.1 $base" "$base/INBOX;UID=2;SECTION=2.1"
  same "SECTION=1 $base" "$base/INBOX;UID=2;SECTION=1"
  same "SECTION=HEADER $base" "$base/INBOX;MAILINDEX=2;SECTION=HEADER"
  same "PARTIAL=0.100 $base" "$base/INBOX;UID=4;PARTIAL=0.100"
  same "PARTIAL=10 $base" "$base/INBOX;UID=1;PARTIAL=10"
  same "SECTION+PARTIAL $base" "$base/INBOX;UID=2;SECTION=2.1;PARTIAL=1.3"
  same "SEARCH $base" "$base/INBOX?SUBJECT%20three"
  same "SEARCH ALL $base" "$base/INBOX?ALL"
  same "UIDVALIDITY match $base" "$base/INBOX;UIDVALIDITY=$VALIDITY;UID=1"
  same "non-ASCII mailbox (mUTF-7 path) $base" "$base/Entw&APw-rfe;UID=1"
  same "several URLs $base" "$base/INBOX;UID=1" "$base/INBOX;UID=3" "$base/INBOX?ALL" "$base/"
  same "-X STATUS $base" "$base/" -X "STATUS INBOX (MESSAGES UIDNEXT)"
  same "-X EXAMINE $base" "$base/" -X "EXAMINE INBOX"
done
status "empty SECTION (NIL part) is empty and 0" 0 "$TLS/INBOX;UID=2;SECTION=1.2"
status "UIDVALIDITY mismatch is 78" 78 "$TLS/INBOX;UIDVALIDITY=1;UID=1"
status "no such UID is 78" 78 "$TLS/INBOX;UID=99"
status "no such MAILINDEX is 78" 78 "$TLS/INBOX;MAILINDEX=99"
status "SELECT of a missing mailbox is 67 (as curl)" 67 "$TLS/Nope;UID=1"
status "LIST of a missing mailbox is empty and 0" 0 "$TLS/Nope"
status "bad SEARCH is 21" 21 "$TLS/INBOX?FOO"
status "-X refused is 21" 21 "$TLS/" -X BOGUS
CRED="$TEST_USER:wrong"
status "wrong password is 67" 67 "$TLS/"
status "STARTTLS: wrong password is 67" 67 "$PLAIN/INBOX;UID=1"
CRED="$TEST_USER:$TEST_PASS"

# -X with literals: inet prints each untagged response whole; curl (issue 23010) only the
# first line of each. Every curl line must be an inet line, and inet has the literal bytes.
run_both "$TLS/INBOX" -X "FETCH 1:2 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"
if [ "$c" -eq 0 ] && [ "$i" -eq 0 ] && grep -q 'Subject: multipart' "$WORK/i$n" \
   && ! grep -q 'Subject:' "$WORK/c$n" && [ "$(grep -cF -f "$WORK/c$n" "$WORK/i$n")" -eq 2 ] \
   && [ "$(tail -c 3 "$WORK/i$n" | od -An -c | tr -d ' ')" = ')\r\n' ]; then
  echo "ok - -X FETCH prints every literal inline (curl drops them)"
else fail "-X FETCH with literals" "curl $c inet $i: $(od -c "$WORK/i$n" | head -5)"; fi

# inet put and curl -T append the same message the same way (flags \Seen).
printf 'From: x@example.test\r\nSubject: appended\r\n\r\nbody\r\n' >"$WORK/msg.eml"
for tool in inet curl; do
  next="$(curl -s --ssl-reqd -u "$CRED" --cacert "$CA_FILE" "$TLS/" -X 'STATUS INBOX (UIDNEXT)' \
    | sed -n 's/.*UIDNEXT \([0-9]*\).*/\1/p' | tr -d '\r')"
  if [ "$tool" = inet ]; then
    "$INET" put -s -S -u "$CRED" --cacert "$CA_FILE" "$TLS/INBOX" <"$WORK/msg.eml" || fail "put" "inet put failed"
  else
    curl -s --ssl-reqd -u "$CRED" --cacert "$CA_FILE" -T "$WORK/msg.eml" "$TLS/INBOX" || fail "put" "curl -T failed"
  fi
  curl -s --ssl-reqd -u "$CRED" --cacert "$CA_FILE" "$TLS/INBOX" \
    -X "UID FETCH $next FLAGS" >"$WORK/flags.$tool"
  curl -s --ssl-reqd -u "$CRED" --cacert "$CA_FILE" "$TLS/INBOX;UID=$next" >"$WORK/put.$tool"
done
if cmp -s "$WORK/put.inet" "$WORK/msg.eml" && cmp -s "$WORK/put.curl" "$WORK/msg.eml" \
   && grep -q 'FLAGS (.*\\Seen' "$WORK/flags.inet" && grep -q 'FLAGS (.*\\Seen' "$WORK/flags.curl"; then
  echo "ok - inet put from stdin appends what curl -T appends, flagged \\Seen"
else fail "inet put vs curl -T" "$(cat "$WORK/flags.inet" "$WORK/flags.curl")"; fi
c=0; i=0
curl -s --ssl-reqd -u "$CRED" --cacert "$CA_FILE" -T "$WORK/msg.eml" "$TLS/Nope" || c=$?
"$INET" put -s -u "$CRED" --cacert "$CA_FILE" -T "$WORK/msg.eml" "$TLS/Nope" || i=$?
if [ "$c" -eq 25 ] && [ "$i" -eq 25 ]; then echo "ok - put to a missing mailbox is 25"
else fail "put to a missing mailbox is 25" "inet $i, curl $c"; fi
# inet-only behaviour (curl 7.88 differs or has no equivalent).
i=0; "$INET" get -s -u "$CRED" --cacert "$CA_FILE" --max-filesize 1000 "$TLS/INBOX;UID=4" >"$WORK/big" || i=$?
if [ "$i" -eq 63 ] && [ ! -s "$WORK/big" ]; then echo "ok - --max-filesize refuses a larger literal before reading it (exit 63)"
else fail "--max-filesize" "exit $i, $(wc -c <"$WORK/big") bytes written"; fi
i=0; "$INET" get -v -u "$CRED" --cacert "$CA_FILE" "$PLAIN/INBOX;UID=1" "$PLAIN/INBOX;UID=3" "$PLAIN/INBOX?ALL" \
  >/dev/null 2>"$WORK/trace" || i=$?
if [ "$i" -eq 0 ] && ! grep -qF "$TEST_PASS" "$WORK/trace" && [ "$(grep -c '^> A[0-9]* SELECT' "$WORK/trace")" -eq 1 ] \
   && [ "$(grep -c '^\* Connected to' "$WORK/trace")" -eq 1 ] && grep -q '^> A[0-9]* STARTTLS' "$WORK/trace"; then
  echo "ok - three URLs: one connection, one SELECT, STARTTLS, password not in the -v trace"
else fail "-v / reuse" "exit $i; $(grep -c SELECT "$WORK/trace") SELECT lines"; fi
i=0; "$INET" get -s -u "$CRED" --cacert "$CA_FILE" -o "$WORK/out.eml" "$TLS/INBOX;UID=1" || i=$?
if [ "$i" -eq 0 ] && cmp -s "$WORK/out.eml" "$WORK/c3"; then  # c3: curl's UID=1 output
  echo "ok - -o FILE"
else fail "-o FILE" "exit $i"; fi
exit "$FAILED"
