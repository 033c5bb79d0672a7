"""The local app in a real browser: headless Chromium (the system's, no download) driven by
Playwright, at a desktop width and at a phone's 390 px."""

from __future__ import annotations

import pytest

from browser import ARTIFACTS, FLAGS
from test_app import App

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")

VERDICT_TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    server = App(tmp_path_factory.mktemp("browser-app"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(chromium):
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=list(FLAGS))
        yield b
        b.close()


def _open(browser, app, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(app.url)
    return page


def _no_sideways_scroll(page_or_frame) -> bool:
    return page_or_frame.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("width,height,name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_upload_a_tape_and_read_the_verdict(browser, app, sample_tapes, width, height, name):
    page = _open(browser, app, width, height)
    assert page.locator("#drop").is_visible()
    page.set_input_files("#pick", str(sample_tapes / "defect-resolution_360p.mp4"))
    page.wait_for_selector(".job .verdict", timeout=VERDICT_TIMEOUT_MS)
    job = page.locator(".job").first
    assert job.locator(".verdict .level").inner_text().lower() == "fix first"
    assert job.locator("ol.fixes li").count() >= 1
    assert "resolution" in job.locator("ol.fixes").inner_text().lower() or \
        "1080" in job.locator("ol.fixes").inner_text()
    report = page.frame_locator("iframe.report")
    report.locator("svg.timeline >> visible=true").first.wait_for(timeout=30_000)
    assert report.locator("ol.fixes li").count() >= 1
    assert _no_sideways_scroll(page)
    frame = next(f for f in page.frames if f.url.endswith("/report.html"))
    assert _no_sideways_scroll(frame)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"app-{name}.png"), full_page=True)
    page.close()


def test_a_file_that_is_not_a_tape_shows_its_error(browser, app, tmp_path):
    notes = tmp_path / "notes.mp4"
    notes.write_text("my lines for scene 2\n")
    page = _open(browser, app, 390, 844)
    page.set_input_files("#pick", str(notes))
    error = page.locator(".job .error")
    error.wait_for(timeout=VERDICT_TIMEOUT_MS)
    assert "not a video file" in error.inner_text()
    assert _no_sideways_scroll(page)
    page.close()


def test_make_the_fixed_copy_and_compare_two_takes(browser, app, sample_tapes):
    """At phone width: two takes dropped at once; the quiet one's fixed copy is made and
    offered for saving; the two are compared."""
    page = _open(browser, app, 390, 844)
    assert page.locator("#compare").is_hidden()  # nothing to compare yet
    quiet, other = (sample_tapes / n for n in ("defect-loudness_too-quiet.mp4",
                                               "ready_grid-man-denim.mp4"))
    page.set_input_files("#pick", [str(quiet), str(other)])
    for name in (quiet.name, other.name):  # (the page's CSP forbids wait_for_function)
        page.locator(".job", has_text=name).locator(".verdict").wait_for(
            timeout=VERDICT_TIMEOUT_MS)
    card = page.locator(".job", has_text=quiet.name)
    assert page.locator(".job", has_text=other.name).locator("button.make-fix").count() == 0
    card.locator("button.make-fix").click()
    saved = card.locator(".fixed a.button")
    saved.wait_for(timeout=VERDICT_TIMEOUT_MS)
    assert "defect-loudness_too-quiet_fixed.mp4" in saved.inner_text()
    changes = card.locator(".fixed ul.changes")
    said = changes.inner_text().lower()  # plain words; the numbers folded beneath
    assert said.startswith("voice level: your voice was too quiet") and "lufs" not in said
    changes.locator("details summary").first.click()
    assert "→ -20 lufs" in changes.inner_text().lower()
    with page.expect_download() as download:
        saved.click()
    assert download.value.suggested_filename == "defect-loudness_too-quiet_fixed.mp4"

    compare = page.locator("#compare button")
    assert compare.inner_text() == "Compare these 2 takes"
    compare.click()
    page.locator("#compare ul.pairs li").first.wait_for(timeout=VERDICT_TIMEOUT_MS)
    assert page.locator("#compare ul.pairs").inner_text().startswith("Take 1 and take 2:")
    report = page.frame_locator("#compare iframe.report")
    report.locator("section.takes p.headline").first.wait_for()
    shown = report.locator("section.takes").inner_text()  # the figures stay folded
    assert "Delivery of each take" in shown and "r = " not in shown and " st" not in shown
    frame = next(f for f in page.frames if "/api/takes/" in f.url)
    assert _no_sideways_scroll(page) and _no_sideways_scroll(frame)
    page.close()


def test_a_small_limit_is_said_in_mb(browser, tmp_path):
    """`--max-upload 0.001` is 1 MB: the page says "1.0 MB", never "0.0 GB"."""
    small = App(tmp_path / "small", "--max-upload", "0.001")
    try:
        page = _open(browser, small, 390, 844)
        page.wait_for_selector("#limit:has-text('MB')")
        assert page.locator("#limit").inner_text() == "Tapes up to 1.0 MB."
        big = tmp_path / "take.mp4"
        big.write_bytes(b"\0" * 3_000_000)
        page.set_input_files("#pick", str(big))
        error = page.locator(".job .error").inner_text()
        assert error.startswith("This file is 3.0 MB, more than this app accepts (1.0 MB).")
        assert "GB" not in error
        page.close()
    finally:
        small.stop()
