#!/usr/bin/env bash
# `inet get`/`inet put` against a real nginx (tests/integration/servers/nginx), compared byte for
# byte (stdout, -o files) and by exit status with curl for the same arguments: a body, -i, -I
# (Date lines dropped: they may differ by a second), -L, --max-redirs, -f, -o, -C -, -C N, -r,
# -d, -X, -u, -w '%{http_code}', -T (WebDAV PUT), --compressed, --retry.
# Prints "ok - NAME" / "not ok - NAME"; exits 1 on any failure.
#
# Outside Bazel: TEST_TMPDIR=/tmp/x tests/integration/http/inet_http_curl_test.sh (bazel-bin).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

if [ -n "${TEST_SRCDIR:-}" ]; then
  ROOT="$TEST_SRCDIR/inetpp"
  INET="$ROOT/tools/inet/inet"
else
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  INET="$ROOT/bazel-bin/tools/inet/inet"
fi
command -v curl >/dev/null || { echo "missing curl (scripts/setup installs it)" >&2; exit 1; }
NGINX="$ROOT/tests/integration/servers/nginx"
WORK="${TEST_TMPDIR:?TEST_TMPDIR must be set}/inet_http_curl"
STATE="$WORK/servers"
rm -rf -- "$WORK"
mkdir -p "$WORK/home"
export HOME="$WORK/home"  # no ~/.curlrc or ~/.netrc may leak in
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

cleanup() { "$NGINX" stop "$STATE" >/dev/null 2>&1 || echo "# stopping nginx failed" >&2; }
trap cleanup EXIT
"$NGINX" start "$STATE" 2>"$WORK/start.log" || { cat "$WORK/start.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$STATE/nginx.env"
H="http://127.0.0.1:$HTTP_PORT"
S="https://localhost:$HTTPS_PORT"

FAILED=0
n=0
fail() { echo "not ok - $1"; echo "#   $2"; FAILED=1; }
# same NAME VERB ARGS...: runs `curl ARGS` and `inet VERB ARGS`; "@OUT@" in ARGS is a per-tool
# file (its bytes are compared too, and it starts as a copy of $WORK/seed when that exists);
# "@TOOL@" is "c" for curl and "i" for inet (a WebDAV name per tool).
same() {
  local name="$1" verb="$2"; shift 2
  n=$((n + 1))
  local c=0 i=0 ca=() ia=() a
  for a in "$@"; do
    a="${a//@OUT@/$WORK/@TOOL@$n.file}"; ca+=("${a//@TOOL@/c}"); ia+=("${a//@TOOL@/i}")
  done
  if [ -f "$WORK/seed" ]; then cp "$WORK/seed" "$WORK/c$n.file"; cp "$WORK/seed" "$WORK/i$n.file"; fi
  curl -s "${ca[@]}" >"$WORK/c$n" 2>"$WORK/ce$n" || c=$?
  "$INET" "$verb" -s "${ia[@]}" >"$WORK/i$n" 2>"$WORK/ie$n" || i=$?
  sed -i '/^Date: /d' "$WORK/c$n" "$WORK/i$n"
  if [ "$c" -ne "$i" ]; then
    fail "$name" "exit: curl $c, inet $i ($(head -c 300 "$WORK/ie$n"))"
  elif ! cmp -s "$WORK/c$n" "$WORK/i$n"; then
    fail "$name" "stdout differs: $(cmp "$WORK/c$n" "$WORK/i$n" 2>&1 || true)"
  elif [ -f "$WORK/c$n.file" ] && ! cmp -s "$WORK/c$n.file" "$WORK/i$n.file"; then
    fail "$name" "output file differs: $(cmp "$WORK/c$n.file" "$WORK/i$n.file" 2>&1 || true)"
  else
    echo "ok - $name (exit $i, $(wc -c <"$WORK/i$n") bytes)"
  fi
}

same "body" get "$H/text.txt"
same "body https" get --cacert "$NGINX_CA" "$S/small.txt"
same "-i" get -i "$H/text.txt"
same "-I" get -I "$H/file.bin"
same "-i on a 404" get -i "$H/missing"
same "-L" get -L "$H/redirect"
same "-i -L" get -i -L "$H/redirect"
same "-I -L" get -I -L "$H/redirect"
same "no -L: the 302 page" get -i "$H/redirect"
same "--max-redirs 2 (47)" get -L --max-redirs 2 "$H/loop"
same "-i --max-redirs 1 (47)" get -i -L --max-redirs 1 "$H/loop"
same "-f (22)" get -f "$H/missing"
same "-i -f (22, head written)" get -i -f "$H/missing"
same "-o" get -o @OUT@ "$H/file.bin"
same "-o with -w" get -o @OUT@ -w '%{http_code}' "$H/file.bin"
same "-r 0-99" get -r 0-99 "$H/file.bin"
same "-i -r 10-" get -i -r 10- "$H/small.txt"
same "-r -5" get -r -5 "$H/text.txt"
same "-C 100" get -C 100 "$H/text.txt"
same "-d (405 from a static file)" get -d a=b "$H/text.txt"
same "-X PATCH" get -i -X PATCH "$H/text.txt"
same "-u" get -u alice:secret "$H/auth/secret.txt"
same "-u wrong password (401 page)" get -i -u alice:wrong "$H/auth/secret.txt"
same "-w http_code" get -w '%{http_code}' "$H/small.txt"
same "-i -w size_download" get -i -w '%{size_download}' "$H/small.txt"
same "-L -w num_redirects, url_effective, content_type" get -L -o /dev/null \
  -w '%{num_redirects} %{url_effective} %{content_type}' "$H/redirect"
same "-w on a 404" get -o /dev/null -w '%{http_code}\n' "$H/missing"
same "--compressed -i" get -i --compressed "$H/text.txt"
same "--retry on 200 (no retry)" get --retry 2 "$H/small.txt"
same "refused connection (7)" get -w '%{http_code}' "http://127.0.0.1:1/"
head -c 300000 "$DOCROOT/file.bin" >"$WORK/seed"
same "-C - on a partial file" get -C - -o @OUT@ "$H/file.bin"
same "-C - -w" get -C - -o @OUT@ -w '%{http_code}' "$H/file.bin"
cp "$DOCROOT/file.bin" "$WORK/seed"
same "-C - on a complete file (416)" get -C - -o @OUT@ -w '%{http_code}' "$H/file.bin"
rm -f "$WORK/seed"
head -c 2000000 /dev/urandom >"$WORK/upload.bin"
same "-T new file (201)" put -T "$WORK/upload.bin" -w '%{http_code}' "$H/dav/@TOOL@.bin"
cmp -s "$WORK/upload.bin" "$DOCROOT/dav/i.bin" && echo "ok - -T stored the file" \
  || fail "-T stored the file" "differs"
same "-T again (204)" put -T "$WORK/upload.bin" -w '%{http_code}' "$H/dav/@TOOL@.bin"
same "-T -i" put -i -T "$WORK/upload.bin" "$H/dav/@TOOL@.bin"
same "-T to a location without PUT (405 page)" put -T "$WORK/upload.bin" "$H/text.txt"
same "-X DELETE" get -i -X DELETE "$H/dav/@TOOL@.bin"
exit "$FAILED"
