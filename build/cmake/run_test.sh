#!/bin/sh
# ctest's runner for one unit test (build/cmake/inetpp.cmake), the way Bazel runs it: a fresh,
# empty TEST_TMPDIR on every run.  Usage: run_test.sh TEST_TMPDIR TEST_BINARY [ARGS...]
tmp="$1"; shift
rm -rf "$tmp" && mkdir -p "$tmp" || exit 1
TEST_TMPDIR="$tmp" exec "$@"
