"""The paper's named reward settings, as data.

Experiments and recipes refer to these by name; the reward functions in `suite.rewards` take their fields as keyword
arguments (`cosine_reward(..., **setting.kwargs())`). Values: paper §4.2, App. C and Tables 7-15, and the
official run scripts (eddycmu/demystify-long-cot @ e90cf9b, `openrlhf/scripts/section_*`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class CosineRewardSetting:
    """Cosine length-scaled outcome reward (paper §4.2, eq. 1). `r0_*` is the reward at length 0, `rL_*` at max_len."""

    name: str
    r0_correct: float = 2.0
    rL_correct: float = 1.0
    r0_wrong: float = -10.0
    rL_wrong: float = 0.0
    exceed_penalty: float | None = -10.0
    margin: int = 16  # official MAX_LEN_MARGIN: exceed fires when gen_len + 16 >= max_len

    def kwargs(self) -> dict:
        d = asdict(self)
        d.pop("name")
        return d


@dataclass(frozen=True)
class ClassicRewardSetting:
    """Classic 1/0 outcome reward. `exceed_penalty=None` means *no length check at all* (the official ClassicSparseReward
    only checks length when exceed_length is not None); the paper's scripts pass exceed 0, so truncated answers get 0."""

    name: str
    correct_reward: float = 1.0
    wrong_reward: float = 0.0
    exceed_penalty: float | None = 0.0
    margin: int = 16

    def kwargs(self) -> dict:
        d = asdict(self)
        d.pop("name")
        return d


@dataclass(frozen=True)
class FormatRewardSetting:
    """SimpleRL-style reward used for direct RL from the base model (paper §6, Table 15): correct / wrong / no answer."""

    name: str
    correct_reward: float = 1.0
    wrong_reward: float = -0.5
    no_answer_reward: float = -1.0

    def kwargs(self) -> dict:
        d = asdict(self)
        d.pop("name")
        return d


@dataclass(frozen=True)
class RepetitionPenaltySetting:
    """Dense N-gram repetition penalty (App. C.2, Algorithm 1): P on every token of a repeated N-gram occurrence."""

    name: str
    ngram_size: int = 40
    penalty: float = -0.05

    def kwargs(self) -> dict:
        return {"ngram_size": self.ngram_size, "penalty": self.penalty}


@dataclass(frozen=True)
class RewardSpec:
    """What an RL arm is rewarded with: one outcome reward, an optional dense repetition penalty, and one discount
    factor per reward channel (gammas[0] for the outcome channel, gammas[1] for the repetition channel)."""

    outcome: CosineRewardSetting | ClassicRewardSetting | FormatRewardSetting
    repetition: RepetitionPenaltySetting | None = None
    gammas: tuple[float, ...] = (1.0,)

    def __post_init__(self):
        channels = 1 + (self.repetition is not None)
        if len(self.gammas) != channels:
            # Mirrors the official fork's check that the number of gammas equals the number of reward URLs.
            raise ValueError(f"RewardSpec has {channels} reward channel(s) but {len(self.gammas)} gamma(s): {self.gammas}")
        for g in self.gammas:
            if not 0.0 <= g <= 1.0:
                raise ValueError(f"gamma must be in [0, 1], got {g}")

    @property
    def name(self) -> str:
        parts = [self.outcome.name] + ([self.repetition.name] if self.repetition else [])
        return "+".join(parts) + "@" + ",".join(f"{g:g}" for g in self.gammas)


# --- Outcome rewards -------------------------------------------------------------------------------------------------

#: Classic reward as the scripts ran it (`math_rule`): correct 1, wrong 0, exceed 0 (Tables 8, 9).
CLASSIC = ClassicRewardSetting("classic")

#: Default cosine reward (Tables 7, 9, 11-14): r0c=+2, rLc=+1, r0w=-10, rLw=0, re=-10.
COSINE_DEFAULT = CosineRewardSetting("cosine")

#: Table 10 cosine variants (Takeaway 4.3). A rewards longer correct answers more (r0c < rLc).
COSINE_A = CosineRewardSetting("cosine-A", r0_correct=0.0, rL_correct=10.0, r0_wrong=0.0, rL_wrong=0.0)
COSINE_B = CosineRewardSetting("cosine-B", r0_correct=6.0, rL_correct=5.0, r0_wrong=-10.0, rL_wrong=0.0)
COSINE_C = CosineRewardSetting("cosine-C", r0_correct=10.0, rL_correct=9.0, r0_wrong=-10.0, rL_wrong=0.0)

#: §6 / Table 15 direct RL from the base model: correct +1, wrong -0.5, no answer -1.
SIMPLERL_FORMAT = FormatRewardSetting("simplerl-format")

# --- Repetition penalty ------------------------------------------------------------------------------------------------

#: N = 40 tokens, P = -0.05 (all scripts that use `math_rule_repetition_dense`).
REPETITION_DEFAULT = RepetitionPenaltySetting("repetition")

# --- Discount factors -------------------------------------------------------------------------------------------------

#: Default (gamma_correctness, gamma_repetition) = (1, 0.99) (§4.6).
DEFAULT_GAMMAS: tuple[float, float] = (1.0, 0.99)

#: The paper's generation limit (Tables 7-14: 14,336 new tokens), the horizon its discount factors were chosen for.
PAPER_MAX_LEN = 14336


def rescale_gamma(gamma: float, max_len: int, paper_max_len: int = PAPER_MAX_LEN) -> float:
    """The discount factor that decays over `max_len` tokens as `gamma` does over the paper's limit:
    gamma ** (paper_max_len / max_len). E.g. 0.99 over 14,336 tokens -> 0.406 over 160 (what is left of a penalty after
    the same *fraction* of the response is the same); 1.0 stays 1.0."""
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    return gamma ** (paper_max_len / max_len)


#: Table 13 / Table 5 (gamma_c, gamma_p) pairs, keyed by the official script suffix.
GAMMA_PAIRS: dict[str, tuple[float, float]] = {
    "100_100": (1.0, 1.0),
    "100_999": (1.0, 0.999),
    "100_99": (1.0, 0.99),
    "999_999": (0.999, 0.999),
    "999_99": (0.999, 0.99),
    "99_99": (0.99, 0.99),
}

# --- Named reward specs used by the recipes ---------------------------------------------------------------------------

SPEC_CLASSIC = RewardSpec(CLASSIC)
SPEC_COSINE = RewardSpec(COSINE_DEFAULT)
SPEC_COSINE_REP = RewardSpec(COSINE_DEFAULT, REPETITION_DEFAULT, DEFAULT_GAMMAS)

ALL_SETTINGS = {
    s.name: s
    for s in (CLASSIC, COSINE_DEFAULT, COSINE_A, COSINE_B, COSINE_C, SIMPLERL_FORMAT, REPETITION_DEFAULT)
}
