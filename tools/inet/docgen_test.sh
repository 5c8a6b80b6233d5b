#!/bin/bash
# The committed completion scripts and man page are what the inet binary generates from its
# --help tables (tools/inet/generated/README.md), and they work: bash completes options, option
# values that are files and command names; groff renders the man page without warnings.
set -euo pipefail
inet=$(realpath "$1") bash_file=$(realpath "$2") zsh_file=$(realpath "$3") man_file=$(realpath "$4")
fail=0
tmp=${TEST_TMPDIR:-$(mktemp -d)}

check_current() {
  local file=$1; shift
  if ! "$inet" "$@" > "$tmp/generated"; then echo "FAIL: inet $* failed"; fail=1; return; fi
  if ! diff -u "$file" "$tmp/generated"; then
    echo "FAIL: $file is out of date: regenerate it (tools/inet/generated/README.md)"
    fail=1
  fi
}
check_current "$bash_file" --generate-completion bash
check_current "$zsh_file" --generate-completion zsh
check_current "$man_file" --generate-man

if "$inet" --generate-completion fish > /dev/null 2> "$tmp/err"; then
  echo "FAIL: an unknown shell was accepted"; fail=1
fi
grep -q "usage: inet --generate-completion bash|zsh" "$tmp/err" || { echo "FAIL: no usage"; fail=1; }

# bash: the function completes what --help lists.
complete() { :; }  # the script's `complete` line needs no interactive shell here
# shellcheck source=/dev/null
source "$bash_file"
expect_reply() {  # expect_reply WORD -- COMP_WORDS...
  local want=$1; shift 2
  COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  _inet || true  # compgen fails when nothing matches
  if [[ " ${COMPREPLY[*]-} " != *" $want "* ]]; then
    echo "FAIL: completing '${COMP_WORDS[*]}' gave '${COMPREPLY[*]-}', not $want"; fail=1
  fi
}
expect_reply mail -- inet ma
expect_reply --user -- inet get --us
expect_reply --mail-rcpt -- inet put --mail-r
expect_reply --read-envelope-from -- inet mail --read-env
expect_reply --parts -- inet get --pa
cd "$tmp" && : > attachment.bin
expect_reply attachment.bin -- inet get -o att
expect_reply attachment.bin -- inet mail --attach att

# zsh: syntax, when zsh is installed (it is not a build dependency).
if command -v zsh > /dev/null; then zsh -n "$zsh_file" || { echo "FAIL: zsh -n"; fail=1; }; fi
bash -n "$bash_file" || { echo "FAIL: bash -n"; fail=1; }
grep -q "^#compdef inet" "$zsh_file" || { echo "FAIL: no #compdef"; fail=1; }
grep -q "'--read-envelope-from\[" "$zsh_file" || { echo "FAIL: zsh lacks a mail option"; fail=1; }

# man: groff renders it without warnings, and it documents every get option and mail option.
if ! groff -man -ww -z "$man_file" 2> "$tmp/groff" || [[ -s "$tmp/groff" ]]; then
  echo "FAIL: groff warnings:"; cat "$tmp/groff"; fail=1
fi
rendered=$(groff -man -Tascii "$man_file" 2>/dev/null | sed 's/.\x08//g')
for opt in --continue-at --mail-rcpt --extract --read-envelope-from --passwordeval; do
  grep -q -- "$opt" <<< "$rendered" || { echo "FAIL: man page lacks $opt"; fail=1; }
done

[[ $fail -eq 0 ]] && echo PASS
exit $fail
