"""The option names an engine's launcher accepts, read statically from its source (no import: the engines need GPUs
and pinned CUDA packages to import), for `suite/export/engine_flags/`.

    python tools/extract_engine_flags.py PATH/TO/train_ppo_ray.py --label "OpenRLHF v0.10.2 (commit ...)" > OUT.txt

Every string literal starting with `--` passed to an `add_argument` call is an option; one per line, sorted, under a
header naming the source. `suite.export.openrlhf` validates exported launch flags against these lists, and against the
installed engine's own file when it is installed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from suite.export.flags import options_in_source  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path)
    ap.add_argument("--label", required=True, help="which engine, version and commit the file is from")
    args = ap.parse_args()
    print(f"# options of {args.label}: {args.source.name}, read by tools/extract_engine_flags.py")
    for opt in sorted(options_in_source(args.source.read_text())):
        print(opt)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
