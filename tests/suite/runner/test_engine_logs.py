"""`longcot collect --engine-log`: an engine's own training log filed as an arm's curves and judged.

The verl log (tests/data/engine_logs/verl_file_logger.jsonl) was written by verl 0.8's own metric and logging code
(`compute_data_metrics`, `Tracking` with the file backend; tools/make_engine_log_fixtures.py); verl 0.9.1's code writes
the same file (`tox -e engines` checks the installed verl against it). The paper's OpenRLHF fork logs to W&B, so its
history below is built here with the key names the fork logs (`train/<key>` against `train/global_step`,
eddycmu/demystify-long-cot openrlhf/trainer/ppo_trainer.py). Upstream OpenRLHF's TensorBoard log
(tests/data/engine_logs/openrlhf_tensorboard/fixture) was written by OpenRLHF 0.11.2's own statistics and logger
(tools/make_engine_log_fixtures.py; `tox -e openrlhf` checks the installed OpenRLHF against it), and
openrlhf_logged.json holds what was handed to that logger.
"""

import importlib.util
import json
from pathlib import Path

import pytest

from suite import verdicts
from suite.cli import main
from suite.errors import UserError
from suite.metrics import names as M
from suite.runner import RunLayout, read_summary
from suite.runner.engine_logs import engine_curves

LOGS = Path(__file__).resolve().parents[2] / "data" / "engine_logs"
VERL_LOG = LOGS / "verl_file_logger.jsonl"
VERL_ROLLOUTS = LOGS / "verl_rollouts"  # verl's own rollout dump (trainer.rollout_data_dir), scored by the suite
OPENRLHF_TB = LOGS / "openrlhf_tensorboard" / "fixture"
OPENRLHF_LOGGED = json.loads((LOGS / "openrlhf_logged.json").read_text())
needs_tensorboard = pytest.mark.skipif(importlib.util.find_spec("tensorboard") is None,
                                       reason="tensorboard not installed (the `scale` extra)")


def test_the_verl_log_becomes_catalogue_curves_with_the_logged_values():
    raw = [json.loads(line) for line in VERL_LOG.read_text().splitlines()]
    curves = engine_curves(VERL_LOG, "verl")
    assert curves[M.RESPONSE_LENGTH]["value"] == [r["data"]["response_length/mean"] for r in raw]
    assert curves[M.TRUNCATED_RATE]["value"] == [r["data"]["response_length/clip_ratio"] for r in raw]
    val = [(r["step"], r["data"]["val-core/math/acc/mean@1"]) for r in raw if "val-core/math/acc/mean@1" in r["data"]]
    assert list(zip(curves[M.HELDOUT_ACCURACY_CURVE]["step"], curves[M.HELDOUT_ACCURACY_CURVE]["value"])) == val
    assert M.EXCEED_RATE not in curves  # verl's clip ratio is not the fork's exceed rate (16-token margin)


def _collect_and_judge_41(tmp_path, capsys, *collect_args: str) -> tuple[int, str, Path]:
    """Collect into both of 4.1's paper arms of the run `tmp_path/run` with `collect_args`, then judge it:
    (exit code of the run, its stderr, the run directory)."""
    run = tmp_path / "run"
    for arm in ("llama_classic", "qwen_classic"):
        assert main(["collect", str(run), "--only", "takeaway-4.1", "--arm", arm, *collect_args]) == 0
    capsys.readouterr()
    rc = main(["run", "--scale", "paper", "--only", "takeaway-4.1", "--out", str(run), "--no-progress"])
    return rc, capsys.readouterr().err, run


def test_a_collected_verl_log_is_judged_by_the_findings_checks(tmp_path, capsys):
    """verl logs no training accuracy (the reward file's `acc` reaches only the rollout dumps) and no exceed rate with
    the fork's margin, so 4.1's checks are refused by name until `longcot analyze` statistics of the dumped rollouts
    add them."""
    rc, err, run = _collect_and_judge_41(tmp_path, capsys, "--engine-log", str(VERL_LOG), "--engine", "verl")
    assert rc == 2 and "needs curve metric 'train_accuracy'" in err
    stats = tmp_path / "statistics.json"  # what `longcot analyze` writes from the rollout dumps (values made up)
    stats.write_text(json.dumps({"steps": [1, 2, 3, 4, 5, 6],
                                 "curves": {M.TRAIN_ACCURACY: [0.45, 0.5, 0.55, 0.5, 0.2, 0.05],
                                            M.EXCEED_RATE: [0.0, 0.0, 0.0, 0.1, 0.4, 0.8]}}))
    rc, _, run = _collect_and_judge_41(tmp_path, capsys, "--statistics", str(stats))
    assert rc in (0, 1)
    s = read_summary(run).experiments["takeaway-4.1"]
    assert s.status == verdicts.RAN
    assert all(c.verdict in (verdicts.PASS, verdicts.FAIL, verdicts.INCONCLUSIVE) for c in s.checks)
    metrics = [json.loads(p.read_text()) for p in RunLayout(run).root.glob("jobs/*/seed-*/metrics.json")]
    assert all(m["provenance"]["collected_from"] == sorted([f"verl:{VERL_LOG}", str(stats)]) for m in metrics)


def test_an_openrlhf_history_maps_the_forks_keys(tmp_path):
    log = tmp_path / "history.csv"
    log.write_text("train/global_step,train/response_length,train/num_exceed_length,"
                   "train/reward/math_rule_cosine_scale/sum,train/reward/math_rule_repetition_dense/sum,train/kl\n"
                   "1,900.5,0.01,1.2,-0.4,0.0001\n2,1200.0,0.03,1.1,-0.9,0.0003\n")
    curves = engine_curves(log, "openrlhf")
    assert curves[M.RESPONSE_LENGTH] == {"step": [1.0, 2.0], "value": [900.5, 1200.0]}
    assert curves[M.EXCEED_RATE]["value"] == [0.01, 0.03]
    assert curves[M.REWARD_OUTCOME]["value"] == [1.2, 1.1] and curves[M.REWARD_REPETITION]["value"] == [-0.4, -0.9]


def test_engine_log_errors_name_the_file_line_and_key(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"step": 1, "data": {"response_length/mean": "long"}}\n')
    with pytest.raises(UserError, match=r"bad.jsonl:1: data.response_length/mean: expected a number"):
        engine_curves(bad, "verl")
    with pytest.raises(UserError, match="no metric the suite knows"):
        (tmp_path / "other.jsonl").write_text('{"step": 1, "data": {"foo": 1}}\n')
        engine_curves(tmp_path / "other.jsonl", "verl")
    assert main(["collect", str(tmp_path / "r"), "--only", "takeaway-4.1", "--arm", "llama_classic",
                 "--engine-log", str(VERL_LOG)]) == 2
    assert "--engine-log and --engine go together" in capsys.readouterr().err


def _f32(x: float) -> float:
    """TensorBoard stores a scalar as a float32."""
    import struct

    return struct.unpack("f", struct.pack("f", x))[0]


@needs_tensorboard
@pytest.mark.parametrize("where", ["run folder", "event file"])
def test_an_upstream_openrlhf_tensorboard_log_becomes_catalogue_curves(where):
    path = OPENRLHF_TB if where == "run folder" else next(OPENRLHF_TB.glob("events.out.tfevents.*"))
    curves = engine_curves(path, "openrlhf")
    steps = [float(e["step"]) for e in OPENRLHF_LOGGED]
    for name, key in [(M.RESPONSE_LENGTH, "rollout/response_length_mean"), (M.TRUNCATED_RATE, "rollout/truncated_rate"),
                      (M.REWARD_OUTCOME, "rollout/reward_mean"), (M.TRAIN_ACCURACY, "score"), (M.KL, "kl"),
                      (M.POLICY_LOSS, "policy_loss"), (M.VALUE_LOSS, "critic_loss"),
                      (M.CLIP_FRACTION, "ppo_clip_ratio")]:
        assert curves[name] == {"step": steps, "value": [_f32(e["train"][key]) for e in OPENRLHF_LOGGED]}, name
    # upstream's per-sample mean length (`train/response_length`) is not read a second time beside the rollout one
    assert len(curves[M.RESPONSE_LENGTH]["step"]) == len(OPENRLHF_LOGGED)
    assert M.EXCEED_RATE not in curves  # upstream counts responses cut at the limit, not the fork's 16-token margin
    # upstream's eval pass1 is the mean reward, here a cosine reward below 0: not read as held-out accuracy
    assert M.HELDOUT_ACCURACY_CURVE not in curves
    assert any(e["eval"]["eval_math500_pass1"] < 0 for e in OPENRLHF_LOGGED if "eval" in e)


@needs_tensorboard
def test_tensorboard_log_errors_name_the_folder(tmp_path):
    with pytest.raises(UserError, match="no TensorBoard event files"):
        engine_curves(tmp_path, "openrlhf")
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        for f in OPENRLHF_TB.iterdir():
            (tmp_path / run / f.name).write_bytes(f.read_bytes())
    with pytest.raises(UserError, match=r"event files of 2 runs \(a, b\); give one run's folder"):
        engine_curves(tmp_path, "openrlhf")
    assert engine_curves(tmp_path / "a", "openrlhf") == engine_curves(OPENRLHF_TB, "openrlhf")
    damaged = tmp_path / "c" / "events.out.tfevents.1.host"
    damaged.parent.mkdir()
    damaged.write_bytes(b"not an event record")
    with pytest.raises(UserError, match="no scalars in the TensorBoard log"):
        engine_curves(damaged.parent, "openrlhf")


@needs_tensorboard
def test_a_resumed_runs_second_event_file_continues_the_curves(tmp_path):
    """A resumed OpenRLHF run writes a new event file into the same folder: both are read, in the order TensorBoard
    names them (by time), and a step logged again keeps the later value."""
    from torch.utils.tensorboard import SummaryWriter

    run = tmp_path / "run"
    run.mkdir()
    (first,) = OPENRLHF_TB.glob("events.out.tfevents.*")
    (run / first.name).write_bytes(first.read_bytes())
    later = SummaryWriter(log_dir=str(run), filename_suffix=".resumed")  # its file name's time is now: later
    for step, length in ((6, 99.0), (7, 101.0)):
        later.add_scalar("train/rollout/response_length_mean", length, step)
        later.add_scalar("train/rollout/truncated_rate", 0.5, step)
    later.close()
    assert len(list(run.glob("events.out.tfevents.*"))) == 2
    curves = engine_curves(run, "openrlhf")
    assert curves[M.RESPONSE_LENGTH]["step"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    before = [_f32(e["train"]["rollout/response_length_mean"]) for e in OPENRLHF_LOGGED]
    assert curves[M.RESPONSE_LENGTH]["value"] == before[:5] + [99.0, 101.0]


def test_an_upstream_openrlhf_wandb_history_reads_as_its_tensorboard_log(tmp_path):
    """The same logger dictionaries as W&B's history export has them (WandbLogger: `train/<key>` with
    `train/global_step`, evaluation rows with `eval/global_step`): the same curves, at float64."""
    cols = sorted({f"train/{k}" for e in OPENRLHF_LOGGED for k in e["train"]}
                  | {f"eval/{k}" for e in OPENRLHF_LOGGED for k in e.get("eval", {})})
    rows = []
    for e in OPENRLHF_LOGGED:
        rows.append({"train/global_step": e["step"], **{f"train/{k}": v for k, v in e["train"].items()}})
        if "eval" in e:
            rows.append({"eval/global_step": e["step"], **{f"eval/{k}": v for k, v in e["eval"].items()}})
    log = tmp_path / "history.csv"
    header = ["train/global_step", "eval/global_step", *cols]
    log.write_text(",".join(header) + "\n" + "".join(",".join(str(r.get(c, "")) for c in header) + "\n"
                                                    for r in rows))
    curves = engine_curves(log, "openrlhf")
    assert curves[M.TRAIN_ACCURACY]["value"] == [e["train"]["score"] for e in OPENRLHF_LOGGED]
    assert curves[M.RESPONSE_LENGTH]["step"] == [float(e["step"]) for e in OPENRLHF_LOGGED]
    assert M.HELDOUT_ACCURACY_CURVE not in curves


@needs_tensorboard
def test_a_collected_upstream_openrlhf_log_is_judged_by_the_findings_checks(tmp_path, capsys):
    """Upstream OpenRLHF logs the training accuracy (the reward file's `scores`) but not the fork's exceed rate, so
    4.1's checks are refused by name until rollout statistics (`longcot analyze`) add it."""
    rc, err, _ = _collect_and_judge_41(tmp_path, capsys, "--engine-log", str(OPENRLHF_TB), "--engine", "openrlhf")
    assert rc == 2 and "needs curve metric 'exceed_rate'" in err and "train_accuracy" not in err


def test_a_verl_log_with_several_validation_sets_is_refused_by_name(tmp_path):
    log = tmp_path / "two_sets.jsonl"
    log.write_text('{"step": 1, "data": {"response_length/mean": 10}}\n'
                   '{"step": 2, "data": {"val-core/math/acc/mean@1": 0.4, "val-core/aime/acc/mean@1": 0.1}}\n')
    with pytest.raises(UserError, match=r"two_sets.jsonl:2: held-out accuracy of 2 evaluation sets "
                                        r"\(val-core/math/acc/mean@1, val-core/aime/acc/mean@1\)"):
        engine_curves(log, "verl")
    log.write_text('{"step": 2, "data": {"val-core/math/acc/mean@1": 0.4}}\n')
    assert engine_curves(log, "verl")[M.HELDOUT_ACCURACY_CURVE] == {"step": [2.0], "value": [0.4]}


def test_verls_rollout_dump_folder_is_analysed_in_step_order(tmp_path):
    """`longcot analyze` on the folder verl dumps rollouts into (`<step>.jsonl`, prompt as `input`, the reward file's
    `acc` and `response_length` beside `score`): per step, what the raw lines say, counted here from the files."""
    out = tmp_path / "analysis"
    assert main(["analyze", str(VERL_ROLLOUTS), "--max-len", "64", "--out", str(out), "--no-plot"]) == 0
    stats = json.loads((out / "statistics.json").read_text())
    raw = {}
    for f in VERL_ROLLOUTS.glob("*.jsonl"):
        for line in f.read_text().splitlines():
            r = json.loads(line)
            raw.setdefault(r["step"], []).append(r)
    steps = sorted(raw)
    assert stats["steps"] == steps and len(steps) > 1
    c = stats["curves"]
    assert c[M.TRAIN_ACCURACY] == pytest.approx([sum(r["acc"] for r in raw[s]) / len(raw[s]) for s in steps])
    assert c[M.RESPONSE_LENGTH] == pytest.approx([sum(r["response_length"] for r in raw[s]) / len(raw[s])
                                                  for s in steps])
    assert c[M.EXCEED_RATE] == pytest.approx([sum(r["response_length"] + 16 >= 64 for r in raw[s]) / len(raw[s])
                                              for s in steps])
    assert c[M.REWARD_OUTCOME] == pytest.approx([sum(r["score"] for r in raw[s]) / len(raw[s]) for s in steps])


def test_a_verl_run_collected_with_its_rollout_dump_is_judged_without_refusals(tmp_path, capsys):
    """verl's metric log plus `longcot analyze` of its rollout dump (with the generation limit) give 4.1 every curve
    its checks read: nothing is refused, every check decides or says inconclusive."""
    rc, err, run = _collect_and_judge_41(tmp_path, capsys, "--engine-log", str(VERL_LOG), "--engine", "verl",
                                         "--statistics", str(_analysed(tmp_path)))
    assert rc in (0, 1) and "needs curve metric" not in err
    s = read_summary(run).experiments["takeaway-4.1"]
    assert s.status == verdicts.RAN and s.checks
    assert all(c.verdict in (verdicts.PASS, verdicts.FAIL, verdicts.INCONCLUSIVE) for c in s.checks)


def test_the_report_says_where_collected_arms_came_from(tmp_path, capsys):
    """A collected arm has no wall time here: the report's "What was run" names what was filed instead."""
    rc, _, run = _collect_and_judge_41(tmp_path, capsys, "--engine-log", str(VERL_LOG), "--engine", "verl",
                                       "--statistics", str(_analysed(tmp_path)))
    assert rc in (0, 1) and main(["report", str(run)]) == 0
    md = (run / "report.md").read_text()
    assert "every arm ran on an external engine" in md
    for arm in ("llama_classic", "qwen_classic"):
        row = next(line for line in md.splitlines() if line.startswith(f"| {arm} |"))
        assert f"collected from {_analysed(tmp_path)}; verl:{VERL_LOG}" in row and "0m00s" not in row


def _analysed(tmp_path) -> Path:
    """statistics.json of `longcot analyze` on verl's rollout dump (limit 64), made once per test."""
    out = tmp_path / "analysis"
    if not (out / "statistics.json").exists():
        assert main(["analyze", str(VERL_ROLLOUTS), "--max-len", "64", "--out", str(out), "--no-plot"]) == 0
    return out / "statistics.json"


def test_an_empty_rollout_folder_is_an_error_naming_it(tmp_path, capsys):
    assert main(["analyze", str(tmp_path), "--no-plot"]) == 2
    assert "no *.jsonl files in this folder" in capsys.readouterr().err
