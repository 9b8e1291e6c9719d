"""Training logs of an external engine as catalogue curves, for `longcot collect --engine-log FILE --engine NAME`.

- `verl`: the file backend of verl's `Tracking` (`trainer.logger=['file']`, `VERL_FILE_LOGGER_PATH`): one JSON object
  per line, `{"step": s, "data": {metric: value}}`, with the keys of `verl.trainer.ppo.metric_utils` and validation
  under `val-core/<data_source>/<metric>/mean@N`.
- `openrlhf`: a W&B run history of OpenRLHF (the paper's fork logs `train/<key>` against `train/global_step`), exported
  as CSV or JSON lines, e.g. `wandb.Api().run(path).history().to_csv(...)`.

Each engine's keys map onto the suite's names below; a key the map does not name stays in the file. Where a quantity
is defined differently (verl's `clip_ratio` counts responses cut at the limit, not the fork's 16-token exceed margin),
it maps to the metric with that definition (`truncated_rate`), never to a look-alike.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

from suite.errors import UserError
from suite.metrics import names as M

ENGINES = ("verl", "openrlhf")

VERL_KEYS = {
    "response_length/mean": M.RESPONSE_LENGTH,
    "response_length/clip_ratio": M.TRUNCATED_RATE,  # responses that reached the generation limit
    "critic/score/mean": M.REWARD_OUTCOME,  # the reward function's sequence score, before KL
    "actor/entropy": M.ENTROPY,
    "actor/pg_loss": M.POLICY_LOSS,
    "actor/pg_clipfrac": M.CLIP_FRACTION,
    "critic/vf_loss": M.VALUE_LOSS,
    "actor/reward_kl_penalty": M.KL,  # KL in the reward (algorithm.use_kl_in_reward), as the paper's PPO
}
#: verl's validation accuracy: val-core/<data source>/acc/mean@<n> (the suite's verl reward file logs `acc`)
VERL_VAL_ACC = re.compile(r"^val-core/[^/]+/acc/mean@\d+$")

OPENRLHF_KEYS = {
    "train/response_length": M.RESPONSE_LENGTH,
    "train/num_exceed_length": M.EXCEED_RATE,  # the fork: gen_len + 16 >= max_len, a share of the batch
    "train/response_length_terminated": M.RESPONSE_LENGTH_TERMINATED_OFFICIAL,  # the fork's unconditional mean
    "train/kl": M.KL,
    "train/policy_loss": M.POLICY_LOSS,
    "train/critic_loss": M.VALUE_LOSS,
    "train/reward/math_rule_repetition_dense/sum": M.REWARD_REPETITION,
}
#: the fork's outcome reward channel, whichever math_rule reward it was
OPENRLHF_OUTCOME = re.compile(r"^train/reward/math_rule(_cosine_scale)?/sum$")
OPENRLHF_STEP = ("train/global_step", "_step", "step")


def _value(v, where: str) -> float:
    if v is None or v == "":
        return math.nan
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise UserError(f"expected a number, got {v!r}", where=where) from None
    return x


def _records(path: Path) -> list[tuple[str, dict]]:
    if not path.is_file():
        raise UserError("no such file; expected the engine's training log", where=str(path))
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            return [(f"{path}:{i}", row) for i, row in enumerate(csv.DictReader(f), 2)]
    from suite.eval.benchmarks import read_jsonl  # malformed lines are UserErrors naming file and line

    return [(f"{path}:{i}", obj) for i, obj in read_jsonl(path)]


def _add(curves: dict, name: str, step: float, value: float) -> None:
    c = curves.setdefault(name, {"step": [], "value": []})
    c["step"].append(step)
    c["value"].append(value)


def engine_curves(path: Path, engine: str) -> dict[str, dict[str, list[float]]]:
    """Catalogue curves ({name: {"step": [...], "value": [...]}}) from one engine's training log."""
    if engine not in ENGINES:
        raise UserError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}", where="--engine")
    curves: dict[str, dict[str, list[float]]] = {}
    for where, rec in _records(Path(path)):
        if engine == "verl":
            if "step" not in rec or not isinstance(rec.get("data"), dict):
                raise UserError("expected {\"step\": ..., \"data\": {...}}, as verl's file logger writes",
                                where=where)
            step, data = _value(rec["step"], f"{where}: step"), rec["data"]
            for key, value in data.items():
                name = VERL_KEYS.get(key) or (M.HELDOUT_ACCURACY_CURVE if VERL_VAL_ACC.match(key) else None)
                if name is not None:
                    _add(curves, name, step, _value(value, f"{where}: data.{key}"))
        else:
            step_key = next((k for k in OPENRLHF_STEP if rec.get(k) not in (None, "")), None)
            if step_key is None:
                raise UserError(f"no step column (one of {', '.join(OPENRLHF_STEP)})", where=where)
            step = _value(rec[step_key], f"{where}: {step_key}")
            for key, value in rec.items():
                name = OPENRLHF_KEYS.get(key) or (M.REWARD_OUTCOME if OPENRLHF_OUTCOME.match(key) else None)
                if name is not None and value not in (None, ""):
                    _add(curves, name, step, _value(value, f"{where}: {key}"))
    if not curves:
        raise UserError(f"no metric the suite knows in this {engine} log (keys such as "
                        f"{', '.join(list(VERL_KEYS if engine == 'verl' else OPENRLHF_KEYS)[:3])})", where=str(path))
    for c in curves.values():  # validation and training rows may interleave: order by step
        order = sorted(range(len(c["step"])), key=c["step"].__getitem__)
        c["step"], c["value"] = [c["step"][i] for i in order], [c["value"][i] for i in order]
    return curves
