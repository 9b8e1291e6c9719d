import math

from suite.metrics.length import exceed_rate, exceeded, length_summary


def test_exceed_uses_the_official_margin_of_sixteen_tokens():
    # 4080 + 16 = 4096 >= 4096 exceeds; 4079 + 16 = 4095 does not
    assert list(exceeded([4079, 4080, 4096], max_len=4096)) == [False, True, True]
    assert exceed_rate([100, 4080, 4096, 10], max_len=4096) == 0.5


def test_the_margin_can_be_set_to_zero():
    assert exceed_rate([4095, 4096], max_len=4096, margin=0) == 0.5


def test_length_summary_splits_correct_and_wrong_answers():
    summary = length_summary([10, 20, 60, 30], [True, False, True, False])
    assert summary["all"] == {"mean": 30.0, "median": 25.0, "n": 4}
    assert summary["correct"] == {"mean": 35.0, "median": 35.0, "n": 2}
    assert summary["wrong"] == {"mean": 25.0, "median": 25.0, "n": 2}


def test_an_empty_group_has_nan_statistics():
    summary = length_summary([10], [True])
    assert summary["wrong"]["n"] == 0 and math.isnan(summary["wrong"]["mean"])
    assert math.isnan(exceed_rate([], max_len=10))
