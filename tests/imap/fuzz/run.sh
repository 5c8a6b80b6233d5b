#!/usr/bin/env bash
# Fuzzes the IMAP response parser with libFuzzer + ASan + UBSan (Bazel's toolchain here is GCC,
# which has no libFuzzer, so this compiles the parser sources directly with clang).
#
#   tests/imap/fuzz/run.sh SECONDS [extra libFuzzer flags]
#
# Needs clang++ (or CXX=clang++-14) with the compiler-rt fuzzer runtime (Debian/Ubuntu:
# clang-14 libclang-rt-14-dev), and OpenSSL (base/error.cc itself is standard library only).
# New inputs go to $FUZZ_OUT/corpus (default /tmp/imap_fuzz); the committed seed corpus in
# tests/imap/fuzz/corpus is only read. Crashes are written to $FUZZ_OUT/artifacts/: add each
# (after fixing it) to tests/imap/fuzz/corpus so //tests/imap:fuzz_corpus_test replays it.
set -euo pipefail
secs=${1:?usage: run.sh SECONDS [libFuzzer flags]}
shift
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=${FUZZ_OUT:-/tmp/imap_fuzz}
cxx=${CXX:-$(command -v clang++ || command -v clang++-14)}
mkdir -p "$out/corpus" "$out/artifacts"
"$cxx" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root" \
  "$root"/protocols/imap/{command,error,interpret,mutf7,parser,types}.cc \
  "$root"/base/error.cc "$root"/tests/imap/fuzz/parser_fuzz.cc \
  -lssl -lcrypto -o "$out/parser_fuzz"
exec "$out/parser_fuzz" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$out/artifacts/" "$@" "$out/corpus" "$root/tests/imap/fuzz/corpus"
