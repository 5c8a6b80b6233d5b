#!/usr/bin/env bash
# Fuzzes the line engine's readers (tests/fuzz/line_fuzz.cc: dot-body decoder, dot-stuffing
# round trip through the SMTP DATA encoder, code replies / status lines) with libFuzzer + ASan +
# UBSan, compiled directly with clang as tests/fuzz/run.sh does for the parsers.
#
#   tests/fuzz/run_line.sh SECONDS [extra libFuzzer flags]
#
# New inputs go to $FUZZ_OUT/corpus (default /tmp/line_fuzz); the committed corpus in
# tests/fuzz/line_corpus is only read (merge new inputs into it with -merge=1). Crashes land in
# $FUZZ_OUT/artifacts/: after fixing one, add it to tests/fuzz/line_corpus so
# //tests/fuzz:line_corpus_test replays it in CI.
set -euo pipefail
secs=${1:?usage: run_line.sh SECONDS [libFuzzer flags]}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-/tmp/line_fuzz}
cxx=${CXX:-$(command -v clang++ || command -v clang++-14)}
mkdir -p "$out/corpus" "$out/artifacts"
srcs=(
  "$root"/tests/fuzz/line_fuzz.cc
  "$root"/protocols/line/{dot_body,dot_encoder,reply}.cc
  "$root"/protocols/smtp/reply.cc
  "$root"/base/{base64,error,idn}.cc
  "$root"/transport/trace.cc
)
if [ ! -x "$out/line_fuzz" ] || [ -n "$(find "${srcs[@]}" -newer "$out/line_fuzz" 2>/dev/null)" ]; then
  "$cxx" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DSPDLOG_FMT_EXTERNAL -DSPDLOG_COMPILED_LIB -I"$root" "${srcs[@]}" \
    -lspdlog -lfmt -lidn2 -lssl -lcrypto -lpthread -o "$out/line_fuzz"
fi
exec "$out/line_fuzz" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$out/artifacts/" "$@" "$out/corpus" "$root/tests/fuzz/line_corpus"
