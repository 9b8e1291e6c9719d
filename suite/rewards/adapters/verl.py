"""verl custom reward file: the paper's sequence-level cosine (or classic) reward as ``compute_score``.

Point verl at this file (docs/rewards.md)::

    custom_reward_function.path=$(python -c "import suite.rewards.adapters.verl as m; print(m.__file__)")
    custom_reward_function.name=compute_score
    +custom_reward_function.reward_kwargs.max_len=14336
    +custom_reward_function.reward_kwargs.tokenizer=/path/to/policy/tokenizer

verl loads the file by path, so it imports only absolute ``suite.*`` names (``suite`` must be installed where the
reward runs). Keyword arguments come from ``custom_reward_function.reward_kwargs``.

Length: verl's reward managers hand over decoded text, not token ids, so the length is recounted with the policy's
tokenizer (:func:`suite.rewards.adapters.common.token_length`), unless the caller supplies it as ``gen_len`` or in
``extra_info["response_length"]``. Never characters: that is the re-implementation bug this suite exists to avoid.

Limitation: verl's default (naive) reward manager is sequence-level: it puts one score at the last response token.
The paper's dense repetition penalty gives every token its own reward and needs a token-level reward manager that
writes a (B, T) reward tensor (e.g. from :func:`suite.rewards.dense_repetition_penalty_batch`); per-channel discounts
(gamma_c = 1, gamma_p = 0.99) exist only in the paper's OpenRLHF fork, not in verl's advantage estimators.

Missing gold: a ``ground_truth`` that is None, NaN, empty or whitespace-only is not graded (``str(None)`` would be the
answer ``"None"``): the sample scores 0.0 and a ``RuntimeWarning`` names its ``data_source`` and
``extra_info["index"]``.
"""

from __future__ import annotations

import warnings

from suite.rewards.adapters.common import (
    Grader,
    missing_gold,
    outcome_reward,
    resolve_grader,
    resolve_outcome,
    token_length,
)

__all__ = ["compute_score"]


def compute_score(
    data_source,
    solution_str: str,
    ground_truth: str,
    extra_info: dict | None = None,
    *,
    max_len: int | None = None,
    setting: str = "cosine",
    tokenizer=None,
    gen_len: int | None = None,
    grader: Grader | str | None = None,
    **kwargs,
) -> float:
    """Outcome reward of one response (verl's ``compute_score`` contract; extra keyword arguments are ignored).

    Args:
        data_source, solution_str, ground_truth, extra_info: as verl passes them (response text only, decoded).
        max_len: the generation budget, verl's ``data.max_response_length`` (the paper's 14336); also read from
            ``extra_info["max_len"]``.
        setting: name of a cosine or classic setting in ``settings.ALL_SETTINGS`` ("cosine", "cosine-A", "classic").
        tokenizer: the policy tokenizer, or its name/path, to count tokens.
        gen_len: the response length in tokens, if known (wins over ``extra_info["response_length"]`` and tokenizer).
        grader: ``grader(text, gold) -> bool`` or ``"module:function"``; default
            :func:`suite.rewards.adapters.common.default_grader`.

    A missing ``ground_truth`` (None, NaN, empty, whitespace) scores 0.0 with a warning (module docstring).

    >>> compute_score("math", r"... \\boxed{4}", "4", {"response_length": 7168}, max_len=14336)
    1.5
    """
    info = extra_info or {}
    max_len = max_len if max_len is not None else info.get("max_len")
    if max_len is None:
        raise ValueError("compute_score needs max_len: set custom_reward_function.reward_kwargs.max_len")
    if gen_len is None:
        gen_len = info.get("response_length")
    if gen_len is None:
        if tokenizer is None:
            raise ValueError(
                "compute_score needs the length in tokens: set custom_reward_function.reward_kwargs.tokenizer to the "
                "policy tokenizer's path (or pass extra_info['response_length'])"
            )
        gen_len = token_length(solution_str, tokenizer)
    if missing_gold(ground_truth):  # never graded as the string "None" (module docstring)
        warnings.warn(f"verl compute_score: missing gold answer in 'ground_truth' ({ground_truth!r}) for the sample "
                      f"with data_source={data_source!r}, extra_info['index']={info.get('index')!r}; scored 0, "
                      "not graded", RuntimeWarning, stacklevel=2)
        return 0.0
    correct = bool(resolve_grader(grader)(solution_str, str(ground_truth)))
    return outcome_reward(resolve_outcome(setting), int(gen_len), int(max_len), correct)
