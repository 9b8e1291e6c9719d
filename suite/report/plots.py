"""Figures for the report: smoothed mean curves over the seeds' band (and the reference), per-seed scalars per arm.

Every figure is a PNG of fixed bytes for fixed inputs (no timestamp or software stamp in its metadata).
"""

from __future__ import annotations

import io

from suite.mplcache import configure_matplotlib

configure_matplotlib()  # before matplotlib loads: its cache never goes to $HOME

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # no display needed; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402

from suite.metrics import names as M  # noqa: E402
from suite.metrics.names import CATALOG  # noqa: E402

MAX_CURVE_PLOTS = 6
SCALAR_PANELS_PER_ROW = 6  # the per-seed scalars figure wraps into rows of this many panels

Plot = tuple[str, bytes]  # (caption, PNG bytes)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    # No software stamp (the only metadata matplotlib writes by default): the bytes stay stable across versions.
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _unit(metric: str) -> str:
    return CATALOG[metric].unit if metric in CATALOG else "?"


def _color(er, arm: str) -> str:
    """The arm's colour, the same in every figure of the experiment."""
    return f"C{list(er.observations).index(arm) % 10}"


def smoothing_window(n_points: int) -> int:
    """Odd window of about a tenth of a curve's points: 1 (no smoothing) under 20 points, 3 from 20, 5 from 40..."""
    return 2 * (n_points // 20) + 1


def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average over `window` points (odd). Near the ends the window shrinks symmetrically, so that a
    linear trend passes unchanged and the first and last points are the raw ones."""
    values = np.asarray(values, dtype=float)
    n = values.size
    idx = np.arange(n)
    half = np.minimum(window // 2, np.minimum(idx, n - 1 - idx))
    cumsum = np.concatenate(([0.0], np.cumsum(values)))
    return (cumsum[idx + half + 1] - cumsum[idx - half]) / (2 * half + 1)


def curve_plot(er, metric: str, arms: list[str], title: str) -> Plot:
    """One curve metric of `arms`: per arm the seed mean smoothed (solid) over the raw seed mean (faint) and the
    min..max band of the seeds' raw curves; the reference's seed mean, smoothed alike, dashed."""
    curves = {arm: er.observations[arm].curves[metric] for arm in arms if metric in er.observations[arm].curves}
    # an arm evaluated once (an SFT arm's one held-out point, at its own last step) is a scalar beside training
    # curves: it would stretch the step axis to another job's length, so it is left to the scalar panels
    single = [arm for arm, c in curves.items() if len(c.steps) < 2]
    if len(single) == len(curves):
        single = []
    curves = {arm: c for arm, c in curves.items() if arm not in single}
    window = smoothing_window(max(len(c.steps) for c in curves.values()))
    has_reference = False
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    for arm, c in curves.items():
        arr, x, color = c.array(), np.asarray(c.steps), _color(er, arm)
        mean = arr.mean(axis=0)
        if arr.shape[0] > 1:
            ax.fill_between(x, arr.min(axis=0), arr.max(axis=0), color=color, alpha=0.15, linewidth=0)
        ax.plot(x, mean, color=color, alpha=0.3, linewidth=0.8)
        ax.plot(x, smooth(mean, window), color=color, linewidth=1.8, label=f"{arm} (n={arr.shape[0]} seeds)")
        ref = er.reference.observations.get(arm) if er.reference else None
        if ref and metric in ref.curves:
            rc = ref.curves[metric]
            ax.plot(rc.steps, smooth(rc.array().mean(axis=0), window), ls="--", color=color, alpha=0.8,
                    label=f"{arm} reference")
            has_reference = True
    ax.set_xlabel("training step")
    ax.set_ylabel(f"{metric} [{_unit(metric)}]")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    smoothing = (f"seed mean smoothed by a centred moving average over {window} logged points" if window > 1
                 else "seed mean (not smoothed: under 20 logged points)")
    caption = (f"{metric} [{_unit(metric)}] per training step. Solid: {smoothing}; faint: raw seed mean; "
               "band: min..max of the seeds' raw curves"
               + ("; dashed: reference seed mean, smoothed alike." if has_reference else ".")
               + (f" Not drawn (one evaluation each, in the scalar panels): {', '.join(single)}." if single else ""))
    return caption, _png(fig)


def _scalar_panel(ax, er, metric: str, arms: list[str]) -> bool:
    """Per-seed values of one scalar metric, one column per arm, with the mean (black) and the reference mean (red
    dashed). Returns whether a reference mean was drawn."""
    has_reference = False
    for i, arm in enumerate(arms):
        s = er.observations[arm].scalars[metric]
        vals = s.values or (s.mean,)
        ax.scatter(np.full(len(vals), i, dtype=float), vals, s=14, color=_color(er, arm))
        ax.hlines(s.mean, i - 0.3, i + 0.3, color="black")
        ref = er.reference.observations.get(arm) if er.reference else None
        if ref and metric in ref.scalars:
            ax.hlines(ref.scalars[metric].mean, i - 0.3, i + 0.3, color="red", ls="--")
            has_reference = True
    ax.set_xticks(range(len(arms)), arms, rotation=30, fontsize=7)
    ax.set_ylabel(f"[{_unit(metric)}]", fontsize=7)
    ax.set_title(metric, fontsize=8)
    ax.grid(alpha=0.3)
    return has_reference


def _scalar_caption(has_reference: bool) -> str:
    return "dots: one per seed; black line: mean over seeds" + ("; red dashed: reference mean." if has_reference
                                                                 else ".")


def scalar_plot(er, metric: str, arms: list[str], title: str) -> Plot:
    fig, ax = plt.subplots(figsize=(max(3.0, 1.2 * len(arms) + 1.5), 3.2))
    has_reference = _scalar_panel(ax, er, metric, [a for a in arms if metric in er.observations[a].scalars])
    ax.set_title(title, fontsize=9)
    return f"{metric} [{_unit(metric)}] per arm: {_scalar_caption(has_reference)}", _png(fig)


def check_plot(er, check) -> Plot | None:
    """The figure a check's evidence refers to: its metric over its arms (a curve when the run logged one, else the
    per-seed scalars); None when the run holds neither."""
    arms = [a for a in check.arms if a in er.observations]
    title = f"{er.id}: {check.name}"
    if any(check.metric in er.observations[a].curves for a in arms):
        return curve_plot(er, check.metric, arms, title)
    if any(check.metric in er.observations[a].scalars for a in arms):
        return scalar_plot(er, check.metric, arms, title)
    return None


SCALING_X = M.SFT_TRAIN_TOKENS
SCALING_Y = (M.HELDOUT_ACCURACY, M.OOD_ACCURACY)


def scaling_series(er) -> dict[str, list[str]]:
    """Arms that form a data-scaling series: arms named `<series>_<budget>` that report SFT tokens and held-out
    accuracy, grouped by `<series>`; only series of at least two arms."""
    series: dict[str, list[str]] = {}
    for arm, o in er.observations.items():
        if SCALING_X in o.scalars and SCALING_Y[0] in o.scalars and "_" in arm:
            series.setdefault(arm.rsplit("_", 1)[0], []).append(arm)
    return {k: v for k, v in series.items() if len(v) >= 2}


def scaling_plot(er) -> Plot | None:
    """Accuracy against SFT tokens (log scale), one line per series through the arms' seed means, each seed a faint
    dot; held-out (in-domain) and, where reported, out-of-domain accuracy side by side. None without a series."""
    series = scaling_series(er)
    if not series:
        return None
    ys = [y for y in SCALING_Y if any(np.isfinite(er.observations[a].scalars[y].mean)
                                      for arms in series.values() for a in arms if y in er.observations[a].scalars)]
    fig, axes = plt.subplots(1, len(ys), figsize=(4.2 * len(ys), 3.4), squeeze=False)
    for ax, y in zip(axes[0], ys):
        for name, arms in series.items():
            pts = sorted((er.observations[a].scalars[SCALING_X].mean, er.observations[a].scalars[y], a) for a in arms)
            color = _color(er, pts[0][2])
            for x, s, _ in pts:
                vals = s.values or (s.mean,)
                ax.scatter(np.full(len(vals), x), vals, s=10, color=color, alpha=0.35)
            ax.plot([p[0] for p in pts], [p[1].mean for p in pts], "-o", color=color, label=name)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())  # labelled minor ticks overlap on short axes
        ax.set_xlabel(f"{SCALING_X} [{_unit(SCALING_X)}]")
        ax.set_ylabel(f"{y} [{_unit(y)}]")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
        ax.set_title(f"{er.id}: {y}", fontsize=9)
    caption = ("Accuracy against SFT tokens (log scale), one line per series through the seed means; faint dots: one "
               "per seed. Series: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in series.items()) + ".")
    return caption, _png(fig)


def experiment_plots(er) -> list[Plot]:
    """Overview figures of one experiment: its curves (those its checks judge first, then those its module declares,
    then the rest alphabetically, up to MAX_CURVE_PLOTS) and one panel per scalar metric."""
    plots: list[Plot] = []
    available = {n for arm in er.observations.values() for n in arm.curves}
    checked = [c.metric for c in er.entry.checks or ()]
    first = [n for n in (*checked, *er.declared_metrics) if n in available]
    curve_names = list(dict.fromkeys(first)) + sorted(available - set(first))
    for name in curve_names[:MAX_CURVE_PLOTS]:
        plots.append(curve_plot(er, name, list(er.observations), f"{er.id}: {name}"))
    scaling = scaling_plot(er)
    if scaling:
        plots.append(scaling)
    scalar_names = sorted({n for arm in er.observations.values() for n in arm.scalars if n != "wall_time_s"})
    if scalar_names:
        cols = min(SCALAR_PANELS_PER_ROW, len(scalar_names))
        rows = -(-len(scalar_names) // cols)
        fig, axes = plt.subplots(rows, cols, figsize=(max(3.0, 2.6 * cols), 3.2 * rows), squeeze=False)
        has_reference = False
        for ax, name in zip(axes.flat, scalar_names):
            has_reference |= _scalar_panel(ax, er, name, [a for a, o in er.observations.items() if name in o.scalars])
        for ax in list(axes.flat)[len(scalar_names):]:
            ax.set_visible(False)
        fig.suptitle(f"{er.id}: per-seed values", fontsize=9)
        plots.append((f"scalars per arm ({', '.join(scalar_names)}): {_scalar_caption(has_reference)}", _png(fig)))
    return plots
