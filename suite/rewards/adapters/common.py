"""What every adapter needs: a correctness grader, the response length in tokens, and the outcome reward by setting.

Graders are ``grader(completion_text, gold) -> bool``. :func:`default_grader` uses ``suite.verify`` (answer extraction
and symbolic equivalence); :func:`boxed_exact_match` is a strict alternative (exact match of the last ``\\boxed{...}``).
Pass your own grader (any picklable callable) to match the grader of the run you reproduce: the paper's section-4
scripts use the Hendrycks MATH grader, §5.2 uses SymEval or an LLM judge (the scripts' `--math_rule_common_score_fn`;
docs/rewards.md).

Time bound: the built-in graders never stall a trainer. Extraction is linear-time and reads at most the last
``suite.verify.extract.MAX_RESPONSE_CHARS`` characters of a completion (a few milliseconds at worst), and the symbolic
step runs in a worker process under ``suite.verify.timeout``'s hard timeout (5 s by default), scoring False when cut
off. A custom grader's running time is its own.

Missing gold: a gold that is None, NaN, empty or whitespace-only (:func:`missing_gold`) is never a string to match
(``str(None)`` is ``"None"``, which ``\\boxed{None}`` would match). This module's graders return False for it, and
every adapter pays such a sample 0 without calling the grader, with one warning per batch naming the samples.

Errors are never scores: a grader that raises, or returns anything but a correctness value, fails the call with a
:class:`GraderError` naming the grader and the sample (:func:`grade`), and a bad configuration (setting name, grader
path, tokenizer path) fails with an error naming the field (:func:`resolve_outcome`, :func:`resolve_grader`,
:func:`resolve_tokenizer`). Only a missing gold scores 0, and only the symbolic step's own timeout scores False.
"""

from __future__ import annotations

import functools
import importlib
import math
import re
import warnings
from collections.abc import Callable, Sequence

from suite.rewards.outcome import classic_reward, cosine_reward
from suite.rewards.settings import ALL_SETTINGS, ClassicRewardSetting, CosineRewardSetting

Grader = Callable[[str, str], bool]
_BRACE = re.compile(r"[{}]")

__all__ = ["Grader", "GraderError", "last_boxed", "boxed_exact_match", "default_grader", "resolve_grader", "grade",
           "predicted_answer", "resolve_outcome", "outcome_reward", "token_length", "load_tokenizer",
           "resolve_tokenizer", "missing_gold", "warn_missing_golds"]


class GraderError(RuntimeError):
    """A grader (or the answer extraction) raised, or returned something that is not a correctness value, on one
    sample. The message names the grader and the sample; the original exception is the ``__cause__``."""


def missing_gold(gold) -> bool:
    """True for a gold answer that is absent: None, a float NaN (a missing value in a parquet/pandas column), or a
    string that is empty or only whitespace. Such a gold is scored 0, never matched as the text ``"None"``.

    >>> [missing_gold(g) for g in (None, float("nan"), "", "  \\n", "None", "0", 0)]
    [True, True, True, True, False, False, False]
    """
    if gold is None:
        return True
    if isinstance(gold, float):
        return math.isnan(gold)
    return isinstance(gold, str) and not gold.strip()


def warn_missing_golds(where: str, field: str, indices: Sequence[int], golds: Sequence) -> None:
    """One warning for the samples of a batch whose gold (``field``) is missing, naming their indices."""
    if indices:
        shown = ", ".join(f"{i} ({golds[i]!r})" for i in list(indices)[:20])
        more = f" and {len(indices) - 20} more" if len(indices) > 20 else ""
        warnings.warn(f"{where}: missing gold answer in {field!r} for sample(s) {shown}{more}; scored 0, not graded",
                      RuntimeWarning, stacklevel=3)


def last_boxed(text: str) -> str | None:
    r"""Content of the last ``\boxed{...}`` (or ``\fbox{...}``) in ``text``, braces balanced; None if there is none.

    >>> last_boxed(r"so \boxed{1} or rather \boxed{\frac{1}{2}}.")
    '\\frac{1}{2}'
    >>> last_boxed("no answer") is None
    True
    """
    start = max(text.rfind("\\boxed{"), text.rfind("\\fbox{"))
    if start < 0:
        return None
    i = text.index("{", start) + 1
    depth = 1
    for brace in _BRACE.finditer(text, i):  # linear: jumps from brace to brace
        depth += 1 if brace.group() == "{" else -1
        if depth == 0:
            return text[i : brace.start()]
    return None  # unbalanced: the answer was cut off (typically a truncated rollout)


def boxed_exact_match(completion: str, gold: str) -> bool:
    r"""Strict grader: the last boxed answer of ``completion`` equals ``gold`` (or ``gold``'s own last boxed answer)
    after stripping surrounding whitespace. Deliberately strict: it never marks a wrong answer correct.

    >>> boxed_exact_match(r"... \boxed{ 42 }", "42"), boxed_exact_match(r"\boxed{42}", r"\boxed{41}")
    (True, False)
    """
    if missing_gold(gold):  # `\boxed{}` must not match an empty gold
        return False
    from suite.verify.extract import response_tail

    pred = last_boxed(response_tail(completion))
    if pred is None:
        return False
    target = last_boxed(gold)
    return pred.strip() == (gold if target is None else target).strip()


@functools.lru_cache(maxsize=1)
def _verify_functions():
    # Imported on first use, so loading an adapter does not load the grading stack before the first grade.
    from suite.verify import grade_response

    return grade_response


def default_grader(completion: str, gold: str) -> bool:
    r"""``suite.verify.grade_response(completion, gold)``: the final answer of the completion (any length) compared
    with math-verify, hedges and look-alikes refused (``suite.verify.equivalence``). A module-level function, so it
    pickles into worker processes.

    >>> default_grader(r"The answer is \boxed{7}.", "7"), default_grader(r"\boxed{7} or \boxed{8}", "7")
    (True, False)
    """
    if missing_gold(gold):
        return False
    grade_response = _verify_functions()
    return bool(grade_response(completion, gold))  # extraction is linear; the comparison runs under a hard timeout


def resolve_grader(grader: Grader | str | None, field: str = "grader") -> Grader:
    """A grader from a callable, a ``"package.module:function"`` string (for config files that cannot hold
    callables: verl's ``reward_kwargs``, OpenRLHF's environment), or None for :func:`default_grader`.

    A string that does not name an importable callable raises ``ValueError`` naming ``field`` (the setting it came
    from). The built-in graders are time-bounded (module docstring); a custom grader is returned as given."""
    if grader is None:
        return default_grader
    if callable(grader):
        return grader
    module, sep, name = str(grader).partition(":")
    if not (sep and module and name):
        raise ValueError(f"{field} must be a callable or 'package.module:function', got {grader!r}")
    try:
        loaded = importlib.import_module(module)
    except ImportError as exc:
        raise ValueError(f"{field}={grader!r}: cannot import module {module!r} ({type(exc).__name__}: {exc})") from exc
    function = getattr(loaded, name, None)
    if not callable(function):
        raise ValueError(f"{field}={grader!r}: module {module!r} has no callable {name!r}")
    return function


def _grader_name(grader) -> str:
    name = getattr(grader, "__qualname__", None) or getattr(grader, "__name__", None) or type(grader).__name__
    return f"{getattr(grader, '__module__', None) or '?'}:{name}"


def grade(grader: Grader, text: str, gold, where: str) -> bool:
    r"""``grader(text, str(gold))`` as a bool. Anything else fails loudly, never as a silent 0: an exception in the
    grader, or a result that is not True/False (or 0/1), raises :class:`GraderError` naming the grader and ``where``
    (the adapter and the sample).

    >>> grade(boxed_exact_match, r"\boxed{7}", 7, "sample 0")
    True
    >>> grade(lambda text, gold: None, "x", "7", "sample 3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    suite.rewards.adapters.common.GraderError: sample 3: grader ...<lambda> returned None (NoneType); a grader ...
    """
    try:
        result = grader(text, str(gold))
    except Exception as exc:
        raise GraderError(f"{where}: grader {_grader_name(grader)} raised {type(exc).__name__}: {exc}") from exc
    try:
        valid = not isinstance(result, (str, bytes)) and result is not None and bool(result == 1 or result == 0)
    except Exception:  # e.g. an array of several values: no truth value; reported below
        valid = False
    if not valid:
        raise GraderError(f"{where}: grader {_grader_name(grader)} returned {result!r} ({type(result).__name__}); "
                          "a grader returns True or False")
    return bool(result == 1)


def predicted_answer(text: str, where: str = "answer extraction") -> str:
    r"""``suite.verify.extract.marked_answer``: the answer the response marks (its final boxes, or what follows "the
    answer is"), or ``""`` when it marks none (for logging, e.g. verl's ``pred``, on which verl's ``maj@N`` votes;
    correctness is the grader's). An exception raises :class:`GraderError`.

    >>> predicted_answer(r"so \boxed{7}."), predicted_answer(r"\boxed{3} and \boxed{4}"), predicted_answer("no answer")
    ('7', '3, 4', '')
    """
    from suite.verify.extract import marked_answer

    try:
        return marked_answer(text) or ""
    except Exception as exc:
        raise GraderError(f"{where}: suite.verify.extract.marked_answer raised {type(exc).__name__}: {exc}") from exc


OutcomeSetting = CosineRewardSetting | ClassicRewardSetting


def resolve_outcome(setting: OutcomeSetting | str, field: str = "setting") -> OutcomeSetting:
    """A cosine or classic outcome setting, given as an object or by its name in ``settings.ALL_SETTINGS``; errors
    name ``field`` (the setting it came from)."""
    if isinstance(setting, str):
        if setting not in ALL_SETTINGS:
            raise ValueError(f"unknown reward setting {setting!r} in {field}; known: {sorted(ALL_SETTINGS)}")
        setting = ALL_SETTINGS[setting]
    if not isinstance(setting, (CosineRewardSetting, ClassicRewardSetting)):
        raise TypeError(f"{field}: adapters pay a cosine or classic outcome reward, got {type(setting).__name__}")
    return setting


def outcome_reward(setting: OutcomeSetting, gen_len: int, max_len: int, correct: bool) -> float:
    """:func:`cosine_reward` or :func:`classic_reward` with the setting's values.

    >>> from suite.rewards.settings import COSINE_DEFAULT, CLASSIC
    >>> outcome_reward(COSINE_DEFAULT, 7168, 14336, True), outcome_reward(CLASSIC, 14336, 14336, True)
    (1.5, 0.0)
    """
    if isinstance(setting, CosineRewardSetting):
        return cosine_reward(gen_len, max_len, correct, **setting.kwargs())
    return classic_reward(gen_len, max_len, correct, **setting.kwargs())


@functools.lru_cache(maxsize=4)
def load_tokenizer(name_or_path: str):
    """The policy's tokenizer (``transformers.AutoTokenizer``), loaded once per process."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(name_or_path)


def resolve_tokenizer(tokenizer, field: str = "tokenizer"):
    """The policy tokenizer from an object with ``encode`` or a name/path (loaded once per process by
    :func:`load_tokenizer`). A path that does not load raises ``ValueError`` naming ``field`` and the loader's error;
    anything else raises ``TypeError``."""
    if isinstance(tokenizer, str):
        try:
            return load_tokenizer(tokenizer)
        except Exception as exc:
            raise ValueError(f"{field}={tokenizer!r}: cannot load the policy tokenizer "
                             f"({type(exc).__name__}: {exc})") from exc
    if not callable(getattr(tokenizer, "encode", None)):
        raise TypeError(f"{field} must be a tokenizer (with .encode) or its name/path, got {type(tokenizer).__name__}")
    return tokenizer


def token_length(text: str, tokenizer) -> int:
    """Generated length of a decoded response, in the policy tokenizer's tokens, counted like the official code.

    The official length is ``action_mask.sum()``: generated tokens *including* the EOS. Engines that hand us text
    usually decoded it with ``skip_special_tokens=True``, dropping the EOS, so one token is added back unless the
    text still ends with the EOS string. Re-encoding decoded text can differ from the generated ids by a few tokens
    (tokenisation is not unique); use token ids where the engine provides them (the TRL adapter does).

    ``tokenizer`` is a ``transformers`` tokenizer or a name/path to load one.
    """
    if isinstance(tokenizer, str):
        tokenizer = load_tokenizer(tokenizer)
    n = len(tokenizer.encode(text, add_special_tokens=False))
    eos = getattr(tokenizer, "eos_token", None)
    return n if eos and text.endswith(eos) else n + 1
