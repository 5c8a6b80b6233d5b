#!/usr/bin/env bash
# Wire benchmark: sends one message of SIZE MiB (default 100) through a real postfix on
# 127.0.0.1 (submission, STARTTLS + AUTH) with `inet mail`, then the same raw message with
# curl, and prints elapsed time, throughput and the sender's peak RSS for each.
#
#   bazel build --config=opt //tools/inet:inet && bench/smtp_real.sh 100
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
# Raise postfix's size limit for the benchmark only.
postconf -c "$POSTFIX_CONFIG_DIR" -e "message_size_limit=$(( (size_mib * 2 + 10) * 1024 * 1024 ))"
postfix -c "$POSTFIX_CONFIG_DIR" reload >/dev/null 2>&1
sleep 1

body="$state/body.txt"
python3 - "$body" "$size_mib" <<'PY'
import sys, random
path, mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
line = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz .") for _ in range(76)) + "\n"
with open(path, "w") as f:
    n = 0
    while n < mib * 1024 * 1024:
        f.write(line); n += len(line)
PY
bytes=$(stat -c %s "$body")

measure() {  # name, command...
  local name="$1"; shift
  local t0 t1 rss
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$state/rss" "$@" >/dev/null 2>"$state/err" || { cat "$state/err"; return 1; }
  t1=$(date +%s.%N)
  rss=$(tail -1 "$state/rss")
  python3 -c "import sys; b,t0,t1,r=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); \
print(f'{sys.argv[5]:<10} {b/1048576:8.1f} MiB  {t1-t0:7.2f} s  {b/1048576/(t1-t0):8.1f} MiB/s  peak RSS {r/1024:6.1f} MiB')" \
    "$bytes" "$t0" "$t1" "$rss" "$name"
}

{ printf 'From: %s\r\nTo: %s\r\nSubject: bench\r\n\r\n' "$TEST_USER" "$TEST_USER2"; cat "$body"; } > "$state/msg.eml"

measure "inet mail" "$inet" mail --host=127.0.0.1 --port="$SUBMISSION_PORT" --tls=on \
  --tls-trust-file="$CA_FILE" --user="$TEST_USER" --passwordeval="echo $TEST_PASS" \
  --from="$TEST_USER" "$TEST_USER2" < "$state/msg.eml"
measure "curl" curl -sS --url "smtp://127.0.0.1:$SUBMISSION_PORT" --ssl-reqd --cacert "$CA_FILE" \
  --user "$TEST_USER:$TEST_PASS" --mail-from "$TEST_USER" --mail-rcpt "$TEST_USER2" \
  --upload-file "$state/msg.eml"
