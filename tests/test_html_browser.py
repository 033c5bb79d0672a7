"""The HTML report in a real headless Chromium: the page loads with nothing missing and
nothing fetched, the hostile file name stays text, and a screenshot is kept in
test-artifacts/ for a person to look at."""

import re
import shutil

import numpy as np
import pytest

from browser import load_in_browser, screenshot
from cli_run import tapecheck
from report_fixtures import XSS_NAME, defect_file, error_file, ready_file, report
from tapecheck.report.html import CSP, render

#: Defect tapes whose problems happen at moments (so the page has moments to show), best first.
MOMENT_CATEGORIES = ("face", "eyes", "lighting", "framing", "focus", "stability", "extra-face",
                     "edit", "clipping", "speech", "reader-balance", "noise", "loudness")


def defect_tape(sample_tapes):
    tapes = sorted(sample_tapes.glob("defect-*_*.mp4"))
    assert tapes, "no defect sample tapes"

    def rank(p):
        cat = re.match(r"defect-([a-z-]+)_", p.name).group(1)
        return MOMENT_CATEGORIES.index(cat) if cat in MOMENT_CATEGORIES else 99

    return min(tapes, key=lambda p: (rank(p), p.name))


def assert_clean_load(got: dict, n_images: int | None = None) -> None:
    assert got["csp"] == CSP
    assert got["scripts"] == 0 and got["handlers"] == 0 and got["injected"] == 0
    assert got["resources"] == [], f"the page fetched something: {got['resources']}"
    assert all(u.startswith(("data:image/", "#")) for u in got["urls"]), got["urls"]
    assert all(i["loaded"] and i["width"] > 0 for i in got["images"]), got["images"]
    if n_images is not None:
        assert len(got["images"]) == n_images
    assert got["style_applied"] == "8px"  # the inline CSS was applied


def assert_not_blank(png) -> None:
    import cv2

    img = cv2.imread(str(png))
    assert img is not None and img.shape[1] == 1280
    assert float(np.std(img)) > 10, "the screenshot is blank"


@pytest.mark.usefixtures("chromium")
def test_cli_html_report_of_a_defect_tape_in_chromium(sample_tapes, tmp_path):
    tape = defect_tape(sample_tapes)
    hostile = tmp_path / XSS_NAME
    shutil.copy(tape, hostile)
    ready = tmp_path / "ready.mp4"
    shutil.copy(sample_tapes / "ready_grid-man-denim.mp4", ready)
    page = tmp_path / "report.html"
    run = tapecheck("check", "--format", "html", "-o", page, hostile, ready)
    assert run.code in (0, 1), run.err
    assert run.out == ""  # the page went to the file, nothing to stdout
    js = tapecheck("check", "--format", "json", hostile).json["files"][0]

    got = load_in_browser(page, tmp_path)
    assert_clean_load(got)
    assert got["paths"] == [XSS_NAME, "ready.mp4"]  # names only; the hostile one plain text
    assert str(tmp_path) not in page.read_text(encoding="utf-8")  # no folder goes to the coach
    assert got["overview_rows"] == 2
    assert got["headlines"][0] == js["verdict"]["headline"]
    assert got["levels"][0] == {"ready": "Ready", "fix-first": "Fix first",
                                "unusable": "Unusable"}[js["verdict"]["level"]]
    assert got["fixes"][0] == len(js["verdict"]["fixes"]) >= 1
    assert got["findings_rows"][0] == len(js["findings"])
    assert got["levels"][1] == "Ready"
    timed = {fd["code"] for fd in js["findings"] if fd["spans"]}
    if timed:  # the defect's moments are drawn on the timeline
        assert got["timelines"] >= 1 and got["finding_rows"] >= len(timed)
    shot = screenshot(page, f"html-report-{tape.stem}.png", tmp_path)
    assert_not_blank(shot)


@pytest.mark.usefixtures("chromium")
def test_handmade_report_with_moments_timeline_and_clips_in_chromium(tmp_path):
    defect = defect_file(XSS_NAME, with_segments=True)
    page = tmp_path / "handmade.html"
    page.write_text(render(report(defect, ready_file(), error_file())), encoding="utf-8")

    got = load_in_browser(page, tmp_path)
    pictured = 3  # the moments of the first fixes: face and light share the one at 0:12
    assert_clean_load(got, n_images=pictured)
    assert got["paths"][0] == XSS_NAME and got["injected"] == 0
    assert got["title"] == "tapecheck: 3 tapes"
    assert got["timelines"] == 2  # the ready tape has face/eyes series too
    assert got["series_rows"][:5] == ["face", "eyes", "loudness", "speech", "reader"]
    assert got["finding_rows"] == 3 and got["moments"] == pictured
    assert all(w > 600 for w in got["svg_width"])  # laid out, not collapsed
    shot = screenshot(page, "html-report-handmade.png", tmp_path, size="1280,2400")
    assert_not_blank(shot)


def test_html_to_a_terminal_is_refused_but_piping_works(sample_tapes):
    import os
    import pty
    import subprocess
    import sys

    tape = sample_tapes / "defect-resolution_360p.mp4"
    piped = tapecheck("check", "--format", "html", "--select", "resolution", tape)
    assert piped.code == 1 and piped.out.startswith("<!DOCTYPE html>")  # a 360p warning
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "tapecheck", "check", "--format", "html",
                               str(tape)], stdout=follower, stderr=subprocess.PIPE, text=True,
                              timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 2
    assert "add -o report.html" in proc.stderr


def test_timeline_time_labels_fit_on_a_phone(tmp_path):
    """At 390 px the timeline puts its labels above full-width tracks; every time on its axis
    is drawn whole inside the drawing ("0:00" was cut to ":00")."""
    import pytest

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    from browser import ARTIFACTS, FLAGS, chromium

    page_file = tmp_path / "phone.html"
    page_file.write_text(render(report(defect_file())), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), args=list(FLAGS))
        page = b.new_page(viewport={"width": 390, "height": 844})
        page.goto(page_file.as_uri())
        boxes = page.evaluate("""() => {
            const svg = document.querySelector('svg.timeline.compact');
            const s = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text.time')].map((t) => {
                const r = t.getBoundingClientRect();
                return {text: t.textContent, left: r.left - s.left, right: s.right - r.right,
                        shown: s.width > 0};
            });
        }""")
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("svg.timeline.compact").screenshot(path=str(ARTIFACTS / "timeline-phone.png"))
        b.close()
    assert [b["text"] for b in boxes][:2] == ["0:00", "0:10"] and boxes[0]["shown"]
    assert all(b["left"] >= 0 and b["right"] >= 0 for b in boxes), boxes
