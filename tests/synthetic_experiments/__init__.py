"""Small synthetic experiments for testing the spine: cheap recipes whose outputs are known in closed form.

Ids reuse the paper's pattern so that they pass the same validation as real findings; this package is only ever
discovered explicitly (`--experiments synthetic_experiments`).
"""
