#!/usr/bin/env bash
# The main job end to end on the embedded default: synthesise, ingest, (features, model, scores as they land).
set -euo pipefail
VENV=${1:-.venv}; HOME_DIR=${2:-./firmscore-data}; N=${3:-20000}; SEED=${4:-7}
FS="$VENV/bin/firmscore"
rm -rf "$HOME_DIR"
"$FS" synth --enterprises "$N" --seed "$SEED" --out "$HOME_DIR/incoming/synth"
"$FS" ingest --home "$HOME_DIR" --source synth "$HOME_DIR/incoming/synth"
"$FS" status --home "$HOME_DIR"
