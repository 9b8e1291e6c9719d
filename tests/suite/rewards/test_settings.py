"""The paper's named reward settings (§4.2, App. C, Tables 7-15; the official run scripts, docs/rewards.md)."""

import pytest

from suite.rewards import classic_reward, cosine_reward, dense_repetition_penalty
from suite.rewards import settings as s


def test_default_cosine_has_the_papers_values():
    assert (s.COSINE_DEFAULT.r0_correct, s.COSINE_DEFAULT.rL_correct) == (2.0, 1.0)
    assert (s.COSINE_DEFAULT.r0_wrong, s.COSINE_DEFAULT.rL_wrong) == (-10.0, 0.0)
    assert (s.COSINE_DEFAULT.exceed_penalty, s.COSINE_DEFAULT.margin) == (-10.0, 16)


@pytest.mark.parametrize(
    "setting, r0c, rLc",
    [(s.COSINE_A, 0.0, 10.0), (s.COSINE_B, 6.0, 5.0), (s.COSINE_C, 10.0, 9.0)],
)
def test_table_10_rewards_map_the_official_cli_values(setting, r0c, rLc):
    # Scripts: A min_correct 10 / max_correct 0, B 5/6, C 9/10; max_correct is r0c, min_correct is rLc.
    assert (setting.r0_correct, setting.rL_correct) == (r0c, rLc)


def test_reward_a_pays_zero_for_every_wrong_answer():
    assert (s.COSINE_A.r0_wrong, s.COSINE_A.rL_wrong) == (0.0, 0.0)


def test_classic_setting_is_the_scripts_one_zero_with_exceed_zero():
    assert (s.CLASSIC.correct_reward, s.CLASSIC.wrong_reward, s.CLASSIC.exceed_penalty) == (1.0, 0.0, 0.0)


def test_repetition_default_is_n_40_p_minus_0_05():
    assert (s.REPETITION_DEFAULT.ngram_size, s.REPETITION_DEFAULT.penalty) == (40, -0.05)


def test_table_13_gamma_pairs_and_the_default_pair():
    assert s.GAMMA_PAIRS == {
        "100_100": (1.0, 1.0),
        "100_999": (1.0, 0.999),
        "100_99": (1.0, 0.99),
        "999_999": (0.999, 0.999),
        "999_99": (0.999, 0.99),
        "99_99": (0.99, 0.99),
    }
    assert s.DEFAULT_GAMMAS == (1.0, 0.99)


def test_setting_kwargs_drive_the_reward_functions():
    assert cosine_reward(7168, 14336, True, **s.COSINE_B.kwargs()) == pytest.approx(5.5)
    assert classic_reward(14336, 14336, True, **s.CLASSIC.kwargs()) == 0.0
    assert dense_repetition_penalty(list(range(40)) * 2, **s.REPETITION_DEFAULT.kwargs()).sum() == pytest.approx(-2.0)


def test_reward_spec_needs_one_gamma_per_channel():
    with pytest.raises(ValueError, match="gamma"):
        s.RewardSpec(s.COSINE_DEFAULT, s.REPETITION_DEFAULT, (1.0,))
    with pytest.raises(ValueError):
        s.RewardSpec(s.COSINE_DEFAULT, None, (1.5,))


def test_cosine_rep_spec_is_named_after_its_parts():
    assert s.SPEC_COSINE_REP.name == "cosine+repetition@1,0.99"


def test_all_settings_are_found_by_name():
    assert {"classic", "cosine", "cosine-A", "cosine-B", "cosine-C", "simplerl-format", "repetition"} == set(
        s.ALL_SETTINGS
    )
