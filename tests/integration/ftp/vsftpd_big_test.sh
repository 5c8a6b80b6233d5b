#!/usr/bin/env bash
# `inet put`/`inet get` of 100 MiB against a real vsftpd: sha256-identical over plain FTP,
# explicit FTPS (AUTH TLS, require_ssl_reuse=YES) and implicit FTPS, each in passive and active
# (-P -) mode; a download cut at a known offset resumed with -C -; a 1,000-file directory listed
# (LIST and NLST: every name there); mkdir / rename / delete through -Q; a wrong password (67)
# and a missing file (78).
# Outside Bazel: TEST_TMPDIR=/tmp/x tests/integration/ftp/vsftpd_big_test.sh (uses bazel-bin).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

if [ -n "${TEST_SRCDIR:-}" ]; then
  ROOT="$TEST_SRCDIR/inetpp"
  INET="$ROOT/tools/inet/inet"
else
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  INET="$ROOT/bazel-bin/tools/inet/inet"
fi
WORK="$(mktemp -d "${TEST_TMPDIR:-/tmp}/inet_ftp_big.XXXXXX")"
export HOME="$WORK/home"
mkdir -p "$HOME"
# shellcheck disable=SC1091
. "$ROOT/tests/integration/ftp/vsftpd_lib.sh"
cleanup() { vsftpd_stop; rm -rf -- "$WORK"; }
trap cleanup EXIT
vsftpd_setup "$WORK/srv"
vsftpd_start PLAIN
vsftpd_start IMPLICIT "implicit_ssl=YES"
CA="$WORK/srv/ca.pem"
R="$WORK/srv/root"
FAILED=0
fail() { echo "not ok - $1"; echo "#   $2"; FAILED=1; }
ok() { echo "ok - $1"; }

head -c $((100 << 20)) /dev/urandom >"$WORK/big.bin"
WANT="$(sha256sum <"$WORK/big.bin" | cut -d' ' -f1)"
P="127.0.0.1:$PLAIN_PORT"
I="127.0.0.1:$IMPLICIT_PORT"
k=0
for mode in "ftp|--tls none" "ftps-explicit|--ssl-reqd" "ftps-implicit|"; do
  label="${mode%%|*}"; tls="${mode#*|}"
  base="ftp://$P"; [ "$label" = ftps-implicit ] && base="ftps://$I"
  for data in passive active; do
    k=$((k + 1))
    extra=(); [ "$data" = active ] && extra=(-P -)
    name="$label $data"
    # shellcheck disable=SC2086
    if ! "$INET" put -s -S --cacert "$CA" $tls "${extra[@]}" -T "$WORK/big.bin" "$base/incoming/big$k.bin"; then
      fail "$name put" "exit $?"; continue
    fi
    got="$(sha256sum <"$R/incoming/big$k.bin" | cut -d' ' -f1)"
    [ "$got" = "$WANT" ] && ok "$name: 100 MiB put, sha256 identical" || fail "$name put" "sha256 $got"
    # shellcheck disable=SC2086
    got="$("$INET" get -s -S --cacert "$CA" $tls "${extra[@]}" "$base/incoming/big$k.bin" | sha256sum | cut -d' ' -f1)"
    [ "$got" = "$WANT" ] && ok "$name: 100 MiB get, sha256 identical" || fail "$name get" "sha256 $got"
    [ "$k" -gt 1 ] && rm -f "$R/incoming/big$((k - 1)).bin"
  done
done

# A download cut at a known offset (12345678) and resumed: REST, then the rest appended.
head -c 12345678 "$WORK/big.bin" >"$WORK/resumed.bin"
"$INET" get -s -S --ssl-reqd --cacert "$CA" -C - -o "$WORK/resumed.bin" "ftp://$P/incoming/big$k.bin" \
  || fail "resume" "exit $?"
got="$(sha256sum <"$WORK/resumed.bin" | cut -d' ' -f1)"
[ "$got" = "$WANT" ] && ok "download cut at 12345678 resumed with -C -" || fail "resume" "sha256 $got"
rm -f "$WORK/resumed.bin" "$R/incoming/big$k.bin"

# A 1,000-file directory (names with spaces among them): LIST and NLST name every file.
mkdir -p "$R/many"
for j in $(seq 1 1000); do
  if [ $((j % 10)) -eq 0 ]; then : >"$R/many/file $j.txt"; else : >"$R/many/f$j"; fi
done
"$INET" get -s -S --tls none "ftp://$P/many/" >"$WORK/list.txt" || fail "LIST 1000" "exit $?"
"$INET" get -s -S --tls none -l "ftp://$P/many/" >"$WORK/nlst.txt" || fail "NLST 1000" "exit $?"
if [ "$(grep -c '^-rw' "$WORK/list.txt")" -eq 1000 ] && grep -q ' file 990\.txt$' "$WORK/list.txt" \
   && [ "$(sort "$WORK/nlst.txt" | diff - <(ls -1 "$R/many" | sort) | wc -l)" -eq 0 ]; then
  ok "LIST and NLST of a 1,000-file directory"
else fail "1000-file listing" "$(wc -l <"$WORK/list.txt") LIST lines, $(wc -l <"$WORK/nlst.txt") NLST lines"; fi

# mkdir / rename / delete through -Q (and the quote replies checked).
echo payload >"$WORK/small.txt"
"$INET" put -s -S --tls none -T "$WORK/small.txt" "ftp://$P/incoming/a.txt" || fail "put small" "exit $?"
"$INET" get -s -S --tls none -Q "MKD incoming/d" -Q "RNFR incoming/a.txt" -Q "RNTO incoming/d/b.txt" \
  "ftp://$P/incoming/" >/dev/null || fail "mkdir+rename" "exit $?"
[ -d "$R/incoming/d" ] && [ -f "$R/incoming/d/b.txt" ] && [ ! -e "$R/incoming/a.txt" ] \
  && ok "MKD and RNFR/RNTO" || fail "MKD and RNFR/RNTO" "tree: $(find "$R/incoming")"
"$INET" get -s -S --tls none -Q "DELE incoming/d/b.txt" -Q "RMD incoming/d" "ftp://$P/" >/dev/null \
  || fail "delete" "exit $?"
[ ! -e "$R/incoming/d" ] && ok "DELE and RMD" || fail "DELE and RMD" "still there"

rc=0; "$INET" get -s --tls none -u anonymous:bad@example.com "ftp://$P/" >/dev/null || rc=$?
[ "$rc" -eq 67 ] && ok "wrong password is 67" || fail "wrong password" "exit $rc"
rc=0; "$INET" get -s --ssl-reqd --cacert "$CA" "ftp://$P/incoming/missing" >/dev/null || rc=$?
[ "$rc" -eq 78 ] && ok "missing file is 78" || fail "missing file" "exit $rc"

[ "$FAILED" -eq 0 ] && echo "PASS" || { tail -n 30 "$WORK/srv/PLAIN.log" >&2; exit 1; }
