"""The flags each released RL script of the paper's OpenRLHF fork passes to `train_ppo_ray`, as JSON, for the test
that holds `longcot export --engine openrlhf-fork` to the scripts (tests/suite/test_export.py).

    python tools/extract_fork_script_flags.py PATH/TO/demystify-long-cot > tests/data/fork_script_flags.json

Only flag names and values are kept (the paper's hyperparameters); redacted paths and wandb settings are dropped.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

DROP = {"--pretrain", "--save_path", "--ckpt_path", "--prompt_data", "--use_wandb", "--wandb_project",
        "--wandb_run_name", "--wandb_group"}


def script_flags(text: str) -> dict[str, object]:
    body = text[text.index("openrlhf.cli.train_ppo_ray") + len("openrlhf.cli.train_ppo_ray"):]
    body = body.split("\nelse", 1)[0]
    tokens = shlex.split(body.replace("\\\n", " "), comments=True)
    out: dict[str, object] = {}
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.startswith("--"):
            if i + 1 < len(tokens) and not tokens[i + 1].startswith("--"):
                out[t], i = tokens[i + 1], i + 2
            else:
                out[t], i = True, i + 1
        else:
            i += 1
    return {k: v for k, v in out.items() if k not in DROP}


def main() -> int:
    root = Path(sys.argv[1])
    scripts = sorted((root / "openrlhf" / "scripts").glob("section_[45]*/*.sh"))
    print(json.dumps({s.name: script_flags(s.read_text()) for s in scripts}, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
