"""Start-up cost of a job process: what a fresh worker pays before its recipe trains anything.

Each row spawns fresh interpreters (as the runner's spawn-based pool does) that import the tiny engine and make
themselves deterministic, and reports the median wall time over the runs, side by side:

- `public switch`: seeds + `torch.use_deterministic_algorithms(True)` (imports torch's compiler config);
- `suite.determinism`: `seed_everything` as the runner calls it (sets the kernel flag directly);
- `import only`: the imports alone, no determinism (the floor).

    python benchmarks/job_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

IMPORTS = "import suite.runner, suite.tiny.recipes, suite.tiny.sft, suite.tiny.rl.train; "
ROWS = {
    "public switch": IMPORTS + ("import random, numpy, torch; random.seed(0); numpy.random.seed(0); "
                                "torch.manual_seed(0); torch.set_num_threads(1); "
                                "torch.use_deterministic_algorithms(True)"),
    "suite.determinism": IMPORTS + "from suite.determinism import seed_everything; seed_everything(0)",
    "import only": IMPORTS,
}


def _wall_s(code: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    for code in ROWS.values():  # warm the file cache once
        _wall_s(code)
    times = {name: [] for name in ROWS}
    for _ in range(a.runs):  # interleaved, so drift in machine speed hits every row alike
        for name, code in ROWS.items():
            times[name].append(_wall_s(code))
    base = statistics.median(times["suite.determinism"])
    print(f"{'job preamble':<20} {'median s':>9} {'min s':>7} {'max s':>7} {'/ suite.determinism':>20}")
    for name, ts in times.items():
        m = statistics.median(ts)
        print(f"{name:<20} {m:9.2f} {min(ts):7.2f} {max(ts):7.2f} {m / base:20.2f}")


if __name__ == "__main__":
    main()
