#!/usr/bin/env bash
# Starts the real servers, then checks with curl and python3 what the integration tests rely on:
# submission (STARTTLS + AUTH PLAIN) and smtps delivery to the Maildir with the body intact,
# 535 on a wrong password, no AUTH before STARTTLS, IMAP/IMAPS and POP3/POP3S logins and
# retrieval, and that stop leaves no server process behind.
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

servers="${TEST_SRCDIR:-}/inetpp/tests/integration/servers"
[ -x "$servers/start" ] || servers="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${TEST_TMPDIR:-$(mktemp -d)}/servers"
work="${TEST_TMPDIR:-$(mktemp -d)}/work"
mkdir -p "$work"

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

cleanup() {
  "$servers/stop" "$state" || echo "FAIL: stop reported an error" >&2
  # Keep the server logs with the test's outputs.
  if [ -n "${TEST_UNDECLARED_OUTPUTS_DIR:-}" ] && [ -d "$state/logs" ]; then
    cp -r "$state/logs" "$TEST_UNDECLARED_OUTPUTS_DIR/" || true
  fi
}
trap cleanup EXIT

"$servers/start" "$state"
# shellcheck disable=SC1091
. "$state/env"

# --- messages: CRLF on the wire, dot-stuffing, 8-bit UTF-8 and a long line in the body ------
make_message() {  # file subject
  python3 - "$1" "$2" "$TEST_USER" "$TEST_USER2" <<'PY'
import sys
path, subject, sender, rcpt = sys.argv[1:5]
body = ("Hello Bob,\r\n"
        ".a line that starts with a dot\r\n"
        "..two dots\r\n"
        "Gr\u00fc\u00dfe aus K\u00f6ln \u2014 \u65e5\u672c\u8a9e\r\n"
        + "x" * 900 + "\r\n"
        "\r\n"
        "-- \r\nAlice\r\n")
head = ("From: Alice <%s>\r\nTo: Bob <%s>\r\nSubject: %s\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" % (sender, rcpt, subject))
with open(path, "wb") as f:
    f.write((head + body).encode("utf-8"))
with open(path + ".body", "wb") as f:
    f.write(body.encode("utf-8"))
PY
}
make_message "$work/submission.eml" "via submission"
make_message "$work/smtps.eml" "via smtps"

# Body of a stored message (Maildir uses LF; the wire used CRLF), as CRLF bytes.
stored_body() {
  python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
if b"\r\n" not in data:
    data = data.replace(b"\n", b"\r\n")
sys.stdout.buffer.write(data.split(b"\r\n\r\n", 1)[1])
PY
}

# --- submission: STARTTLS required, AUTH PLAIN --------------------------------------------------
if curl -sS --url "smtp://127.0.0.1:$SUBMISSION_PORT" --ssl-reqd --cacert "$CA_FILE" \
     --login-options AUTH=PLAIN --user "$TEST_USER:$TEST_PASS" \
     --mail-from "$TEST_USER" --mail-rcpt "$TEST_USER2" --upload-file "$work/submission.eml"; then
  pass "submission + STARTTLS + AUTH PLAIN accepted"
else
  fail "submission send (curl exit $?)"
fi

# --- smtps: implicit TLS, AUTH LOGIN, checked against the localhost name --------------------
if curl -sS --url "smtps://localhost:$SMTPS_PORT" --cacert "$CA_FILE" \
     --login-options AUTH=LOGIN --user "$TEST_USER:$TEST_PASS" \
     --mail-from "$TEST_USER" --mail-rcpt "$TEST_USER2" --upload-file "$work/smtps.eml"; then
  pass "smtps + AUTH LOGIN accepted"
else
  fail "smtps send (curl exit $?)"
fi

# --- both arrive, bodies intact ------------------------------------------------------------------
if mapfile -t delivered < <("$servers/wait_for_mail" "$state" "$TEST_USER2" 2 20) \
   && [ "${#delivered[@]}" -eq 2 ]; then
  for kind in submission smtps; do
    file="$(grep -l "^Subject: via $kind" "${delivered[@]}" || true)"
    if [ -z "$file" ]; then
      fail "no delivered message with subject 'via $kind'"
    elif cmp -s <(stored_body "$file") "$work/$kind.eml.body"; then
      pass "$kind message delivered with identical body ($file)"
    else
      fail "$kind body differs:"; diff <(stored_body "$file") "$work/$kind.eml.body" | head >&2 || true
    fi
  done
else
  fail "expected exactly 2 messages for $TEST_USER2, got: ${delivered[*]:-none}"
fi

# --- wrong password: 535 ------------------------------------------------------------------------
set +e
out="$(curl -sS -v --url "smtp://127.0.0.1:$SUBMISSION_PORT" --ssl-reqd --cacert "$CA_FILE" \
  --login-options AUTH=PLAIN --user "$TEST_USER:not-the-password" --mail-from "$TEST_USER" \
  --mail-rcpt "$TEST_USER2" --upload-file "$work/submission.eml" 2>&1)"
rc=$?
set -e
if [ "$rc" -eq 67 ] && grep -q '^< 535' <<<"$out"; then
  pass "wrong password rejected with 535"
else
  fail "wrong password: curl exit $rc; transcript:"; echo "$out" | tail -n 5 >&2
fi

# --- EHLO: no AUTH before STARTTLS on submission; mechanisms after it ----------------------------
if python3 - "$SUBMISSION_PORT" "$SMTPS_PORT" "$CA_FILE" <<'PY'
import smtplib, ssl, sys
sub, smtps, ca = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
s = smtplib.SMTP("127.0.0.1", sub, timeout=10)
s.ehlo()
assert not s.has_extn("auth"), "AUTH offered before STARTTLS: %r" % s.esmtp_features
assert s.has_extn("starttls")
s.starttls(context=ctx)
s.ehlo()
mechs = s.esmtp_features.get("auth", "").split()
for m in ("PLAIN", "LOGIN"):
    assert m in mechs, "AUTH %s missing: %r" % (m, mechs)
for ext in ("pipelining", "size", "8bitmime", "smtputf8", "chunking", "enhancedstatuscodes"):
    assert s.has_extn(ext), "%s missing" % ext
assert int(s.esmtp_features["size"]) == 52428800, s.esmtp_features["size"]
s.quit()
print("submission AUTH after STARTTLS:", " ".join(mechs))
PY
then pass "submission advertises AUTH only after STARTTLS"; else fail "submission EHLO checks"; fi

# --- IMAP over STARTTLS and IMAPS: log in and fetch ----------------------------------------------
if out="$(curl -sS --url "imap://127.0.0.1:$IMAP_PORT/INBOX" --ssl-reqd --cacert "$CA_FILE" \
     --user "$TEST_USER2:$TEST_PASS2" -X 'STATUS INBOX (MESSAGES)')" \
   && grep -q 'MESSAGES 2' <<<"$out"; then
  pass "IMAP STARTTLS login, INBOX has 2 messages"
else
  fail "IMAP STARTTLS: ${out:-no output}"
fi
if curl -sS --url "imaps://localhost:$IMAPS_PORT/INBOX;UID=1" --cacert "$CA_FILE" \
     --user "$TEST_USER2:$TEST_PASS2" -o "$work/imap1.eml" \
   && grep -q '^Subject: via ' "$work/imap1.eml"; then
  pass "IMAPS login and FETCH"
else
  fail "IMAPS fetch"
fi
if curl -sS --url "imaps://localhost:$IMAPS_PORT/INBOX" --cacert "$CA_FILE" \
     --user "$TEST_USER2:wrong" -o /dev/null 2>/dev/null; then
  fail "IMAPS accepted a wrong password"
else
  pass "IMAPS rejects a wrong password"
fi

# --- POP3 with STLS and POP3S -------------------------------------------------------------------
if out="$(curl -sS --url "pop3://127.0.0.1:$POP3_PORT/" --ssl-reqd --cacert "$CA_FILE" \
     --user "$TEST_USER2:$TEST_PASS2")" && [ "$(wc -l <<<"$out")" -eq 2 ]; then
  pass "POP3 STLS login, LIST shows 2 messages"
else
  fail "POP3 STLS: ${out:-no output}"
fi
if curl -sS --url "pop3s://localhost:$POP3S_PORT/2" --cacert "$CA_FILE" \
     --user "$TEST_USER2:$TEST_PASS2" -o "$work/pop2.eml" \
   && grep -q '^Subject: via ' "$work/pop2.eml"; then
  pass "POP3S login and RETR"
else
  fail "POP3S retrieve"
fi

# --- stop kills everything it started -----------------------------------------------------------
trap - EXIT
cleanup
for pid in "$DOVECOT_PID" "$POSTFIX_PID"; do
  if [ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat")" != Z ]; then
    fail "pid $pid still running after stop"
  fi
done
if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" \
     "$SMTP_PORT" 2>/dev/null; then
  fail "port $SMTP_PORT still accepts connections after stop"
else
  pass "stopped; ports closed"
fi

if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "all server checks passed"
