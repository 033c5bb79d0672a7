"""The text and HTML reporters on hand-made reports (every part a FileReport can carry)."""

import base64
import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from report_fixtures import XSS_NAME, defect_file, error_file, ready_file, report
from tapecheck import score
from tapecheck.model import Finding, Series, Severity, Skipped, Span, Thumbnail
from tapecheck.report import render
from tapecheck.report.html import render as html_render
from tapecheck.report.text import render as text_render


@pytest.fixture(scope="module")
def defect():
    return defect_file(XSS_NAME, with_segments=True)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of chosen elements."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        key = f"{tag}.{a.get('class', '')}"
        self._open.append(key)
        self.text.setdefault(key, []).append("")

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop().startswith(tag + "."):
                break

    def handle_data(self, data):
        for key in self._open:
            self.text[key][-1] += data

    def all(self, tag, cls=None):
        return [a for t, a in self.tags if t == tag and (cls is None or cls in
                                                          a.get("class", "").split())]


def parse(page: str) -> Tags:
    p = Tags()
    p.feed(page)
    return p


# --- text ----------------------------------------------------------------------------------

def test_text_puts_the_verdict_first_then_numbered_fixes_then_details(defect):
    out = text_render(report(defect))
    lines = out.splitlines()
    assert lines[0] == XSS_NAME
    assert lines[1].split()[:3] == ["UNUSABLE", "score", "49/100"]
    assert "eyes: no" in lines[1] and "voice: yes" in lines[1]
    assert lines[2].strip() == defect.verdict.headline
    fixes = [ln for ln in lines if re.match(r"\s+\d+\. ", ln)]
    assert [re.match(r"\s+(\d+)\.", ln).group(1) for ln in fixes[:4]] == ["1", "2", "3", "4"]
    assert fixes[0].strip().startswith("1. Keep your whole face in the shot")
    assert "(face, new take, at 0:12–0:15)" in fixes[0]
    assert "in editing" in fixes[2] and "optional" in fixes[3]
    assert out.index("What to fix") < out.index("Details:") < out.index("Clips:")
    # timecodes as m:ss, no colour codes when not asked
    assert "V101 face-not-visible: Face visible 90 % of the tape (below 95 %) at 0:12–0:15" in out
    assert "\x1b[" not in out


def test_text_colour_only_when_asked(defect):
    plain = text_render(report(defect), color=False)
    coloured = text_render(report(defect), color=True)
    assert "\x1b[31m" in coloured and "\x1b[" not in plain
    assert re.sub(r"\x1b\[\d+m", "", coloured) == plain


def test_text_lists_skipped_and_measures_only_when_verbose(defect):
    quiet = text_render(report(defect))
    loud = text_render(report(defect), verbose=True)
    # the tape is unusable already: a skipped lip-sync check could not change that
    assert "could not run" not in quiet and "X102" not in quiet
    assert "X102: no lip movement <could> be measured" in loud
    assert "snr_db: not measurable" in loud and "snr_db" not in quiet
    assert "check failed V401" in quiet  # a crash is never hidden


def test_text_mentions_skipped_checks_only_when_they_could_change_the_verdict():
    ready = ready_file()
    skipped = (Skipped("X102", "no lip movement could be measured", category="sync"),)
    ready = ready.__class__(**{**ready.__dict__, "skipped": skipped})
    assert "1 check that could change this verdict could not run" in text_render(report(ready))
    voiceless = ready.__class__(**{**ready.__dict__, "verdict": score.verdict([Finding(
        code="M001", name="no-audio-track", category="media", severity=Severity.ERROR,
        message="m", measured=None, threshold=None, unit="", blocks="voice")]),
        "skipped": (Skipped("A201", "no audio", category="noise"),)})
    assert "could not run" not in text_render(report(voiceless))


def test_skipped_checks_one_count_everywhere_plain_by_default():
    """Text, -v and the HTML give the same count (the checks that could change the verdict);
    by default the reasons are plain words, the numbers stay under -v, the HTML's folded
    'exact reason' and the JSON."""
    skipped = (
        Skipped("X102", "no lip movement could be measured reliably: the lips match this sound "
                "hardly better than unrelated speech (z = 2.8, 3 needed)", category="sync",
                problem="the sound sync"),
        Skipped("A303", "too few word endings to estimate the echo (needs 5 clean decays)",
                category="clarity", problem="the room echo"),
        Skipped("A201", "no speech to compare the background with", category="noise",
                problem="the background noise"))
    tape = replace(ready_file(), skipped=skipped)  # ready: any of them could change that
    quiet, loud = text_render(report(tape)), text_render(report(tape), verbose=True)
    page = html_render(report(tape))
    for out in (quiet, loud, page):
        assert "3 checks that could change this verdict could not run" in out
    assert "the sound sync — no lip movement could be measured reliably: the lips match this " \
           "sound hardly better than unrelated speech\n" in quiet
    assert "the room echo — too few word endings to estimate the echo\n" in quiet
    assert "z = " not in quiet and "decays" not in quiet and "A303" not in quiet
    assert "A303 the room echo: too few word endings to estimate the echo (needs 5 clean " \
           "decays)" in loud
    assert "(z = 2.8, 3 needed)" in page and "needs 5 clean decays" in page  # folded
    doc = json.loads(render(report(tape), "json"))["files"][0]
    assert doc["skipped"][1] == {"code": "A303", "reason": skipped[1].reason}
    # a check that could not change the verdict is left out of the count, listed under -v
    unusable = replace(tape, verdict=score.verdict([Finding(
        code="A501", name="no-speech", category="speech", severity=Severity.ERROR,
        message="m", measured=None, threshold=None, unit="", blocks="voice")]))
    quiet, loud = text_render(report(unusable)), text_render(report(unusable), verbose=True)
    assert "could not run" not in quiet and "X102" not in quiet
    assert "Also not run (they could not change this verdict):" in loud
    assert "Also not run (3; they could not change this verdict)" in html_render(report(unusable))


def test_text_summary_of_several_files(defect):
    out = text_render(report(defect, ready_file(), error_file()))
    assert out.rstrip().endswith("3 files: 1 ready, 0 fix-first, 1 unusable, "
                                 "1 could not be judged")
    assert "could not judge: tapes/missing.mp4: no such file" in out


# --- html ----------------------------------------------------------------------------------

def test_html_is_self_contained_and_escapes_every_text(defect):
    page = html_render(report(defect, ready_file(), error_file()))
    tags = parse(page)
    # nothing to fetch: no scripts, stylesheets, frames; every image is inline data
    assert not [t for t, _ in tags.tags if t in ("script", "link", "iframe", "object", "embed")]
    srcs = [a.get("src") for t, a in tags.tags if "src" in a]
    assert srcs and all(s.startswith("data:image/jpeg;base64,") for s in srcs)
    hrefs = [a["href"] for t, a in tags.tags if "href" in a]
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert not re.search(r"https?://", page)
    csp = [a for t, a in tags.tags if t == "meta" and a.get("http-equiv") ==
           "Content-Security-Policy"]
    assert csp and csp[0]["content"] == ("default-src 'none'; img-src data:; "
                                         "style-src 'unsafe-inline'")
    # the hostile file name is text, never markup
    assert "<img src=x" not in page and "onerror=alert" not in page.replace(
        "&lt;img src=x onerror=alert(1)&gt;", "")
    assert not [a for _, a in tags.tags if any(k.startswith("on") for k in a)]
    assert XSS_NAME in tags.text["h2.path"]
    # a caption from a check's words is text too
    assert "your face &lt;b&gt;leaving&lt;/b&gt; the shot" in page
    assert "your face <b>leaving</b> the shot" in tags.text["figcaption."][0]


def test_html_pictures_the_moment_of_each_fix(defect):
    """A picture per moment, in fix order, from the contact sheet: half a second into the
    fix's first finding in time (face 12 s, light 11 s, level 19 s → the pictures at 12, 12
    and 20 s: face and light share theirs), the middle of the tape for a fix of the whole
    tape (15 s → 14 s)."""
    page = html_render(report(defect))
    imgs = parse(page).all("img")
    assert [a["alt"] for a in imgs] == ["your face <b>leaving</b> the shot, lighting at 0:12",
                                        "loudness at 0:20", "media (the whole tape) at 0:14"]
    sheet = defect.frames[0].jpeg
    assert all(base64.b64decode(a["src"].split(",", 1)[1]) == sheet for a in imgs)


def test_html_problems_of_the_whole_tape_share_one_picture(defect):
    """Whole-tape problems are in every frame: one picture, not one identical frame per fix."""
    everywhere = [replace(fd, spans=(Span(0.0, defect.media.duration_s),))
                  for fd in defect.findings]
    tape = replace(defect, findings=tuple(everywhere), segments=())
    assert len(tape.verdict.fixes) == 4
    imgs = parse(html_render(report(tape))).all("img")
    assert [a["alt"] for a in imgs] == [
        "your face <b>leaving</b> the shot, lighting, loudness, media (the whole tape) at 0:14"]


def test_html_names_the_tape_not_its_folders(defect):
    """The page goes to a coach: the tape's name, never the folders above it."""
    one = html_render(report(replace(defect, path="/home/jane/auditions/Hamlet/take3.mp4")))
    assert "/home/jane" not in one and "auditions" not in one
    assert parse(one).text["h2.path"] == ["take3.mp4"]
    assert "<title>tapecheck: take3.mp4</title>" in one
    two = html_render(report(replace(defect, path="/home/jane/Hamlet/take1.mp4"),
                             error_file("/home/jane/Lear/take1.mp4")))
    assert "/home/jane" not in two
    assert parse(two).text["h2.path"] == ["Hamlet/take1.mp4", "Lear/take1.mp4"]
    assert "Lear/take1.mp4: no such file" in two  # the error message names it the same way


def test_html_without_a_contact_sheet_uses_the_measures_pictures(defect):
    bare = defect.__class__(**{**defect.__dict__, "frames": ()})
    alts = [a["alt"] for a in parse(html_render(report(bare))).all("img")]
    assert alts[2] == "loudness at 0:20"  # the nearest telling moment (20 s)


def test_html_shows_verdict_fixes_findings_and_clips(defect):
    tags = parse(html_render(report(defect)))
    assert tags.text["span.level"][0] == "Unusable"
    assert tags.text["p.headline"][0] == defect.verdict.headline
    fixes = tags.text["span.fix-text"]
    assert fixes == [f.text for f in defect.verdict.fixes]
    rows = [a for t, a in tags.tags if t == "tr" and a.get("class", "").startswith("sev-")]
    # the tape's findings and each clip's
    assert len(rows) == len(defect.findings) + sum(len(s.findings) for s in defect.segments)
    assert "clip 1" in tags.text["table.findings reflow"][0]
    assert len(tags.all("table", "segments")) == 1
    seg_rows = tags.text["table.segments reflow"][0]
    assert "0:00–0:14" in seg_rows and "0:14–0:30" in seg_rows
    assert "V401 crashed" in tags.text["div.check-errors"][0]


def test_html_timeline_draws_every_series_findings_and_moments(defect):
    page = html_render(report(defect))
    both = parse(page)
    assert [a["class"] for a in both.all("svg", "timeline")] == ["timeline wide",
                                                                 "timeline compact"]
    tags = parse(page.split('<svg class="timeline compact"')[0])  # the desktop drawing
    drawn = [a["data-series"] for t, a in tags.tags if t == "g" and "data-series" in a]
    # picture first, then sound: face, eyes, loudness, speech, reader
    assert drawn == ["face", "eyes", "loudness", "speech", "reader"]
    assert len(tags.all("g", "finding")) == 3  # the findings that have spans
    assert len(tags.all("g", "moment")) == 3  # one pin per picture (face and light share)
    assert len(tags.all("rect", "unknown")) == 1  # eyes not measured 0:25–0:27
    # face lost 12–15 s of 30 s: the gap between the two 'on' bands is 3/30 of the plot
    face_on = [a for t, a in tags.tags if t == "rect" and a.get("class") == "on"][:2]
    x_end = float(face_on[0]["x"]) + float(face_on[0]["width"])
    plot_w = 1000 - 170 - 12
    assert float(face_on[1]["x"]) - x_end == pytest.approx(plot_w * 3 / 30, abs=0.2)
    assert len(tags.all("path")) == 1  # loudness as a line
    times = tags.text["text.time"]
    assert times[0] == "0:00" and times[-1] == "0:30"


def test_html_without_anything_in_time_has_no_timeline():
    bare = ready_file()
    bare = bare.__class__(**{**bare.__dict__, "series": ()})
    tags = parse(html_render(report(bare)))
    assert not tags.all("svg") and tags.text["p.no-findings"]


def test_html_overview_of_several_tapes_links_each(defect):
    tags = parse(html_render(report(defect, ready_file(), error_file())))
    sections = tags.all("section", "tape")
    assert [s["id"] for s in sections] == ["tape-1", "tape-2", "tape-3"]
    assert "not-judged" in sections[2]["class"]
    links = [a["href"] for t, a in tags.tags if t == "a"]
    assert links == ["#tape-1", "#tape-2", "#tape-3"]


def test_html_is_the_same_every_time(defect):
    assert html_render(report(defect)) == render(report(defect), "html")


def test_series_helpers_cope_with_odd_input():
    from tapecheck.report.html.timeline import _is_binary, _paths, _range, _runs

    s = Series("eyes", "on/off", (0.0, 0.5, 1.0, 1.5), (1.0, None, 0.0, 1.0))
    assert _runs(s, 2.0) == [(0.0, 0.5, True), (0.5, 1.0, None), (1.0, 1.5, False),
                             (1.5, 2.0, True)]
    flat = Series("loudness", "LUFS", (0.0, 1.0), (-20.0, -20.0))
    assert not _is_binary(flat) and _range(flat) == (-21.0, -19.0)
    lone = Series("loudness", "LUFS", (0.0, 1.0, 2.0), (None, -20.0, None))
    assert len(_paths(lone, lambda t: 170 + t * 100, 0, 40, -21, -19)) == 1
    assert _range(Series("x", "dB", (0.0,), (None,))) == (0.0, 1.0)


def test_thumbnail_png_gets_its_own_mime():
    png = Thumbnail(1.0, "png", b"\x89PNG\r\n\x1a\n" + b"0" * 10)
    f = defect_file(thumbs=(png,))
    f = f.__class__(**{**f.__dict__, "frames": ()})
    assert 'src="data:image/png;base64,' in html_render(report(f))


def test_close_moments_get_their_own_pins_and_unmeasured_lines_say_so(defect):
    """Face (12.5 s) and light (12.7 s) pictured a fifth of a second apart, on a sheet of a
    picture every 0.25 s: each keeps its own numbered pin, stacked so that no two touch."""
    silent = Series("loudness", "LUFS", (0.0, 1.0, 2.0), (None, None, None))
    light = [replace(fd, spans=(Span(12.2, 16.0),)) if fd.code == "V201" else fd
             for fd in defect.findings]
    sheet = tuple(Thumbnail(i / 4, "", defect.frames[0].jpeg) for i in range(120))
    f = replace(defect, series=(silent,), findings=tuple(light), frames=sheet)
    wide = html_render(report(f)).split('<svg class="timeline compact"')[0]
    tags = parse(wide)
    pins = [t for t in tags.text["text."] if re.fullmatch(r"\d+", t)]
    assert pins == ["1", "2", "3", "4"]
    boxes = [(float(a["x"]), float(a["y"])) for t, a in tags.tags
             if t == "rect" and a.get("rx") == "7"]
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1:]:
            assert abs(x1 - x2) >= 16 or y1 != y2  # side by side, or in another row
    assert "not measurable" in tags.text["text.sub"]
    assert not tags.all("path")


def test_reel_timeline_joins_clip_series_and_shows_the_clips(defect):
    """A reel's series come per clip (`clip` = 1, 2, …), already on the reel's timeline: one
    row per measure, broken between clips, and a row of clips coloured by verdict."""
    parts = (Series("loudness", "LUFS", (0.0, 1.0), (-20.0, -21.0), clip=1),
             Series("loudness", "LUFS", (14.0, 15.0), (-22.0, -23.0), clip=2),
             Series("speech", "on/off", (0.0, 0.5), (1.0, 0.0), clip=1),
             Series("speech", "on/off", (14.0, 14.5), (1.0, 1.0), clip=2))
    reel = defect.__class__(**{**defect.__dict__, "series": parts, "thumbnails": ()})
    tags = parse(html_render(report(reel)).split('<svg class="timeline compact"')[0])
    drawn = [a["data-series"] for t, a in tags.tags if t == "g" and "data-series" in a]
    assert drawn == ["loudness", "speech"]
    assert len(tags.all("path")) == 2  # the loudness line breaks between the clips
    clips = [a["class"] for t, a in tags.tags if t == "rect" and "clip" in a.get("class", "")]
    assert clips == ["clip level-unusable", "clip level-ready"]
