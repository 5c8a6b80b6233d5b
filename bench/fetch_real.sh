#!/usr/bin/env bash
# Wire benchmark: fetches one message of SIZE MiB (default 100) from a real dovecot on 127.0.0.1
# over IMAP (STARTTLS, `imap://…/INBOX;UID=1`) and POP3 (STLS, `pop3://…/1`) with `inet get`,
# then the same URLs with curl, and prints elapsed time, throughput and the client's peak RSS.
#
#   bazel build --config=opt //tools/inet:inet
#   INET=$PWD/bazel-out/k8-opt/bin/tools/inet/inet bench/fetch_real.sh 100
#
# Needs root (the servers drop privileges) and the packages from scripts/setup.
set -euo pipefail
size_mib="${1:-100}"
here="$(cd "$(dirname "$0")/.." && pwd)"
inet="${INET:-$here/bazel-bin/tools/inet/inet}"
servers="$here/tests/integration/servers"
state="$(mktemp -d /tmp/inetpp-bench.XXXXXX)"
trap '"$servers/stop" "$state" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT

"$servers/start" "$state" >/dev/null
# shellcheck disable=SC1091
. "$state/env"
vmail_uid=$(stat -c %u "$MAILDIR_ROOT")
vmail_gid=$(stat -c %g "$MAILDIR_ROOT")

# One message of text lines straight into bob's Maildir (dovecot's own format: LF line ends).
box="$MAILDIR_ROOT/$TEST_DOMAIN/${TEST_USER2%@*}"
mkdir -p "$box/new" "$box/cur" "$box/tmp"
python3 - "$box/new/1700000000.M1P1.bench" "$size_mib" <<'PY'
import sys, random
path, mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
line = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz .") for _ in range(76)) + "\n"
with open(path, "w") as f:
    f.write("From: bench@example.test\nTo: bob@example.test\nSubject: bench\n\n")
    n = 0
    while n < mib * 1024 * 1024:
        f.write(line); n += len(line)
PY
chown -R "$vmail_uid:$vmail_gid" "$MAILDIR_ROOT/$TEST_DOMAIN"
bytes=$(( $(stat -c %s "$box"/new/*) + $(wc -l < "$box"/new/*) ))  # CRLF on the wire

measure() {  # name, command...
  local name="$1"; shift
  local t0 t1 rss
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$state/rss" "$@" >"$state/out" 2>"$state/err" || { cat "$state/err"; return 1; }
  t1=$(date +%s.%N)
  rss=$(tail -1 "$state/rss")
  got=$(stat -c %s "$state/out")
  python3 -c "import sys; b,t0,t1,r=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); \
print(f'{sys.argv[5]:<16} {b/1048576:8.1f} MiB  {t1-t0:7.2f} s  {b/1048576/(t1-t0):8.1f} MiB/s  peak RSS {r/1024:6.1f} MiB')" \
    "$got" "$t0" "$t1" "$rss" "$name"
}

imap="imap://127.0.0.1:$IMAP_PORT/INBOX;UID=1"
pop3="pop3://127.0.0.1:$POP3_PORT/1"
user="$TEST_USER2:$TEST_PASS2"
echo "message: $((bytes / 1048576)) MiB on the wire"
# Warm-up: dovecot indexes the new message on first access.
curl -sS --ssl-reqd --cacert "$CA_FILE" -u "$user" "$imap" -o /dev/null
measure "inet get imap" "$inet" get --cacert "$CA_FILE" -u "$user" "$imap"
measure "curl imap" curl -sS --ssl-reqd --cacert "$CA_FILE" -u "$user" "$imap"
measure "inet get pop3" "$inet" get --cacert "$CA_FILE" -u "$user" "$pop3"
measure "curl pop3" curl -sS --ssl-reqd --cacert "$CA_FILE" -u "$user" "$pop3"
