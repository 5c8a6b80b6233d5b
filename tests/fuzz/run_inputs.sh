#!/usr/bin/env bash
# Fuzzes one family of tests/fuzz/inputs_fuzz.cc (header, words, msmtprc, netrc, aliases,
# socks5, connect, mime: see inputs_fuzz.hpp) with libFuzzer + ASan + UBSan, compiled directly with
# clang like tests/fuzz/run.sh (Bazel's toolchain here is GCC, which has no libFuzzer).
#
#   tests/fuzz/run_inputs.sh FAMILY SECONDS [extra libFuzzer flags]
#
# New inputs go to $FUZZ_OUT/FAMILY/corpus (default FUZZ_OUT=/tmp/inputs_fuzz); the committed
# corpus tests/fuzz/inputs/FAMILY is only read. Crashes land in $FUZZ_OUT/FAMILY/artifacts/:
# after fixing one, add it to tests/fuzz/inputs/FAMILY so //tests/fuzz:inputs_corpus_test
# replays it in CI. To minimise the committed corpus after a run:
#   tests/fuzz/run_inputs.sh FAMILY 0 -set_cover_merge=1 NEWDIR   (NEWDIR empty; then replace
#   tests/fuzz/inputs/FAMILY with it, keeping the named seeds and reproducers)
set -euo pipefail
family=${1:?usage: run_inputs.sh FAMILY SECONDS [libFuzzer flags]}
secs=${2:?usage: run_inputs.sh FAMILY SECONDS [libFuzzer flags]}
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
base=${FUZZ_OUT:-/tmp/inputs_fuzz}
out=$base/$family
cxx=${CXX:-$(command -v clang++ || command -v clang++-14)}
mkdir -p "$out/corpus" "$out/artifacts" "$root/tests/fuzz/inputs/$family"
srcs=(
  "$root"/tests/fuzz/{inputs_fuzz,inputs_fuzz_entry,mime_fuzz}.cc
  "$root"/protocols/mime/{address,codecs,decode,error,headers,message,params,parser,util}.cc
  "$root"/tools/mail/{aliases,config}.cc
  "$root"/protocols/transfer/netrc.cc
  "$root"/base/{base64,error,idn}.cc
  "$root"/transport/{proxy_reply,trace}.cc
)
bin=$base/inputs_fuzz
if [ ! -x "$bin" ] || [ -n "$(find "${srcs[@]}" "$root"/tests/fuzz/inputs_fuzz.hpp -newer "$bin" 2>/dev/null)" ]; then
  # Built under a temporary name and renamed: other families may be running the old binary.
  # Asio is header-only here (no BOOST_ASIO_SEPARATE_COMPILATION): nothing of it is linked.
  "$cxx" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DSPDLOG_FMT_EXTERNAL -DSPDLOG_COMPILED_LIB -I"$root" "${srcs[@]}" \
    -lspdlog -lfmt -lidn2 -lssl -lcrypto -lz -lpthread -o "$bin.tmp.$$"
  mv "$bin.tmp.$$" "$bin"
fi
INET_FUZZ_TARGET=$family exec "$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 \
  -rss_limit_mb=2048 -artifact_prefix="$out/artifacts/" "$@" "$out/corpus" \
  "$root/tests/fuzz/inputs/$family"
