"""Training logs of an external engine as catalogue curves, for `longcot collect --engine-log PATH --engine NAME`.

- `verl`: the file backend of verl's `Tracking` (`trainer.logger=['file']`, `VERL_FILE_LOGGER_PATH`): one JSON object
  per line, `{"step": s, "data": {metric: value}}`, with the keys of `verl.trainer.ppo.metric_utils` and validation
  under `val-core/<data_source>/<metric>/mean@N`.
- `openrlhf`: what OpenRLHF's loggers write, `train/<key>` and `eval/<key>` against the global step, in either of
  two forms:
  - a TensorBoard log (`--logger.tensorboard_dir`): the run's folder (`<tensorboard_dir>/<run_name>`) or one of its
    `events.out.tfevents.*` files, read with the `tensorboard` package;
  - a W&B run history exported as CSV or JSON lines, e.g. `wandb.Api().run(path).history().to_csv(...)`.

  Two dialects of keys, told apart by the log itself: upstream OpenRLHF >= 0.10 (`openrlhf.trainer.ppo_trainer`
  logs rollout statistics under `train/rollout/...`; with the suite's reward file, `train/score` is the share graded
  correct) and the paper's fork (`train/num_exceed_length`, per-reward `train/reward/<name>/sum`).

Each engine's keys map onto the suite's names below; a key the map does not name stays in the file. Where a quantity
is defined differently (verl's `clip_ratio` and upstream OpenRLHF's `truncated_rate` count responses cut at the limit,
not the fork's 16-token exceed margin), it maps to the metric with that definition (`truncated_rate`), never to a
look-alike.
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
#: upstream OpenRLHF >= 0.10: rollout statistics of the whole batch (`BasePPOTrainer._compute_rollout_stats`) and the
#: actor's per-sample means (`PolicyModelActor.fit`; `score` is the reward file's `scores`, correctness in the suite's)
OPENRLHF_UPSTREAM_KEYS = {
    "train/rollout/response_length_mean": M.RESPONSE_LENGTH,
    "train/rollout/truncated_rate": M.TRUNCATED_RATE,  # finish_reason "length": the response hit max_new_tokens
    "train/rollout/reward_mean": M.REWARD_OUTCOME,  # the reward file's `rewards` (the suite's: cosine or classic)
    "train/score": M.TRAIN_ACCURACY,
    "train/kl": M.KL,
    "train/policy_loss": M.POLICY_LOSS,
    "train/critic_loss": M.VALUE_LOSS,
    "train/ppo_clip_ratio": M.CLIP_FRACTION,  # share of tokens where the clipped surrogate is the smaller
}
# Not mapped: upstream's evaluation (`compute_eval_metrics`, `eval/eval_<source>_pass1`) is the mean of the reward
# file's `rewards` over the samples, the share correct only under a 0/1 reward; with the suite's cosine reward it is
# a mean reward (tests/data/engine_logs/openrlhf_logged.json). Held-out accuracy comes from `longcot eval` (--eval).
OPENRLHF_STEP = ("train/global_step", "eval/global_step", "_step", "step")
TENSORBOARD_EVENTS = "events.out.tfevents."


def _value(v, where: str) -> float:
    if v is None or v == "":
        return math.nan
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise UserError(f"expected a number, got {v!r}", where=where) from None
    return x


def _tensorboard_records(path: Path) -> list[tuple[str, dict]]:
    """One record per global step, {"train/global_step": step, tag: value, ...}, from a TensorBoard run folder (its
    event files merged; a resumed run writes a new one) or one event file. A step logged twice keeps the later value."""
    if path.is_dir():
        files = sorted(path.rglob(TENSORBOARD_EVENTS + "*"))
        folders = sorted({str(f.parent.relative_to(path)) for f in files})
        if not files:
            raise UserError(f"no TensorBoard event files ({TENSORBOARD_EVENTS}*) in this folder", where=str(path))
        if len(folders) > 1:
            raise UserError(f"event files of {len(folders)} runs ({', '.join(folders)}); give one run's folder",
                            where=str(path))
    else:
        files = [path]
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    except ImportError:
        raise UserError("reading TensorBoard logs needs the tensorboard package (pip install tensorboard, or the "
                        "suite's `scale` extra)", where=str(path)) from None
    steps: dict[int, dict] = {}
    for f in files:
        acc = EventAccumulator(str(f), size_guidance={"scalars": 0})  # 0: keep every event, not a sample
        try:
            acc.Reload()
        except Exception as exc:  # a truncated or foreign file: tensorboard raises its own errors
            raise UserError(f"not a readable TensorBoard event file: {type(exc).__name__}: {exc}",
                            where=str(f)) from None
        for tag in acc.Tags().get("scalars", []):
            for ev in acc.Scalars(tag):
                steps.setdefault(ev.step, {"train/global_step": ev.step})[tag] = ev.value
    if not steps:
        raise UserError("no scalars in the TensorBoard log (tensorboard reads a damaged or foreign event file as "
                        "empty)", where=str(path))
    return [(f"{path}: step {s}", steps[s]) for s in sorted(steps)]


def _records(path: Path) -> list[tuple[str, dict]]:
    if path.is_dir() or path.name.startswith(TENSORBOARD_EVENTS):
        return _tensorboard_records(path)
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
    records = _records(Path(path))
    upstream = engine == "openrlhf" and any(k.startswith("train/rollout/") for _, rec in records for k in rec)
    keys = OPENRLHF_UPSTREAM_KEYS if upstream else OPENRLHF_KEYS
    for where, rec in records:
        if engine == "verl":
            if "step" not in rec or not isinstance(rec.get("data"), dict):
                raise UserError("expected {\"step\": ..., \"data\": {...}}, as verl's file logger writes",
                                where=where)
            step, data = _value(rec["step"], f"{where}: step"), rec["data"]
            held_out = [k for k in data if VERL_VAL_ACC.match(k)]
            if len(held_out) > 1:  # one held-out curve per arm: which set the finding means is the user's to say
                raise UserError(f"held-out accuracy of {len(held_out)} evaluation sets ({', '.join(held_out)}); keep "
                                "only the set the finding is judged on (drop the others' keys from the lines)",
                                where=where)
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
                name = keys.get(key) or (M.REWARD_OUTCOME if not upstream and OPENRLHF_OUTCOME.match(key) else None)
                if name is not None and value not in (None, ""):
                    _add(curves, name, step, _value(value, f"{where}: {key}"))
    if not curves:
        raise UserError(f"no metric the suite knows in this {engine} log (keys such as "
                        f"{', '.join(list(VERL_KEYS if engine == 'verl' else OPENRLHF_KEYS)[:3])})", where=str(path))
    for c in curves.values():  # validation and training rows may interleave: order by step
        order = sorted(range(len(c["step"])), key=c["step"].__getitem__)
        c["step"], c["value"] = [c["step"][i] for i in order], [c["value"][i] for i in order]
    return curves
