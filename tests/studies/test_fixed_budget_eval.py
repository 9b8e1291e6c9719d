"""The fixed-budget re-evaluation repeats the engine's own held-out evaluation exactly when the budget is the arm's
limit, and judges the finding's held-out claim checks on its numbers."""

import pytest

from studies import fixed_budget_eval
from studies.runs import main_guard


@pytest.fixture(scope="module")
def run(tmp_path_factory, smoke_run_of):
    return smoke_run_of(tmp_path_factory, "takeaway-4.2")


def test_at_the_arms_own_limit_it_reproduces_the_runs_heldout_accuracy(run):
    res = fixed_budget_eval.evaluate(run, "takeaway-4.2", 160)  # 160: the arms' own limit
    assert set(res["arms"]) == {"classic", "cosine", "cosine_rep"}
    for per_seed in res["arms"].values():
        for v in per_seed.values():
            assert v["heldout_accuracy_budget"] == v["heldout_accuracy_own_limit"]
    names = {c["name"] for c in res["checks"]}
    assert names == {"cosine's held-out accuracy is equal to or better than classic's",
                     "cosine + repetition's held-out accuracy is equal to or better than classic's"}
    assert "| classic | 160 |" in fixed_budget_eval.to_markdown(res)


def test_a_budget_beyond_the_models_block_size_is_refused(run, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main_guard(lambda: fixed_budget_eval.main(["--run", str(run), "--finding", "takeaway-4.2", "--budget", "5000",
                                                   "--out", str(tmp_path / "out")]))
    assert exc.value.code == 2
    assert "does not fit the model's block size" in capsys.readouterr().err
