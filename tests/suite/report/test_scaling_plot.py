"""The accuracy-against-SFT-tokens figure: which arms form a series, and that it is drawn only for one."""

import io
from types import SimpleNamespace

from PIL import Image

from suite.metrics import names as M
from suite.observations import ArmObservations, ScalarSample
from suite.report.plots import experiment_plots, scaling_plot, scaling_series


def arm(tokens, acc, ood=None):
    s = {M.SFT_TRAIN_TOKENS: ScalarSample.from_values([tokens] * 3), M.HELDOUT_ACCURACY: ScalarSample.from_values(acc)}
    if ood is not None:
        s[M.OOD_ACCURACY] = ScalarSample.from_values(ood)
    return ArmObservations(s)


def report(observations):
    return SimpleNamespace(id="x", observations=observations, reference=None, entry=SimpleNamespace(checks=()),
                           declared_metrics=())


def test_arms_named_series_underscore_budget_with_tokens_form_series_of_two_or_more():
    er = report({"long_n32": arm(1e5, (0.1, 0.2, 0.1)), "long_n64": arm(2e5, (0.3, 0.3, 0.4)),
                 "short_n32": arm(3e4, (0.1, 0.1, 0.2)), "short_n64": arm(6e4, (0.2, 0.2, 0.2)),
                 "lonely_n1": arm(1e4, (0.0, 0.0, 0.0)),
                 "rl": ArmObservations({M.HELDOUT_ACCURACY: ScalarSample.from_values((0.5, 0.5))})})
    assert scaling_series(er) == {"long": ["long_n32", "long_n64"], "short": ["short_n32", "short_n64"]}
    caption, png = scaling_plot(er)
    assert png.startswith(b"\x89PNG") and "long: long_n32, long_n64" in caption
    assert any(c.startswith("Accuracy against SFT tokens") for c, _ in experiment_plots(er))


def test_no_series_no_figure():
    er = report({"a": arm(1e5, (0.1, 0.2)), "b_1": arm(1e5, (0.1, 0.2))})
    assert scaling_series(er) == {} and scaling_plot(er) is None
    assert not any(c.startswith("Accuracy against SFT tokens") for c, _ in experiment_plots(er))


def test_out_of_domain_accuracy_gets_its_own_panel_when_reported():
    one = report({"long_n32": arm(1e5, (0.1, 0.2)), "long_n64": arm(2e5, (0.3, 0.4))})
    two = report({"long_n32": arm(1e5, (0.1, 0.2), (0.0, 0.1)), "long_n64": arm(2e5, (0.3, 0.4), (0.1, 0.1))})
    w1 = Image.open(io.BytesIO(scaling_plot(one)[1])).size[0]
    w2 = Image.open(io.BytesIO(scaling_plot(two)[1])).size[0]
    assert w2 > 1.6 * w1
