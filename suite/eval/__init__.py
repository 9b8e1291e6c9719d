"""The paper's evaluation protocol: benchmarks (`benchmarks`), presets (`presets`), the run (`protocol`), the
paper's table rows (`paper_tables`), rollout statistics (`analyze`) and the `eval` / `analyze` commands
(`commands`)."""
