#!/usr/bin/env bash
# Fails when a package depends on a layer above it (see BUILD.bazel). Arguments: the genquery
# outputs (one label per line) for deps of the IMAP parser, MIME, SASL, the transport, the
# session layer and the transfer library.
set -euo pipefail
parser=$1 mime=$2 sasl=$3 transport=$4 session=$5 transfer=$6
failed=0

# check NAME FILE SELF FORBIDDEN_REGEX: FILE must list SELF (the query really ran over it) and
# no label matching FORBIDDEN_REGEX.
check() {
  local name=$1 file=$2 self=$3 forbidden=$4 bad
  if ! grep -qxF "$self" "$file"; then
    echo "FAIL: $name: $self missing from its own deps ($file): the query is not what we think"
    failed=1
    return
  fi
  bad=$(grep -E "$forbidden" "$file" || true)
  if [ -n "$bad" ]; then
    echo "FAIL: $name depends on a layer above it:"
    echo "$bad" | sed 's/^/  /'
    failed=1
  fi
}

above_base='^//(transport|tools)([:/]|$)'
above_transport='^//(protocols|tools)([:/]|$)'
application='^//tools([:/]|$)'

# The patterns themselves must catch what they are meant to catch.
for label in //transport //transport:transport //transport:stream.cc //tools/inet:cli; do
  grep -qE "$above_base" <<<"$label" || { echo "FAIL: pattern misses $label"; failed=1; }
done
for label in //protocols/codec:codec //protocols/line:line //tools/inet:cli; do
  grep -qE "$above_transport" <<<"$label" || { echo "FAIL: pattern misses $label"; failed=1; }
done
for label in //tools //tools/common:password_command; do
  grep -qE "$application" <<<"$label" || { echo "FAIL: pattern misses $label"; failed=1; }
done
for label in //toolsx:y //protocols/transfer:base; do
  ! grep -qE "$application" <<<"$label" || { echo "FAIL: pattern hits $label"; failed=1; }
done
for label in //base:error //transportx:y //third_party/asio:asio; do
  ! grep -qE "$above_base|$above_transport" <<<"$label" || { echo "FAIL: pattern hits $label"; failed=1; }
done

check "//protocols/imap:parser" "$parser" "//protocols/imap:parser" "$above_base"
check "//protocols/mime" "$mime" "//protocols/mime:mime" "$above_base"
check "//protocols/sasl" "$sasl" "//protocols/sasl:sasl" "$above_base"
check "//transport" "$transport" "//transport:transport" "$above_transport"
check "//protocols/session" "$session" "//protocols/session:session" "$application"
check "//protocols/transfer" "$transfer" "//protocols/transfer:transfer" "$application"
check "//protocols/transfer:base" "$transfer" "//protocols/transfer:base" "$application"

[ "$failed" = 0 ] && echo "PASS: layering holds"
exit "$failed"
