"""Outcome rewards: one scalar per completion, paid once at its last token (paper §4.2, App. C.1).

Every function here mirrors the official implementation (eddycmu/demystify-long-cot, `openrlhf/openrlhf/reward/`);
docs/rewards.md ("The official code") restates what it does. Lengths are **generated tokens of the policy's
tokenizer, EOS included** (`action_mask.sum()` in the official code), never characters, and `max_len` is the
*generation* budget (14336 for the paper's "16K" runs), not the context size.
"""

from __future__ import annotations

import math

import numpy as np
import torch

__all__ = ["cosine_reward", "cosine_reward_batch", "classic_reward", "format_reward"]


def _exceeds(gen_len, max_len, margin):
    # Official MAX_LEN_MARGIN: the margin is added *before* comparing "to ensure there are no off-by-one mistakes", so
    # a truncated rollout (gen_len ~= max_len, with or without the EOS the engine writes in) always hits this branch.
    return gen_len + margin >= max_len


def _check_common(max_len: int, margin: int) -> None:
    if max_len <= 0:
        raise ValueError(f"max_len must be positive, got {max_len}")
    if margin < 0:
        raise ValueError(f"margin must be >= 0, got {margin}")


def cosine_reward(
    gen_len: int,
    max_len: int,
    correct: bool,
    *,
    r0_correct: float = 2.0,
    rL_correct: float = 1.0,
    r0_wrong: float = -10.0,
    rL_wrong: float = 0.0,
    exceed_penalty: float | None = -10.0,
    margin: int = 16,
) -> float:
    r"""Cosine length-scaled reward (paper §4.2, App. C.1 eq. 1; defaults from Tables 7, 9, 11-14).

    .. math::
        R(C, L) = \begin{cases} r_e & L + \text{margin} \ge L_{max} \\
                                r_L + \tfrac12 (r_0 - r_L)\,(1 + \cos(\pi L / L_{max})) & \text{otherwise} \end{cases}

    with :math:`(r_0, r_L) = (r_0^c, r_L^c)` if ``correct`` else :math:`(r_0^w, r_L^w)`. So the reward is ``r0_*`` at
    length 0 and tends to ``rL_*`` at ``max_len`` (the paper's eq. 1 taken literally swaps the two; the code and
    Fig. 3/9 fix the meaning used here; docs/rewards.md).

    - The exceed branch fires for correct **and** wrong answers, at ``gen_len + margin >= max_len`` (official
      ``cosine.py`` line 70, ``MAX_LEN_MARGIN = 16``).
    - ``exceed_penalty=None`` means an exceed reward of 0 (the official code's ``None -> 0``); it does *not* switch the
      length check off. Contrast :func:`classic_reward`.
    - As in the official constructor, positive wrong-answer rewards are rejected: a wrong answer must never pay.
    - The official optional sparse repetition term (``--math_rule_common_repetition_max_penalty``, default 0, unused
      by every script) is not folded in; use :func:`suite.rewards.sparse_repetition_penalty` if you want it.

    Args:
        gen_len: generated tokens, EOS included.
        max_len: generation budget (``generate_max_len``), e.g. 14336.
        correct: the grader's verdict.

    >>> round(cosine_reward(0, 14336, True), 3), round(cosine_reward(7168, 14336, True), 3)
    (2.0, 1.5)
    >>> round(cosine_reward(3584, 14336, False), 2), cosine_reward(14320, 14336, True)
    (-8.54, -10.0)
    """
    _check_common(max_len, margin)
    if r0_wrong > 0 or rL_wrong > 0:
        raise ValueError(f"wrong-answer rewards must be <= 0 (as in the official code), got {r0_wrong}, {rL_wrong}")
    if gen_len < 0:
        raise ValueError(f"gen_len must be >= 0, got {gen_len}")
    if _exceeds(gen_len, max_len, margin):
        return 0.0 if exceed_penalty is None else float(exceed_penalty)
    r0, rL = (r0_correct, rL_correct) if correct else (r0_wrong, rL_wrong)
    # Same operation order as the official lines 90-92 (min_value = rL, max_value = r0), so values match bit for bit.
    # progress < 1 here because margin >= 0 and the exceed branch caught gen_len >= max_len: no clamp is needed,
    # and none would be wanted (the cosine is periodic and would start paying long outputs again past max_len).
    progress = gen_len / max_len
    return float(rL + 0.5 * (r0 - rL) * (1.0 + math.cos(progress * math.pi)))


def cosine_reward_batch(
    gen_lens,
    max_len: int,
    correct,
    *,
    r0_correct: float = 2.0,
    rL_correct: float = 1.0,
    r0_wrong: float = -10.0,
    rL_wrong: float = 0.0,
    exceed_penalty: float | None = -10.0,
    margin: int = 16,
):
    """Vectorised :func:`cosine_reward` over a batch: ``gen_lens`` and ``correct`` of shape (B,).

    Returns a ``torch.Tensor`` (float64, on ``gen_lens``' device) when ``gen_lens`` is a tensor, else a float64
    ``numpy.ndarray``. Equal to the scalar form up to the last ulp of ``cos`` (numpy/torch may use a different libm).

    >>> cosine_reward_batch(np.array([0, 7168, 14320]), 14336, np.array([True, False, False])).round(3).tolist()
    [2.0, -5.0, -10.0]
    """
    _check_common(max_len, margin)
    if r0_wrong > 0 or rL_wrong > 0:
        raise ValueError(f"wrong-answer rewards must be <= 0 (as in the official code), got {r0_wrong}, {rL_wrong}")
    exceed = 0.0 if exceed_penalty is None else float(exceed_penalty)
    if isinstance(gen_lens, torch.Tensor):
        lens = gen_lens.to(torch.float64)
        ok = torch.as_tensor(correct, device=lens.device).bool()
        f64 = dict(dtype=torch.float64, device=lens.device)
        # Tensors, not Python scalars: torch.where on scalars would round the settings to float32.
        r0 = torch.where(ok, torch.tensor(r0_correct, **f64), torch.tensor(r0_wrong, **f64))
        rL = torch.where(ok, torch.tensor(rL_correct, **f64), torch.tensor(rL_wrong, **f64))
        value = rL + 0.5 * (r0 - rL) * (1.0 + torch.cos(lens / max_len * math.pi))
        return torch.where(_exceeds(lens, max_len, margin), torch.full_like(value, exceed), value)
    lens = np.asarray(gen_lens, dtype=np.float64)
    ok = np.asarray(correct, dtype=bool)
    r0 = np.where(ok, r0_correct, r0_wrong)
    rL = np.where(ok, rL_correct, rL_wrong)
    value = rL + 0.5 * (r0 - rL) * (1.0 + np.cos(lens / max_len * math.pi))
    return np.where(_exceeds(lens, max_len, margin), exceed, value)


def classic_reward(
    gen_len: int,
    max_len: int,
    correct: bool,
    *,
    correct_reward: float = 1.0,
    wrong_reward: float = 0.0,
    exceed_penalty: float | None = None,
    margin: int = 16,
) -> float:
    """Classic outcome reward (paper §4.1-4.2: "a simple reward of 1 for correct answers"; official ``classic.py``).

    ``correct_reward`` if correct else ``wrong_reward``; but when ``exceed_penalty`` is not None and
    ``gen_len + margin >= max_len``, the reward is ``exceed_penalty`` instead.

    - ``exceed_penalty=None`` means **no length check at all** (official ``ClassicSparseReward``): a truncated but
      correct answer still gets ``correct_reward``. This differs from :func:`cosine_reward`, where None means an
      exceed reward of 0. The paper's scripts pass ``exceed 0`` (``settings.CLASSIC``), so truncated answers get 0.

    >>> classic_reward(14320, 14336, True), classic_reward(14320, 14336, True, exceed_penalty=0.0)
    (1.0, 0.0)
    >>> classic_reward(100, 14336, False)
    0.0
    """
    _check_common(max_len, margin)
    if exceed_penalty is not None and _exceeds(gen_len, max_len, margin):
        return float(exceed_penalty)
    return float(correct_reward if correct else wrong_reward)


def format_reward(
    answered: bool,
    correct: bool,
    *,
    correct_reward: float = 1.0,
    wrong_reward: float = -0.5,
    no_answer_reward: float = -1.0,
) -> float:
    """SimpleRL-style reward for direct RL from the base model (paper §6, Table 15; ``settings.SIMPLERL_FORMAT``).

    ``no_answer_reward`` when no final answer could be extracted (``answered`` False, whatever ``correct`` says),
    else ``correct_reward`` / ``wrong_reward``. No length term: §6 trains with a 3072-token budget and no exceed
    penalty.

    >>> format_reward(True, True), format_reward(True, False), format_reward(False, False)
    (1.0, -0.5, -1.0)
    """
    if not answered:
        return float(no_answer_reward)
    return float(correct_reward if correct else wrong_reward)
