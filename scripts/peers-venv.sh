#!/usr/bin/env bash
# The scorecard peers (optbinning) in their own virtual environment, kept out of the project's:
# they pin an older stack. Used by the live optbinning comparison test and bench/scorecard_vs_peers.py.
set -euo pipefail
PEERS=${FIRMSCORE_PEERS_VENV:-$HOME/peers-venv}
if [ ! -x "$PEERS/bin/python" ] || ! "$PEERS/bin/python" -c "import optbinning" 2>/dev/null; then
  python3 -m venv "$PEERS"
  "$PEERS/bin/pip" install --quiet --upgrade pip
  "$PEERS/bin/pip" install --quiet optbinning scikit-learn "pandas<3" "setuptools<81" numpy
fi
echo "$PEERS"
