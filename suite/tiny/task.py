"""The tiny world's task: small-number arithmetic where a tiny model slips, and checking + retrying fixes slips.

Families (all answers are one integer in 0..NMAX, written `\\boxed{N}`):
- `chain` (in-domain): `chain 12 + 7 - 3 + 5 ?` — apply k = difficulty (2..4 by default) operations of +/- 1..9
  left to right; every intermediate value stays in 0..CHAIN_MAX (29).
- `solve` (in-domain): `solve x * 3 + 4 = 19 ?` — find x in 0..9 (b in 0..19, t <= NMAX); difficulty = the
  multiplier a (2..5). A search task: a long trace guesses x, computes, compares with the target, and pivots
  (`alternatively,`) to a new guess.
- `mixchain` (out-of-domain): `chain 3 * 4 + 5 - 2 ?` — a chain whose first operation is a multiplication by 2..5.
  Same prompt word as `chain`, new structure: needs `solve`'s multiplication facts inside `chain`'s procedure.

Trace styles (the completion after the prompt; `trace` returns a `Trace` with per-token loss weights):
- `direct`: the answer only: `answer \\boxed{16}`.
- `short`: the straight-line CoT, no verification: `12 + 7 = 19 , 19 - 3 = 16 , answer \\boxed{16}`.
- `long` (emergent): in `chain`, the straight-line pass (`... , so v`) is verified by a second independent pass
  (`check ... , so v' = v ok`, the two results side by side); each pass slips with probability `slip_rate` (one step
  off by 1-2, the error propagating); on disagreement (`so v' > v X`) the trace says `wait` and makes another pass,
  until two consecutive passes agree. In `solve` the search is real (bisection from a random first guess,
  `alternatively,` pivots to the next guess) and a slip produces a false success (`V`) that the confirming `check`
  refutes (`X wait alternatively,`). Slipped tokens get loss weight 0: the model learns to check and correct, not to
  slip. (Design history in docs/tiny_world.md: per-step inverse checks, `a + b = c check c - b = a ok`, were learned
  as copying `a`.)
- `constructed`: a fixed action template (`clarify` / `decompose` / `step` / `reflect` / `answer`) with the same
  solution steps (for `solve`, the direct try only) whose reflections are the constant `reflect fine`; padded with
  further `reflect fine` to the length of an emergent trace drawn for the same problem (matched length on average,
  no search).

Extra styles (`EXTRA_STYLES`, accepted by `trace`): `long_indep` (chain: verification by an independent route) and
`search` (solve: guess, check, narrow, and after each failed check give up with probability `give_up_rate`; the
world where thinking longer raises accuracy, docs/tiny_world.md "The search world").

Noise (Takeaway 5.1): `noisy_answer` replaces the final answer by a wrong one; `web_like` is one unfiltered
response of a random style to a problem of another family, wrong at a given rate.

Splits cannot be memorised: every problem has a content hash; `heldout`/`ood` problems come from hash buckets that
training never draws from (and `ood` from a family never trained on by default).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

NMAX = 49  # numbers 0..NMAX are single tokens
CHAIN_MAX = 29  # chain values stay in 0..CHAIN_MAX: ~500 +/- facts, hard enough that a 0.1M model slips
FAMILIES = ("chain", "solve", "mixchain")
IN_DOMAIN = ("chain", "solve")
OOD = ("mixchain",)
STYLES = ("direct", "short", "long", "constructed")
KEYWORDS = ("wait", "alternatively,", "check", "ok", "X", "V")
WORDS = (
    "chain", "solve", "x", "*", "+", "-", "=", "?", "<", ">", ",", ":", "try", "answer", "\\boxed{", "}",
    "check", "ok", "X", "V", "wait", "so", "alternatively,", "clarify", "decompose", "step", "reflect", "fine", "ops",
)


def vocabulary() -> list[str]:
    """The task's word list: specials first (pad=0, bos=1, eos=2, unk=3), then words, then numbers 0..NMAX."""
    from suite.tiny.tokenizer import SPECIALS

    return [*SPECIALS, *WORDS, *(str(n) for n in range(NMAX + 1))]


def make_tokenizer():
    from suite.tiny.tokenizer import TinyTokenizer

    return TinyTokenizer(vocabulary())


@dataclass(frozen=True)
class Problem:
    family: str
    prompt: str  # the words after <bos>, e.g. "chain 12 + 7 - 3 ?"
    answer: str  # the reference answer as the grader reads it, e.g. "16"
    difficulty: int
    ops: tuple = field(default=(), compare=False)  # chain: ((op, operand), ...) after `start`; solve: (a, b, t)
    start: int = field(default=0, compare=False)  # chain: the first number

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.family}|{self.prompt}".encode()).hexdigest()


# --- Problem generators -----------------------------------------------------------------------------------------------

def _apply(op: str, a: int, b: int) -> int:
    return a + b if op == "+" else a - b if op == "-" else a * b


def _chain(rng: random.Random, k: int, first_mul: bool) -> Problem:
    while True:
        if first_mul:
            v = rng.randint(1, 9)
            m = rng.randint(2, 5)
            ops = [("*", m)]
            v2 = v * m
            if v2 > CHAIN_MAX:
                continue
            start, cur = v, v2
        else:
            start = cur = rng.randint(0, CHAIN_MAX)
            ops = []
        ok = True
        for _ in range(k - len(ops)):
            candidates = [(op, n) for op in "+-" for n in range(1, 10) if 0 <= _apply(op, cur, n) <= CHAIN_MAX]
            if not candidates:
                ok = False
                break
            op, n = rng.choice(candidates)
            ops.append((op, n))
            cur = _apply(op, cur, n)
        if ok:
            prompt = "chain " + str(start) + "".join(f" {op} {n}" for op, n in ops) + " ?"
            family = "mixchain" if first_mul else "chain"
            return Problem(family, prompt, str(cur), k, tuple(ops), start)


def _solve(rng: random.Random, a: int) -> Problem:
    while True:
        x, b = rng.randint(0, 9), rng.randint(0, 19)
        t = x * a + b
        if t <= NMAX:
            return Problem("solve", f"solve x * {a} + {b} = {t} ?", str(x), a, (a, b, t))


DEFAULT_DIFFICULTY = {"chain": (2, 4), "solve": (2, 5), "mixchain": (2, 4)}


def sample_problem(family: str, rng: random.Random, difficulty: int | None = None) -> Problem:
    lo, hi = DEFAULT_DIFFICULTY[family]
    d = difficulty if difficulty is not None else rng.randint(lo, hi)
    if family == "chain":
        return _chain(rng, d, first_mul=False)
    if family == "mixchain":
        return _chain(rng, d, first_mul=True)
    if family == "solve":
        return _solve(rng, d)
    raise ValueError(f"unknown family {family!r}; known: {FAMILIES}")


# Of 100 hash buckets, the first HELDOUT_BUCKETS[family] are held out (eval only), the rest are for training. `solve`
# has only ~750 distinct problems, so it holds out a larger share.
HELDOUT_BUCKETS = {"chain": 5, "solve": 20, "mixchain": 5}
TRAIN_POOL = {"solve": 500}  # of ~600 distinct training-split `solve` problems; SFT draws at most this many


def split_of(problem: Problem) -> str:
    return "heldout" if int(problem.key[:8], 16) % 100 < HELDOUT_BUCKETS[problem.family] else "train"


def make_split(family: str, split: str, n: int, seed: int, difficulty: int | None = None) -> list[Problem]:
    """n distinct problems of `family` from `split` ("train" or "heldout"), a pure function of the arguments.

    `solve` has only a few hundred distinct problems; asking for more than exist raises ValueError.
    """
    if split not in ("train", "heldout"):
        raise ValueError(f"split must be 'train' or 'heldout', not {split!r}")
    rng = random.Random(f"{family}|{split}|{seed}|{difficulty}")
    seen: dict[str, Problem] = {}
    tries = 0
    while len(seen) < n:
        tries += 1
        if tries > 200 * n + 10_000:
            raise ValueError(f"could not draw {n} distinct {family}/{split} problems (got {len(seen)})")
        p = sample_problem(family, rng, difficulty)
        if split_of(p) == split and p.key not in seen:
            seen[p.key] = p
    return list(seen.values())


# --- Traces -----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Trace:
    words: tuple[str, ...]  # the completion's words (EOS not included)
    weights: tuple[float, ...]  # per-word loss weight: 0 on injected slips

    @property
    def text(self) -> str:
        from suite.tiny.tokenizer import TinyTokenizer

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


_INV = {"+": "-", "-": "+"}


def _chain_steps(problem: Problem) -> list[tuple[int, str, int, int]]:
    steps, cur = [], problem.start
    for op, n in problem.ops:
        nxt = _apply(op, cur, n)
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
            val = _apply(op, cur, n)
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


# --- `long_indep`: verification by an independent route (docs/tiny_world.md, "Attempt: independent-route verification")

EXTRA_STYLES = ("long_indep", "search")  # accepted by `trace`, not in STYLES (tests and callers iterate over STYLES)


def _route_program(problem: Problem, route: int) -> list[tuple[tuple, str, tuple]]:
    """The steps of one way to compute a `chain` result, as (left, op, right) with operands ("c", const) or ("r", i)
    (the result of step i). Route 0: left to right (`12 + 7 = 19 , 19 - 3 = 16 , ...`). Route 1: sum the added
    operands (P), sum the subtracted ones (N), net them (`P - N = D` or `N - P = D`), then `start + D` /
    `start - D`; its intermediate values are partial sums of operands, never the left-to-right values, so it cannot be
    copied from a route-0 pass. Both routes have k steps and every value stays in 0..NMAX."""
    if route == 0:
        prog: list[tuple[tuple, str, tuple]] = []
        cur: tuple = ("c", problem.start)
        for op, n in problem.ops:
            prog.append((cur, op, ("c", n)))
            cur = ("r", len(prog) - 1)
        return prog
    prog = []

    def total(ns: list[int]):
        if not ns:
            return None, 0
        ref: tuple = ("c", ns[0])
        for n in ns[1:]:
            prog.append((ref, "+", ("c", n)))
            ref = ("r", len(prog) - 1)
        return ref, sum(ns)

    p_ref, p_val = total([n for op, n in problem.ops if op == "+"])
    n_ref, n_val = total([n for op, n in problem.ops if op == "-"])
    start = ("c", problem.start)
    if n_ref is None:
        prog.append((start, "+", p_ref))
    elif p_ref is None:
        prog.append((start, "-", n_ref))
    elif p_val >= n_val:
        prog.append((p_ref, "-", n_ref))
        prog.append((start, "+", ("r", len(prog) - 1)))
    else:
        prog.append((n_ref, "-", p_ref))
        prog.append((start, "-", ("r", len(prog) - 1)))
    return prog


def _route_attempt(problem: Problem, route: int, rng: random.Random, slip: bool,
                   avoid: set[int]) -> tuple[_Builder, int]:
    """One pass by `route` (`... , so v`); with `slip`, one step's result is off by 1-2 (weight 0) and the error
    propagates through the steps that use it; a slipped final value avoids `avoid` (so two passes agree only when
    right)."""
    prog = _route_program(problem, route)
    for _ in range(100):
        at = rng.randrange(len(prog)) if slip else -1
        b, vals, ok = _Builder(), [], True
        for i, (lft, op, rgt) in enumerate(prog):
            a = lft[1] if lft[0] == "c" else vals[lft[1]]
            n = rgt[1] if rgt[0] == "c" else vals[rgt[1]]
            val = _apply(op, a, n)
            if i == at:
                val = _slip(rng, val)
            if not (0 <= a <= NMAX and 0 <= n <= NMAX and 0 <= val <= NMAX):
                ok = False
                break
            b.add(f"{a} {op} {n} =")
            b.add(str(val), 0.0 if i == at else 1.0)
            b.add(",")
            vals.append(val)
        cur = vals[-1] if ok else None
        if ok and (not slip or (cur != int(problem.answer) and cur not in avoid)):
            b.add(f"so {cur}")
            return b, cur
    return _route_attempt(problem, route, rng, False, avoid)


def _long_indep_chain(problem: Problem, rng: random.Random, slip_rate: float) -> Trace:
    """Like `_long_chain`, but consecutive passes use different routes (0, 1, 0, 1, ...; `_route_program`): a pass
    left to right, `check` and a pass by operand sums, the two results side by side, until two consecutive passes
    (= two different routes) agree."""
    return _check_until_agree(problem, rng, slip_rate,
                              lambda i, slip, avoid: _route_attempt(problem, i % 2, rng, slip, avoid))


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

GIVE_UP = "so"  # in a `search` trace, `X so answer ...` = stop searching and answer an unchecked guess


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


def _short(problem: Problem) -> Trace:
    b = _Builder()
    if problem.family == "solve":
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
    if problem.family == "solve":
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
          give_up_rate: float = 0.25) -> Trace:
    """The completion for `problem` in `style` (module docstring). Every style in STYLES ends with the correct answer;
    `search` does not when it gives up (`give_up_rate`)."""
    if style == "direct":
        b = _Builder()
        b.add(f"answer \\boxed{{ {problem.answer} }}")
        return b.build()
    if style == "short":
        return _short(problem)
    if style == "long":
        if problem.family == "solve":
            return _long_solve(problem, rng, slip_rate)
        return _long_chain(problem, rng, slip_rate)
    if style == "constructed":
        return _constructed(problem, rng, slip_rate)
    if style == "long_indep":  # independent-route verification for `chain`; other families fall back to `long`
        if problem.family == "chain":
            return _long_indep_chain(problem, rng, slip_rate)
        return trace(problem, "long", rng, slip_rate=slip_rate)
    if style == "search":  # guess-check-narrow with give-ups for `solve`; other families fall back to `long`
        if problem.family == "solve":
            return _search_solve(problem, rng, give_up_rate)
        return trace(problem, "long", rng, slip_rate=slip_rate)
    raise ValueError(f"unknown style {style!r}; known: {STYLES + EXTRA_STYLES}")


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


# --- Verifier ---------------------------------------------------------------------------------------------------------

_INT = re.compile(r"-?\d+")


def extract(response_text: str) -> str | None:
    """The content of the last `\\boxed{...}` (via the suite's extractor), stripped; None if absent."""
    from suite.verify.extract import extract_answer

    got = extract_answer(response_text)
    return None if got is None else got.strip()


def verify(problem: Problem, response_text: str) -> bool:
    """Programmatic grader: the last boxed answer equals the reference integer."""
    got = extract(response_text)
    return got is not None and _INT.fullmatch(got) is not None and int(got) == int(problem.answer)


def count_keyword(text: str, keyword: str) -> int:
    """Whole-word occurrences of `keyword` in space-joined decoded text."""
    return sum(1 for w in text.split() if w == keyword)


from suite.tiny.tokenizer import TinyTokenizer as _TT  # noqa: E402  (decoder for Trace.text)

_DECODER = _TT(vocabulary())
