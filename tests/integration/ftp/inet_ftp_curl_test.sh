#!/usr/bin/env bash
# `inet get`/`inet put` ftp(s):// against a real vsftpd, compared with curl for the same command
# lines: stdout bytes and exit status identical. Files, LIST, NLST (-l), ;type=a, several URLs
# on one command line (one control connection), -o, --ftp-method, -P (active), --disable-epsv,
# -Q, -C (download, and -C - for upload), --ftp-create-dirs, -T, --max-filesize; exit codes 9,
# 21, 36, 63, 67, 78 (18, a cut transfer, is in the mock tests). Plain FTP (inet --tls none:
# curl never upgrades by default), explicit FTPS (--ssl-reqd, require_ssl_reuse=YES) and
# implicit FTPS (ftps://).
# Prints "ok - NAME" / "not ok - NAME"; exits 1 on any failure.
#
# Outside Bazel: TEST_TMPDIR=/tmp/x tests/integration/ftp/inet_ftp_curl_test.sh (uses bazel-bin).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

if [ -n "${TEST_SRCDIR:-}" ]; then
  ROOT="$TEST_SRCDIR/inetpp"
  INET="$ROOT/tools/inet/inet"
else
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  INET="$ROOT/bazel-bin/tools/inet/inet"
fi
WORK="$(mktemp -d "${TEST_TMPDIR:-/tmp}/inet_ftp_curl.XXXXXX")"
export HOME="$WORK/home"  # no ~/.netrc may leak in
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

# The served tree: files with spaces and non-ASCII names, a nested directory, text with LF.
mkdir -p "$R/pub/sub dir" "$R/pub/deep/er"
head -c 200000 /dev/urandom >"$R/pub/random.bin"
printf 'line one\nline two\n' >"$R/pub/text.txt"
printf 'dos\r\nold mac\rlast\r' >"$R/pub/crlf.txt"
printf 'spaced\n' >"$R/pub/sub dir/file with spaces.txt"
printf 'umlaut\n' >"$R/pub/Entwürfe.txt"
printf 'deep\n' >"$R/pub/deep/er/f"
touch -d '2026-01-02 03:04' "$R/pub" "$R/pub/"* "$R/pub/deep/er/f"

FAILED=0
n=0
fail() { echo "not ok - $1"; echo "#   $2"; FAILED=1; }
CTLS=(); ITLS=(--tls none)  # curl never upgrades by default; inet would (opportunistic)
run_both() {  # args...: outputs in $WORK/cN / iN, statuses in $c / $i
  n=$((n + 1)); c=0; i=0
  (cd "$WORK/cdir" && timeout 60 curl -s --cacert "$CA" "${CTLS[@]}" "$@") >"$WORK/c$n" 2>"$WORK/ce$n" || c=$?
  (cd "$WORK/idir" && "$INET" get -s -S --cacert "$CA" "${ITLS[@]}" "$@") \
    >"$WORK/i$n" 2>"$WORK/ie$n" || i=$?
}
mkdir -p "$WORK/cdir" "$WORK/idir"
check() {  # name want: both exit `want` with the same stdout
  if [ "$i" -eq "$2" ] && [ "$c" -eq "$2" ] && cmp -s "$WORK/c$n" "$WORK/i$n"; then
    echo "ok - $1 (exit $i, $(wc -c <"$WORK/i$n") bytes)"
  else
    fail "$1" "want $2: inet $i ($(head -c 300 "$WORK/ie$n")), curl $c ($(head -c 300 "$WORK/ce$n")); $(cmp "$WORK/c$n" "$WORK/i$n" 2>&1 || true)"
  fi
}
same() { local name="$1" want="$2"; shift 2; run_both "$@"; check "$name [$LABEL]" "$want"; }

P="127.0.0.1:$PLAIN_PORT"
for LABEL in ftp ftps-explicit ftps-implicit; do
  case "$LABEL" in
    ftp) CTLS=(); ITLS=(--tls none); B="ftp://$P" ;;
    ftps-explicit) CTLS=(--ssl-reqd); ITLS=(--ssl-reqd); B="ftp://$P" ;;
    ftps-implicit) CTLS=(); ITLS=(); B="ftps://127.0.0.1:$IMPLICIT_PORT" ;;
  esac
  same "binary file" 0 "$B/pub/random.bin"
  same "text file" 0 "$B/pub/text.txt"
  same "type=a" 0 "$B/pub/text.txt;type=a"
  same "type=a: CRLF and lone CR become LF" 0 "$B/pub/crlf.txt;type=a"
  same "type=i keeps CRs" 0 "$B/pub/crlf.txt;type=i"
  same "LIST of /" 0 "$B/"
  same "LIST of a directory" 0 "$B/pub/"
  same "NLST (-l)" 0 -l "$B/pub/"
  same "NLST (;type=d)" 0 "$B/pub/;type=d"
  same "spaces in names" 0 "$B/pub/sub%20dir/file%20with%20spaces.txt"
  same "non-ASCII name" 0 "$B/pub/Entw%C3%BCrfe.txt"
  same "several URLs, one connection" 0 "$B/pub/text.txt" "$B/pub/deep/er/f" "$B/pub/" "$B/pub/text.txt"
  same "absolute path (//)" 0 "$B/%2F/pub/text.txt"
  for m in multicwd nocwd singlecwd; do
    same "--ftp-method $m" 0 --ftp-method "$m" "$B/pub/deep/er/f" "$B/pub/deep/er/"
  done
  if [ "$LABEL" = ftp ]; then
    same "active mode (-P -)" 0 -P - "$B/pub/random.bin" "$B/pub/"
    same "active mode (-P 127.0.0.1)" 0 -P 127.0.0.1 "$B/pub/text.txt"
  else
    # curl 7.88 hangs in active mode over TLS against vsftpd: inet alone, against the file.
    rc=0
    "$INET" get -s -S --cacert "$CA" "${ITLS[@]}" -P - "$B/pub/random.bin" >"$WORK/active.out" || rc=$?
    if [ "$rc" -eq 0 ] && cmp -s "$WORK/active.out" "$R/pub/random.bin"; then
      echo "ok - active mode (-P -) [$LABEL]"
    else fail "active mode [$LABEL]" "exit $rc"; fi
  fi
  same "--disable-epsv" 0 --disable-epsv "$B/pub/text.txt"
  same "-Q NOOP, +NOOP, -NOOP" 0 -Q NOOP -Q +NOOP -Q -NOOP "$B/pub/text.txt"
  same "-Q refused is 21" 21 -Q "BOGUS" "$B/pub/text.txt"
  same "-Q '*BOGUS' is ignored" 0 -Q "*BOGUS" "$B/pub/text.txt"
  same "missing file is 78" 78 "$B/pub/missing"
  same "missing directory is 9" 9 "$B/nodir/file"
  same "--max-filesize is 63" 63 --max-filesize 1000 "$B/pub/random.bin"
  same "-C past the end is 36" 36 -C 999999 "$B/pub/text.txt"
  same "-C 5" 0 -C 5 "$B/pub/text.txt"
  same "wrong password is 67" 67 -u anonymous:bad@example.com "$B/pub/text.txt"
done

# -o and -C -: both resume a local file cut at a known offset.
for tool in curl inet; do
  head -c 50000 "$R/pub/random.bin" >"$WORK/$tool.part"
done
rc_c=0; rc_i=0
curl -s -C - -o "$WORK/curl.part" "ftp://$P/pub/random.bin" || rc_c=$?
"$INET" get -s -S --tls none -C - -o "$WORK/inet.part" "ftp://$P/pub/random.bin" || rc_i=$?
if [ "$rc_c" -eq 0 ] && [ "$rc_i" -eq 0 ] && cmp -s "$WORK/inet.part" "$R/pub/random.bin" \
   && cmp -s "$WORK/curl.part" "$WORK/inet.part"; then echo "ok - -C - -o resumes a cut download"
else fail "-C - -o" "curl $rc_c inet $rc_i"; fi

# Uploads: inet put and curl -T store the same bytes; --ftp-create-dirs; -C - appends the rest.
head -c 100000 /dev/urandom >"$WORK/up.bin"
for tool in curl inet; do
  rc=0
  if [ "$tool" = curl ]; then
    curl -s --ftp-create-dirs -T "$WORK/up.bin" "ftp://$P/incoming/$tool/new/" || rc=$?
  else
    "$INET" put -s -S --tls none --ftp-create-dirs -T "$WORK/up.bin" "ftp://$P/incoming/$tool/new/" || rc=$?
  fi
  if [ "$rc" -eq 0 ] && cmp -s "$WORK/up.bin" "$R/incoming/$tool/new/up.bin"; then
    echo "ok - $tool -T --ftp-create-dirs"
  else fail "$tool -T --ftp-create-dirs" "exit $rc"; fi
  head -c 30000 "$WORK/up.bin" >"$R/incoming/$tool/cut.bin"
  chown ftp "$R/incoming/$tool/cut.bin"
  rc=0
  if [ "$tool" = curl ]; then
    curl -s -C - -T "$WORK/up.bin" "ftp://$P/incoming/$tool/cut.bin" || rc=$?
  else
    "$INET" put -s -S --tls none -C - -T "$WORK/up.bin" "ftp://$P/incoming/$tool/cut.bin" || rc=$?
  fi
  if [ "$rc" -eq 0 ] && cmp -s "$WORK/up.bin" "$R/incoming/$tool/cut.bin"; then
    echo "ok - $tool put -C - appends the rest"
  else fail "$tool put -C -" "exit $rc"; fi
done
# Both made the same tree.
if diff <(cd "$R/incoming/curl" && find . | sort) <(cd "$R/incoming/inet" && find . | sort) >/dev/null; then
  echo "ok - curl and inet uploads made the same tree"
else fail "upload trees" "$(diff <(cd "$R/incoming/curl" && find . | sort) <(cd "$R/incoming/inet" && find . | sort))"; fi

[ "$FAILED" -eq 0 ] && echo "PASS" || { tail -n 20 "$WORK/srv/PLAIN.log" >&2; exit 1; }
