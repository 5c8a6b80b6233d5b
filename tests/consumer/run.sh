#!/usr/bin/env bash
# The CMake build and the installed library, as a non-Bazel user meets them:
#   cmake configure + build (-j$JOBS) -> ctest (the unit tests) -> cmake --install to a temp
#   prefix -> checks on the installed tree (headers at the Bazel include paths, SONAMEs, exported
#   symbols, inetpp.pc) -> two out-of-tree consumers built against it (find_package(inetpp) with
#   inetpp::smtp, and a plain Makefile with pkg-config) -> each sends a message through the test
#   postfix (tests/integration/servers; needs root) and the message is found in the Maildir.
# Prints "PASS name" / "FAIL name" per check, then "cmake: N passed, N failed" where N counts the
# checks plus ctest's gtest cases (from their XML). Exit 1 if anything failed.
#
# Environment: JOBS (default 2); INETPP_CMAKE_BUILD_DIR to reuse a build directory (default: a
# fresh one under the temp dir); INETPP_CONSUMER_KEEP=1 keeps the temp dir.
set -uo pipefail
export LC_ALL=C.UTF-8
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JOBS="${JOBS:-2}"
WORK="$(mktemp -d /tmp/inetpp-consumer.XXXXXX)"
BUILD="${INETPP_CMAKE_BUILD_DIR:-$WORK/build}"
PREFIX="$WORK/prefix"
STATE="$WORK/servers"
SERVERS="$ROOT/tests/integration/servers"
passed=0 failed=0 servers_up=0

cleanup() {
  [ "$servers_up" = 1 ] && { "$SERVERS/stop" "$STATE" >/dev/null 2>&1 || echo "run.sh: stopping the servers failed" >&2; }
  [ "${INETPP_CONSUMER_KEEP:-0}" = 1 ] && echo "run.sh: kept $WORK" || rm -rf -- "$WORK"
}
trap cleanup EXIT

# check NAME CMD...: runs CMD with its output in $WORK/NAME.log, shown on failure.
check() {
  local name="$1"; shift
  local start=$SECONDS
  if "$@" >"$WORK/$name.log" 2>&1; then
    echo "PASS $name ($((SECONDS - start)) s)"; passed=$((passed + 1)); return 0
  fi
  echo "FAIL $name ($((SECONDS - start)) s): $*"; tail -n 40 "$WORK/$name.log" | sed 's/^/    /'
  failed=$((failed + 1)); return 1
}
finish() {
  echo "cmake: ${passed} passed, ${failed} failed"
  [ "$failed" -eq 0 ]; exit $?
}

# --- the build, the unit tests, the install --------------------------------------------------
check cmake_configure cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release || finish
check cmake_build cmake --build "$BUILD" -j"$JOBS" || finish
rm -rf "$BUILD/test_xml"
check ctest ctest --test-dir "$BUILD" -j"$JOBS" --output-on-failure --timeout 300
# Each gtest case a test (a test binary that wrote no XML, e.g. a crash, counts as one failure).
read -r cases_passed cases_failed < <(python3 - "$BUILD" <<'PY'
import pathlib, re, subprocess, sys, xml.etree.ElementTree as ET
build = pathlib.Path(sys.argv[1])
names = subprocess.run(["ctest", "--test-dir", str(build), "-N"], capture_output=True,
                       text=True).stdout
p = f = 0
for label in re.findall(r"Test +#\d+: (\S+)", names):
    xml = build / "test_xml" / (label[2:].replace("/", "_").replace(":", "_") + ".xml")
    try:
        cases = list(ET.parse(xml).getroot().iter("testcase"))
    except (OSError, ET.ParseError):
        f += 1
        continue
    for c in cases:
        if c.find("failure") is not None or c.find("error") is not None:
            f += 1
        elif c.get("result") != "skipped" and c.get("status") != "notrun":
            p += 1
print(p, f)
PY
)
passed=$((passed + ${cases_passed:-0})) failed=$((failed + ${cases_failed:-1}))
echo "ctest: gtest cases ${cases_passed:-?} passed, ${cases_failed:-?} failed"
check cmake_install cmake --install "$BUILD" --prefix "$PREFIX" || finish

# --- the installed tree ----------------------------------------------------------------------
LIBDIR="$PREFIX/lib"; [ -d "$PREFIX/lib64" ] && LIBDIR="$PREFIX/lib64"
installed_headers() {
  local h
  for h in inet/version.hpp protocols/smtp/client.hpp protocols/imap/client.hpp \
           protocols/mime/message.hpp transport/stream.hpp base/error.hpp; do
    [ -f "$PREFIX/include/inetpp/$h" ] || { echo "missing include/inetpp/$h"; return 1; }
  done
  # Private headers (Bazel srcs) are not installed.
  [ ! -e "$PREFIX/include/inetpp/protocols/smtp/internal.hpp" ] || { echo "internal.hpp installed"; return 1; }
}
check installed_headers installed_headers
sonames() {
  local so
  for so in smtp imap pop3 transport asio; do
    [ -f "$LIBDIR/libinetpp_$so.a" ] || { echo "no libinetpp_$so.a"; return 1; }
    readelf -d "$LIBDIR/libinetpp_$so.so" | grep -F "SONAME" | grep -F "[libinetpp_$so.so.0]" \
      || { echo "libinetpp_$so.so: no SONAME libinetpp_$so.so.0"; return 1; }
  done
}
check sonames sonames
exported_symbols() {
  # The inet:: API is exported; nothing outside inet:: and boost:: is (fmt's template instances
  # from spdlog logging in the transport stay local).
  local syms
  syms=$(nm -D --defined-only -C "$LIBDIR/libinetpp_transport.so") || return 1
  grep -q ' inet::transport::' <<<"$syms" || { echo "no inet::transport symbols exported"; return 1; }
  local others
  others=$(grep -vE '(inet|boost)::|INETPP_0' <<<"$syms" | head -5)
  [ -z "$others" ] || { echo "exported outside inet:: and boost:::"; echo "$others"; return 1; }
}
check exported_symbols exported_symbols
check pkg_config env PKG_CONFIG_PATH="$LIBDIR/pkgconfig" pkg-config --cflags --libs inetpp

# --- the two consumers -----------------------------------------------------------------------
check consumer_cmake_build bash -c "cmake -S '$ROOT/tests/consumer/cmake' -B '$WORK/c_cmake' \
  -DCMAKE_PREFIX_PATH='$PREFIX' && cmake --build '$WORK/c_cmake'"
mkdir -p "$WORK/c_pkgconfig"
check consumer_pkgconfig_build env PKG_CONFIG_PATH="$LIBDIR/pkgconfig" \
  make -C "$WORK/c_pkgconfig" -f "$ROOT/tests/consumer/pkgconfig/Makefile" \
  SRC="$ROOT/tests/consumer/send_mail.cc"

if [ "$(id -u)" -ne 0 ]; then
  echo "FAIL servers: the test postfix needs root"; failed=$((failed + 1)); finish
fi
check servers_start "$SERVERS/start" "$STATE" || finish
servers_up=1
# shellcheck disable=SC1091
. "$STATE/env"
send_and_find() {  # KIND: the consumer's binary sends; the message must reach bob's Maildir.
  local kind="$1" subject="inetpp consumer $1 $$"
  "$WORK/c_$kind/send_mail" 127.0.0.1 "$SMTP_PORT" "$CA_FILE" "$TEST_USER" "$TEST_USER2" \
    "$subject" || return 1
  local deadline=$((SECONDS + 20)) f
  while [ $SECONDS -lt $deadline ]; do
    for f in "$MAILDIR_ROOT/$TEST_DOMAIN/${TEST_USER2%@*}"/{new,cur}/*; do
      [ -f "$f" ] && grep -qF "Subject: $subject" "$f" && { echo "delivered: $f"; return 0; }
    done
    sleep 0.2
  done
  echo "no message with Subject: $subject in the Maildir"; tail -n 20 "$POSTFIX_LOG"; return 1
}
check consumer_cmake_send send_and_find cmake
check consumer_pkgconfig_send send_and_find pkgconfig
finish
