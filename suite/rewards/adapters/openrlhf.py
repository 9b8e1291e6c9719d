"""OpenRLHF reward-function file: the paper's sequence-level cosine (or classic) reward as ``reward_func``.

Use it as the reward "URL" (docs/rewards.md)::

    export LONGCOT_REWARD_MAX_LEN=14336                    # = the generation limit
    export LONGCOT_REWARD_TOKENIZER=/path/to/policy        # counts response tokens
    export LONGCOT_REWARD_SETTING=cosine                   # or cosine-A, cosine-B, cosine-C, classic
    export LONGCOT_REWARD_GRADER=my_pkg.grading:is_correct # optional; default: default_grader
    python -m openrlhf.cli.train_ppo_ray ... --data.label_key answer --rollout.max_new_tokens 14336 \\
        --reward.remote_url /path/to/suite/rewards/adapters/openrlhf.py

(OpenRLHF >= 0.10.2; before it, and in the paper's fork: ``--label_key``, ``--generate_max_len`` and
``--remote_rm_url``.)

OpenRLHF loads this file by path and calls ``reward_func(queries, prompts, labels)``; configuration comes from the
environment because nothing else reaches the function (with Ray, set the variables in ``--runtime-env-json``
``env_vars``). It returns ``{"rewards", "scores", "extra_logs"}`` (``scores`` = correctness in {0, 1}).

Differences from the paper's fork, where this reward was built in (``--remote_rm_url math_rule_cosine_scale``):

- The fork grades the decoded prompt + response; this grades the response only (what follows the prompt in the
  query, :func:`response_text`), so boxed examples in a prompt cannot be graded as answers.
- The fork's length is the number of generated ids; here the decoded response is re-tokenised
  (:func:`suite.rewards.adapters.common.token_length`), which can differ by a few tokens.
- The dense repetition penalty and per-channel gammas (gamma_c = 1, gamma_p = 0.99) need the fork's token-level
  reward path; upstream OpenRLHF reward functions are sequence-level.

Finding the response: OpenRLHF decodes prompt + response into one ``query`` (with ``skip_special_tokens=False``), and
the decoded prompt need not be the ``prompt`` string it was given: a BOS or padding token can lead, a chat template
can wrap it, decoding can change whitespace, and a prompt over ``max_length - max_tokens`` is cut from the left.
:func:`response_text` finds where the prompt ends and grades only what follows; if it cannot, it raises
``ValueError`` naming the sample, never grading the whole query (that graded the prompt's own boxed examples).

Missing gold: a label that is None, NaN, empty or whitespace-only is not graded (``str(None)`` would be the answer
``"None"``): the sample gets reward 0 and score 0, and one ``RuntimeWarning`` per batch names the samples' indices.

Errors are never scores: an unset or invalid ``LONGCOT_REWARD_MAX_LEN``, an unknown ``LONGCOT_REWARD_SETTING``, a
``LONGCOT_REWARD_GRADER`` or ``LONGCOT_REWARD_TOKENIZER`` that does not load, a query whose prompt cannot be found, and
a grader that raises or returns a non-boolean all raise, naming the variable or the sample. OpenRLHF's single-turn
executor catches reward-function exceptions and logs them at INFO level only, so :func:`reward_func` also logs them
at ERROR level before raising.
"""

from __future__ import annotations

import functools
import logging
import numbers
import os
import re
from collections.abc import Mapping

import torch

from suite.rewards.adapters.common import (
    Grader,
    grade,
    missing_gold,
    outcome_reward,
    resolve_grader,
    resolve_outcome,
    resolve_tokenizer,
    token_length,
    warn_missing_golds,
)

__all__ = ["OpenRLHFReward", "reward_func", "response_text"]

_log = logging.getLogger(__name__)

# Special-token spellings that decoding may add to or drop from the prompt (on top of the tokenizer's own):
# ChatML / Llama-3 <|...|>, DeepSeek <｜...｜>, SentencePiece <s> </s>, and bracketed BERT-style names.
_GENERIC_SPECIALS = (r"<\|[^<>|\s]{1,64}\|>|<｜[^<>｜\s]{1,64}｜>|</?s>|<(?:pad|unk|bos|eos|mask|sep|cls)>"
                     r"|\[(?:PAD|UNK|BOS|EOS|CLS|SEP|MASK)\]")
# A prompt cut from the left (OpenRLHF keeps its last tokens) is recognised by a tail of at least this many
# characters (whitespace and special tokens not counted) that the query starts with.
MIN_PROMPT_TAIL = 32


@functools.lru_cache(maxsize=8)
def _special_pattern(special_tokens: tuple[str, ...]) -> re.Pattern:
    alternatives = [re.escape(t) for t in sorted({t for t in special_tokens if t}, key=len, reverse=True)]
    return re.compile("|".join([*alternatives, _GENERIC_SPECIALS]))


def _normalised(text: str, specials: re.Pattern) -> tuple[str, list[int]]:
    """``text`` without whitespace and special tokens, and for each kept character its index in ``text``."""
    chars, where = [], []
    start = 0
    for m in (*specials.finditer(text), None):
        end = len(text) if m is None else m.start()
        for i in range(start, end):
            if not text[i].isspace():
                chars.append(text[i])
                where.append(i)
        if m is not None:
            start = m.end()
    return "".join(chars), where


def _prompt_tail_length(query: str, prompt: str) -> int:
    """Length of the longest tail of ``prompt`` (at least :data:`MIN_PROMPT_TAIL`) that ``query`` starts with, or 0:
    the query of a prompt cut from the left. A partly decoded first character (U+FFFD) is skipped."""
    skip = len(query) - len(query.lstrip("\ufffd"))
    head = query[skip : skip + MIN_PROMPT_TAIL]
    if len(head) < MIN_PROMPT_TAIL:
        return 0
    at = prompt.find(head)
    while at >= 0:  # the first hit that continues to the prompt's end is the longest tail
        if query.startswith(prompt[at:], skip):
            return skip + len(prompt) - at
        at = prompt.find(head, at + 1)
    return 0


def response_text(query: str, prompt: str, *, special_tokens: tuple[str, ...] = (), index: int | None = None) -> str:
    r"""The response part of OpenRLHF's decoded prompt + response: what follows the prompt in ``query``.

    The prompt is found (1) as the query's prefix; else (2) at its first occurrence (after a BOS, padding or a chat
    template's opening); else (3) the same way with whitespace and special tokens (``special_tokens`` and the usual
    ``<|...|>``, ``<s>``, ``</s>``, ``<pad>`` spellings) ignored on both sides; else (4) as a prompt cut from the left
    (the query starts with the prompt's last :data:`MIN_PROMPT_TAIL` or more characters). The first occurrence, not
    the last: the prompt precedes the response, so a later copy can only be the model repeating it, and cutting
    there would drop response tokens from the length the reward is paid on.

    Raises ValueError (naming the sample ``index`` and showing the first 80 characters of both) when the prompt
    cannot be found: the whole query would grade the prompt's own examples.

    >>> response_text("<s>Q: 2+2? Example: \\boxed{7}\nA: \\boxed{4}", "Q: 2+2? Example: \\boxed{7}\n")
    'A: \\boxed{4}'
    """
    if query.startswith(prompt):  # an empty prompt too: the whole query is the response
        return query[len(prompt) :]
    at = query.find(prompt)
    if at >= 0:
        return query[at + len(prompt) :]
    specials = _special_pattern(tuple(special_tokens))
    norm_query, positions = _normalised(query, specials)
    norm_prompt, _ = _normalised(prompt, specials)
    if norm_prompt:
        at = norm_query.find(norm_prompt)
        end = at + len(norm_prompt) if at >= 0 else _prompt_tail_length(norm_query, norm_prompt)
        if end:
            return query[positions[end - 1] + 1 :]
    sample = "" if index is None else f" of sample {index}"
    raise ValueError(
        f"OpenRLHF reward: cannot find the prompt in the decoded query{sample}, so the response cannot be separated "
        f"from it (grading the whole query would grade the prompt's own examples). Pass the prompt string the query "
        f"was generated from. prompt[:80]={prompt[:80]!r}; query[:80]={query[:80]!r}"
    )


_FIELDS = {"max_len": "max_len", "tokenizer": "tokenizer", "setting": "setting", "grader": "grader"}


class OpenRLHFReward:
    """``reward_func`` with its configuration bound; a class so it pickles into Ray workers.

    ``fields`` renames the arguments in error messages (:func:`reward_func` names the ``LONGCOT_REWARD_*``
    variables). A tokenizer given by name/path is checked here and loaded once per process."""

    def __init__(self, max_len: int, tokenizer, setting: str = "cosine", grader: Grader | str | None = None, *,
                 fields: Mapping[str, str] | None = None):
        names = {**_FIELDS, **(fields or {})}
        if isinstance(max_len, bool) or not isinstance(max_len, numbers.Integral):
            raise TypeError(f"{names['max_len']} must be a positive integer (--generate_max_len), got {max_len!r}")
        if max_len <= 0:
            raise ValueError(f"{names['max_len']} must be positive, got {max_len}")
        self.max_len = int(max_len)
        self.tokenizer = tokenizer  # a name/path stays a string, so the object pickles light
        self.tokenizer_field = names["tokenizer"]
        resolve_tokenizer(tokenizer, self.tokenizer_field)  # fail now, not at the first batch
        self.setting = resolve_outcome(setting, names["setting"])
        outcome_reward(self.setting, 0, self.max_len, False)  # checks the setting's values
        self.grader = resolve_grader(grader, names["grader"])

    def __call__(self, queries, prompts, labels, **kwargs) -> dict:
        queries, prompts, labels = list(queries), list(prompts), list(labels)
        if not len(queries) == len(prompts) == len(labels):
            raise ValueError(f"OpenRLHF reward: {len(queries)} queries, {len(prompts)} prompts and {len(labels)} "
                             "labels; expected one of each per sample")
        tokenizer = resolve_tokenizer(self.tokenizer, self.tokenizer_field)
        specials = tuple(getattr(tokenizer, "all_special_tokens", None) or ())
        rewards, scores, lengths, missing = [], [], [], []
        for i, (query, prompt, label) in enumerate(zip(queries, prompts, labels)):
            text = response_text(query, prompt, special_tokens=specials, index=i)
            n = token_length(text, tokenizer)
            lengths.append(float(n))
            if missing_gold(label):  # never graded as the string "None" (module docstring)
                missing.append(i)
                rewards.append(0.0)
                scores.append(0.0)
                continue
            correct = grade(self.grader, text, label, f"OpenRLHF reward (sample {i}, label {repr(label)[:80]})")
            rewards.append(outcome_reward(self.setting, n, self.max_len, correct))
            scores.append(float(correct))
        warn_missing_golds("OpenRLHF reward_func", "labels", missing, labels)
        return {
            "rewards": torch.tensor(rewards, dtype=torch.float32),
            "scores": torch.tensor(scores, dtype=torch.float32),
            "extra_logs": {"response_length_tokens": torch.tensor(lengths, dtype=torch.float32)},
        }


_configured: OpenRLHFReward | None = None
_ENV = {"max_len": "LONGCOT_REWARD_MAX_LEN", "tokenizer": "LONGCOT_REWARD_TOKENIZER",
        "setting": "LONGCOT_REWARD_SETTING", "grader": "LONGCOT_REWARD_GRADER"}


def _from_environment() -> OpenRLHFReward:
    missing = [v for v in (_ENV["max_len"], _ENV["tokenizer"]) if not os.environ.get(v)]
    if missing:
        raise RuntimeError(f"set {', '.join(missing)} for suite/rewards/adapters/openrlhf.py (see its docstring)")
    raw = os.environ[_ENV["max_len"]]
    try:
        max_len = int(raw)
    except ValueError:
        raise ValueError(f"{_ENV['max_len']} must be a positive integer (= --generate_max_len), got {raw!r}") from None
    return OpenRLHFReward(
        max_len=max_len,
        tokenizer=os.environ[_ENV["tokenizer"]],
        setting=os.environ.get(_ENV["setting"]) or "cosine",
        grader=os.environ.get(_ENV["grader"]) or None,
        fields=_ENV,
    )


def reward_func(queries, prompts, labels, **kwargs) -> dict:
    """OpenRLHF's entry point: rewards for a batch of decoded queries, configured from ``LONGCOT_REWARD_*``.

    An error is logged at ERROR level and re-raised (OpenRLHF itself logs reward-function errors at INFO only)."""
    global _configured
    try:
        if _configured is None:  # built once per worker: loading the tokenizer is the slow part
            _configured = _from_environment()
        return _configured(queries, prompts, labels, **kwargs)
    except Exception as exc:
        _log.error("suite/rewards/adapters/openrlhf.py reward_func failed: %s: %s", type(exc).__name__, exc)
        raise
