"""The README's promise for bad input, one malformed input at a time: exit code 2, one message that names the file,
field or argument, no traceback, and nothing written or destroyed.

Each case is (category, id, setup, argv, expected): `setup(tmp, base)` creates the inputs in an empty working directory
(a copy of a finished run, damaged references, a rollouts file, ...), `argv` is the command line (paths relative to that
directory, which is the working directory of the command), and `expected` must appear in the error message
(whitespace ignored; `{H}` / `{HC}` stand for the recipe hashes of the base run). For every case the test asserts:

- the exit code is 2, and exactly one `error:` message is printed;
- the message contains `expected`;
- no exception escapes `suite.cli.main` and no "Traceback" is printed;
- the working directory (which is also $HOME) is byte-for-byte what setup left (paths and contents): a command given
  bad input writes nothing there and destroys nothing; the suite's own reference_results/ is unchanged too;
- a `longcot run` never starts a job: bad input is caught at plan time.

Commands run in-process (`suite.cli.main(argv)`) with the working directory and $HOME in the case's tmp_path, and the
hub offline.
"""

from __future__ import annotations

import json
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Base:
    """A finished synthetic run (synth-length and synth-shaping, 3 seeds), a valid reference made from it, and the
    recipe hashes in it."""

    run: Path  # the run directory
    refs: Path  # a reference root holding tiny/synth-length.json and tiny/synth-shaping.json promoted from `run`
    h: str  # recipe hash of the classic arm (shared by synth-length and synth-shaping)
    hc: str  # recipe hash of synth-shaping's cosine arm


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Base:
    from suite import runner
    from suite.promote import promote
    from suite.registry import discover, select

    tmp = tmp_path_factory.mktemp("malformed-base")
    exps = select(discover("synthetic_experiments"), ["synth-length", "synth-shaping"], "tiny")
    summary, errors = runner.run(exps, "tiny", tmp / "run", progress=False)
    assert not errors
    promote(tmp / "run", tmp / "refs")
    arms = summary.experiments["synth-shaping"].arms
    return Base(tmp / "run", tmp / "refs", arms["classic"].recipe_hash, arms["cosine"].recipe_hash)


# --- building blocks for setups -----------------------------------------------------------------------------------

Setup = Callable[[Path, Base], None]


def nothing(tmp: Path, base: Base) -> None:
    pass


def steps(*fns: Setup) -> Setup:
    def setup(tmp: Path, base: Base) -> None:
        for fn in fns:
            fn(tmp, base)
    return setup


def copy_run(tmp: Path, base: Base) -> None:
    shutil.copytree(base.run, tmp / "run")


def copy_refs(tmp: Path, base: Base) -> None:
    shutil.copytree(base.refs, tmp / "refs")


def write(rel: str, text: str | bytes) -> Setup:
    def setup(tmp: Path, base: Base) -> None:
        path = tmp / rel.format(H=base.h, HC=base.hc)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return setup


def mkdir(rel: str) -> Setup:
    return lambda tmp, base: (tmp / rel).mkdir(parents=True, exist_ok=True)


def remove(rel: str) -> Setup:
    return lambda tmp, base: (tmp / rel.format(H=base.h, HC=base.hc)).unlink()


def edit(rel: str, fn: Callable[[dict], object]) -> Setup:
    """Load the JSON file `rel`, let `fn` change it in place, write it back."""
    def setup(tmp: Path, base: Base) -> None:
        path = tmp / rel.format(H=base.h, HC=base.hc)
        data = json.loads(path.read_text())
        fn(data)
        path.write_text(json.dumps(data))
    return setup


def run_with(*fns: Setup) -> Setup:
    """A copy of the base run, then `fns`."""
    return steps(copy_run, *fns)


def summary(fn: Callable[[dict], object]) -> Setup:
    return run_with(edit("run/summary.json", fn))


def exp(d: dict) -> dict:
    return d["experiments"]["synth-length"]


def setitem(key, value) -> Callable[[dict], None]:
    return lambda d: d.__setitem__(key, value)


METRICS = "run/jobs/{H}/seed-0/metrics.json"


def metrics(fn: Callable[[dict], object], rel: str = METRICS) -> Setup:
    return run_with(edit(rel, fn))


REF = "refs/tiny/synth-length.json"


def reference(fn: Callable[[dict], object]) -> Setup:
    return steps(copy_refs, edit(REF, fn))


def scalar_cell(d: dict) -> dict:
    return d["arms"]["classic"]["scalars"]["heldout_accuracy"]


def rollouts(*lines: str | dict) -> Setup:
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    return write("r.jsonl", text)


GOOD = {"step": 1, "prompt": "p", "response": "Wait, let me check.", "reward": 1.0, "correct": True,
        "response_length": 5}


def row(**changes) -> dict:
    return {k: v for k, v in {**GOOD, **changes}.items() if v is not ...}


# --- the corpus ---------------------------------------------------------------------------------------------------

RUN_SYNTH = ("run", "--experiments", "synthetic_experiments", "--only", "synth-length", "--no-progress", "--out", "out")
RUN_TINY = ("run", "--scale", "tiny", "--only", "takeaway-4.1", "--no-progress", "--out", "out")
REPORT = ("report", "run", "--experiments", "synthetic_experiments")
PROMOTE = ("promote", "run", "--references", "refs")
COLLECT = ("collect", "run", "--scale", "paper", "--only", "takeaway-4.5", "--arm", "cosine")
EVAL = ("eval", "--backend", "hf", "--benchmarks", "math500", "--preset", "smoke", "--limit", "1", "--out", "out",
        "--data-dir", "data")
ANALYZE = ("analyze", "r.jsonl", "--no-plot", "--out", "stats")
MATH500 = (ROOT / "tests" / "data" / "benchmarks" / "math500.jsonl").read_text()
data_dir = write("data/math500.jsonl", MATH500)
EVAL_SUMMARY = {"benchmarks": {"math500": {"accuracy": 0.5, "accuracy_se": 0.01}}}


def eval_summary(**bench) -> Setup:
    return write("ev.json", json.dumps({"benchmarks": {"math500": {**EVAL_SUMMARY["benchmarks"]["math500"],
                                                                   **bench}}}))


@dataclass(frozen=True)
class Case:
    category: str
    id: str
    setup: Setup
    argv: tuple[str, ...]
    expected: str  # must appear in the message; {H} / {HC} are the base run's recipe hashes


CASES = [
    # -- command-line arguments, every command ---------------------------------------------------------------------
    Case("cli", "run-unknown-scale", nothing, ("run", "--scale", "huge"), "unknown scale 'huge'"),
    Case("cli", "list-experiments-is-a-module", nothing, ("list", "--experiments", "suite.errors"),
         "'suite.errors' is a module, expected a package"),
    Case("cli", "run-unknown-id", nothing, ("run", "--only", "takeaway-9.9"), "unknown experiment id 'takeaway-9.9'"),
    Case("cli", "run-only-without-ids", nothing, ("run", "--only"), "--only"),
    Case("cli", "run-not-implemented-at-scale", nothing,
         ("run", "--experiments", "synthetic_experiments", "--only", "synth-shaping", "--scale", "gpu"),
         "synth-shaping is not implemented at scale 'gpu'"),
    Case("cli", "run-seeds-letters", nothing, (*RUN_SYNTH, "--seeds", "a,b"), "--seeds"),
    Case("cli", "run-seeds-1e23", nothing, (*RUN_SYNTH, "--seeds", "1e23"), "--seeds"),
    Case("cli", "run-seeds-negative", nothing, (*RUN_SYNTH, "--seeds", "-1"), "--seeds"),
    Case("cli", "run-seeds-huge", nothing, (*RUN_SYNTH, "--seeds", "99999999999999999999999"), "--seeds"),
    Case("cli", "run-seeds-empty", nothing, (*RUN_SYNTH, "--seeds", ","), "--seeds"),
    Case("cli", "run-seeds-repeated", nothing, (*RUN_SYNTH, "--seeds", "0,0"), "--seeds"),
    Case("cli", "run-jobs-zero", nothing, (*RUN_SYNTH, "--jobs", "0"), "--jobs"),
    Case("cli", "run-jobs-abc", nothing, (*RUN_SYNTH, "--jobs", "abc"), "--jobs"),
    Case("cli", "run-jobs-negative", nothing, (*RUN_SYNTH, "--jobs", "-2"), "--jobs"),
    Case("cli", "run-set-without-equals", nothing, (*RUN_SYNTH, "--set", "nonsense"), "expected FIELD=VALUE"),
    Case("cli", "run-set-empty-field", nothing, (*RUN_SYNTH, "--set", "=3"), "expected FIELD=VALUE"),
    Case("cli", "run-set-unknown-field", nothing, (*RUN_SYNTH, "--set", "nosuch=1"), "nosuch"),
    Case("cli", "run-set-wrong-type", nothing, (*RUN_SYNTH, "--set", "slope=abc"), "slope"),
    Case("cli", "run-set-float-for-int", nothing, (*RUN_SYNTH, "--set", "steps=1.5"), "steps"),
    Case("cli", "run-set-field-twice", nothing, (*RUN_SYNTH, "--set", "steps=5", "--set", "steps=6"), "steps"),
    Case("cli", "run-out-is-a-file", write("out", "x"), RUN_SYNTH, "--out"),
    Case("cli", "run-experiments-package-missing", nothing, ("run", "--experiments", "no_such_pkg"), "no_such_pkg"),
    Case("cli", "list-experiments-package-missing", nothing, ("list", "--experiments", "no_such_pkg"), "no_such_pkg"),
    Case("cli", "audit-unknown-scale", nothing, ("audit", "--scale", "huge"), "unknown scale 'huge'"),
    Case("cli", "audit-unknown-id", nothing, ("audit", "--only", "takeaway-9.9"), "takeaway-9.9"),
    Case("cli", "audit-references-missing", nothing, ("audit", "--references", "nowhere"), "nowhere"),
    Case("cli", "collect-unknown-scale", write("ev.json", json.dumps(EVAL_SUMMARY)),
         ("collect", "run", "--scale", "huge", "--only", "takeaway-4.5", "--arm", "cosine", "--eval", "ev.json"),
         "unknown scale 'huge'"),
    Case("cli", "collect-wildcard-id", write("ev.json", json.dumps(EVAL_SUMMARY)),
         ("collect", "run", "--only", "takeaway-4.*", "--arm", "cosine", "--eval", "ev.json"), "--only"),
    Case("cli", "collect-unknown-arm", write("ev.json", json.dumps(EVAL_SUMMARY)),
         ("collect", "run", "--only", "takeaway-4.5", "--arm", "nope", "--eval", "ev.json"), "no arm 'nope'"),
    Case("cli", "collect-nothing-to-collect", nothing, COLLECT, "--eval"),
    Case("cli", "collect-seed-negative", write("ev.json", json.dumps(EVAL_SUMMARY)),
         (*COLLECT, "--eval", "ev.json", "--seed", "-1"), "--seed"),
    Case("cli", "collect-seed-1e23", write("ev.json", json.dumps(EVAL_SUMMARY)),
         (*COLLECT, "--eval", "ev.json", "--seed", "1e23"), "--seed"),
    Case("cli", "collect-set-unknown-field", write("ev.json", json.dumps(EVAL_SUMMARY)),
         (*COLLECT, "--eval", "ev.json", "--set", "nosuch=1"), "nosuch"),
    Case("cli", "collect-run-dir-is-a-file", steps(write("run", "x"), write("ev.json", json.dumps(EVAL_SUMMARY))),
         (*COLLECT, "--eval", "ev.json"), "run directory run"),
    Case("cli", "report-out-is-a-file", run_with(write("rep", "x")), (*REPORT, "--out", "rep"), "--out"),
    Case("cli", "promote-only-unknown-id", copy_run, (*PROMOTE, "--only", "takeaway-9.9"), "takeaway-9.9"),
    Case("cli", "promote-references-is-a-file", run_with(write("refs", "x")), PROMOTE, "refs"),
    Case("cli", "eval-unknown-benchmark", data_dir, (*EVAL, "--model", "m", "--benchmarks", "gsm8k"), "--benchmarks"),
    Case("cli", "eval-seeds-1e23", data_dir, (*EVAL, "--model", "m", "--seeds", "1e23"), "--seeds"),
    Case("cli", "eval-seeds-negative", data_dir, (*EVAL, "--model", "m", "--seeds=-1"), "--seeds"),
    Case("cli", "eval-seeds-huge", data_dir, (*EVAL, "--model", "m", "--seeds", "99999999999999999999"), "--seeds"),
    Case("cli", "eval-limit-zero", data_dir, (*EVAL, "--model", "m", "--limit", "0"), "--limit"),
    Case("cli", "eval-max-new-tokens-negative", data_dir, (*EVAL, "--model", "m", "--max-new-tokens", "-8"),
         "--max-new-tokens"),
    Case("cli", "eval-mmlu-pro-seed-not-a-number", data_dir, (*EVAL, "--model", "m", "--mmlu-pro-seed", "x"),
         "--mmlu-pro-seed"),
    Case("cli", "eval-unknown-compare-row", data_dir, (*EVAL, "--model", "m", "--compare", "table9:x"), "table9:x"),
    Case("cli", "eval-unknown-preset", data_dir, (*EVAL, "--model", "m", "--preset", "fast"), "--preset"),
    Case("cli", "eval-data-dir-missing", nothing, (*EVAL, "--model", "m"), "--data-dir"),
    Case("cli", "eval-out-is-a-file", steps(data_dir, write("out", "x")), (*EVAL, "--model", "m"), "--out"),
    Case("cli", "eval-benchmark-not-in-data-dir-offline", data_dir, (*EVAL, "--model", "m", "--benchmarks", "aime24"),
         "aime24.jsonl"),
    Case("cli", "analyze-ngram-size-zero", rollouts(GOOD), (*ANALYZE, "--ngram-size", "0"), "--ngram-size"),
    Case("cli", "analyze-ngram-size-negative", rollouts(GOOD), (*ANALYZE, "--ngram-size", "-3"), "--ngram-size"),
    Case("cli", "analyze-max-len-zero", rollouts(GOOD), (*ANALYZE, "--max-len", "0"), "--max-len"),
    Case("cli", "analyze-out-is-a-file", steps(rollouts(GOOD), write("stats", "x")), ANALYZE, "--out"),

    # -- recipe overrides: rejected at plan time, before any job starts --------------------------------------------
    Case("overrides", "set-nan", nothing, (*RUN_TINY, "--set", "rl.actor_lr=nan"), "rl.actor_lr"),
    Case("overrides", "set-inf", nothing, (*RUN_TINY, "--set", "rl.kl_coef=inf"), "rl.kl_coef"),
    Case("overrides", "set-minus-inf", nothing, (*RUN_TINY, "--set", "rl.actor_lr=-inf"), "rl.actor_lr"),
    Case("overrides", "set-huge-steps", nothing, (*RUN_TINY, "--set", "rl.steps=1e9"), "rl.steps"),
    Case("overrides", "set-zero-eval-size", nothing, (*RUN_TINY, "--set", "rl.eval_size=0"), "eval_size"),
    Case("overrides", "set-negative-steps", nothing, (*RUN_TINY, "--set", "rl.steps=-5"), "steps"),
    Case("overrides", "set-unknown-nested-field", nothing, (*RUN_TINY, "--set", "rl.nosuch=1"), "nosuch"),
    Case("overrides", "set-number-for-settings", nothing, (*RUN_TINY, "--set", "rl=3"), "rl"),
    Case("overrides", "set-nan-synthetic", nothing, (*RUN_SYNTH, "--set", "slope=nan"), "slope"),
    Case("overrides", "set-overflowing-float", nothing, (*RUN_SYNTH, "--set", "slope=1e400"), "slope"),

    # -- run directories read by report and promote ----------------------------------------------------------------
    Case("run-dir", "report-no-run-dir", nothing, REPORT, "run/summary.json"),
    Case("run-dir", "promote-no-run-dir", nothing, PROMOTE, "run/summary.json"),
    Case("run-dir", "report-summary-bad-json", run_with(write("run/summary.json", "{")), REPORT,
         "run/summary.json"),
    Case("run-dir", "promote-summary-bad-json", run_with(write("run/summary.json", '{"schema": ')), PROMOTE,
         "run/summary.json"),
    Case("run-dir", "report-summary-not-an-object", run_with(write("run/summary.json", "[]")), REPORT,
         "run/summary.json"),
    Case("run-dir", "promote-summary-not-utf8", run_with(write("run/summary.json", b"\xff\xfe{")), PROMOTE,
         "run/summary.json"),
    Case("run-dir", "promote-summary-no-schema", summary(lambda d: d.pop("schema")), PROMOTE,
         "run/summary.json: schema"),
    Case("run-dir", "report-summary-no-status", summary(lambda d: exp(d).pop("status")), REPORT,
         "run/summary.json: experiments.synth-length.status"),
    Case("run-dir", "promote-summary-no-status", summary(lambda d: exp(d).pop("status")), PROMOTE,
         "run/summary.json: experiments.synth-length.status"),
    Case("run-dir", "report-summary-unknown-status", summary(lambda d: setitem("status", "done")(exp(d))), REPORT,
         "experiments.synth-length.status"),
    Case("run-dir", "report-summary-no-arms", summary(lambda d: setitem("arms", {})(exp(d))), REPORT,
         "experiments.synth-length.arms"),
    Case("run-dir", "promote-summary-no-arms", summary(lambda d: setitem("arms", {})(exp(d))), PROMOTE,
         "experiments.synth-length.arms"),
    Case("run-dir", "promote-summary-no-seeds",
         summary(lambda d: setitem("seeds", [])(exp(d)["arms"]["classic"])), PROMOTE,
         "experiments.synth-length.arms.classic.seeds"),
    Case("run-dir", "report-summary-hash-escapes-run-dir",
         summary(lambda d: setitem("recipe_hash", "../../x")(exp(d)["arms"]["classic"])), REPORT,
         "experiments.synth-length.arms.classic.recipe_hash"),
    Case("run-dir", "report-summary-unknown-check-verdict",
         summary(lambda d: setitem("verdict", "maybe")(exp(d)["checks"][1])), REPORT,
         "experiments.synth-length.checks[1].verdict"),
    Case("run-dir", "promote-summary-unknown-claim-verdict",
         summary(lambda d: setitem("claim_verdict", "sure")(exp(d))), PROMOTE,
         "experiments.synth-length.claim_verdict"),
    Case("run-dir", "report-summary-version-a-string", summary(lambda d: setitem("version", "1")(exp(d))), REPORT,
         "experiments.synth-length.version"),
    Case("run-dir", "promote-summary-did-not-run",
         summary(lambda d: exp(d).update(status="error", message="boom", claim_verdict="error",
                                         reproduction_verdict="error")),
         (*PROMOTE, "--only", "synth-length"), "synth-length did not run cleanly"),
    Case("run-dir", "report-metrics-bad-json", run_with(write(METRICS, "{")), REPORT, "seed-0/metrics.json"),
    Case("run-dir", "promote-metrics-bad-json", run_with(write(METRICS, "{")), PROMOTE, "seed-0/metrics.json"),
    Case("run-dir", "promote-metrics-missing", run_with(remove(METRICS)), PROMOTE, "seed-0/metrics.json"),
    Case("run-dir", "report-metrics-scalar-a-string",
         metrics(lambda d: setitem("heldout_accuracy", "high")(d["scalars"])), REPORT,
         "metrics.json: scalars.heldout_accuracy"),
    Case("run-dir", "promote-metrics-scalar-a-string",
         metrics(lambda d: setitem("heldout_accuracy", "high")(d["scalars"])), PROMOTE,
         "metrics.json: scalars.heldout_accuracy"),
    Case("run-dir", "report-metrics-no-scalars", metrics(lambda d: d.pop("scalars")), REPORT,
         "metrics.json: scalars"),
    Case("run-dir", "report-metrics-curve-without-steps",
         metrics(lambda d: d["curves"]["response_length"].pop("step")), REPORT,
         "metrics.json: curves.response_length.step"),
    Case("run-dir", "promote-metrics-curve-length-mismatch",
         metrics(lambda d: setitem("value", [1.0])(d["curves"]["response_length"])), PROMOTE,
         "metrics.json: curves.response_length"),
    Case("run-dir", "report-metrics-curve-a-list", metrics(lambda d: setitem("response_length", [1, 2])(d["curves"])),
         REPORT, "metrics.json: curves.response_length"),
    Case("run-dir", "report-metrics-curve-value-a-string",
         metrics(lambda d: d["curves"]["response_length"]["value"].__setitem__(3, "x")), REPORT,
         "curves.response_length.value[3]"),
    Case("run-dir", "promote-metrics-no-provenance", metrics(lambda d: d.pop("provenance")), PROMOTE,
         "metrics.json: provenance"),
    # a bad run must leave the stored reference as it was (setup puts a valid one in place first)
    Case("run-dir", "promote-nan-scalar-keeps-the-old-reference",
         steps(copy_refs, metrics(lambda d: setitem("heldout_accuracy", float("nan"))(d["scalars"]))), PROMOTE,
         "arms.classic.scalars.heldout_accuracy.mean"),
    Case("run-dir", "promote-unknown-metric-keeps-the-old-reference",
         steps(copy_refs, metrics(lambda d: setitem("no_such_metric", 1.0)(d["scalars"]))), PROMOTE,
         "no_such_metric"),
    # synth-length is fine, synth-shaping's cosine arm is not: neither reference is written
    Case("run-dir", "promote-one-bad-experiment-writes-none",
         metrics(lambda d: setitem("heldout_accuracy", float("nan"))(d["scalars"]),
                 "run/jobs/{HC}/seed-1/metrics.json"),
         PROMOTE, "refs/tiny/synth-shaping.json"),
    Case("run-dir", "report-recipe-bad-json", run_with(write("run/jobs/{H}/recipe.json", "{")), REPORT,
         "recipe.json"),
    Case("run-dir", "report-recipe-missing", run_with(remove("run/jobs/{H}/recipe.json")), REPORT, "recipe.json"),
    Case("run-dir", "report-run-json-bad-json", run_with(write("run/run.json", "{")), REPORT, "run/run.json"),
    Case("run-dir", "promote-run-json-date-a-number", run_with(edit("run/run.json", setitem("started", 5))), PROMOTE,
         "run/run.json: started"),
    Case("run-dir", "report-timing-a-string",
         run_with(edit("run/jobs/{H}/seed-0/timing.json", setitem("wall_time_s", "slow"))), REPORT,
         "timing.json: wall_time_s"),
    Case("run-dir", "promote-timing-negative",
         run_with(edit("run/jobs/{H}/seed-0/timing.json", setitem("wall_time_s", -1))), PROMOTE,
         "timing.json: wall_time_s"),
    Case("run-dir", "report-named-reference-damaged",
         steps(summary(lambda d: setitem("reference", REF)(exp(d))), write(REF, "{")), REPORT, REF),

    # -- reference files -------------------------------------------------------------------------------------------
    Case("references", "references-dir-missing", nothing, (*RUN_SYNTH, "--references", "nowhere"), "nowhere"),
    Case("references", "reference-bad-json", steps(copy_refs, write(REF, '{"schema": ')),
         (*RUN_SYNTH, "--references", "refs"), REF),
    Case("references", "reference-not-utf8", steps(copy_refs, write(REF, b"\xff\xfe")),
         (*RUN_SYNTH, "--references", "refs"), REF),
    Case("references", "reference-bad-toml",
         steps(copy_refs, remove(REF), write("refs/tiny/synth-length.toml", "x = [")),
         (*RUN_SYNTH, "--references", "refs"), "synth-length.toml"),
    Case("references", "reference-missing-version", reference(lambda d: d.pop("experiment_version")),
         (*RUN_SYNTH, "--references", "refs"), f"{REF}: experiment_version"),
    Case("references", "reference-missing-provenance-field", reference(lambda d: d["provenance"].pop("git_commit")),
         (*RUN_SYNTH, "--references", "refs"), "provenance.git_commit"),
    Case("references", "reference-mean-a-string", reference(lambda d: setitem("mean", "0.5")(scalar_cell(d))),
         (*RUN_SYNTH, "--references", "refs"), "arms.classic.scalars.heldout_accuracy.mean"),
    Case("references", "reference-mean-infinite", reference(lambda d: setitem("mean", float("inf"))(scalar_cell(d))),
         (*RUN_SYNTH, "--references", "refs"), "arms.classic.scalars.heldout_accuracy.mean"),
    Case("references", "reference-mean-huge-integer", reference(lambda d: setitem("mean", 10 ** 400)(scalar_cell(d))),
         (*RUN_SYNTH, "--references", "refs"), "arms.classic.scalars.heldout_accuracy.mean"),
    Case("references", "reference-n-disagrees", reference(lambda d: setitem("n", 7)(scalar_cell(d))),
         (*RUN_SYNTH, "--references", "refs"), "arms.classic.scalars.heldout_accuracy.n"),
    Case("references", "reference-negative-tolerance",
         reference(lambda d: setitem("tolerance", {"abs": -0.1, "basis": "x"})(scalar_cell(d))),
         (*RUN_SYNTH, "--references", "refs"), "heldout_accuracy.tolerance.abs"),
    Case("references", "reference-unknown-metric",
         reference(lambda d: setitem("no_such_metric", {"mean": 1, "n": 1})(d["arms"]["classic"]["scalars"])),
         (*RUN_SYNTH, "--references", "refs"), "no_such_metric"),
    Case("references", "reference-notes-not-a-list", reference(setitem("notes", "x")),
         (*RUN_SYNTH, "--references", "refs"), f"{REF}: notes"),
    Case("references", "reference-wrong-experiment-id", reference(setitem("experiment", "synth-other")),
         (*RUN_SYNTH, "--references", "refs"), f"{REF}: experiment"),
    Case("references", "reference-wrong-scale", reference(setitem("scale", "gpu")),
         (*RUN_SYNTH, "--references", "refs"), f"{REF}: scale"),
    Case("references", "reference-unknown-scale", reference(setitem("scale", "huge")),
         (*RUN_SYNTH, "--references", "refs"), f"{REF}: scale"),
    Case("references", "audit-reference-bad-json", write("refs/paper/takeaway-3.3.json", "{"),
         ("audit", "--references", "refs", "--only", "takeaway-3.3"), "refs/paper/takeaway-3.3.json"),
    Case("references", "audit-reference-wrong-schema",
         write("refs/paper/takeaway-3.3.json", json.dumps({"schema": "other/9"})),
         ("audit", "--references", "refs", "--only", "takeaway-3.3"), "takeaway-3.3.json: schema"),

    # -- rollouts for analyze --------------------------------------------------------------------------------------
    Case("rollouts", "rollouts-bad-json-line", rollouts(GOOD, "{not json"), ANALYZE, "r.jsonl:2"),
    Case("rollouts", "rollouts-line-not-an-object", rollouts("[1, 2]"), ANALYZE, "r.jsonl:1"),
    Case("rollouts", "rollouts-missing-step", rollouts(row(step=...)), ANALYZE, "r.jsonl:1: missing field 'step'"),
    Case("rollouts", "rollouts-missing-response", rollouts(GOOD, row(response=...)), ANALYZE,
         "r.jsonl:2: missing field 'response'"),
    Case("rollouts", "rollouts-step-a-string", rollouts(row(step="x")), ANALYZE, "r.jsonl:1: field 'step'"),
    Case("rollouts", "rollouts-step-a-bool", rollouts(row(step=True)), ANALYZE, "r.jsonl:1: field 'step'"),
    Case("rollouts", "rollouts-response-a-number", rollouts(row(response=5)), ANALYZE, "r.jsonl:1: field 'response'"),
    Case("rollouts", "rollouts-correct-yes", rollouts(GOOD, row(correct="yes")), ANALYZE,
         "r.jsonl:2: field 'correct'"),
    Case("rollouts", "rollouts-reward-a-string", rollouts(row(reward="high")), ANALYZE, "r.jsonl:1: field 'reward'"),
    Case("rollouts", "rollouts-reward-nan", rollouts('{"step": 1, "response": "a", "reward": NaN}'), ANALYZE,
         "r.jsonl:1: field 'reward'"),
    Case("rollouts", "rollouts-length-negative", rollouts(row(response_length=-3)), ANALYZE,
         "r.jsonl:1: field 'response_length'"),
    Case("rollouts", "rollouts-alias-length-a-string", rollouts(row(response_length=..., gen_len="x")), ANALYZE,
         "r.jsonl:1: field 'gen_len'"),
    Case("rollouts", "rollouts-token-ids-a-string", rollouts(row(response_token_ids="abc")), ANALYZE,
         "r.jsonl:1: field 'response_token_ids'"),
    Case("rollouts", "rollouts-empty-file", write("r.jsonl", "\n"), ANALYZE, "r.jsonl: no rollouts"),
    Case("rollouts", "rollouts-not-utf8", write("r.jsonl", b'{"step": 1, "response": "\xff"}\n'), ANALYZE,
         "r.jsonl:1"),
    Case("rollouts", "rollouts-a-directory", mkdir("r.jsonl"), ANALYZE, "r.jsonl"),
    Case("rollouts", "rollouts-missing-file", nothing, ANALYZE, "r.jsonl: file not found"),
    Case("rollouts", "rollouts-tokenizer-missing", rollouts(row(response_length=...)),
         (*ANALYZE, "--tokenizer", "./no-tokenizer"), "--tokenizer"),
    Case("rollouts", "rollouts-tokenizer-empty-dir", steps(rollouts(row(response_length=...)), mkdir("tok")),
         (*ANALYZE, "--tokenizer", "./tok"), "--tokenizer"),

    # -- evaluation summaries and rollout statistics for collect ---------------------------------------------------
    Case("collect", "eval-accuracy-a-string", eval_summary(accuracy="x"), (*COLLECT, "--eval", "ev.json"),
         "ev.json: benchmarks.math500.accuracy"),
    Case("collect", "eval-se-missing", write("ev.json", json.dumps({"benchmarks": {"math500": {"accuracy": 0.5}}})),
         (*COLLECT, "--eval", "ev.json"), "ev.json: benchmarks.math500.accuracy_se"),
    Case("collect", "eval-accuracy-above-one", eval_summary(accuracy=1.5), (*COLLECT, "--eval", "ev.json"),
         "ev.json: benchmarks.math500.accuracy"),
    Case("collect", "eval-se-negative", eval_summary(accuracy_se=-0.01), (*COLLECT, "--eval", "ev.json"),
         "ev.json: benchmarks.math500.accuracy_se"),
    Case("collect", "eval-summary-unknown-benchmark",
         write("ev.json", json.dumps({"benchmarks": {"gsm8k": {"accuracy": 0.5, "accuracy_se": 0.1}}})),
         (*COLLECT, "--eval", "ev.json"), "ev.json: benchmarks"),
    Case("collect", "eval-benchmarks-a-list", write("ev.json", '{"benchmarks": []}'), (*COLLECT, "--eval", "ev.json"),
         "ev.json: benchmarks"),
    Case("collect", "eval-bad-json", write("ev.json", "{"), (*COLLECT, "--eval", "ev.json"), "ev.json"),
    Case("collect", "eval-dir-without-summary", mkdir("evdir"), (*COLLECT, "--eval", "evdir"), "evdir/summary.json"),
    Case("collect", "statistics-length-mismatch",
         write("st.json", json.dumps({"steps": [1, 2], "curves": {"response_length": [1.0]}})),
         (*COLLECT, "--statistics", "st.json"), "st.json: curves.response_length"),
    Case("collect", "statistics-steps-not-a-list", write("st.json", json.dumps({"steps": "x", "curves": {}})),
         (*COLLECT, "--statistics", "st.json"), "st.json"),
    Case("collect", "statistics-step-a-string",
         write("st.json", json.dumps({"steps": [1, "a"], "curves": {"response_length": [1.0, 2.0]}})),
         (*COLLECT, "--statistics", "st.json"), "st.json: steps"),
    Case("collect", "statistics-value-a-string",
         write("st.json", json.dumps({"steps": [1, 2], "curves": {"response_length": ["a", 2.0]}})),
         (*COLLECT, "--statistics", "st.json"), "st.json: curves.response_length"),
    Case("collect", "statistics-missing", nothing, (*COLLECT, "--statistics", "st.json"), "st.json"),

    # -- model paths for eval (hub offline) ------------------------------------------------------------------------
    Case("model", "model-absolute-path-missing", data_dir, (*EVAL, "--model", "/nonexistent/model"),
         "--model /nonexistent/model"),
    Case("model", "model-relative-path-missing", data_dir, (*EVAL, "--model", "./no-model"), "--model ./no-model"),
    Case("model", "model-is-a-file", steps(data_dir, write("model.bin", "x")), (*EVAL, "--model", "model.bin"),
         "--model model.bin"),
    Case("model", "model-dir-without-config", steps(data_dir, mkdir("model")), (*EVAL, "--model", "model"),
         "--model model"),
    Case("model", "model-dir-with-a-bad-config", steps(data_dir, write("model/config.json", "{}")),
         (*EVAL, "--model", "model"), "--model model"),
    Case("model", "model-hub-id-offline", data_dir, (*EVAL, "--model", "no-such-org/no-such-model"),
         "--model no-such-org/no-such-model"),
    Case("model", "model-invalid-hub-id", data_dir, (*EVAL, "--model", "bad name"), "--model bad name"),
    Case("model", "model-empty-name", data_dir, (*EVAL, "--model", ""), "--model"),
]


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` with its bytes (None for a directory)."""
    return {str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes()) for p in sorted(root.rglob("*"))}


def test_the_corpus_is_large_and_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 80


@pytest.fixture
def no_jobs(monkeypatch):
    """Bad input is caught at plan time: starting a job is a failure of the case."""
    import suite.runner

    def execute(*args, **kwargs):
        raise AssertionError("a job was started: the bad input was not caught before execution")

    monkeypatch.setattr(suite.runner, "execute", execute)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.category}:{c.id}" for c in CASES])
def test_malformed_input_exits_2_with_one_message_and_writes_nothing(case, base, tmp_path, monkeypatch, capsys,
                                                                     no_jobs):
    from suite.cli import main

    work = tmp_path / "work"
    (work / "home").mkdir(parents=True)
    case.setup(work, base)
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(work / "home"))
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.setenv(var, "1")
    before, shipped = snapshot(work), snapshot(ROOT / "reference_results")
    capsys.readouterr()

    try:
        code = main(list(case.argv))
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    except BaseException:  # noqa: BLE001 - any other exception is what the case guards against
        pytest.fail(f"an exception escaped main():\n{traceback.format_exc()}")
    out, err = capsys.readouterr()

    expected = case.expected.format(H=base.h, HC=base.hc)
    assert code == 2, f"exit code {code}\nstderr: {err}\nstdout: {out[-2000:]}"
    assert "Traceback" not in err and "Traceback" not in out, err
    assert err.count("error:") == 1, err
    assert "".join(expected.split()) in "".join(err.split()), f"{expected!r} not in the message: {err}"
    after = snapshot(work)
    assert sorted(set(after) - set(before)) == [], "written despite bad input"
    assert sorted(set(before) - set(after)) == [], "removed by a command given bad input"
    assert [p for p in before if before[p] != after[p]] == [], "changed by a command given bad input"
    assert snapshot(ROOT / "reference_results") == shipped
