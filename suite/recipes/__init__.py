"""Typed recipes: what a job trains or evaluates, as frozen dataclasses.

A recipe is data. Its `run(seed, ctx)` is the only door to execution, and the runner is the only caller. Recipes at the
`paper` scale describe runs for an external engine and are not executable here (`executable = False`).
"""

from suite.recipes.base import (
    JobContext,
    Recipe,
    applicable_overrides,
    apply_overrides,
    field_paths,
    recipe_hash,
    recipe_to_dict,
)

__all__ = ["JobContext", "Recipe", "applicable_overrides", "apply_overrides", "field_paths", "recipe_hash", "recipe_to_dict"]
