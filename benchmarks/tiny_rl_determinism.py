"""Determinism evidence for the tiny RL engine: two same-seed runs (separate processes) must return identical metric
dicts, bit for bit; a different seed must not.

    python benchmarks/tiny_rl_determinism.py --steps 20     # -> evidence/tiny/rl/determinism.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = ROOT / "benchmarks" / "tiny_rl_probe.py"


def _run(arm, seed, steps, init, out, tag):
    over = json.dumps({"steps": steps, "eval_every": max(1, steps // 2)})
    subprocess.run([sys.executable, str(PROBE), "run", "--arm", arm, "--seed", str(seed), "--init", init,
                    "--out", out, "--override", over, "--tag", tag, "--print-every", str(steps)], check=True)
    rec = json.loads((Path(out) / f"{arm}{tag}_s{seed}.json").read_text())
    payload = json.dumps({"scalars": rec["scalars"], "curves": rec["curves"]}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest(), rec


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arm", default="cosine_rep")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--init", default=str(ROOT / "evidence" / "tiny" / "sft_long"))
    p.add_argument("--out", default=str(ROOT / "evidence" / "tiny" / "rl" / "determinism.json"))
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        h1, r1 = _run(a.arm, 0, a.steps, a.init, tmp, "_a")
        h2, r2 = _run(a.arm, 0, a.steps, a.init, tmp, "_b")
        h3, _ = _run(a.arm, 1, a.steps, a.init, tmp, "_c")
    result = {
        "arm": a.arm, "steps": a.steps, "init_checkpoint": a.init,
        "sha256_seed0_run1": h1, "sha256_seed0_run2": h2, "sha256_seed1": h3,
        "same_seed_identical": h1 == h2 and r1["curves"] == r2["curves"], "other_seed_differs": h1 != h3,
        "wall_time_s": [round(r1["wall_time_s"], 1), round(r2["wall_time_s"], 1)],
        "final_response_length": r1["curves"]["response_length"]["value"][-1],
    }
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
