import math

import pytest

from suite.errors import UserError
from suite.eval.paper_tables import all_rows, compare
from suite.eval.presets import get_preset


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
    # the stored tolerance of that cell (Bernoulli, 500 x 4 on each side, z = 1.96) is about 3.09 points
    assert row["tolerance"] == pytest.approx(1.96 * math.sqrt(2 * 0.541 * 0.459 / 2000) * 100, rel=1e-3)
    assert row["within_tolerance"] is False


def test_an_unknown_row_is_a_user_error_listing_the_rows():
    with pytest.raises(UserError, match="table1:sft_emergent"):
        compare({"benchmarks": {}}, "table9:x")
