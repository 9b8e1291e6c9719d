"""One contract test walks every declared finding (STYLE.md: 'a single contract test walks every experiment')."""

import copy
import importlib.util
import json
import math
from pathlib import Path

import pytest
from scipy import stats as scipy_stats

from suite import verdicts
from suite.checks import CHECK_KINDS, ChangeAgreement, Directional, ScalarTolerance
from suite.checks.multiplicity import apply_holm
from suite.observations import ArmObservations, CurveSample
from suite.experiment import SCALES
from suite.metrics.names import CATALOG
from suite.recipes import recipe_hash
from suite.references import load_reference, reference_path
from suite.registry import discover

ROOT = Path(__file__).resolve().parents[1]
EXPS = discover()
EXPECTED_IDS = [f"takeaway-{x}" for x in ("3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "5.1", "5.2")]
EXPECTED_IDS.append("section-6")
#: findings whose paper-scale evidence is a table; the others are figures without published numbers
TABLE_BACKED = {"takeaway-3.3": "Table 1", "takeaway-5.1": "Table 2", "takeaway-5.2": "Table 3", "section-6": "Table 4",
                "takeaway-4.6": "Table 5"}


def _load_lock_tool():
    # tools/ is scripts, not a package: load the lock script by path
    path = ROOT / "tools" / "lock_experiment_versions.py"
    spec = importlib.util.spec_from_file_location("lock_experiment_versions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LOCK_TOOL = _load_lock_tool()


def test_all_twelve_findings_are_discovered_in_paper_order():
    assert list(EXPS) == EXPECTED_IDS


@pytest.mark.parametrize("exp_id", EXPECTED_IDS)
def test_each_finding_is_well_formed(exp_id):
    exp = EXPS[exp_id]
    assert exp.claim.quote and exp.claim.section.startswith("§") and exp.claim.evidence
    assert "paper" in exp.scales, "every finding declares its paper-scale recipe"
    for scale, spec in exp.scales.items():
        assert scale in SCALES
        assert set(spec.recipes) <= {a.name for a in exp.arms}
        for check in spec.checks:
            assert type(check).kind in CHECK_KINDS
            assert check.metric in CATALOG and check.metric in exp.metrics
            assert set(check.arms()) <= set(spec.recipes)
        for recipe in spec.recipes.values():
            assert len(recipe_hash(recipe)) == 64
    if exp_id in TABLE_BACKED:
        path = reference_path(ROOT / "reference_results", "paper", exp_id)
        assert path is not None, f"{exp_id} is backed by {TABLE_BACKED[exp_id]}; its reference must exist"
        ref = load_reference(path)
        assert TABLE_BACKED[exp_id] in ref.source
        table = TABLE_BACKED[exp_id].replace("Table ", "table") + ":"
        assert any(key.startswith(table) for key in exp.table_rows), f"declare {TABLE_BACKED[exp_id]}'s table_rows"
        assert set(exp.table_rows.values()) <= set(ref.observations), "every table row is an arm of the reference"
        cells = [c for c in exp.scales["paper"].checks if isinstance(c, ScalarTolerance)]
        assert cells, "table-backed findings compare every cell"
        for c in cells:
            assert c.arm in ref.observations and c.metric in ref.observations[c.arm].scalars
            assert ref.tolerance(c.arm, c.metric) is not None


def test_shared_arms_share_a_recipe_hash():
    # 4.5's two arms are the same runs as 4.2's cosine and cosine_rep (byte-identical scripts).
    p42, p45 = EXPS["takeaway-4.2"].scales["paper"].recipes, EXPS["takeaway-4.5"].scales["paper"].recipes
    assert recipe_hash(p42["cosine"]) == recipe_hash(p45["cosine"])
    assert recipe_hash(p42["cosine_rep"]) == recipe_hash(p45["cosine_rep"])
    assert recipe_hash(p42["cosine"]) != recipe_hash(p42["cosine_rep"])


def test_paper_recipes_carry_the_tables_hyperparameters():
    r = EXPS["takeaway-4.3"].scales["paper"].recipes
    a = r["reward_a"]
    assert (a.reward.outcome.r0_correct, a.reward.outcome.rL_correct) == (0.0, 10.0)
    assert (a.num_episodes, a.samples_per_prompt, a.train_batch_size, a.max_epochs) == (4, 4, 512, 1)
    assert a.reward.gammas == (1.0, 0.99) and a.reward.repetition.ngram_size == 40
    ctx = EXPS["takeaway-4.4"].scales["paper"].recipes
    assert [ctx[k].generate_max_len for k in ("ctx_4k", "ctx_8k", "ctx_16k")] == [2048, 6144, 14336]
    g = EXPS["takeaway-4.6"].scales["paper"].recipes
    assert g["gamma_999_99"].reward.gammas == (0.999, 0.99)
    d = EXPS["section-6"].scales["paper"].recipes["direct_rl"]
    assert (d.gae_lambda, d.num_episodes, d.rollout_batch_size, d.train_batch_size, d.generate_max_len) == \
        (0.95, 20, 1024, 128, 3072)
    c41 = EXPS["takeaway-4.1"].scales["paper"].recipes["llama_classic"]
    assert c41.critic_learning_rate == 4.5e-6 and c41.reward.outcome.exceed_penalty == 0.0


def test_paper_table_averages_agree_with_their_rows():
    for name in ("takeaway-5.1.json", "section-6.json"):
        data = json.loads((ROOT / "reference_results" / "paper" / name).read_text())
        for arm, body in data["arms"].items():
            s = body["scalars"]
            mean4 = sum(s[f"accuracy/{b}"]["mean"] for b in ("math500", "aime24", "theoremqa", "mmlu_pro_1k")) / 4
            assert s["accuracy/avg"]["mean"] == pytest.approx(mean4, abs=0.0006), (name, arm)


@pytest.mark.parametrize("exp_id", [e for e in EXPECTED_IDS if "tiny" in EXPS[e].scales])
def test_each_finding_implemented_at_tiny_has_a_stored_reference_for_its_arms(exp_id):
    spec = EXPS[exp_id].scales["tiny"]
    path = reference_path(ROOT / "reference_results", "tiny", exp_id)
    assert path is not None, f"{exp_id} runs at tiny scale; promote a run as its reference"
    ref = load_reference(path)
    assert set(spec.recipes) <= set(ref.observations)
    assert ref.provenance["recipe_hashes"] == {a: recipe_hash(r)[:16] for a, r in spec.recipes.items()}, \
        "the stored reference was produced by other recipes: rerun and promote"
    assert EXPS[exp_id].reference_applies(ref.experiment_version, "tiny"), \
        (f"the stored reference was made with version {ref.experiment_version}; a later change can move the "
         f"numbers: rerun and promote")
    for check in spec.checks:
        for arm in check.arms():
            obs = ref.observations[arm]
            assert check.metric in obs.scalars or check.metric in obs.curves


def _tiny_reference(exp_id):
    return load_reference(reference_path(ROOT / "reference_results", "tiny", exp_id))


def _judge(exp_id, observations, reference):
    """The experiment's two verdicts for `observations` against `reference`, as the runner judges them."""
    results = [c.evaluate(observations, reference) for c in EXPS[exp_id].scales["tiny"].checks]
    results = apply_holm(apply_holm(results, verdicts.CLAIM), verdicts.REPRODUCTION)
    return {role: verdicts.aggregate((r.verdict for r in results if r.role == role), role=role)
            for role in verdicts.ROLES}


def _compared_pairs(exp_id):
    """The arm pairs whose difference a reproduction check compares."""
    return sorted({tuple(c.arms()) for c in EXPS[exp_id].scales["tiny"].checks
                   if c.role == verdicts.REPRODUCTION and len(c.arms()) == 2})


TINY = [e for e in EXPECTED_IDS if "tiny" in EXPS[e].scales]


@pytest.mark.parametrize("exp_id", TINY)
def test_the_reference_fed_back_as_the_run_matches_itself(exp_id):
    # the other half of the swap tests: without a swap the same numbers must reproduce
    ref = _tiny_reference(exp_id)
    assert _judge(exp_id, ref.observations, ref)[verdicts.REPRODUCTION] == verdicts.MATCHES_REFERENCE


def _reference_separates(exp_id, a, b, ref):
    """Whether the reference itself tells arms a and b apart on a metric a reproduction check compares them on: their
    difference is significant at the checks' own level (one-sided 0.05 either way). Two arms that behave alike cannot
    be caught swapped, by any check: the swapped run is as likely as the real one."""
    for c in EXPS[exp_id].scales["tiny"].checks:
        if c.role == verdicts.REPRODUCTION and set(c.arms()) == {a, b}:
            d = Directional("separation", c.metric, lower=c.lower, higher=c.higher, reduce=c.reduce,
                            use_reference=True).evaluate({}, ref)
            if d.verdict != verdicts.INCONCLUSIVE:
                return True
    return False


def _change_is_significant(exp_id, ref):
    """Whether a change a ChangeAgreement check compares is significant in the reference (its seeds' change, two-sided
    0.10): a change indistinguishable from none reads the same forwards and backwards."""
    for c in EXPS[exp_id].scales["tiny"].checks:
        if isinstance(c, ChangeAgreement):
            ch = c._changes(ref.observations, "reference")
            if ch.sd and abs(ch.mean) / (ch.sd / math.sqrt(ch.n)) > scipy_stats.t.ppf(0.95, ch.n - 1):
                return True
    return False


@pytest.mark.parametrize("exp_id", [e for e in TINY if _compared_pairs(e)])
def test_arm_swap_fails_reproduction(exp_id):
    # every pair of arms the reference separates must fail reproduction when the two runs are swapped; pairs it does
    # not separate are listed (the closing notes report them)
    ref = _tiny_reference(exp_id)
    separable, alike = [], []
    for a, b in _compared_pairs(exp_id):
        (separable if _reference_separates(exp_id, a, b, ref) else alike).append((a, b))
    for a, b in separable:
        swapped = dict(ref.observations)
        swapped[a], swapped[b] = ref.observations[b], ref.observations[a]
        assert _judge(exp_id, swapped, ref)[verdicts.REPRODUCTION] == verdicts.DEVIATES_FROM_REFERENCE, \
            f"{exp_id}: the runs of {a} and {b} swapped still reproduce the reference"
    print(f"{exp_id}: swap caught for {separable}; arms alike in the reference: {alike}")


def _has_change_check(exp_id):
    return any(isinstance(c, ChangeAgreement) for c in EXPS[exp_id].scales["tiny"].checks)


@pytest.mark.parametrize("exp_id", [e for e in TINY if _has_change_check(e)])
def test_training_run_backwards_fails_reproduction(exp_id):
    # for a finding about what training does to one arm (4.1), the effect is the change over training: the same
    # curves reversed in time have the opposite effect and must not reproduce, where the reference's change is real
    ref = _tiny_reference(exp_id)
    backwards = {arm: ArmObservations(o.scalars, {m: CurveSample(c.steps, tuple(tuple(r[::-1]) for r in c.values))
                                                  for m, c in o.curves.items()})
                 for arm, o in ref.observations.items()}
    if not _change_is_significant(exp_id, ref) and not _compared_pairs(exp_id):
        pytest.fail(f"{exp_id}: no change the reference can tell from none, and no compared arms")
    if _change_is_significant(exp_id, ref):
        assert _judge(exp_id, backwards, ref)[verdicts.REPRODUCTION] == verdicts.DEVIATES_FROM_REFERENCE
    else:
        print(f"{exp_id}: no change over training the reference can tell from none; covered by the swap test")


def test_every_tiny_finding_has_a_discriminating_reproduction_check():
    # a finding must be covered by the swap test or the backwards test, so that its reproduction verdict can fail: in
    # its reference, some compared pair of arms differs or some change over training is real
    for exp_id in TINY:
        ref = _tiny_reference(exp_id)
        assert (any(_reference_separates(exp_id, a, b, ref) for a, b in _compared_pairs(exp_id))
                or _change_is_significant(exp_id, ref)), exp_id


def test_every_recipe_change_came_with_a_version_bump_and_the_lock_is_current():
    lock = json.loads(LOCK_TOOL.LOCK_PATH.read_text())
    problems = LOCK_TOOL.lock_problems(EXPS, lock)
    assert not problems, "\n".join(problems)


def _lock_with(edit):
    lock = copy.deepcopy(LOCK_TOOL.lock_of(EXPS))
    edit(lock["experiments"])
    return LOCK_TOOL.lock_problems(EXPS, lock)


def test_a_changed_recipe_hash_without_a_bump_fails_and_says_what_to_do():
    version = EXPS["takeaway-4.1"].version
    problems = _lock_with(lambda e: e["takeaway-4.1"]["recipes"]["tiny"].update(classic="0" * 16))
    assert len(problems) == 1
    msg = problems[0]
    assert msg.startswith("takeaway-4.1: its recipes changed (tiny/classic: 0000000000000000 -> ")
    assert f"set version={version + 1} in experiments/takeaway_4_1.py" in msg
    assert f"'{version + 1}: \"<what changed>\"'" in msg and "python tools/lock_experiment_versions.py" in msg


def test_the_declaring_file_is_found_beside_a_lazy_module_that_fails_on_lookup(monkeypatch):
    """transformers 5 is such a module: looking an unknown name up on it imports submodules, some of which need
    packages that are not installed. The lock's message must still name the experiment's file."""
    import sys
    import types

    class Lazy(types.ModuleType):
        def __getattr__(self, name):
            raise ModuleNotFoundError(f"No module named 'torchvision' (looking up {name})")

    # loaded before the experiments, as transformers is when a test has imported it first
    monkeypatch.setattr(LOCK_TOOL, "sys", types.SimpleNamespace(modules={"lazy_pkg": Lazy("lazy_pkg"), **sys.modules}))
    problems = _lock_with(lambda e: e["takeaway-4.1"]["recipes"]["tiny"].update(classic="0" * 16))
    assert "experiments/takeaway_4_1.py" in problems[0]


def test_an_arm_that_came_or_went_counts_as_a_recipe_change():
    problems = _lock_with(lambda e: e["takeaway-4.2"]["recipes"]["tiny"].pop("cosine_rep"))
    assert len(problems) == 1 and "tiny/cosine_rep: absent -> " in problems[0]


def test_a_bump_with_a_stale_lock_names_the_one_command_that_rewrites_it():
    def behind(e):
        e["takeaway-4.2"]["version"] -= 1
        e["takeaway-4.2"]["recipes"]["tiny"]["cosine"] = "f" * 16
    problems = _lock_with(behind)
    assert len(problems) == 1
    v = EXPS["takeaway-4.2"].version
    assert f"takeaway-4.2: version {v} is ahead of the lock (version {v - 1})" in problems[0]
    assert problems[0].endswith("run `python tools/lock_experiment_versions.py` to rewrite the lock")


def test_a_version_that_goes_down_or_an_experiment_missing_from_the_lock_is_reported():
    def edit(e):
        e["takeaway-4.1"]["version"] += 1
        e.pop("takeaway-3.1")
        e["takeaway-9.9"] = {"version": 1, "recipes": {}}
    problems = _lock_with(edit)
    assert [p.split(":")[0] for p in problems] == ["takeaway-3.1", "takeaway-4.1", "takeaway-9.9"]
    assert "versions only go up" in problems[1] and "no longer declared" in problems[2]
