"""Argument types shared by the `longcot` sub-commands (`suite/cli.py`, `suite/eval/commands.py`).

Each is an argparse `type=`: a bad value raises `argparse.ArgumentTypeError`, which argparse reports naming the
option (exit 2). A command that checks a value later wraps the same function and raises `suite.errors.UserError`.
"""

from __future__ import annotations

import argparse

from suite.determinism import MAX_SEED


def csv(text: str) -> list[str]:
    """`a, b,,c` -> ['a', 'b', 'c']."""
    return [t.strip() for t in text.split(",") if t.strip()]


def positive_int(text: str) -> int:
    """An integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def seed(text: str) -> int:
    """One seed: an integer from 0 to MAX_SEED."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to {MAX_SEED}, got {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"seed {value} is out of range: expected an integer from 0 to {MAX_SEED}")
    return value


def seed_list(text: str) -> tuple[int, ...]:
    """Distinct comma-separated seeds, each from 0 to MAX_SEED."""
    try:
        seeds = tuple(int(s) for s in csv(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers like 0,1,2, got {text!r}") from None
    if not seeds:
        raise argparse.ArgumentTypeError("expected at least one seed")
    for s in seeds:
        if not 0 <= s <= MAX_SEED:
            raise argparse.ArgumentTypeError(f"seed {s} is out of range: expected integers from 0 to {MAX_SEED}")
    repeated = sorted({s for s in seeds if seeds.count(s) > 1})
    if repeated:
        raise argparse.ArgumentTypeError(f"seed(s) {', '.join(map(str, repeated))} given more than once")
    return seeds
