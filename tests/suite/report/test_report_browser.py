"""report.html in a real headless browser (Chromium from the system packages): the rendered DOM has the verdict
matrix in the paper's order with coloured verdicts, and a screenshot shows them. Skipped where no browser is
installed."""

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

PAPER_ORDER = ["takeaway-3.1", "takeaway-4.2", "takeaway-4.9", "takeaway-4.10", "takeaway-5.2", "section-6", "my-study"]
# background colours of the tones in suite/report/html.py CSS (RGB)
FAIL_BG, PASS_BG, NOT_RUN_BG = (255, 216, 211), (218, 251, 225), (238, 238, 238)


@pytest.fixture(scope="module")
def browser():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("no headless browser: neither `chromium` nor `chromium-browser` is on PATH "
                    "(install it with `apt-get install chromium`)")
    return path


def _chromium(browser, tmp_path, *args) -> subprocess.CompletedProcess:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           f"--user-data-dir={tmp_path / 'profile'}", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-2000:]}"
    return done


def test_the_rendered_page_leads_with_the_coloured_verdict_matrix(browser, paper_run, parse_html, tmp_path):
    url = (paper_run / "report.html").resolve().as_uri()
    dom = parse_html(_chromium(browser, tmp_path, "--dump-dom", url).stdout)
    rows = dom.matrix_rows()
    assert [finding for finding, _ in rows] == PAPER_ORDER
    cells = dict(rows)
    tones = {s.text: s.classes for s in cells["takeaway-4.9"][2].find_all("span")}
    assert "v-fail" in tones["reproduction: deviates from reference"] and "v-pass" in tones["claim: claim holds"]
    assert "v-not-run" in cells["section-6"][2].classes
    assert dom.find_all("div", "check-evidence")[0].find_all("img")

    shot = tmp_path / "report.png"
    _chromium(browser, tmp_path, "--window-size=1280,1000", f"--screenshot={shot}", url)
    assert shot.exists() and shot.stat().st_size > 20_000, "screenshot missing or nearly empty"
    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3).astype(int)
    assert len(np.unique(pixels, axis=0)) > 50, "screenshot is (nearly) a single colour"
    for name, rgb in (("fail", FAIL_BG), ("pass", PASS_BG), ("not-run", NOT_RUN_BG)):
        painted = (np.abs(pixels - rgb).max(axis=1) <= 3).sum()
        assert painted > 200, f"no {name}-coloured verdict painted in the screenshot ({painted} pixels)"
