#!/usr/bin/env bash
# `inet get --extract` / `--parts` against real postfix + dovecot: a message composed by
# `inet mail --attach` (as ./scripts/demo sends it: a 300000-byte binary named report-Ü.bin, plus
# a text file and a dot file) is delivered, then read back over IMAP (;UID=1) and POP3 (/1),
# STARTTLS with a verified certificate. Every extracted file must be byte-identical to the file
# that was attached; the dot file's name is made safe; an existing file is not replaced without
# --force (exit 23), and is with it.
#
# Output: "ok - NAME" / "not ok - NAME" lines; exits 1 if any check failed. Needs root.
# Outside Bazel: TEST_TMPDIR=/tmp/x tests/integration/mail/inet_extract_test.sh (uses bazel-bin).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
export LC_ALL=C.UTF-8

if [ -n "${TEST_SRCDIR:-}" ]; then
  ROOT="$TEST_SRCDIR/inetpp"
  INET="$ROOT/tools/inet/inet"
else
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  INET="$ROOT/bazel-bin/tools/inet/inet"
fi
SERVERS="$ROOT/tests/integration/servers"
WORK="${TEST_TMPDIR:?TEST_TMPDIR must be set}/inet_extract"
STATE="$WORK/servers"
rm -rf -- "$WORK"
mkdir -p "$WORK/home" "$WORK/sent"
export HOME="$WORK/home"
unset XDG_CONFIG_HOME

cleanup() { "$SERVERS/stop" "$STATE" >/dev/null 2>&1 || echo "# stopping the servers failed" >&2; }
trap cleanup EXIT
"$SERVERS/start" "$STATE" 2>"$WORK/start.log" || { cat "$WORK/start.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$STATE/env"

FAILED=0
check() {  # NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then echo "ok - $name"; else echo "not ok - $name"; FAILED=$((FAILED + 1)); fi
}

# --- send, as the demo does --------------------------------------------------------------------
cfg="$WORK/mailrc"
cat >"$cfg" <<CFG
defaults
tls on
tls_trust_file $CA_FILE
account default
host 127.0.0.1
port $SUBMISSION_PORT
auth on
user $TEST_USER
passwordeval "echo $TEST_PASS"
from $TEST_USER
CFG
chmod 600 "$cfg"
head -c 300000 /dev/urandom >"$WORK/sent/report-Ü.bin"
printf 'line one\n.\nGrüße — a lone dot above\n' >"$WORK/sent/notes.txt"
printf 'export SECRET=no\n' >"$WORK/sent/.profile"
rc=0
"$INET" mail --config "$cfg" --to "Bob <$TEST_USER2>" --subject "extract test ✓" --body "see attached" \
  --attach "$WORK/sent/report-Ü.bin" --attach "$WORK/sent/notes.txt" \
  --attach "$WORK/sent/.profile" 2>"$WORK/mail.err" || rc=$?
check "inet mail sends three attachments" test "$rc" -eq 0
"$SERVERS/wait_for_mail" "$STATE" "$TEST_USER2" 1 20 >/dev/null

same_files() {  # DIR: each sent file is there, byte-identical, under its safe name
  cmp -s "$WORK/sent/report-Ü.bin" "$1/report-Ü.bin" &&
    cmp -s "$WORK/sent/notes.txt" "$1/notes.txt" &&
    cmp -s "$WORK/sent/.profile" "$1/_profile" && [ ! -e "$1/.profile" ]
}

# --- IMAP ;UID=1 -------------------------------------------------------------------------------
imap="imap://127.0.0.1:$IMAP_PORT/INBOX;UID=1"
auth=(--cacert "$CA_FILE" -u "$TEST_USER2:$TEST_PASS2")
rc=0
"$INET" get "${auth[@]}" --extract "$WORK/imap" "$imap" 2>"$WORK/err" || rc=$?
check "missing --extract directory: exit 23 (as curl without --create-dirs)" test "$rc" -eq 23
mkdir "$WORK/imap" "$WORK/pop3"
rc=0
"$INET" get "${auth[@]}" --parts --extract "$WORK/imap" "$imap" >"$WORK/parts" 2>"$WORK/err" || rc=$?
check "imap --extract exits 0" test "$rc" -eq 0
check "imap attachments byte-identical" same_files "$WORK/imap"
check "imap --parts names the attachments" grep -q '"report-Ü.bin"' "$WORK/parts"
check "imap --parts shows the safe dot-file name" grep -q '"_profile"' "$WORK/parts"

# --- POP3 /1 -----------------------------------------------------------------------------------
pop3="pop3://127.0.0.1:$POP3_PORT/1"
rc=0
"$INET" get "${auth[@]}" --extract "$WORK/pop3" "$pop3" 2>"$WORK/err" || rc=$?
check "pop3 --extract exits 0" test "$rc" -eq 0
check "pop3 attachments byte-identical" same_files "$WORK/pop3"

# --- no overwrite without --force ----------------------------------------------------------------
printf 'mine\n' >"$WORK/pop3/notes.txt"
rc=0
"$INET" get "${auth[@]}" --extract "$WORK/pop3" "$pop3" 2>"$WORK/err" || rc=$?
check "existing file: exit 23" test "$rc" -eq 23
check "existing file: kept" grep -qx mine "$WORK/pop3/notes.txt"
check "existing file: says --force" grep -q -- "--force" "$WORK/err"
rc=0
"$INET" get "${auth[@]}" --force --extract "$WORK/pop3" "$pop3" 2>"$WORK/err" || rc=$?
check "--force replaces: exit 0" test "$rc" -eq 0
check "--force replaces: byte-identical again" same_files "$WORK/pop3"

[ "$FAILED" -eq 0 ] || { echo "# $FAILED check(s) failed"; exit 1; }
