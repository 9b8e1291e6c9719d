"""The suite's tests. A regular package, not a namespace one: verl 0.9.1's wheel installs a top-level `tests` package,
which wins over a namespace package of the same name wherever it sits on the path, so a grading worker process (which
imports a test's function by its module, `tests.suite...`) found verl's instead of these."""
