#!/usr/bin/env bash
# Run the tamper suite and print its table: attack → detected by → message (the closing note of issue 10).
set -euo pipefail
VENV=${1:-.venv}
OUT=$(mktemp)
FIRMSCORE_TAMPER_TABLE="$OUT" "$VENV/bin/pytest" -q -p no:cacheprovider tests/tamper >&2
cat "$OUT"
rm -f "$OUT"
