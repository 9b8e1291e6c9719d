"""The recipe base class: canonical serialisation, a content hash for caching, validation and checked overrides."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import types
import typing
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Callable, ClassVar, Mapping

from suite.errors import UserError


@dataclass(frozen=True)
class JobContext:
    """What a running job may touch: its own work directory, the work directories of the jobs it depends on (same
    seed), and a progress callback `report(done, total)`."""

    workdir: Path
    dependencies: Mapping[str, Path]
    report: Callable[[int, int], None] = lambda done, total: None


@dataclass(frozen=True)
class Recipe:
    """Base of every recipe. Subclasses are frozen dataclasses with typed fields and a unique `kind`."""

    kind: ClassVar[str] = "recipe"
    #: False for recipes that describe a run on an external engine (the paper scale).
    executable: ClassVar[bool] = True
    #: Bump when a code change can move this recipe's numbers: it is part of the cache key.
    code_version: ClassVar[int] = 1

    def __post_init__(self) -> None:
        validate_fields(self)

    def dependencies(self) -> Mapping[str, "Recipe"]:
        """Recipes whose outputs this one needs (e.g. RL from an SFT checkpoint). They run first, with the same seed."""
        return {}

    def check_runnable(self) -> None:
        """Raise UserError when this machine cannot run the recipe (e.g. it needs a CUDA device there is none of).
        The runner asks before starting any job, for the recipes of unfinished jobs only: a finished run is judged
        anywhere."""

    def run(self, seed: int, ctx: JobContext) -> dict:
        """Execute and return {"scalars": {...}, "curves": {name: {"step": [...], "value": [...]}}}."""
        raise NotImplementedError(f"recipe kind {self.kind!r} cannot be executed by this suite")


# ---------------------------------------------------------------------------------------------------------------------
# Serialisation and hashing
# ---------------------------------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Recipe):
        return recipe_to_dict(value)
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _plain(getattr(value, f.name)) for f in fields(value) if not _omitted(value, f)}
        out["__type__"] = type(value).__name__
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    return value


#: field metadata of a field added after references were stored: at its default value the field is left out of the
#: canonical form, so the hashes of the recipes that do not use it stay what they were
OMIT_AT_DEFAULT = {"omit_at_default": True}


def _omitted(obj: Any, f: dataclasses.Field) -> bool:
    """Whether field `f` of a recipe or of a nested setting is left out of the canonical form (OMIT_AT_DEFAULT)."""
    return bool(f.metadata.get("omit_at_default")) and getattr(obj, f.name) == f.default


def recipe_to_dict(recipe: Recipe) -> dict:
    """Canonical plain-data form of a recipe (nested recipes and settings included)."""
    out = {f.name: _plain(getattr(recipe, f.name)) for f in fields(recipe) if not _omitted(recipe, f)}
    out["__kind__"] = recipe.kind
    out["__code_version__"] = recipe.code_version
    return out


def recipe_hash(recipe: Recipe) -> str:
    """sha256 of the canonical JSON of the recipe. Equal recipes in different experiments share one cache entry, so a
    shared arm is trained once."""
    text = json.dumps(recipe_to_dict(recipe), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------------------------
# Validation and overrides
# ---------------------------------------------------------------------------------------------------------------------


def _type_ok(value: Any, annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if annotation is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, a) for a in typing.get_args(annotation))
    if origin is typing.Literal:
        return value in typing.get_args(annotation)
    if origin in (tuple, list):
        if not isinstance(value, origin):
            return False
        args = typing.get_args(annotation)
        if not args:
            return True
        if origin is tuple and (len(args) != 2 or args[1] is not Ellipsis):
            return len(value) == len(args) and all(_type_ok(v, a) for v, a in zip(value, args))
        return all(_type_ok(v, args[0]) for v in value)
    if origin is dict or annotation is dict:
        return isinstance(value, dict)
    if annotation is type(None):
        return value is None
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(annotation, type):
        return isinstance(value, annotation)
    return True  # forward refs we cannot resolve: accept


def _non_finite(value: Any) -> bool:
    """A float that is NaN or infinite, anywhere inside a field's value (tuples included)."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return any(_non_finite(v) for v in value)
    return False


def validate_fields(obj: Any) -> None:
    """Check every field of a dataclass instance against its annotation, and that no number is NaN or infinite (a
    learning rate of NaN or a KL coefficient of inf would only show as NaN losses after training); raise UserError
    naming the field."""
    hints = typing.get_type_hints(type(obj))
    for f in fields(obj):
        value = getattr(obj, f.name)
        ann = hints.get(f.name, Any)
        if not _type_ok(value, ann):
            raise UserError(
                f"field {f.name!r} = {value!r} has type {type(value).__name__}, expected {_type_name(ann)}",
                where=f"recipe {type(obj).__name__}",
            )
        if _non_finite(value):
            raise UserError(f"field {f.name!r} = {value!r}: expected a finite number",
                            where=f"recipe {type(obj).__name__}")


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def _parse_value(text: str, annotation: Any, where: str) -> Any:
    """Parse a CLI override value as JSON when possible (numbers, booleans, lists), else as a plain string."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = text
    if isinstance(value, list):
        value = tuple(value)
    if _non_finite(value):
        raise UserError(f"cannot set to {text!r}: expected a finite number", where=where)
    if annotation is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not _type_ok(value, annotation):
        raise UserError(f"cannot set to {text!r}: expected {_type_name(annotation)}", where=where)
    return value


def field_paths(obj: Any, name: str) -> list[str]:
    """The dotted paths of every field called `name` in `obj` and the recipes and settings nested in it (e.g.
    ["device", "init.device", "init.init.device"] for an RL recipe whose SFT start has a base model of its own)."""
    out = []
    if is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            if f.name == name:
                out.append(name)
            out += [f"{f.name}.{p}" for p in field_paths(getattr(obj, f.name), name)]
    return out


def applicable_overrides(recipe: Recipe, overrides: Mapping[str, str]) -> dict[str, str]:
    """The overrides whose dotted field path exists in `recipe` (e.g. `init.sft.steps` for an RL recipe, `sft.steps`
    for an SFT one): how a set of overrides meant for several kinds of recipe (`--smoke`) reaches each."""
    def has(obj, path: list[str]) -> bool:
        if not path:
            return True
        if not is_dataclass(obj) or path[0] not in {f.name for f in fields(obj)}:
            return False
        return has(getattr(obj, path[0]), path[1:])

    return {k: v for k, v in overrides.items() if has(recipe, k.split("."))}


def apply_overrides(recipe: Recipe, overrides: Mapping[str, str], *, where: str) -> Recipe:
    """Return `recipe` with `field=value` overrides applied, refusing unknown fields and wrong types.

    Dotted names reach into nested recipes and settings (`init.steps=100`).
    """
    if not overrides:
        return recipe
    changes: dict[str, Any] = {}
    nested: dict[str, dict[str, str]] = {}
    names = {f.name for f in fields(recipe)}
    hints = typing.get_type_hints(type(recipe))
    for key, text in overrides.items():
        head, _, rest = key.partition(".")
        if head not in names:
            raise UserError(
                f"unknown recipe field {head!r} for {type(recipe).__name__}; fields: {', '.join(sorted(names))}",
                where=where,
            )
        if rest:
            nested.setdefault(head, {})[rest] = text
        else:
            changes[head] = _parse_value(text, hints.get(head, Any), f"{where}: {key}")
    for head, sub in nested.items():
        inner = getattr(recipe, head)
        if isinstance(inner, Recipe):
            changes[head] = apply_overrides(inner, sub, where=f"{where}: {head}")
        elif is_dataclass(inner):
            inner_hints = typing.get_type_hints(type(inner))
            inner_names = {f.name for f in fields(inner)}
            sub_changes = {}
            for k, t in sub.items():
                if k not in inner_names:
                    raise UserError(f"unknown field {k!r} in {type(inner).__name__}", where=f"{where}: {head}")
                sub_changes[k] = _parse_value(t, inner_hints.get(k, Any), f"{where}: {head}.{k}")
            try:
                changes[head] = dataclasses.replace(inner, **sub_changes)
            except (TypeError, ValueError) as exc:
                raise UserError(str(exc), where=f"{where}: {head}") from None
            validate_fields(changes[head])
        else:
            raise UserError(f"field {head!r} has no sub-fields", where=where)
    try:
        return replace(recipe, **changes)
    except (TypeError, ValueError) as exc:
        raise UserError(str(exc), where=where) from None
