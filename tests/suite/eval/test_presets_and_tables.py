import json
import math
from pathlib import Path

import pytest

from suite.errors import UserError
from suite.eval.paper_tables import all_rows, compare, paper_row, row_index
from suite.eval.presets import get_preset
from suite.experiment import Arm, Claim, Experiment
from suite.metrics.names import BENCHMARKS, benchmark_accuracy
from suite.references import default_root, load_reference, reference_path

ROOT = Path(__file__).resolve().parents[3]

#: The row index as suite/eval/paper_tables.py hard-coded it before the rows moved into the experiments:
#: table row -> (finding whose paper reference holds it, arm).
ROWS_BEFORE_THE_MOVE = {
    "table1:sft_constructed": ("takeaway-3.3", "constructed_sft"),
    "table1:sft_emergent": ("takeaway-3.3", "emergent_sft"),
    "table1:sft_rl_constructed": ("takeaway-3.3", "constructed_sft_rl"),
    "table1:sft_rl_emergent": ("takeaway-3.3", "emergent_sft_rl"),
    "table2:math_sft": ("takeaway-5.1", "math_sft"),
    "table2:math_sft_rl": ("takeaway-5.1", "math_sft_rl"),
    "table2:webit_sft": ("takeaway-5.1", "webit_sft"),
    "table2:webit_sft_rl": ("takeaway-5.1", "webit_sft_rl"),
    "table2:mix_sft": ("takeaway-5.1", "mix_sft"),
    "table2:mix_sft_rl": ("takeaway-5.1", "mix_sft_rl"),
    "table3:math_baseline": ("takeaway-5.1", "math_sft_rl"),
    "table3:sft_init": ("takeaway-5.2", "sft_init"),
    "table3:unfiltered_rule": ("takeaway-5.2", "unfiltered_rule"),
    "table3:unfiltered_model": ("takeaway-5.2", "unfiltered_model"),
    "table3:filtered_rule": ("takeaway-5.2", "filtered_rule"),
    "table3:filtered_model": ("takeaway-5.2", "filtered_model"),
    "table4:base": ("section-6", "base"),
    "table4:direct_rl": ("section-6", "direct_rl"),
    "table4:sft": ("section-6", "sft"),
    "table4:sft_rl": ("section-6", "sft_rl"),
    "table5:sft_start": ("takeaway-4.6", "sft"),
    "table5:gamma_100_100": ("takeaway-4.6", "gamma_100_100"),
    "table5:gamma_100_999": ("takeaway-4.6", "gamma_100_999"),
    "table5:gamma_100_99": ("takeaway-4.6", "gamma_100_99"),
    "table5:gamma_999_999": ("takeaway-4.6", "gamma_999_999"),
    "table5:gamma_999_99": ("takeaway-4.6", "gamma_999_99"),
    "table5:gamma_99_99": ("takeaway-4.6", "gamma_99_99"),
}


def test_the_paper_preset_is_the_protocol_of_section_2_5():
    p = get_preset("paper")
    assert (p.temperature, p.top_p, p.max_new_tokens) == (0.7, 0.95, 16384)
    assert len(p.seeds) >= 4
    assert p.samples_for("aime24") == 16 and p.samples_for("math500") == 1


def test_the_greedy_preset_is_the_table_4_base_model_protocol():
    p = get_preset("greedy_4k")
    assert (p.temperature, p.max_new_tokens) == (0.0, 4096)


def test_overrides_replace_only_what_they_name():
    p = get_preset("paper", max_new_tokens=128, seeds=(7,))
    assert (p.max_new_tokens, p.seeds, p.temperature) == (128, (7,), 0.7)


def test_an_unknown_preset_is_a_user_error():
    with pytest.raises(UserError, match="known presets"):
        get_preset("fast")


def test_table_rows_hold_the_papers_numbers():
    PAPER_TABLES = all_rows()
    assert PAPER_TABLES["table1:sft_emergent"] == {
        "math500": 54.1, "aime24": 3.5, "theoremqa": 21.8, "mmlu_pro_1k": 32.0}
    assert PAPER_TABLES["table4:base"]["mmlu_pro_1k"] == 2.4
    assert PAPER_TABLES["table5:gamma_100_99"]["math500"] == 57.8
    assert len(PAPER_TABLES) == 27


def test_compare_gives_the_difference_and_a_binomial_standard_error():
    summary = {"benchmarks": {"math500": {"accuracy": 0.6, "n_problems": 500, "n_samples_per_problem": 4}}}
    row = compare(summary, "table1:sft_emergent")["math500"]
    se = 100 * math.sqrt(0.6 * 0.4 / 2000)  # 1.0954
    assert row["ours"] == pytest.approx(60.0) and row["paper"] == 54.1
    assert row["diff"] == pytest.approx(5.9) and row["se"] == pytest.approx(se)
    assert row["z"] == pytest.approx(5.9 / se)
    # the band is the stored one of that cell (run - table, in points), read from the reference, not recomputed here
    ref = load_reference(reference_path(default_root(), "paper", "takeaway-3.3"))
    low, high = ref.tolerance("emergent_sft", "accuracy/math500").interval
    assert row["band"] == pytest.approx([100 * low, 100 * high]) and row["band_covers"]
    assert row["within_tolerance"] is (100 * low <= 5.9 <= 100 * high) is False


def test_an_unknown_row_is_a_user_error_listing_the_rows():
    with pytest.raises(UserError, match="table1:sft_emergent"):
        compare({"benchmarks": {}}, "table9:x")


def test_every_row_of_the_old_hard_coded_list_resolves_to_the_same_cells_in_the_same_order():
    assert list(all_rows()) == list(ROWS_BEFORE_THE_MOVE)
    for key, (exp_id, arm) in ROWS_BEFORE_THE_MOVE.items():
        # read the cells straight from the reference file, not through paper_tables
        data = json.loads((ROOT / "reference_results" / "paper" / f"{exp_id}.json").read_text())
        scalars = data["arms"][arm]["scalars"]
        expected = {b: 100 * scalars[benchmark_accuracy(b)]["mean"] for b in BENCHMARKS}
        assert paper_row(key) == pytest.approx(expected, abs=1e-9), key
        tolerances = {b: c["tolerance"] for b, c in compare(_summary_at(expected), key).items()}
        assert tolerances == pytest.approx(
            {b: 100 * scalars[benchmark_accuracy(b)]["tolerance"]["abs"] for b in BENCHMARKS}, abs=1e-6), key


def _summary_at(percent):
    return {"benchmarks": {b: {"accuracy": v / 100, "n_problems": 100, "n_samples_per_problem": 1}
                           for b, v in percent.items()}}


def _experiment(exp_id, rows):
    return Experiment(id=exp_id, title="t", claim=Claim("c", "§0", "Table 0"), arms=(Arm("a", "arm a"),),
                      metrics=(), scales={}, table_rows=rows)


def test_a_row_declared_by_two_experiments_is_a_user_error_naming_both():
    one, two = _experiment("study-one", {"table9:x": "a"}), _experiment("study-two", {"table9:x": "a"})
    with pytest.raises(UserError, match="'table9:x' is declared by both 'study-one' and 'study-two'"):
        row_index({e.id: e for e in (one, two)})


def test_rows_are_indexed_by_table_then_in_declaration_order():
    one = _experiment("study-one", {"table2:b": "a", "table10:z": "a", "table2:a": "a"})
    two = _experiment("study-two", {"table1:y": "a"})
    assert list(row_index({e.id: e for e in (one, two)})) == ["table1:y", "table2:b", "table2:a", "table10:z"]


@pytest.mark.parametrize("rows, message", [
    ({"Table1:x": "a"}, "must look like 'table<N>:<row>'"),
    ({"table1": "a"}, "must look like 'table<N>:<row>'"),
    ({"table1:x": "b"}, "names arm 'b', which is not declared"),
])
def test_a_malformed_table_row_is_a_user_error_at_declaration(rows, message):
    with pytest.raises(UserError, match=message) as e:
        _experiment("study-one", rows)
    assert "experiment 'study-one', table_rows" in str(e.value)
