#!/usr/bin/env bash
# The main job end to end on the embedded default (DuckDB + SQLite ledger in one data home):
# a witness (local subprocess) → synthesise → ingest (ledger) → graph → features → labels → train → score
# → explain → verify.
set -euo pipefail
VENV=${1:-.venv}; HOME_DIR=${2:-./firmscore-data}; N=${3:-20000}; SEED=${4:-7}
AS_OF=${AS_OF:-2025-06-30}
FS="$VENV/bin/firmscore"
step() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }
HOME_DIR=${HOME_DIR%/}
WITNESS_DIR="$HOME_DIR.witness"
rm -rf "$HOME_DIR" "$WITNESS_DIR"
[ -n "${FIRMSCORE_KEY_DIR:-}" ] || rm -rf "$HOME_DIR.keys"  # the demo's keys live beside its home, never in it
step "0. a witness: its own process, key and state / 见证方 (独立进程与密钥)"
"$FS" ledger init --home "$HOME_DIR" > "$HOME_DIR.ring"
"$FS" witness trust "$HOME_DIR.ring" --state "$WITNESS_DIR"
rm -f "$HOME_DIR.ring"
"$FS" witness serve --state "$WITNESS_DIR" --port 0 > "$WITNESS_DIR/url" 2>/dev/null &
WITNESS_PID=$!
trap 'kill "$WITNESS_PID" 2>/dev/null || true' EXIT
for _ in $(seq 600); do [ -s "$WITNESS_DIR/url" ] && break; sleep 0.5; done  # up to 5 min on a loaded machine
[ -s "$WITNESS_DIR/url" ] || { echo "the witness did not start / 见证方未能启动" >&2; exit 1; }
"$FS" ledger witness-add "$(head -1 "$WITNESS_DIR/url")" "$("$FS" witness pubkey --state "$WITNESS_DIR")" --home "$HOME_DIR"
step "1. synthetic SME universe / 合成企业数据 ($N firms)"
"$FS" synth --enterprises "$N" --seed "$SEED" --as-of "$AS_OF" --out "$HOME_DIR/incoming/synth"
step "2. ingest into the data home, every record logged in the evidence ledger / 导入并上链"
"$FS" ingest --home "$HOME_DIR" --source synth "$HOME_DIR/incoming/synth"
"$FS" status --home "$HOME_DIR"
step "3. relationship graph / 关联图谱"
"$FS" graph --home "$HOME_DIR" --as-of "$AS_OF"
step "4. point-in-time features on five dimensions / 五维特征"
"$FS" features --home "$HOME_DIR" --as-of "$AS_OF"
step "5. outcome labels / 违约标签"
"$FS" labels --home "$HOME_DIR" --as-of "$AS_OF" --horizon 12m
step "6. train, calibrate and validate the scorecard and its challenger / 训练与验证"
"$FS" train --home "$HOME_DIR" --as-of "$AS_OF"
step "7. score every enterprise / 全量评分"
"$FS" score --home "$HOME_DIR" --as-of "$AS_OF"
EID=$("$VENV/bin/python" - "$HOME_DIR" "$AS_OF" <<'PY'
import sys, pyarrow.parquet as pq
t = pq.read_table(f"{sys.argv[1]}/scores/as_of={sys.argv[2]}/scores.parquet", columns=["enterprise_id", "score"])
df = t.to_pandas().sort_values(["score", "enterprise_id"])
print(df.iloc[len(df) // 20].enterprise_id)  # a firm near the 5th percentile: it has reasons to show
PY
)
step "8. one enterprise's explained score / 企业评分报告 ($EID)"
"$FS" report "$EID" --home "$HOME_DIR" --as-of "$AS_OF"
step "9. re-prove its evidence and recompute its score / 验证评分"
"$FS" verify-score "$EID" --home "$HOME_DIR" --as-of "$AS_OF"
step "10. re-hash the whole evidence ledger / 全量校验证据账本"
"$FS" ledger verify --home "$HOME_DIR"
step "11. the credit service over real HTTP: token → score with purpose → evidence proof verified here → the firm reads its query log / 信用服务"
"$VENV/bin/python" scripts/service_demo.py "$HOME_DIR" --port "${SERVICE_PORT:-8700}"
step "done / 完成"
echo "data home: $HOME_DIR   validation report: $(ls -d "$HOME_DIR"/models/*/report)/report.html"
