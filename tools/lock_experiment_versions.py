"""Write experiments/versions.lock.json: every experiment's version and the recipe hashes that version was declared
with, so that a change that can move an experiment's numbers cannot land without a version bump (STYLE.md,
"References and verdicts"; lm-eval's task versioning).

Lock layout (sorted keys, 2-space indent, so a bump shows as a small diff):

    {"about": "...",
     "experiments": {"<id>": {"version": 3,
                              "recipes": {"<scale>": {"<arm>": "<first 16 hex digits of suite.recipes.recipe_hash>"}}}}}

`lock_problems(experiments, lock)` is what the contract test runs (tests/test_experiments_contract.py). It compares
each discovered experiment with its entry:

- same version, same hashes: fine;
- same version, a hash changed (or an arm or scale came or went): the change needs a bump; the message says where to
  set the new version, the changelog line to add, and then to run this script;
- version above the lock's: the lock is stale; run this script;
- version below the lock's, or an experiment missing from (or only in) the lock: run this script after fixing.

Run: python tools/lock_experiment_versions.py   (rewrites the lock; commit it with the bump)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Mapping

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from suite.atomic import write_json_atomic  # noqa: E402
from suite.experiment import Experiment  # noqa: E402
from suite.registry import discover  # noqa: E402

LOCK_PATH = ROOT / "experiments" / "versions.lock.json"
COMMAND = "python tools/lock_experiment_versions.py"
#: Hash prefix length: the one the reference files' provenance uses for recipe hashes.
HASH_CHARS = 16
ABOUT = (f"Experiment versions and the recipe hashes each version was declared with. Written by `{COMMAND}`; "
         "tests/test_experiments_contract.py fails when a recipe changes without a version bump.")


def lock_of(experiments: Mapping[str, Experiment]) -> dict[str, Any]:
    """The lock that describes `experiments` as declared now (id -> version and scale -> arm -> hash prefix)."""
    return {
        "about": ABOUT,
        "experiments": {
            exp_id: {"version": exp.version,
                     "recipes": {scale: {arm: h[:HASH_CHARS] for arm, h in arms.items()}
                                 for scale, arms in exp.recipe_hashes().items()}}
            for exp_id, exp in experiments.items()
        },
    }


def lock_problems(experiments: Mapping[str, Experiment], lock: Mapping[str, Any]) -> list[str]:
    """One message per experiment whose declaration disagrees with `lock`; empty when they agree."""
    locked = lock.get("experiments", {})
    now = lock_of(experiments)["experiments"]
    rewrite = f"run `{COMMAND}` to rewrite the lock"
    problems = []
    for exp_id, entry in now.items():
        old = locked.get(exp_id)
        if old is None:
            problems.append(f"{exp_id}: not in {_rel(LOCK_PATH)}; {rewrite}")
            continue
        version, old_version = entry["version"], old.get("version")
        changes = _hash_changes(old.get("recipes", {}), entry["recipes"])
        if not isinstance(old_version, int) or version > old_version:
            problems.append(f"{exp_id}: version {version} is ahead of the lock (version {old_version}), so the lock "
                            f"is stale; {rewrite}")
        elif version < old_version:
            problems.append(f"{exp_id}: version {version} is below the locked version {old_version}; versions only go "
                            f"up: set version={old_version + 1} in {_module_of(experiments[exp_id])}, then {rewrite}")
        elif changes:
            problems.append(
                f"{exp_id}: its recipes changed ({'; '.join(changes)}) but its version is still {version}. A change "
                f"that can move an experiment's numbers needs a bump: set version={version + 1} in "
                f"{_module_of(experiments[exp_id])}, add the entry '{version + 1}: \"<what changed>\"' to its "
                f"changelog, then {rewrite}. (Bump even if you expect the same numbers: the recipe, and so the run, "
                "is a different one.)")
    for exp_id in sorted(set(locked) - set(now)):
        problems.append(f"{exp_id}: in the lock but no longer declared; {rewrite}")
    return problems


def _hash_changes(old: Mapping[str, Mapping[str, str]], new: Mapping[str, Mapping[str, str]]) -> list[str]:
    """'scale/arm: old -> new' for every recipe that differs, came or went."""
    out = []
    for scale in sorted(set(old) | set(new)):
        before, after = old.get(scale, {}), new.get(scale, {})
        for arm in sorted(set(before) | set(after)):
            if before.get(arm) != after.get(arm):
                out.append(f"{scale}/{arm}: {before.get(arm, 'absent')} -> {after.get(arm, 'absent')}")
    return out


def _module_of(exp: Experiment) -> str:
    """The file that declares `exp` (discovery has imported it), relative to the checkout when inside it. Reads each
    loaded module's own namespace, never `getattr`: a lazy module's `__getattr__` (transformers 5's) imports its
    submodules on a lookup, and some of those fail to import."""
    for module in list(sys.modules.values()):
        own = getattr(module, "__dict__", None) or {}
        if own.get("EXPERIMENT") is exp and own.get("__file__"):
            return _rel(Path(own["__file__"]))
    return "the module that declares it"


def _rel(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main() -> None:
    path = write_json_atomic(LOCK_PATH, lock_of(discover()))
    print(_rel(path))


if __name__ == "__main__":
    main()
