"""Figures for the report: curves with seed bands (and the reference band), per-seed scalars per arm."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display needed; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from suite.metrics.names import CATALOG  # noqa: E402

MAX_CURVE_PLOTS = 6


def _png(fig) -> bytes:
    buf = io.BytesIO()
    # Fixed metadata keeps the bytes stable across runs (matplotlib otherwise stamps the software version only).
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def experiment_plots(er) -> list[tuple[str, bytes]]:
    plots: list[tuple[str, bytes]] = []
    available = {n for arm in er.observations.values() for n in arm.curves}
    # the metrics the checks judge come first, then the rest alphabetically, up to the cap
    checked = [c.metric for c in er.entry.checks or ()]
    curve_names = list(dict.fromkeys(n for n in checked if n in available)) + sorted(available - set(checked))
    for name in curve_names[:MAX_CURVE_PLOTS]:
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        for arm, obs in er.observations.items():
            if name not in obs.curves:
                continue
            c = obs.curves[name]
            arr = c.array()
            x = np.asarray(c.steps)
            line, = ax.plot(x, arr.mean(axis=0), label=f"{arm} (n={arr.shape[0]})")
            if arr.shape[0] > 1:
                ax.fill_between(x, arr.min(axis=0), arr.max(axis=0), alpha=0.2, color=line.get_color())
            ref = er.reference.observations.get(arm) if er.reference else None
            if ref and name in ref.curves:
                rc = ref.curves[name]
                ra = rc.array()
                ax.plot(rc.steps, ra.mean(axis=0), ls="--", color=line.get_color(), alpha=0.8, label=f"{arm} reference")
        unit = CATALOG[name].unit if name in CATALOG else ""
        ax.set_xlabel("step")
        ax.set_ylabel(f"{name} [{unit}]")
        ax.set_title(f"{er.id}: {name} (mean, band = min..max over seeds)", fontsize=9)
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
        plots.append((f"{name} per step", _png(fig)))
    scalar_names = sorted({n for arm in er.observations.values() for n in arm.scalars if n != "wall_time_s"})
    if scalar_names:
        fig, axes = plt.subplots(1, len(scalar_names), figsize=(max(3.0, 2.6 * len(scalar_names)), 3.2), squeeze=False)
        for ax, name in zip(axes[0], scalar_names):
            arms = [a for a, o in er.observations.items() if name in o.scalars]
            for i, arm in enumerate(arms):
                s = er.observations[arm].scalars[name]
                vals = s.values or (s.mean,)
                ax.scatter(np.full(len(vals), i, dtype=float), vals, s=14)
                ax.hlines(s.mean, i - 0.3, i + 0.3, color="black")
                ref = er.reference.observations.get(arm) if er.reference else None
                if ref and name in ref.scalars:
                    ax.hlines(ref.scalars[name].mean, i - 0.3, i + 0.3, color="red", ls="--")
            ax.set_xticks(range(len(arms)), arms, rotation=30, fontsize=7)
            ax.set_title(name, fontsize=8)
            ax.grid(alpha=0.3)
        fig.suptitle(f"{er.id}: per-seed values (black: mean, red dashed: reference)", fontsize=9)
        plots.append(("scalars per arm", _png(fig)))
    return plots
