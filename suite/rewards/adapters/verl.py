"""verl custom reward file: the paper's sequence-level cosine (or classic) reward as ``compute_score``.

Point verl at this file (docs/rewards.md)::

    custom_reward_function.path=$(python -c "import suite.rewards.adapters.verl as m; print(m.__file__)")
    custom_reward_function.name=compute_score
    +custom_reward_function.reward_kwargs.max_len=14336
    +custom_reward_function.reward_kwargs.tokenizer=/path/to/policy/tokenizer

verl loads the file by path, so it imports only absolute ``suite.*`` names (``suite`` must be installed where the
reward runs). Keyword arguments come from ``custom_reward_function.reward_kwargs``; a keyword this function does not
know raises ``TypeError`` (a misspelt ``setting`` would otherwise train with the default reward), except the ones
verl's reward-loop managers add themselves (``reward_router_address``, ``reward_model_tokenizer``), which are ignored.

Result: a dict, which verl's reward managers unpack (``verl/workers/reward_manager/naive.py``): ``"score"`` is the
reward put at the last response token, and every key is collected per sample into ``reward_extra_info`` (logged,
dumped with the generations, and reduced to validation metrics)::

    {"score": reward, "acc": 1.0 or 0.0, "pred": extracted answer or "", "response_length": tokens}

``acc`` is the grader's verdict: verl's validation metrics take ``acc`` as the core metric when a result has one
(``val-core/<data_source>/acc/mean@N``, ``ray_trainer._val_metrics_update``), and otherwise the reward; verl's
reward-loop managers even log a plain float result *as* ``acc``. So a float result made the cosine reward verl's
accuracy. ``pred`` is what ``suite.rewards.adapters.common.predicted_answer`` reads (verl's ``maj@N`` votes on it); correctness is the
grader's. ``return_dict=False`` returns the bare reward float (the behaviour before the dict).

Response only: verl hands over ``solution_str``, the decoded response without the prompt, so a boxed example in the
prompt can never be graded here (unlike OpenRLHF, whose query holds the prompt too). Nothing else (``extra_info``
included) is graded.

Length: verl's reward managers hand over decoded text, not token ids, so the length is recounted with the policy's
tokenizer (:func:`suite.rewards.adapters.common.token_length`), unless the caller supplies it as ``gen_len`` or in
``extra_info["response_length"]``. Never characters: that is the re-implementation bug this suite exists to avoid.

Limitation: verl's default (naive) reward manager is sequence-level: it puts one score at the last response token.
The paper's dense repetition penalty gives every token its own reward and needs a token-level reward manager that
writes a (B, T) reward tensor (e.g. from :func:`suite.rewards.dense_repetition_penalty_batch`); per-channel discounts
(gamma_c = 1, gamma_p = 0.99) exist only in the paper's OpenRLHF fork, not in verl's advantage estimators.

Missing gold: a ``ground_truth`` that is None, NaN, empty or whitespace-only is not graded (``str(None)`` would be the
answer ``"None"``): the sample scores 0.0 (``acc`` 0.0) and a ``RuntimeWarning`` names its ``data_source`` and
``extra_info["index"]``.

Errors are never scores: a missing or invalid ``max_len``, ``gen_len`` or response length, an unknown setting name, a
grader path or tokenizer path that does not load, and a grader that raises or returns a non-boolean all raise
(``ValueError``, ``TypeError``, or :class:`~suite.rewards.adapters.common.GraderError`), the message naming the field
and the sample (``data_source``, ``extra_info["index"]``).
"""

from __future__ import annotations

import numbers
import warnings

from suite.rewards.adapters.common import (
    Grader,
    grade,
    missing_gold,
    outcome_reward,
    predicted_answer,
    resolve_grader,
    resolve_outcome,
    resolve_tokenizer,
    token_length,
)

__all__ = ["compute_score"]

_KWARGS = "custom_reward_function.reward_kwargs"
# Passed by verl's reward-loop managers (verl/experimental/reward_loop/reward_manager/*.py) when a reward router is
# configured; they are for reward-model rewards, not ours.
ENGINE_KWARGS = frozenset({"reward_router_address", "reward_model_tokenizer"})


def _count(value, field: str, where: str, *, positive: bool) -> int:
    """``value`` as an int: an integer (or an integral float) that is positive, or non-negative; else an error naming
    ``field`` and the sample."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, float)) or (
            isinstance(value, float) and not value.is_integer()):
        raise TypeError(f"{where}: {field} must be an integer number of tokens, got {value!r} "
                        f"({type(value).__name__})")
    if value < 1 if positive else value < 0:
        raise ValueError(f"{where}: {field} must be {'positive' if positive else 'non-negative'}, got {value!r}")
    return int(value)


def _configured(resolve, value, field: str, where: str):
    """``resolve(value, field)``, its ValueError/TypeError re-raised with the sample named."""
    try:
        return resolve(value, field)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"{where}: {exc}") from exc


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
    return_dict: bool = True,
    **kwargs,
) -> dict | float:
    """Outcome reward of one response (verl's ``compute_score`` contract), as verl's result dict.

    Args:
        data_source, solution_str, ground_truth, extra_info: as verl passes them (response text only, decoded).
        max_len: the generation budget, verl's ``data.max_response_length`` (the paper's 14336); also read from
            ``extra_info["max_len"]``.
        setting: name of a cosine or classic setting in ``settings.ALL_SETTINGS`` ("cosine", "cosine-A", "classic").
        tokenizer: the policy tokenizer, or its name/path, to count tokens.
        gen_len: the response length in tokens, if known (wins over ``extra_info["response_length"]`` and tokenizer).
        grader: ``grader(text, gold) -> bool`` or ``"module:function"``; default
            :func:`suite.rewards.adapters.common.default_grader`.
        return_dict: False returns the reward as a bare float (verl then logs it as the sample's ``acc`` in its
            reward-loop managers, and as the core validation metric; see the module docstring).

    Returns:
        ``{"score": reward, "acc": 1.0 or 0.0, "pred": extracted answer or "", "response_length": tokens}``; every
        sample has the same keys (verl collects each key into a per-sample list).

    A missing ``ground_truth`` (None, NaN, empty, whitespace) scores 0.0 with a warning (module docstring); every
    other problem raises, naming the field and the sample.

    >>> compute_score("math", r"... \\boxed{4}", "4", {"response_length": 7168}, max_len=14336)
    {'score': 1.5, 'acc': 1.0, 'pred': '4', 'response_length': 7168}
    >>> compute_score("math", r"... \\boxed{5}", "4", {"response_length": 7168}, max_len=14336, return_dict=False)
    -5.0
    """
    info = extra_info or {}
    where = f"verl compute_score (sample data_source={data_source!r}, extra_info['index']={info.get('index')!r})"
    unknown = sorted(set(kwargs) - ENGINE_KWARGS)
    if unknown:
        raise TypeError(f"{where}: unknown keyword argument(s) {unknown} (from {_KWARGS}?); known: max_len, setting, "
                        "tokenizer, gen_len, grader, return_dict")
    if not isinstance(return_dict, bool):
        raise TypeError(f"{where}: {_KWARGS}.return_dict must be true or false, got {return_dict!r}")
    outcome = _configured(resolve_outcome, setting, f"{_KWARGS}.setting", where)
    grade_fn = _configured(resolve_grader, grader, f"{_KWARGS}.grader", where)

    if max_len is not None:
        max_len = _count(max_len, f"{_KWARGS}.max_len", where, positive=True)
    elif info.get("max_len") is not None:
        max_len = _count(info["max_len"], "extra_info['max_len']", where, positive=True)
    else:
        raise ValueError(f"{where}: compute_score needs max_len: set {_KWARGS}.max_len to data.max_response_length")
    _configured(lambda s, f: outcome_reward(s, 0, max_len, False), outcome, f"{_KWARGS}.setting", where)  # its values

    if gen_len is not None:
        gen_len = _count(gen_len, f"{_KWARGS}.gen_len", where, positive=False)
    elif info.get("response_length") is not None:
        gen_len = _count(info["response_length"], "extra_info['response_length']", where, positive=False)
    elif tokenizer is None:
        raise ValueError(
            f"{where}: compute_score needs the length in tokens: set {_KWARGS}.tokenizer to the policy tokenizer's "
            "path (or pass extra_info['response_length'])"
        )
    else:
        gen_len = token_length(solution_str, _configured(resolve_tokenizer, tokenizer, f"{_KWARGS}.tokenizer", where))

    if missing_gold(ground_truth):  # never graded as the string "None" (module docstring)
        warnings.warn(f"verl compute_score: missing gold answer in 'ground_truth' ({ground_truth!r}) for the sample "
                      f"with data_source={data_source!r}, extra_info['index']={info.get('index')!r}; scored 0, "
                      "not graded", RuntimeWarning, stacklevel=2)
        correct, reward = False, 0.0
    else:
        correct = grade(grade_fn, solution_str, ground_truth, f"{where}, ground_truth={repr(ground_truth)[:80]}")
        reward = float(outcome_reward(outcome, gen_len, max_len, correct))
    if not return_dict:
        return reward
    return {"score": reward, "acc": float(correct), "pred": predicted_answer(solution_str, where),
            "response_length": gen_len}
