#!/usr/bin/env bash
# build/cmake/sources.cmake == the output of build/cmake/gen_sources.py over the source tree.
set -euo pipefail
gen=$(readlink -f build/cmake/gen_sources.py)  # the runfile links to the source tree
root=$(dirname "$(dirname "$(dirname "$gen")")")
python3 "$gen" --root "$root" --check
