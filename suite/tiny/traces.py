"""How a tiny-world problem is answered: trace styles (SFT data), noise, and parsers of responses.

A trace is the completion after the prompt; `trace` returns a `Trace` with per-word loss weights.

Styles that always end with the correct answer (`STYLES`):
- `direct`: the answer only: `answer \\boxed{16}`.
- `short`: the straight-line CoT, no verification: `12 + 7 = 19 , 19 - 3 = 16 , answer \\boxed{16}`.
- `long` (emergent): in `chain`, the straight-line pass (`... , so v`) is verified by a second independent pass
  (`check ... , so v' = v ok`, the two results side by side); each pass slips with probability `slip_rate` (one step
  off by 1-2, the error propagating); on disagreement (`so v' > v X`) the trace says `wait` and makes another pass,
  until two consecutive passes agree. In `solve` the search is real (bisection from a random first guess,
  `alternatively,` pivots to the next guess) and a slip produces a false success (`V`) that the confirming `check`
  refutes (`X wait alternatively,`). Slipped tokens get loss weight 0: the model learns to check and correct, not to
  slip. (Design history in docs/tiny_world.md.)
- `constructed`: a fixed action template (`clarify` / `decompose` / `step` / `reflect` / `answer`) with the same
  solution steps (for `solve`, the direct try only) whose reflections are the constant `reflect fine`; padded with
  further `reflect fine` to the length of an emergent trace drawn for the same problem (matched length on average,
  no search).

`search` (the search world, docs/tiny_world.md "The search world"): for `solve`, guess, check, narrow, and after
each failed check give up with probability `give_up_rate`; it ends wrong when it gives up on a wrong guess. For `seek`
(the headroom world, "The headroom world") the same search over a range stated in the prompt, whose tries slip now
and then into a false success that a recheck (`recheck_rate`) can catch. In `seek`, `long` is that search without
giving up and with every slip caught, `short` and `constructed` are `solve`'s.

Noise (Takeaway 5.1): `noisy_answer` replaces the final answer by a wrong one; `web_like` is one unfiltered
response of a random style to a problem of another family, wrong at a given rate.

Parsers: `count_keyword` (whole-word keyword counts) and `parse_search` (what a `search` response did).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from suite.tiny.task import NMAX, SEEK_FAMILIES, Problem, apply_op, make_tokenizer, verify

STYLES = ("direct", "short", "long", "constructed")  # every trace of these ends with the correct answer
SEARCH = "search"
ALL_STYLES = (*STYLES, SEARCH)
GIVE_UP = "so"  # in a `search` trace, `X so answer ...` = stop searching and answer an unchecked guess

_DECODER = make_tokenizer()  # Trace.text: the text a model trained on this trace would emit


@dataclass(frozen=True)
class Trace:
    words: tuple[str, ...]  # the completion's words (EOS not included)
    weights: tuple[float, ...]  # per-word loss weight: 0 on injected slips

    @property
    def text(self) -> str:
        return _DECODER.decode(_DECODER.encode(" ".join(self.words)))


class _Builder:
    def __init__(self):
        self.words: list[str] = []
        self.weights: list[float] = []

    def add(self, text: str, weight: float = 1.0) -> None:
        for w in text.split():
            self.words.append(w)
            self.weights.append(weight)

    def build(self) -> Trace:
        return Trace(tuple(self.words), tuple(self.weights))


def _slip(rng: random.Random, value: int, lo: int = 0, hi: int = NMAX) -> int:
    options = [value + d for d in (-2, -1, 1, 2) if lo <= value + d <= hi]
    return rng.choice(options)


# --- `long` in `chain`: a pass, then check passes until two consecutive ones agree ------------------------------------

def _chain_steps(problem: Problem) -> list[tuple[int, str, int, int]]:
    steps, cur = [], problem.start
    for op, n in problem.ops:
        nxt = apply_op(op, cur, n)
        steps.append((cur, op, n, nxt))
        cur = nxt
    return steps


def _attempt(problem: Problem, rng: random.Random, slip: bool, avoid: set[int]) -> tuple[_Builder, int]:
    """One pass `a op n = c , ... , so v`; with `slip`, one step's result is off by 1-2 (weight 0) and the error
    propagates; the slipped final value avoids `avoid` (earlier wrong values), so two attempts agree only when right."""
    steps = _chain_steps(problem)
    for _ in range(100):
        at = rng.randrange(len(steps)) if slip else -1
        b, cur, ok = _Builder(), problem.start, True
        for i, (_, op, n, c) in enumerate(steps):
            val = apply_op(op, cur, n)
            if i == at:
                val = _slip(rng, val)
            if not 0 <= val <= NMAX:
                ok = False
                break
            b.add(f"{cur} {op} {n} =")
            b.add(str(val), 0.0 if i == at else 1.0)
            b.add(",")
            cur = val
        if ok and (not slip or (cur != int(problem.answer) and cur not in avoid)):
            b.add(f"so {cur}")
            return b, cur
    return _attempt(problem, rng, False, avoid)  # no valid slip exists: a clean attempt


def _check_until_agree(problem: Problem, rng: random.Random, slip_rate: float,
                       attempt: Callable[[int, bool, set[int]], tuple[_Builder, int]]) -> Trace:
    """A pass, then `check` with another pass whose result is compared with the previous one next to it
    (`so 21 = 21 ok` / `so 22 > 21 X wait`); on disagreement another pass, until two consecutive passes agree.
    `attempt(pass_index, slip, avoid)` writes one pass. Each pass slips with probability `slip_rate` (at most 2 slips
    per trace, so that it fits the context)."""
    b = _Builder()
    prev: int | None = None
    wrong: set[int] = set()
    n_slips = 0
    i = 0
    while True:
        if prev is not None and not b.words[-1] == "wait":
            b.add("check")
        slip = n_slips < 2 and rng.random() < slip_rate
        n_slips += slip
        att, v = attempt(i, slip, wrong | ({prev} if prev is not None else set()))
        b.words.extend(att.words)
        b.weights.extend(att.weights)
        if prev is not None:
            rel = "=" if v == prev else "<" if v < prev else ">"
            b.add(f"{rel} {prev}")
            if v == prev:
                b.add("ok")
                break
            b.add("X wait")
        prev = v
        i += 1
        if v != int(problem.answer):
            wrong.add(v)
    b.add(f"answer \\boxed{{ {problem.answer} }}")
    return b.build()


def _long_chain(problem: Problem, rng: random.Random, slip_rate: float) -> Trace:
    """Every pass left to right: the check is a recomputation by the same route."""
    return _check_until_agree(problem, rng, slip_rate, lambda i, slip, avoid: _attempt(problem, rng, slip, avoid))


# --- `long` in `solve`: bisection with slips that a confirming check refutes ------------------------------------------

def _try_words(x: int, a: int, bb: int, product: int | None = None) -> str:
    p = x * a if product is None else product
    return f"try {x} : {x} * {a} = {p} , {p} + {bb} = {p + bb}"


def _long_solve(problem: Problem, rng: random.Random, slip_rate: float) -> Trace:
    a, bb, t = problem.ops
    x_true = int(problem.answer)
    lo, hi = 0, min(9, (NMAX - bb) // a)  # guesses whose value is a single token
    g = rng.randint(lo, hi)
    b = _Builder()
    first = True
    while True:
        if not first:
            b.add("alternatively,")
        first = False
        r = g * a + bb
        if g != x_true and 0 <= t - bb <= NMAX and rng.random() < slip_rate:
            # a slip that looks like success: the product is misremembered as t - b; the confirming check refutes it
            b.add(f"try {g} : {g} * {a} =")
            b.add(str(t - bb), 0.0)
            b.add(f", {t - bb} + {bb} = {t} , {t} = {t} V check {g} * {a} = {g * a} , {g * a} + {bb} = {r} X wait")
        else:
            b.add(_try_words(g, a, bb))
            if r == t:
                b.add(f", {r} = {t} V")
                break
            b.add(f", {r} {'<' if r < t else '>'} {t} X")
        if r < t:
            lo = g + 1
        else:
            hi = g - 1
        g = (lo + hi) // 2
    b.add(f"answer \\boxed{{ {problem.answer} }}")
    return b.build()


# --- `search`: guess, check, narrow, and sometimes give up (docs/tiny_world.md, "The search world") -------------------

def _search_solve(problem: Problem, rng: random.Random, give_up_rate: float) -> Trace:
    """A randomised bisection whose length is a choice. Each try checks a guess against the target (`try 4 : 4 * 7
    = 28 , 28 + 12 = 40 , 40 = 40 V`); a failed check narrows the interval (`26 < 40 X`: x is larger) and then the
    trace either pivots (`alternatively,`, next guess uniform in the interval) or, with probability `give_up_rate`,
    stops (`so answer \\boxed{g}` with g an unchecked guess uniform in the interval, right or wrong). Thinking longer
    (more tries, fewer give-ups) raises the chance of a correct answer by construction, and RL can change the one
    decision that sets the length: `alternatively,` versus `so` after a failed check."""
    a, bb, t = problem.ops
    lo, hi = 0, min(9, (NMAX - bb) // a)  # guesses whose value is a single token
    b = _Builder()
    while True:
        g = rng.randint(lo, hi)
        r = g * a + bb
        b.add(_try_words(g, a, bb))
        if r == t:
            b.add(f", {r} = {t} V answer \\boxed{{ {g} }}")
            return b.build()
        b.add(f", {r} {'<' if r < t else '>'} {t} X")
        lo, hi = (g + 1, hi) if r < t else (lo, g - 1)
        if rng.random() < give_up_rate:
            b.add(f"{GIVE_UP} answer \\boxed{{ {rng.randint(lo, hi)} }}")
            return b.build()
        b.add("alternatively,")


# --- `search` in `seek`: the headroom world (docs/tiny_world.md, "The headroom world") ---------------------------------

def _seek_try(b: _Builder, g: int, a: int, bb: int, t: int, word: str = "try", slipped: int | None = None) -> int:
    """Write `try g : g * a = p , p + b = r , r ? t`; with `slipped` the product is misremembered as that value
    (weight 0) and the sum follows it. Returns the value written for r."""
    p = g * a if slipped is None else slipped
    b.add(f"{word} {g} : {g} * {a} =")
    b.add(str(p), 0.0 if slipped is not None else 1.0)
    r = p + bb
    b.add(f", {p} + {bb} = {r} , {r} {'=' if r == t else '<' if r < t else '>'} {t}")
    return r


SEEK_PATIENCE = 300  # words: the teacher gives up after a failed check past this length (fits a 384-token context)


def _search_seek(problem: Problem, rng: random.Random, give_up_rate: float, slip_rate: float,
                 recheck_rate: float, catch_slips: bool = False) -> Trace:
    """The guess-check-narrow search of `_search_solve` over x in 0..R-1, with slips and rechecks.

    A try whose guess is wrong slips with probability `slip_rate`: the product is misremembered as t - b, so the try
    "verifies" a wrong guess (`52 = 52 V`). After any check the teacher rechecks the same try with probability
    `recheck_rate` (`recheck 9 : 9 * 5 = 45 , ...`): a recheck recomputes without slipping, so it catches a false `V`
    (`X wait`, and the search goes on from the true comparison) and otherwise repeats what the try said. An uncaught
    false `V` ends the trace with a wrong answer; after a failed check the teacher gives up with probability
    `give_up_rate` (`so answer \\boxed{u}`, u uniform in the open interval), and always once the trace is
    `SEEK_PATIENCE` words long (far beyond any generation limit the recipes use). With `catch_slips` (the `long`
    style, as `solve`'s) every slip is rechecked and caught and the guesses after the first bisect the open interval,
    so the trace ends correct within about log2(R) + 1 tries."""
    a, bb, t = problem.ops
    x = int(problem.answer)
    lo, hi = 0, problem.difficulty - 1
    b = _Builder()
    g = rng.randint(lo, hi)
    while True:
        slip = g != x and rng.random() < slip_rate
        r = _seek_try(b, g, a, bb, t, slipped=t - bb if slip else None)
        if rng.random() < recheck_rate or (slip and catch_slips):
            b.add("X" if r != t else "V")
            r = _seek_try(b, g, a, bb, t, word="recheck")
            if slip:
                b.add("X wait")
                slip = False
        if r == t:  # a success, or a slip nobody caught (a false success: the answer is wrong)
            b.add(f"V answer \\boxed{{ {g} }}")
            return b.build()
        if b.words[-1] != "wait":
            b.add("X")
        lo, hi = (g + 1, hi) if g < x else (lo, g - 1)
        if not catch_slips and (rng.random() < give_up_rate or len(b.words) >= SEEK_PATIENCE):
            b.add(f"{GIVE_UP} answer \\boxed{{ {rng.randint(lo, hi)} }}")
            return b.build()
        b.add("alternatively,")
        g = (lo + hi) // 2 if catch_slips else rng.randint(lo, hi)


# --- `short` and `constructed` ----------------------------------------------------------------------------------------

def _short(problem: Problem) -> Trace:
    b = _Builder()
    if problem.family in ("solve", *SEEK_FAMILIES):
        a, bb, t = problem.ops
        b.add(_try_words(int(problem.answer), a, bb) + f" , {t} = {t} V")
    else:
        for a, op, n, c in _chain_steps(problem):
            b.add(f"{a} {op} {n} = {c} ,")
    b.add(f"answer \\boxed{{ {problem.answer} }}")
    return b.build()


def _constructed(problem: Problem, rng: random.Random, slip_rate: float) -> Trace:
    target_len = len(trace(problem, "long", rng, slip_rate=slip_rate).words)
    b = _Builder()
    b.add(f"clarify {problem.prompt[:-2]} decompose")
    if problem.family in ("solve", *SEEK_FAMILIES):
        a, bb, t = problem.ops
        b.add("step " + _try_words(int(problem.answer), a, bb) + f" , {t} = {t} reflect fine")
    else:
        for a, op, n, c in _chain_steps(problem):
            b.add(f"step {a} {op} {n} = {c} reflect fine")
    while len(b.words) + 2 + 4 <= target_len:
        b.add("reflect fine")
    b.add(f"answer \\boxed{{ {problem.answer} }}")
    return b.build()


def trace(problem: Problem, style: str, rng: random.Random, *, slip_rate: float = 0.3,
          give_up_rate: float = 0.25, recheck_rate: float = 0.0) -> Trace:
    """The completion for `problem` in `style` (module docstring). Every style in STYLES ends with the correct answer;
    `search` does not when it gives up (`give_up_rate`)."""
    if style == "direct":
        b = _Builder()
        b.add(f"answer \\boxed{{ {problem.answer} }}")
        return b.build()
    if style == "short":
        return _short(problem)
    if style == "long":
        if problem.family in SEEK_FAMILIES:  # the search without giving up, every slip caught by a recheck
            return _search_seek(problem, rng, 0.0, slip_rate, recheck_rate, catch_slips=True)
        if problem.family == "solve":
            return _long_solve(problem, rng, slip_rate)
        return _long_chain(problem, rng, slip_rate)
    if style == "constructed":
        return _constructed(problem, rng, slip_rate)
    if style == SEARCH:  # guess-check-narrow with give-ups for `solve` and `seek`; other families fall back to `long`
        if problem.family in SEEK_FAMILIES:
            return _search_seek(problem, rng, give_up_rate, slip_rate, recheck_rate)
        if problem.family == "solve":
            return _search_solve(problem, rng, give_up_rate)
        return trace(problem, "long", rng, slip_rate=slip_rate)
    raise ValueError(f"unknown style {style!r}; known: {ALL_STYLES}")


# --- Noise ------------------------------------------------------------------------------------------------------------

def noisy_answer(tr: Trace, rng: random.Random, rate: float) -> Trace:
    """With probability `rate`, the same trace with a wrong final answer (the reasoning is left as it was)."""
    if rng.random() >= rate:
        return tr
    words = list(tr.words)
    i = len(words) - 2  # [..., "\\boxed{", N, "}"]
    words[i] = str(_slip(rng, int(words[i])))
    return Trace(tuple(words), tr.weights)


def web_like(problem: Problem, rng: random.Random, wrong_rate: float = 0.3) -> Trace:
    """One unfiltered response (random style) to `problem`, wrong at `wrong_rate`: the 'WebInstruct-like' data."""
    style = rng.choice(("direct", "short", "long"))
    return noisy_answer(trace(problem, style, rng), rng, wrong_rate)


# --- Parsers of responses ---------------------------------------------------------------------------------------------

def count_keyword(text: str, keyword: str) -> int:
    """Whole-word occurrences of `keyword` in space-joined decoded text."""
    return sum(1 for w in text.split() if w == keyword)


def parse_search(text: str, problem: Problem) -> dict:
    """What a `search` response did: its guesses, whether it gave up, whether a wrong answer was 'verified' (a false
    `V`), how many guesses were outside the interval the true comparisons of earlier guesses leave open, how many
    tries it rechecked and how many of those rechecks caught a false `V` (`recheck ... X wait`)."""
    w = text.split()
    guesses = [int(w[i + 1]) for i in range(len(w) - 1) if w[i] == "try" and w[i + 1].isdigit()]
    x = int(problem.answer)
    lo, hi, wasted = 0, (problem.difficulty - 1 if problem.family in SEEK_FAMILIES else 9), 0
    for g in guesses:
        wasted += not lo <= g <= hi
        if g < x:
            lo = max(lo, g + 1)
        elif g > x:
            hi = min(hi, g - 1)
    rechecks = [i for i, t in enumerate(w) if t == "recheck"]
    caught = 0
    for i in rechecks:
        j = w.index("X", i) if "X" in w[i:] else -1
        k = next((m for m in range(i + 1, len(w)) if w[m] in ("try", "recheck", "answer")), len(w))
        caught += 0 <= j < k and j + 1 < len(w) and w[j + 1] == "wait"
    return {"tries": len(guesses), "gave_up": GIVE_UP in w, "false_verified": "V" in w and not verify(problem, text),
            "wasted_guesses": wasted, "repeated_guesses": len(guesses) - len(set(guesses)),
            "rechecks": len(rechecks), "caught_slips": caught}
