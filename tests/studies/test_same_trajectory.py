"""studies.same_trajectory: two jobs that should share every number, compared value by value."""

from __future__ import annotations

import json
import math

import pytest

from studies.same_trajectory import compare, main
from suite.runner.layout import RunLayout


def _job(run, h, seed, curves, scalars):
    path = RunLayout(run).metrics_json(h, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"scalars": scalars, "curves": {
        k: {"step": list(range(1, len(v) + 1)), "value": v} for k, v in curves.items()}}))


@pytest.fixture
def runs(tmp_path):
    old = {"response_length": [90.0, 91.5, None], "repetition_ratio": [0.1, 0.2, 0.05]}
    for seed in (0, 1):
        _job(tmp_path / "a", "old", seed, old, {"heldout_accuracy": 0.5})
        _job(tmp_path / "b", "new", seed, {**old, "response_length@hard": [100.0, None, 99.0]},
             {"heldout_accuracy": 0.5})
    return tmp_path


def test_jobs_that_share_every_number_are_identical_and_the_extra_curves_are_named(runs):
    text, same = compare((runs / "a", "old"), (runs / "b", "new"), [0, 1])
    assert same and "| 0 | 2 of 2 | 1 of 1 | - | - | response_length@hard |" in text


def test_one_value_off_in_its_last_bit_is_a_difference_and_the_command_exits_1(runs, capsys):
    path = RunLayout(runs / "b").metrics_json("new", 1)
    data = json.loads(path.read_text())
    data["curves"]["repetition_ratio"]["value"][1] = math.nextafter(0.2, 1.0)
    path.write_text(json.dumps(data))
    text, same = compare((runs / "a", "old"), (runs / "b", "new"), [0, 1])
    assert not same and "| 1 | 1 of 2 | 1 of 1 | repetition_ratio |" in text
    with pytest.raises(SystemExit) as exc:
        main(["--a", f"{runs / 'a'}:old", "--b", f"{runs / 'b'}:new", "--seeds", "0", "1"])
    assert exc.value.code == 1 and "**no**" in capsys.readouterr().out


def test_a_job_spec_without_a_hash_is_a_clear_error(runs):
    from suite.errors import UserError

    with pytest.raises(UserError, match="RUN_DIR:HASH"):
        main(["--a", str(runs / "a"), "--b", f"{runs / 'b'}:new"])
