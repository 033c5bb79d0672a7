#!/usr/bin/env python3
"""Screenshots for the docs: the local app and the HTML report, at a desktop and a phone width.

    python scripts/screenshots.py        # writes docs/app-desktop.png, docs/app-phone.png,
                                         # docs/report-desktop.png, docs/report-phone.png,
                                         # docs/app-fix-phone.png, app-compare-phone.png

It starts `tapecheck app`, drops a bundled sample tape on the page in the system's Chromium
(Playwright, no browser download) and photographs what it shows. Only sample tapes appear
(GRID corpus, CC BY 4.0: sample_tapes/ATTRIBUTION.md) — never a private recording.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
TAPE = ROOT / "sample_tapes" / "defect-lighting_backlit.mp4"
#: A tape editing can repair (its fixed copy is made) and a second take to compare it with.
FIXABLE = ROOT / "sample_tapes" / "defect-loudness_too-quiet.mp4"
OTHER = ROOT / "sample_tapes" / "ready_grid-man-denim.mp4"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio"]
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("screenshots: chromium is not installed (scripts/setup.sh test installs it)")
    app = subprocess.Popen([sys.executable, "-m", "tapecheck", "app", "--no-browser"],
                           stdout=subprocess.PIPE, text=True,
                           env={**os.environ, "TAPECHECK_NO_CACHE": "1"})
    url = app.stdout.readline().strip()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
            for name, (w, h) in SIZES.items():
                page = browser.new_page(viewport={"width": w, "height": h})
                page.goto(url)
                page.set_input_files("#pick", str(TAPE))
                page.wait_for_selector(".job .verdict", timeout=300_000)
                page.wait_for_timeout(1500)  # the embedded report lays itself out
                page.screenshot(path=str(DOCS / f"app-{name}.png"), full_page=False)
                report = page.locator(".job a.button").first.get_attribute("href")
                page.goto(url.rstrip("/") + report)
                page.screenshot(path=str(DOCS / f"report-{name}.png"), full_page=True)
                page.close()
                print(f"wrote docs/app-{name}.png and docs/report-{name}.png")
            fixed(browser, url)
            browser.close()
    finally:
        app.send_signal(signal.SIGINT)
        app.wait(timeout=30)
    return 0


def fixed(browser, url: str) -> None:
    """At phone width: two takes checked, the fixable one's copy made, the takes compared."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url)
    page.set_input_files("#pick", [str(FIXABLE), str(OTHER)])
    for tape in (FIXABLE, OTHER):
        page.locator(".job", has_text=tape.name).locator(".verdict").wait_for(timeout=300_000)
    card = page.locator(".job", has_text=FIXABLE.name)
    card.locator("button.make-fix").click()
    card.locator(".fixed a.button").wait_for(timeout=300_000)
    page.locator("#compare button").click()
    page.locator("#compare ul.pairs li").first.wait_for(timeout=300_000)
    page.wait_for_timeout(1500)
    page.locator("#compare").screenshot(path=str(DOCS / "app-compare-phone.png"))
    card.locator(".fixed").screenshot(path=str(DOCS / "app-fix-phone.png"))
    page.close()
    print("wrote docs/app-fix-phone.png and docs/app-compare-phone.png")


if __name__ == "__main__":
    sys.exit(main())
