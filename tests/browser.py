"""A real headless Chromium for the HTML report: load a page, read what the browser made of
it, take a screenshot. Uses the system `chromium` (scripts/setup.sh test installs Debian's);
no driver, no download, no network (a report must load nothing anyway)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--disable-extensions", "--hide-scrollbars",
         "--mute-audio")

#: Loaded beside the report; reads the report's DOM once it has loaded (same folder, so
#: same origin with --allow-file-access-from-files) and writes what it found as JSON.
HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<pre id="out">pending</pre><iframe id="page" src="%s" width="1280" height="900"></iframe>
<script>
window.addEventListener('load', () => {
  const out = document.getElementById('out');
  try {
    const frame = document.getElementById('page');
    const d = frame.contentDocument, w = frame.contentWindow;
    const q = (sel) => [...d.querySelectorAll(sel)];
    const text = (sel) => q(sel).map((n) => n.textContent);
    const urls = [];
    for (const n of q('*')) for (const a of ['src', 'href', 'srcset', 'poster', 'data',
                                            'action', 'background'])
      if (n.hasAttribute(a)) urls.push(n.getAttribute(a));
    const verdict = d.querySelector('.verdict');
    out.textContent = JSON.stringify({
      title: d.title,
      csp: (d.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || null,
      paths: text('section.tape h2.path'),
      levels: text('section.tape .verdict .level'),
      headlines: text('section.tape .verdict .headline'),
      fixes: q('section.tape').map((s) => s.querySelectorAll('ol.fixes li').length),
      findings_rows: q('section.tape').map((s) => s.querySelectorAll('table.findings tbody tr').length),
      overview_rows: q('table.overview-table tbody tr').length,
      images: q('img').map((i) => ({src: i.getAttribute('src').slice(0, 23),
                                    loaded: i.complete && i.naturalWidth > 0,
                                    width: i.naturalWidth})),
      timelines: q('svg.timeline.wide').length,
      series_rows: q('svg.timeline.wide g.series').map((g) => g.getAttribute('data-series')),
      finding_rows: q('svg.timeline.wide g.finding').length,
      moments: q('svg.timeline.wide g.moment').length,
      svg_width: q('svg.timeline.wide').map((s) => s.getBoundingClientRect().width),
      urls: urls,
      resources: w.performance.getEntriesByType('resource').map((r) => r.name),
      scripts: q('script, link, iframe, object, embed, base').length,
      handlers: q('*').filter((n) => [...n.attributes].some((a) => /^on/i.test(a.name))).length,
      injected: q('img[src="x"]').length,
      style_applied: verdict ? getComputedStyle(verdict).borderLeftWidth : null,
    });
  } catch (err) { out.textContent = 'error: ' + err; }
});
</script></body></html>
"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: scripts/setup.sh test installs it (apt-get "
                    "install chromium); the HTML report is tested in a real browser")
    pytest.skip("chromium not installed (scripts/setup.sh test installs it)")


def _run(args: list[str], profile: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [chromium(), *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def load_in_browser(page: Path, workdir: Path) -> dict:
    """Load `page` in Chromium and return what its DOM holds once everything has loaded."""
    harness = page.parent / f"_harness_{page.stem}.html"
    harness.write_text(HARNESS % html.escape(page.name, quote=True), encoding="utf-8")
    proc = _run(["--allow-file-access-from-files", "--dump-dom", harness.as_uri()],
                workdir / "chromium-profile")
    m = re.search(r'<pre id="out">(.*?)</pre>', proc.stdout, re.S)
    assert m, f"chromium printed no DOM (exit {proc.returncode}): {proc.stderr[-2000:]}"
    raw = html.unescape(m.group(1))
    assert raw not in ("pending",) and not raw.startswith("error:"), raw
    return json.loads(raw)


def screenshot(page: Path, name: str, workdir: Path, size: str = "1280,2000") -> Path:
    """Save a PNG of `page` as test-artifacts/NAME (gitignored) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / name
    out.unlink(missing_ok=True)
    proc = _run([f"--screenshot={out}", f"--window-size={size}", page.as_uri()],
                workdir / "chromium-profile")
    assert out.is_file(), f"no screenshot (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return out
