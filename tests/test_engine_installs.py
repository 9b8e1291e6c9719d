"""The suite installed beside a distributed engine (`pip install -e '.[verl]'`): the engine's trainer entry point
imports, and the suite's reward file loads through the engine's own loader and gives the suite's rewards.

Skipped where the engine is not installed (the default test install has none: verl pins numpy < 2). OpenRLHF >= 0.10.2
cannot be installed on a CPU machine at all (it requires flash-attn, which builds only with CUDA), so it has no test
here; `longcot export` checks its launch flags against its option lists instead (tests/suite/test_export.py).
"""

from __future__ import annotations

import importlib.util

import pytest

HAS_VERL = importlib.util.find_spec("verl") is not None


@pytest.mark.skipif(not HAS_VERL, reason="verl not installed (pip install -e '.[verl]')")
def test_verls_trainer_imports_beside_the_suite():
    import verl.trainer.main_ppo  # noqa: F401  (failed with the antlr4 extra: hydra-core pins antlr4 4.9.3)

    import suite.verify
    assert suite.verify.get_grader("symbolic")(r"so the answer is \boxed{\frac{1}{2}}", "0.5")
    # the rest of grading under verl's antlr4 4.9.3: tox -e engines runs tests/suite/verify there too (one public
    # math-verify case, a percentage, flips under 4.9.3: docs/rewards.md)


@pytest.mark.skipif(not HAS_VERL, reason="verl not installed (pip install -e '.[verl]')")
def test_the_reward_file_loads_through_verls_own_loader_and_pays_the_suites_reward():
    from omegaconf import OmegaConf
    from verl.trainer.ppo.reward import get_custom_reward_fn

    import suite.rewards.adapters.verl as adapter
    from suite.rewards import outcome

    config = OmegaConf.create({"reward": {"custom_reward_function": {
        "path": adapter.__file__, "name": "compute_score",
        "reward_kwargs": {"max_len": 1000, "setting": "cosine"}}}})
    fn = get_custom_reward_fn(config)
    right = fn("math", r"... so \boxed{42}", "42", {"response_length": 250})
    wrong = fn("math", r"... so \boxed{41}", "42", {"response_length": 250})
    assert right["acc"] == 1.0 and wrong["acc"] == 0.0
    assert right["score"] == pytest.approx(outcome.cosine_reward(250, 1000, True))
    assert wrong["score"] == pytest.approx(outcome.cosine_reward(250, 1000, False))


@pytest.mark.skipif(not HAS_VERL, reason="verl not installed (pip install -e '.[verl]')")
def test_every_exported_verl_launch_composes_with_verls_own_config():
    """`longcot export --engine verl` overrides, composed by Hydra against the installed verl's ppo_trainer config:
    an unknown key or a value of the wrong kind fails here, not on a cluster."""
    from suite.export import verl
    from suite.recipes.paper import PaperRLRecipe
    from suite.registry import discover
    from suite.rewards.settings import FormatRewardSetting

    recipes = [r for e in discover().values() if "paper" in e.scales for r in e.scales["paper"].recipes.values()
               if isinstance(r, PaperRLRecipe) and not isinstance(r.reward.outcome, FormatRewardSetting)]
    assert len(recipes) >= 20
    for r in recipes:
        verl.compose_with_verl(verl.verl_overrides(r))
    with pytest.raises(Exception, match="gama"):
        verl.compose_with_verl(["algorithm.gama=1"])
