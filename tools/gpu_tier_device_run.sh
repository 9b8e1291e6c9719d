#!/usr/bin/env bash
# The gpu tier on one CUDA machine, as one prepared script (docs/gpu_tier.md): a smoke run that fails fast, the full
# run of the findings named, a second smoke run to measure run-to-run determinism on the device, the open-model path's
# device tests, and the results packed for the trip back (checkpoints left out). The run directory resumes: run the script again and finished jobs are kept.
#
#   tools/gpu_tier_device_run.sh OUT_DIR [FINDINGS_GLOB] [JOBS] [FULL_RUN_TIMEOUT_S]
#
# Runs from the checkout's root with the python3 that has torch (no install: the suite needs torch, numpy, scipy and
# rich, which a CUDA image has). Set LONGCOT_GIT_COMMIT to the commit of a copied tree without .git.
set -u
OUT_DIR=${1:?usage: tools/gpu_tier_device_run.sh OUT_DIR [FINDINGS_GLOB] [JOBS] [FULL_RUN_TIMEOUT_S]}
FINDINGS=${2:-takeaway-4.[125]}
JOBS=${3:-8}
FULL_TIMEOUT=${4:-420}
RUN_DIR=runs/gpu
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
mkdir -p "$OUT_DIR"
t0=$(date +%s)
say() { echo "[$(( $(date +%s) - t0 ))s] $*"; }

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$OUT_DIR/device.csv"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
nproc

say "smoke run (fails fast)"
if ! timeout 150 python3 -m suite run --scale gpu --smoke --only takeaway-4.2 --jobs 4 --no-progress --out /tmp/smoke1; then
    say "SMOKE FAILED"
    cat /tmp/smoke1/jobs/*/seed-*/error.txt 2>/dev/null | head -80
    exit 3
fi

say "full run: $FINDINGS, $JOBS jobs at a time"
timeout "$FULL_TIMEOUT" python3 -m suite run --scale gpu --only "$FINDINGS" --jobs "$JOBS" --no-progress --out "$RUN_DIR"
say "full run rc=$?"
cat "$RUN_DIR"/jobs/*/seed-*/error.txt 2>/dev/null | head -40

say "second smoke run (determinism on the device)"
timeout 120 python3 -m suite run --scale gpu --smoke --only takeaway-4.2 --jobs 4 --no-progress --out /tmp/smoke2 >/dev/null
python3 - <<'EOF' | tee "$OUT_DIR/determinism.txt"
import json, pathlib
a, b = pathlib.Path("/tmp/smoke1/jobs"), pathlib.Path("/tmp/smoke2/jobs")
same = diff = 0
for p in sorted(a.glob("*/seed-*/metrics.json")):
    q = b / p.relative_to(a)
    x, y = json.loads(p.read_text()), json.loads(q.read_text()) if q.exists() else None
    ok = y is not None and x["scalars"] == y["scalars"] and x["curves"] == y["curves"]
    same, diff = same + ok, diff + (not ok)
    print(p.parent.parent.name, "identical" if ok else "DIFFERENT")
print(f"gpu smoke run twice: {same} job(s) bit-identical, {diff} different")
EOF

say "open-model path on the device (a random Qwen2 built here; the vLLM test runs where vllm is installed)"
timeout 240 python3 -m pytest -q -p no:cacheprovider -m gpu tests/test_open_scale.py 2>&1 | tail -8 | tee "$OUT_DIR/open_path.txt"

say "packing"
tar czf "$OUT_DIR/gpu_run.tgz" --exclude='model.pt' --exclude='final_responses.json' "$RUN_DIR"
ls -la "$OUT_DIR"
say "done"
