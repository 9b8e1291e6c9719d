"""The dotted keys of verl's PPO trainer config, read from its generated YAML, for `suite/export/engine_flags/`.

    python tools/extract_verl_config_keys.py PATH/TO/verl/trainer/config/_generated_ppo_trainer.yaml \
        --label "verl 0.8.0" > suite/export/engine_flags/verl-0.8.0-ppo_trainer.txt

`suite.export.verl` checks exported overrides against this list (and, where verl is installed, composes them with
Hydra against verl's own config, which also checks their types).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml


def keys(node, prefix: str = "") -> list[str]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            path = f"{prefix}.{k}" if prefix else str(k)
            out.append(path)
            out += keys(v, path)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("yaml", type=Path)
    ap.add_argument("--label", required=True)
    args = ap.parse_args()
    print(f"# config keys of {args.label}: {args.yaml.name}, read by tools/extract_verl_config_keys.py")
    for k in sorted(set(keys(yaml.safe_load(args.yaml.read_text())))):
        print(k)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
