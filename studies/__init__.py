"""Studies: evidence about the tiny world that is not itself a finding (does thinking longer help the SFT policy,
which SFT data scales, how RL moves length, is a run deterministic).

A study trains only through recipes and `suite.runner.run` (`studies.runs.run_recipes`): its jobs are cached,
resumable and carry provenance like any finding's, and its outputs go to a folder given on the command line. Studies
import `suite` and `experiments`; nothing imports a study.

    python -m studies.search_world {checkpoint,lengthcurve,teacher,grid} --out evidence/tiny/search
    python -m studies.rl_probe {run,collect,summary} --out evidence/tiny/rl/probe_search
    python -m studies.determinism --out evidence/tiny/search/determinism.json
"""
