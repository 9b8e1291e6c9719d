"""Shared set-up of the study tests: a finished smoke run of one finding, made once per session."""

from pathlib import Path

import pytest


def smoke_run(tmp_path_factory, finding: str) -> Path:
    """`longcot run --smoke --only <finding>` into a fresh directory; its path."""
    from suite.cli import main

    run = tmp_path_factory.mktemp(finding.replace(".", "_")) / "run"
    assert main(["run", "--smoke", "--only", finding, "--out", str(run), "--no-progress"]) == 0
    return run


@pytest.fixture(scope="session")
def smoke_run_of():
    """`smoke_run`, made once per finding and session: the study tests only read a run, so they share it."""
    made: dict[str, Path] = {}

    def get(tmp_path_factory, finding: str) -> Path:
        if finding not in made:
            made[finding] = smoke_run(tmp_path_factory, finding)
        return made[finding]

    return get
