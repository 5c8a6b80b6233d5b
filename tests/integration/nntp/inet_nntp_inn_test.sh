#!/usr/bin/env bash
# `inet put nntp://` and `inet get news:// nntp:// nntps://` against a real INN (start_inn).
# curl has no NNTP support (`curl --version` lists no news/nntp), so the reference output comes
# from Python's nntplib (deprecated, still in Debian 12's Python 3.11) reading the same server:
# the raw, dot-unstuffed blocks with CRLF line ends, as docs/nntp.md says inet prints them.
# Checks: the posted article's body comes back byte-identical; LIST ACTIVE, OVER of the group,
# LISTGROUP (-l), ARTICLE by number, HEAD (-I), ARTICLE by message-id (bare and %3C..%3E),
# over STARTTLS and over implicit TLS, with credentials (AUTHINFO SASL) for get and put; exit 78
# for a missing article and a missing group, 67 for a wrong password.
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

HERE="$(cd "$(dirname "$0")" && pwd)"
INET="${INET:-$HERE/../../../tools/inet/inet}"
[ -x "$INET" ] || INET="$TEST_SRCDIR/$TEST_WORKSPACE/tools/inet/inet"
SCRIPTS="$HERE"
[ -x "$SCRIPTS/start_inn" ] || SCRIPTS="$TEST_SRCDIR/$TEST_WORKSPACE/tests/integration/nntp"
[ "$(id -u)" -eq 0 ] || { echo "must run as root"; exit 1; }

WORK="$(mktemp -d /tmp/inetpp-nntp-cli.XXXXXX)"
cleanup() {
  "$SCRIPTS/stop_inn" "$WORK/inn" >/dev/null 2>&1 || true
  rm -rf -- "$WORK"
}
trap cleanup EXIT
"$SCRIPTS/start_inn" "$WORK/inn"
. "$WORK/inn/env"
H="127.0.0.1:$NNTP_PORT"
HS="127.0.0.1:$NNTPS_PORT"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

ID="<cli.$$.$(date +%s)@inetpp.test>"
BODY=$'first line\r\n.\r\n..two dots\r\n.leading dot\r\nlast line\r\n'
printf 'From: Tester <tester@inetpp.test>\r\nNewsgroups: local.test\r\nSubject: from inet put\r\nMessage-ID: %s\r\n\r\n%s' \
  "$ID" "$BODY" > "$WORK/article"
printf '%s' "$BODY" > "$WORK/body"
"$INET" put --cacert "$CA_FILE" "nntp://$H/local.test" < "$WORK/article" || fail "inet put"

# Python nntplib as the reference client: python_ref COMMAND ARG prints the block it reads.
python_ref() {
  python3 -W ignore - "$NNTP_PORT" "$@" <<'PY'
import nntplib, sys
port, what, arg = int(sys.argv[1]), sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""
s = nntplib.NNTP("127.0.0.1", port, readermode=True)
out = sys.stdout.buffer
if arg.isdigit():
    s.group("local.test")
def block(lines):
    for l in lines:
        out.write(l + b"\r\n")
if what == "list":
    block(s._longcmd("LIST ACTIVE")[1])
elif what == "over":
    _, count, first, last, _ = s.group(arg)
    if count:
        block(s._longcmd("OVER %d-%d" % (first, last))[1])
elif what == "listgroup":
    block(s._longcmd("LISTGROUP " + arg)[1])
elif what == "high":
    out.write(b"%d" % s.group(arg)[3])
elif what == "article":
    block(s.article(arg)[1].lines)
elif what == "head":
    block(s.head(arg)[1].lines)
s.quit()
PY
}

# same NAME EXPECTED_FILE INET_ARGS...: inet's stdout equals the reference, exit 0.
same() {
  local name="$1" want="$2" rc=0
  shift 2
  "$INET" get -s --cacert "$CA_FILE" "$@" > "$WORK/got" 2> "$WORK/err" || rc=$?
  if [ "$rc" -ne 0 ]; then fail "$name: exit $rc: $(cat "$WORK/err")"; return; fi
  if ! cmp -s "$WORK/got" "$want"; then
    fail "$name: output differs from nntplib's ($(wc -c < "$WORK/got") vs $(wc -c < "$want") bytes)"
    diff <(od -c "$WORK/got") <(od -c "$want") | head -10 || true
    return
  fi
  echo "ok   $name ($(wc -c < "$want") bytes)"
}

N="$(python_ref high local.test)"
python_ref list > "$WORK/list.ref"
python_ref over local.test > "$WORK/over.ref"
python_ref listgroup local.test > "$WORK/listgroup.ref"
python_ref article "$N" > "$WORK/article.ref"
python_ref head "$N" > "$WORK/head.ref"
python_ref article "$ID" > "$WORK/article_id.ref"
grep -q "from inet put" "$WORK/over.ref" || fail "the OVER line of the posted article is missing"

same "news://host/ (LIST ACTIVE)" "$WORK/list.ref" "news://$H/"
same "news://host/group (OVER)" "$WORK/over.ref" "news://$H/local.test"
same "-l news://host/group (LISTGROUP)" "$WORK/listgroup.ref" -l "news://$H/local.test"
same "nntp://host/group/N (ARTICLE)" "$WORK/article.ref" "nntp://$H/local.test/$N"
same "-I nntp://host/group/N (HEAD)" "$WORK/head.ref" -I "nntp://$H/local.test/$N"
BARE="${ID#<}"; BARE="${BARE%>}"
same "news://host/id (ARTICLE <id>)" "$WORK/article_id.ref" "news://$H/$BARE"
same "news://host/%3Cid%3E" "$WORK/article_id.ref" "news://$H/%3C$BARE%3E"
same "nntps://host/group/N (implicit TLS)" "$WORK/article.ref" "nntps://$HS/local.test/$N"
same "snews://host/id (implicit TLS)" "$WORK/article_id.ref" "snews://$HS/$BARE"

# The body after the first empty line is what was posted, byte for byte.
"$INET" get -s --cacert "$CA_FILE" "nntp://$H/local.test/$N" \
  | python3 -c 'import sys; d=sys.stdin.buffer.read(); sys.stdout.buffer.write(d.split(b"\r\n\r\n",1)[1])' \
  > "$WORK/body.got"
cmp -s "$WORK/body.got" "$WORK/body" || fail "the article body is not byte-identical"

# With credentials in the URL: STARTTLS is required, then AUTHINFO SASL with the strongest common
# mechanism (SCRAM-SHA-256 against INN's Cyrus SASL).
U="$TEST_USER:$TEST_PASS"
same "nntp://user:pass@host/group/N (SASL)" "$WORK/article.ref" "nntp://$U@$H/local.test/$N"
ID2="<cli2.$$.$(date +%s)@inetpp.test>"
printf 'From: Tester <tester@inetpp.test>\r\nNewsgroups: local.test\r\nSubject: authenticated put\r\nMessage-ID: %s\r\n\r\nbody\r\n' \
  "$ID2" > "$WORK/article2"
"$INET" put -s --cacert "$CA_FILE" "nntp://$U@$H/local.test" < "$WORK/article2" || fail "authenticated put"
python_ref article "$ID2" > "$WORK/article2.ref"
grep -q "authenticated put" "$WORK/article2.ref" || fail "the authenticated post is missing"

expect_rc() {
  local want="$1" rc=0
  shift
  "$INET" get -s --cacert "$CA_FILE" "$@" > /dev/null 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] && echo "ok   exit $rc for $*" || fail "exit $rc for $*, expected $want"
}
expect_rc 78 "nntp://$H/local.test/$((N + 1000))"
expect_rc 78 "news://$H/no-such-article@inetpp.test"
expect_rc 78 "news://$H/no.such.group"
expect_rc 67 "nntp://$TEST_USER:wrong@$H/local.test/$N"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "PASS"
