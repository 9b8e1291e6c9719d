"""`longcot export`: a finding's paper-scale arms as launch files for an existing distributed engine.

`export_experiment(exp, engine, out)` writes, per RL arm, `<out>/<arm>/launch.sh` (the engine's launcher with every
hyperparameter of the recipe), `<out>/<arm>/recipe.json` (the recipe as the suite hashes it) and `<out>/README.md`
(what to set, the data each arm needs, and every deviation from the paper's run). The arguments are checked against
the engine's own option list: the shipped one of the version the dialect targets (`engine_flags/`) and, when the
engine is installed here, its installed launcher's (verl: Hydra composes the overrides with its own config). Engines:
`openrlhf-fork` (the paper's fork, exact), `openrlhf` (upstream >= 0.10.2) and `verl` (0.8 and 0.9). See docs/export.md.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from suite.errors import UserError
from suite.export.flags import UnsupportedReward
from suite.experiment import Experiment
from suite.recipes import recipe_hash, recipe_to_dict
from suite.recipes.paper import PaperRLRecipe, PaperSFTRecipe

ENGINES = ("openrlhf-fork", "openrlhf", "verl")


def _verl_script(arm: str, overrides: list[str]) -> str:
    lines = ["#!/usr/bin/env bash",
             f"# arm {arm!r}, for verl 0.8 or 0.9: written by `longcot export`; see README.md beside it.",
             "set -euo pipefail",
             ': "${SFT_MODEL:?set SFT_MODEL to the start-point model (README.md)}"',
             ': "${PROMPT_DATA:?set PROMPT_DATA to the prompts, in verl parquet (README.md)}"',
             f'SAVE_PATH="${{SAVE_PATH:-./checkpoints/{arm}}}"',
             'REWARD_FILE="${REWARD_FILE:-$(python3 -c \'import suite.rewards.adapters.verl as m; print(m.__file__)\')}"',
             'export VERL_FILE_LOGGER_PATH="${VERL_FILE_LOGGER_PATH:-$SAVE_PATH/metrics.jsonl}"  # for longcot collect']
    body = " \\\n  ".join(["python3 -m verl.trainer.main_ppo"] + [f'"{o}"' for o in overrides])
    return "\n".join(lines) + "\n" + body + ' \\\n  "$@"\n'


def _launch_script(arm: str, argv: list[str], env: dict[str, str], engine: str) -> str:
    def q(a: str) -> str:  # $VARS stay expandable; everything else is quoted for the shell
        return f'"{a}"' if a.startswith("$") else shlex.quote(a)

    lines = ["#!/usr/bin/env bash", f"# arm {arm!r}, for {engine}: written by `longcot export`; see README.md beside it.",
             "set -euo pipefail",
             ': "${SFT_MODEL:?set SFT_MODEL to the start-point model (README.md)}"',
             ': "${PROMPT_DATA:?set PROMPT_DATA to the prompt data (README.md)}"',
             f'SAVE_PATH="${{SAVE_PATH:-./checkpoints/{arm}}}"', f'CKPT_PATH="${{CKPT_PATH:-./ckpt/{arm}}}"']
    if engine == "openrlhf":
        lines.append('REWARD_FILE="${REWARD_FILE:-$(python3 -c \'import suite.rewards.adapters.openrlhf as m; '
                     'print(m.__file__)\')}"')
    for k, v in env.items():
        lines.append(f'export {k}="{v}"')
    runtime = '{"env_vars": {' + ", ".join(f'\\"{k}\\": \\"${k}\\"' for k in env) + "}}"
    submit = "ray job submit --address=\"${RAY_ADDRESS:-http://127.0.0.1:8265}\""
    if env:
        submit += f' --runtime-env-json="{runtime}"'
    body = " \\\n  ".join([submit + " -- python3 -m openrlhf.cli.train_ppo_ray"] +
                          [" ".join(q(a) for a in pair) for pair in _pairs(argv)])
    return "\n".join(lines) + "\n" + body + ' \\\n  "$@"\n'


def _pairs(argv: list[str]) -> list[list[str]]:
    """argv grouped as [flag, values...] for one flag per line."""
    out: list[list[str]] = []
    for a in argv:
        if a.startswith("--") or not out:
            out.append([a])
        else:
            out[-1].append(a)
    return out


def launch_args(recipe: PaperRLRecipe, engine: str) -> list[str]:
    """The launcher arguments of one recipe for `engine`, checked against the engine's option lists."""
    from suite.export import flags, openrlhf, verl

    if engine == "verl":
        overrides = verl.verl_overrides(recipe)
        for name in verl.FLAG_LISTS:
            verl.check_overrides(overrides, flags.shipped_options(name), f"verl (shipped key list {name})")
        if _importable("verl"):  # Hydra composes them with the installed verl's own config
            verl.compose_with_verl(overrides)
        return overrides
    dialect = "fork" if engine == "openrlhf-fork" else "openrlhf"
    argv = openrlhf.fork_args(recipe) if dialect == "fork" else openrlhf.openrlhf_args(recipe)
    for name in openrlhf.FLAG_LISTS[dialect]:
        flags.check_flags(argv, flags.shipped_options(name), f"{engine} (shipped option list {name})")
    if dialect == "openrlhf":
        installed = flags.installed_options("openrlhf/cli/train_ppo_ray.py")
        if installed is not None:
            flags.check_flags(argv, installed, "the installed openrlhf/cli/train_ppo_ray.py")
        if installed is not None and _importable("vllm"):  # the launcher itself imports: its parser and checks
            openrlhf.parse_with_openrlhf(argv)
    return argv


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def export_experiment(exp: Experiment, engine: str, out: Path, *, scale: str = "paper") -> list[Path]:
    """Write the launch files of every RL arm of `exp` at `scale` into `out`; returns the files written."""
    from suite.atomic import write_json_atomic, write_text_atomic
    from suite.export import openrlhf
    from suite.export import verl as verl_mod

    if engine not in ENGINES:
        raise UserError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}", where="--engine")
    spec = exp.scales.get(scale)
    if spec is None:
        raise UserError(f"{exp.id} has no {scale!r} scale", where="--scale")
    arms = {a: r for a, r in spec.recipes.items() if isinstance(r, PaperRLRecipe)}
    if not arms:
        raise UserError(f"{exp.id} has no RL arm at scale {scale!r} to export (its arms are evaluations or SFT runs)",
                        where="--only")
    dialect = {"openrlhf-fork": "fork", "openrlhf": "openrlhf", "verl": "verl"}[engine]
    written: list[Path] = []
    readme = [f"# {exp.id} at the paper scale, for {engine}", "", f"\"{exp.claim.quote}\" ({exp.claim.section}; "
              f"{exp.claim.evidence})", "", "Written by `longcot export`. Per arm: `launch.sh` starts the run "
              "(OpenRLHF: submitted to the Ray cluster at `RAY_ADDRESS`; verl: `main_ppo`), `recipe.json` is the recipe "
              "the suite judges it as. Judge the finished runs with `longcot collect` and `longcot run --scale paper`"
              " (docs/export.md).", "", "## Arms", ""]
    skipped = {}
    for arm, recipe in arms.items():
        try:
            argv = launch_args(recipe, engine)
        except UnsupportedReward as exc:  # listed under "Not exported"; any other error stops the export
            skipped[arm] = str(exc)
            continue
        env = openrlhf.openrlhf_env(recipe) if dialect == "openrlhf" else {}
        d = Path(out) / arm
        script = _verl_script(arm, argv) if engine == "verl" else _launch_script(arm, argv, env, engine)
        write_text_atomic(d / "launch.sh", script)
        (d / "launch.sh").chmod(0o755)
        write_json_atomic(d / "recipe.json", {"recipe_hash": recipe_hash(recipe), **recipe_to_dict(recipe)})
        written += [d / "launch.sh", d / "recipe.json"]
        start = recipe.init
        readme += [f"### `{arm}`: {recipe.script or recipe.table}", "",
                   f"- reward: `{recipe.reward.name}`; {recipe.algorithm.upper()}, {recipe.num_episodes} episode(s), "
                   f"{recipe.rollout_batch_size} prompts x {recipe.samples_per_prompt} samples per iteration, "
                   f"generation limit {recipe.generate_max_len:,} tokens; GPUs (actor = ref, critic, vLLM engines): "
                   f"{recipe.gpus}.",
                   f"- `PROMPT_DATA`: {recipe.prompts}, as JSON lines with `prompt` and `{recipe.answer_key}` fields.",
                   "- `SFT_MODEL`: " + (f"the model of the SFT recipe `{start.source}` on {start.base_model}"
                                        + (f" (data: `{start.dataset_id}`)" if start.dataset_id else "")
                                        if isinstance(start, PaperSFTRecipe) else f"`{start}`") + ".",
                   "- deviations from the paper's run: " + (" ".join(verl_mod.deviations(recipe) if engine == "verl"
                                                                     else openrlhf.deviations(recipe, dialect)) or
                                                            "none (the paper's own engine and flags)."), ""]
    if len(skipped) == len(arms):
        raise UserError(f"no arm of {exp.id} can be exported for {engine}: " + "; ".join(skipped.values()),
                        where="--engine")
    if skipped:
        readme += ["## Not exported", ""] + [f"- `{a}`: {why}" for a, why in skipped.items()] + [""]
    readme += ["## The finding's stated deviations at this scale", ""] + [f"- {d}" for d in spec.deviations] + [""]
    write_text_atomic(Path(out) / "README.md", "\n".join(readme))
    written.append(Path(out) / "README.md")
    return written
