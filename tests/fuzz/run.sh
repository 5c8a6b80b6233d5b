#!/usr/bin/env bash
# Fuzzes the SMTP/POP3/SASL/MIME/URL/codec parsers (tests/fuzz/parsers_fuzz.cc) with libFuzzer +
# ASan + UBSan. Bazel's toolchain here is GCC, which has no libFuzzer, so this compiles the
# sources directly with clang.
#
#   tests/fuzz/run.sh SECONDS [extra libFuzzer flags]
#
# Needs clang++ (or CXX=clang++-14) with the compiler-rt fuzzer runtime (Debian: clang-14
# libclang-rt-14-dev) and the -dev packages scripts/setup installs. New inputs go to
# $FUZZ_OUT/corpus (default /tmp/parsers_fuzz); the committed corpus in tests/fuzz/corpus is
# only read. Crashes land in $FUZZ_OUT/artifacts/: after fixing one, add it to tests/fuzz/corpus
# so //tests/fuzz:corpus_test replays it in CI.
set -euo pipefail
secs=${1:?usage: run.sh SECONDS [libFuzzer flags]}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-/tmp/parsers_fuzz}
cxx=${CXX:-$(command -v clang++ || command -v clang++-14)}
mkdir -p "$out/corpus" "$out/artifacts"
srcs=(
  "$root"/tests/fuzz/parsers_fuzz.cc
  "$root"/protocols/smtp/reply.cc
  "$root"/protocols/line/dot_encoder.cc
  "$root"/protocols/pop3/response.cc
  "$root"/protocols/sasl/{mechanism,scram,saslprep,oauth_mechanisms,simple_mechanisms,json_impl}.cc
  "$root"/protocols/mime/{address,codecs,error,util}.cc
  "$root"/protocols/url/url.cc
  "$root"/base/{base64,error,idn}.cc
  "$root"/transport/trace.cc
)
# Two SASL files hold coroutines (token_provider::async_token, the async refresh provider):
# clang-14 cannot compile coroutines under UBSan ("Cannot represent a difference across
# sections"), so they are built with ASan and coverage only and linked in.
coro_srcs=("$root"/protocols/sasl/{async_token,oauth2}.cc)
if [ ! -x "$out/parsers_fuzz" ] || [ -n "$(find "${srcs[@]}" "${coro_srcs[@]}" -newer "$out/parsers_fuzz" 2>/dev/null)" ]; then
  coro_objs=()
  for f in "${coro_srcs[@]}"; do
    o="$out/$(basename "$f" .cc).o"
    "$cxx" -std=c++20 -g -O1 -fsanitize=fuzzer-no-link,address -DSPDLOG_FMT_EXTERNAL \
      -DSPDLOG_COMPILED_LIB -I"$root" -c "$f" -o "$o"
    coro_objs+=("$o")
  done
  "$cxx" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DSPDLOG_FMT_EXTERNAL -DSPDLOG_COMPILED_LIB -I"$root" "${srcs[@]}" "${coro_objs[@]}" \
    -lboost_url -lspdlog -lfmt -lidn2 -lssl -lcrypto -lpthread -o "$out/parsers_fuzz"
fi
exec "$out/parsers_fuzz" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$out/artifacts/" "$@" "$out/corpus" "$root/tests/fuzz/corpus"
