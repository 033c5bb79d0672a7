"""Two registers: what an actor reads by default is plain English; the numbers stay for engineers.

Every registered check is run on fake measures that make it fire (tests/checks_fake.py style,
one line per hit it can give); its findings are rendered as the default text and HTML report
(the HTML without its folded "details") and must contain no jargon, while `-v`, the JSON and
the HTML details keep the exact message with its numbers. The same holds for every sample
tape, rendered from the JSON of the session's one sample run.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace

import pytest

from checks_fake import hits, media, ns
from tapecheck.measures.integrity import Integrity
from report_fixtures import media as media_summary, series_set
from tapecheck import score
from tapecheck.checks import BY_CODE, REGISTRY, phrasing
from tapecheck.measures.eyes import GLARE, PROFILE, SHADOW, VISIBLE
from tapecheck.measures.lipmotion import BEHIND
from tapecheck.model import (FileReport, Finding, Fix, MediaSummary, Report, Severity, Skipped,
                             Span, Verdict)
from tapecheck.profiles import GB, PlatformFacts, get
from tapecheck.report import html, rules, text

#: Words an actor should not meet by default (the issue's list and their cousins).
JARGON = re.compile(
    r"LUFS|\bLU\b|dBTP|dBFS|\bluma\b|Y′|\bITU|\bEBU\b|\bBT\.|\bBS\.|percentile|\bpx\b|\bRMS\b"
    r"|\bSNR\b|\bSII\b|DNSMOS|k-means|\bHz\b|\bkHz\b|\bmedian\b|\bR128\b|\bP\.56\b|1/px"
    r"|reverberation|\bRT60\b|DC offset \d", re.I)


# --- fake measures that make each check fire ---------------------------------------------

def _times(n, step=0.5):
    return [i * step for i in range(n)]


def faces(visible, extra=None):
    n = len(visible)
    return ns(frames=n, black=(False,) * n, visible=tuple(visible), times=_times(n),
              duration_s=n * 0.5, extra=tuple(extra or (False,) * n))


def eyes(states, yaw=None, pitch=None):
    n = len(states)
    return ns(states=list(states), mask=lambda st: [s == st for s in states], times=_times(n),
              duration_s=n * 0.5, frames=n, yaw=list(yaw or [0.0] * n),
              pitch=list(pitch or [0.0] * n))


def light(**kw):
    base = dict(frames=[ns(side=0.1)] * 10, times=_times(10), duration_s=5.0, face_high=150.0,
                face_luma=110.0, backlight_ratio=1.0, background_high=150.0, clipped_ratio=0.0,
                side_stops=0.2)
    base.update(kw)
    return ns(**base)


def framing(**kw):
    base = dict(frames=[ns(edges="")] * 10, times=_times(10), duration_s=5.0, face_height=0.4,
                below=1.5, above=0.6, eye_line=0.45, center=0.0, bars=(0.0, 0.0, 0.0, 0.0))
    base.update(kw)
    return ns(**base)


def loudness(lufs=-20.0, peak=-3.0):
    return ns(speech_lufs=lufs, speech_blocks=20, integrated_lufs=lufs, true_peak_dbtp=peak)


def clarity(**kw):
    base = dict(hf_balance_db=-10.0, bandwidth_hz=12000.0, reverb_rt60_s=0.3, bursts=[])
    base.update(kw)
    return ns(**base)


def channels(**kw):
    base = dict(channels=2, channel_imbalance_db=0.5, quieter_channel="right", mono_loss_db=0.0,
                correlation=0.9, dc_offset_dbfs=-80.0)
    base.update(kw)
    return ns(**base)


def speech(speech_s, duration=30.0, behind=0.0, fg=None):
    return dict(speech=ns(speech_s=speech_s, duration_s=duration, speech_ratio=speech_s / duration,
                          activity=ns(background_speech_s=behind, foreground_db=fg)),
                signal=ns(sample_peak_dbfs=-6.0), r128=ns(integrated_lufs=-20.0))


def dead_air(lead=0.3, tail=1.0, dropouts=()):
    return ns(leading_silence_s=lead, trailing_silence_s=tail, duration_s=30.0,
              dropouts_judged=True, dropouts=list(dropouts))


def speakers(reader_db):
    lines = [ns(label="actor", lufs=-20.0, start_s=0.0, end_s=3.0, confidence=1.0, reason=""),
             ns(label="reader", lufs=-20.0 + reader_db, start_s=4.0, end_s=6.0, confidence=1.0,
                reason="")]
    return ns(lines=lines, lines_of=lambda label: [ln for ln in lines if ln.label == label],
              reason="", reader_to_actor_db=reader_db, actor_lufs=-20.0)


def sync(offset=None, drift=None):
    windows = [ns(offset_ms=0.0, center_s=5.0, start_s=2.0, end_s=8.0),
               ns(offset_ms=drift or 0.0, center_s=25.0, start_s=22.0, end_s=28.0)]
    return ns(av_offset_ms=offset, confident=[ns(start_s=2.0, end_s=8.0)], reason="",
              windows=windows, drift_ms=drift, corroborated=True)


def lip_motion(source="speech", lufs=-20.0):
    return ns(state="still", lip_speed=0.2, seen_s=8.0, speech_s=10.0, decoded_s=10.0,
              reason="", spans=(Span(1.0, 11.0),), source=source, voices_lufs=lufs)


def platform(name, clips=None):
    return PlatformFacts(get(name), clips)


_ON, _OFF = [True] * 8, [False] * 2
CASES = {
    "M001": [dict(media=media(has_audio=False))],
    "M002": [dict(signal=ns(sample_peak_dbfs=-math.inf), r128=ns(integrated_lufs=-math.inf),
                  media=media()),
             dict(signal=ns(sample_peak_dbfs=-40.0), r128=ns(integrated_lufs=-75.0),
                  media=media())],
    "M003": [dict(media=media(duration_s=0.6))],
    "M008": [dict(integrity=Integrity(87.6, 43.2, True, 0, "")),
             dict(integrity=Integrity(87.6, 87.6, True, 0, "")),
             dict(integrity=Integrity(30.0, 30.0, False, 3, "Invalid NAL unit size"))],
    "M004": [dict(media=media(irregular_frame_share=0.3))],
    "V503": [dict(shot_changes=ns(cuts=(3.0, 6.5), pairs=20))],
    "M005": [dict(media=media(hdr=True, color_transfer="smpte2084")),
             dict(media=media(bit_depth=10))],
    "M006": [dict(media=media(width=720, height=1280))],
    "M007": [dict(media=media(width=640, height=360))],
    "V101": [dict(faces=faces([True] * 3 + [False] * 7)),
             dict(faces=faces([True] * 8 + [False] * 2))],
    "V102": [dict(faces=faces([True] * 6 + [False] * 4))],
    "V110": [dict(eyes=eyes([SHADOW] * 8 + [VISIBLE] * 2)),
             dict(eyes=eyes([VISIBLE] * 7 + [SHADOW] * 3))],
    "V111": [dict(eyes=eyes([GLARE] * 8 + [VISIBLE] * 2)),
             dict(eyes=eyes([VISIBLE] * 7 + [GLARE] * 3))],
    "V112": [dict(eyes=eyes([PROFILE] * 6 + [VISIBLE] * 4, yaw=[60.0] * 6 + [5.0] * 4)),
             dict(eyes=eyes([VISIBLE] * 10, yaw=[40.0] * 8 + [5.0] * 2)),
             dict(eyes=eyes([VISIBLE] * 10, yaw=[30.0, 30.0, 5.0] * 3 + [30.0]))],
    "V113": [dict(eyes=eyes([VISIBLE] * 10, pitch=[30.0] * 8 + [0.0] * 2))],
    "V120": [dict(faces=faces([True] * 10, extra=[True] * 4 + [False] * 6))],
    "V201": [dict(light=light(face_high=40.0, face_luma=20.0)),
             dict(light=light(face_high=70.0, face_luma=40.0))],
    "V202": [dict(light=light(backlight_ratio=0.5, background_high=220.0, face_high=100.0))],
    "V203": [dict(light=light(clipped_ratio=0.2))],
    "V204": [dict(light=light(side_stops=2.5, frames=[ns(side=2.5)] * 10))],
    "V301": [dict(framing=framing(face_height=0.12)), dict(framing=framing(below=3.0))],
    "V302": [dict(framing=framing(face_height=0.7)), dict(framing=framing(above=0.1))],
    "V303": [dict(framing=framing(eye_line=0.75))],
    "V304": [dict(framing=framing(frames=[ns(edges="l")] * 5 + [ns(edges="")] * 5))],
    "V305": [dict(framing=framing(center=-0.3))],
    "V306": [dict(framing=framing(bars=(0.1, 0.1, 0.0, 0.0)))],
    "V401": [dict(focus=ns(judged=5, face=0.9, background=None, coarse=0.8, detailed=True)),
             dict(focus=ns(judged=5, face=0.9, background=2.0, coarse=1.5, detailed=True)),
             dict(focus=ns(judged=5, face=1.2, background=None, coarse=1.4, detailed=True)),
             dict(focus=ns(judged=5, face=1.2, background=2.0, coarse=1.7, detailed=True))],
    "V410": [dict(motion=ns(pairs_tried=9, judged=True, shift=[7.0] * 9, shake_px=7.0,
                            times=_times(9), duration_s=5.0))],
    "V501": [dict(picture=ns(times=_times(10), black=[True] * 4 + [False] * 6,
                             duration_s=5.0))],
    "V502": [dict(picture=ns(times=_times(10), frozen=[False] + [True] * 4 + [False] * 5,
                             duration_s=5.0))],
    "A101": [dict(loudness=loudness(-45.0)), dict(loudness=loudness(-33.0))],
    "A102": [dict(loudness=loudness(-8.0))],
    "A103": [dict(loudness=loudness(-27.0)), dict(loudness=loudness(-13.0))],
    "A104": [dict(loudness=loudness(-16.0, peak=0.4))],
    "A105": [dict(clipping=ns(clipped_sample_ratio=0.001, clipped_samples=500,
                              clipped_blocks=[(2.0, 3), (3.0, 2)], clicks=40)),
             dict(clipping=ns(clipped_sample_ratio=0.01, clipped_samples=5000,
                              clipped_blocks=[(2.0, 3)], clicks=300)),
             dict(clipping=ns(clipped_sample_ratio=0.00002, clipped_samples=100,
                              clipped_blocks=[(78.0, 92), (84.0, 90)], clicks=24))],
    "A201": [dict(noise=ns(snr_weighted_db=3.0, sii=0.3), dnsmos=ns(bak=1.2)),
             dict(noise=ns(snr_weighted_db=10.0, sii=0.8)),
             dict(noise=ns(snr_weighted_db=20.0, sii=0.99), dnsmos=ns(bak=1.5))],
    "A202": [dict(hum=ns(hum_db=-30.0, mains_hz=50.0, components=[50.0, 100.0, 150.0]))],
    "A301": [dict(clarity=clarity(hf_balance_db=-28.0))],
    "A302": [dict(clarity=clarity(bandwidth_hz=4000.0))],
    "A303": [dict(clarity=clarity(reverb_rt60_s=0.9))],
    "A304": [dict(clarity=clarity(bursts=[Span(1.0, 1.4), Span(8.0, 8.3)]))],
    "A401": [dict(channels=channels(channel_imbalance_db=14.0)),
             dict(channels=channels(channel_imbalance_db=70.0))],
    "A402": [dict(channels=channels(mono_loss_db=-30.0)),
             dict(channels=channels(mono_loss_db=-9.0))],
    "A403": [dict(channels=channels(dc_offset_dbfs=-30.0))],
    "A501": [dict(speech(0.0), signal=ns(sample_peak_dbfs=-90.0)),
             speech(0.4, behind=6.0, fg=-3.0)],
    "A502": [speech(3.0)],
    "A503": [dict(dead_air=dead_air(lead=6.0))],
    "A504": [dict(dead_air=dead_air(tail=9.0))],
    "A505": [dict(dead_air=dead_air(dropouts=[Span(5.0, 5.3), Span(9.0, 9.2)]))],
    "X101": [dict(speakers=speakers(4.0)), dict(speakers=speakers(0.0))],
    "X102": [dict(sync=sync(offset=220.0)), dict(sync=sync(offset=-120.0))],
    "X103": [dict(sync=sync(offset=0.0, drift=150.0))],
    "X104": [dict(lip_motion=lip_motion())],
    "X105": [dict(lip_motion=lip_motion(source=BEHIND, lufs=-13.0))],
    "P101": [dict(media=media(path="take.avi"), platform=platform("casting-networks")),
             dict(media=media(path="take.mkv"), platform=platform("generic"))],
    "P102": [dict(media=media(size_bytes=int(2.5 * GB)), platform=platform("backstage"))],
    "P103": [dict(media=media(size_bytes=int(0.5 * GB)), platform=platform("spotlight"))],
    "P104": [dict(media=media(path="my tape.mp4"), platform=platform("cast-it"))],
    "P105": [dict(media=media(), platform=platform("backstage", clips=3))],
    "P106": [dict(media=media(video_codec="hevc", audio_codec="opus"),
                  platform=platform("generic"))],
}


def _findings(code: str) -> list[Finding]:
    check = BY_CODE[code]
    out = []
    for measures in CASES[code]:
        got = hits(code, **measures)
        assert isinstance(got, list) and got, (code, measures, got)
        out += [check.finding(h, h.severity or check.severity) for h in got]
    return out


def _report(findings, series=()) -> FileReport:
    return FileReport(path="take.mp4", status="judged", media=media_summary(),
                      verdict=score.verdict(findings), findings=tuple(findings),
                      series=tuple(series))


def shown_html(page: str) -> str:
    """The text of an HTML page as it opens: no style sheet, no folded details, no tags."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    page = re.sub(r"<details\b.*?</details>", "", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    import html as std

    return std.unescape(page)


def test_every_registered_check_has_a_case():
    assert set(CASES) == {c.code for c in REGISTRY}


@pytest.mark.parametrize("code", sorted(CASES))
def test_findings_are_plain_by_default_and_exact_underneath(code):
    findings = _findings(code)
    for fd in findings:
        assert fd.plain and not JARGON.search(fd.plain), (code, fd.plain)
    rep = Report(files=(_report(findings, series_set()),), tool_version="test",
                 fail_on=Severity.WARNING)
    default = text.render(rep)
    page = html.render(rep)
    for shown in (default, shown_html(page)):
        assert not JARGON.search(shown), (code, JARGON.search(shown).group(0), shown)
    verbose = text.render(rep, verbose=True)
    doc = json.loads(json.dumps(rep.to_dict()))
    for fd, out in zip(findings, doc["files"][0]["findings"]):
        assert fd.plain in default and _escaped(fd.plain) in page
        # the engineer's sentence is kept: in -v, in the HTML details and in the JSON
        assert fd.message in verbose and _escaped(fd.message) in page
        assert out["message"] == fd.message and out["plain"] == fd.plain


def _escaped(s: str) -> str:
    import html as std

    return std.escape(s, quote=True)


@pytest.mark.parametrize("code", sorted(CASES))
def test_the_message_states_the_numbers_it_carries(code):
    """The formatter writes measured and threshold in the finding's unit, on the side the
    numbers are: message and data cannot disagree."""
    check = BY_CODE[code]
    for fd in _findings(code):
        if fd.measured is None or not math.isfinite(fd.measured):
            continue
        if fd.threshold is None:
            assert phrasing.number(fd.measured, fd.unit) in fd.message
            continue
        m, t = phrasing.pair(fd.measured, fd.threshold, fd.unit)
        over, under = check.words
        word = over if fd.measured > fd.threshold else under if fd.measured < fd.threshold \
            else None
        assert m in fd.message, (fd.message, m)
        if word:
            assert f"({word} {t}" in fd.message, (fd.message, word, t)


@pytest.mark.parametrize("measured,threshold,unit,expect", [
    (-31.24, -30.0, "LUFS", ("-31.2 LUFS", "-30 LUFS")),
    (0.646, 0.65, "ratio", ("64.6 %", "65 %")),       # a digit more, never "65 % (below 65 %)"
    (0.4, -1.0, "dBTP", ("+0.4 dBTP", "-1 dBTP")),
    (4000.0, 5000.0, "Hz", ("4.0 kHz", "5 kHz")),
    (2.0, 1.0, "s", ("2.0 s", "1 s")),
    (2.0, 0.0, "bursts", ("2 bursts", "0 bursts")),
    (0.0734, 0.01, "%", ("0.073 %", "0.01 %")),
])
def test_the_formatter_writes_each_unit(measured, threshold, unit, expect):
    assert phrasing.pair(measured, threshold, unit) == expect


def test_message_puts_the_value_where_the_text_says():
    assert phrasing.message("Your face fills {} of the frame", 0.7, 0.65, "ratio", "above") == \
        "Your face fills 70 % of the frame (above 65 %)"
    assert phrasing.message("Speech loudness", -33.0, -30.0, "LUFS", "below",
                            detail="-23 … -16 LUFS recommended") == \
        "Speech loudness -33.0 LUFS (below -30 LUFS; -23 … -16 LUFS recommended)"
    # a tie takes the check's own direction
    assert phrasing.message("Share {}", 0.2, 0.2, "ratio", "above",
                            ("from", "under")) == "Share 20 % (from 20 %)"
    assert phrasing.message("No audio track", None, None, "", "above") == "No audio track"


def test_fixes_problems_and_rule_summaries_are_plain():
    for c in REGISTRY:
        for what in (c.fix, c.problem, c.plain):
            assert not JARGON.search(what), (c.code, what)


def test_rule_puts_why_and_how_before_the_calibration():
    """`tapecheck rule` opens with what, why and how to fix; corpus clips and standards come
    after, under "How it is measured"."""
    out = rules.render_one(BY_CODE["V201"])
    first, _, rest = out.partition("How it is measured:")
    assert "grid_swiz3n" not in first and "percentile" not in first
    assert "grid_swiz3n" in rest and "Why casting cares:" in first
    for c in REGISTRY:
        s = rules.sections(c)
        for key in ("summary", "why", "how_to_fix"):
            assert not re.search(r"\b[a-z]+_[a-z0-9]+\d[a-z0-9_]*\b|corpus/", s[key]), \
                (c.code, key, s[key])


# --- every sample tape, from the session's one sample run ---------------------------------

def _from_json(f: dict) -> FileReport:
    """A FileReport rebuilt from its JSON (no thumbnails or series: those are not in it)."""
    def finding(d):
        return Finding(code=d["code"], name=d["name"], category=d["category"],
                       severity=Severity.parse(d["severity"]), message=d["message"],
                       measured=d["measured"], threshold=d["threshold"], unit=d["unit"],
                       spans=tuple(Span(s["start_s"], s["end_s"]) for s in d["spans"]),
                       fix=d["fix"], plain=d.get("plain", ""))

    v = f["verdict"]
    fixes = tuple(Fix(category=x["category"], text=x["fix"],
                      severity=Severity.parse(x["severity"]), codes=tuple(x["codes"]),
                      reshoot=x["needs"] == "reshoot", decides=x["decides"] or "")
                  for x in v["fixes"])
    verdict = Verdict(can_see_eyes=v["can_see_eyes"], can_hear_voice=v["can_hear_voice"],
                      score=v["score"], level=v["level"], headline=v["headline"], fixes=fixes)
    return FileReport(path=f["path"], status=f["status"], media=MediaSummary(**f["media"]),
                      verdict=verdict, findings=tuple(finding(d) for d in f["findings"]),
                      skipped=tuple(Skipped(s["code"], s["reason"]) for s in f["skipped"]),
                      measures=tuple(f["measures"].items()))


def test_sample_tapes_read_plainly_by_default(sample_run):
    files = sample_run["ready"].json["files"] + sample_run["defects"].json["files"]
    assert len(files) >= 20
    reports = [_from_json(f) for f in files]
    rep = Report(files=tuple(reports), tool_version="test", fail_on=Severity.WARNING)
    for fr in reports:
        one = Report(files=(fr,), tool_version="test", fail_on=Severity.WARNING)
        default, page = text.render(one), shown_html(html.render(one))
        for shown in (default, page):
            found = JARGON.search(shown)
            assert not found, (fr.path, found.group(0), shown)
        verbose = text.render(one, verbose=True)
        for fd in fr.findings:
            assert fd.plain and fd.plain in default
            assert fd.message in verbose  # the numbers stay, with -v
            if fd.measured is not None and fd.unit and math.isfinite(fd.measured):
                assert any(ch.isdigit() for ch in fd.message), fd.message
    assert any(fr.findings for fr in rep.files)


def test_the_two_registers_differ():
    """The list above would catch the engineer's words: most messages use them."""
    messages = [fd.message for code in CASES for fd in _findings(code)]
    assert sum(bool(JARGON.search(m)) for m in messages) >= 15


# --- fix and takes say it plainly too (#26 points 3 and 5) -------------------------------

#: The engineer's words of fix's and takes' own sentences, beside JARGON (the issue's list:
#: "linear gain", "dBTP", "st", "LU", "r", "eye distances/s", "alignment cost", "percentile of
#: 26 corpus recordings (scripts/calibrate_takes.py)"…).
MORE_JARGON = re.compile(
    r"\bdB\b|linear gain|true-peak|limiter|\bst\b|semitone|\br = |alignment cost"
    r"|eye distances|corpus|calibrate|syl(lables)?/s|\balike\b|\bms\b|ffmpeg|x264|\bCRF\b"
    r"|SSIM|keyframe|dual mono|high-pass", re.I)


def _jargon(text: str):
    return JARGON.search(text) or MORE_JARGON.search(text)


def _fix_results():
    """Fix results whose plans hold every kind of change, note and thing left alone."""
    from tapecheck.fix.edit import Facts, FixOptions
    from tapecheck.fix.naming import choose_output
    from tapecheck.fix.plan import make_plan
    from tapecheck.fix.result import FixResult, settle
    from report_fixtures import ready_file

    first = {code: _findings(code)[0] for code in
             ("A101", "A401", "A403", "X102", "A503", "A504", "M004", "P101", "M005", "X103",
              "V201")}
    base = dict(path="take.avi", status="judged", media=media_summary(),
                verdict=score.verdict(list(first.values())))
    measures = {"speech_lufs": -45.0, "true_peak_dbtp": -30.0, "av_offset_ms": 220.0,
                "leading_silence_s": 6.0, "trailing_silence_s": 9.0, "reader_to_actor_db": -8.0}
    facts = Facts(video_duration_s=30.0, audio_duration_s=30.0, keyframes_s=(0.0, 10.0),
                  channel_rms_dbfs=(-25.0, -90.0), channel_dc_dbfs=(-30.0, -90.0),
                  common_fps=29.97)
    media_kw = dict(variable_fps=True, rotation_deg=90, width=720, height=1280, fps=27.0)
    every = FileReport(**{**base, "media": MediaSummary(**{**media_summary().__dict__,
                                                           **media_kw}),
                          "findings": tuple(f for c, f in first.items() if c != "X103"),
                          "measures": tuple(measures.items())})
    _, name = choose_output("take.avi", None, name="Jane Doe", role="Hamlet", take=1)
    plans = [make_plan(every, facts, FixOptions(max_bytes=1_000_000), "out.mp4", name),
             make_plan(replace(every, findings=(first["X103"], first["X102"])), facts,
                       FixOptions(), "out.mp4"),
             make_plan(replace(every, findings=(), measures=tuple({
                 **measures, "speech_lufs": -24.0, "av_offset_ms": 71.0,
                 "leading_silence_s": 2.6, "trailing_silence_s": 3.0}.items())),
                 facts, FixOptions(), "out.mp4")]
    out = []
    for plan in plans:
        out.append(FixResult(plan=plan, before=every))  # a dry run
        out.append(settle(plan, every, ready_file("out.mp4"), ssim=0.91))
    return out


def test_fix_says_plainly_what_it_changed_and_exactly_under_v():
    from tapecheck.report.fix import render

    results = _fix_results()
    kinds = {c.what for r in results for c in r.plan.changes}
    assert kinds >= {"loudness", "sync", "trim", "channels", "dc", "container", "rotation",
                     "frame-rate", "size", "name"}
    assert any(r.plan.left_alone for r in results) and any(r.plan.notes for r in results)
    for r in results:
        default = render(r, "text", tool_version="t", fail_on=Severity.WARNING)
        found = _jargon(default)
        assert not found, (found.group(0), default)
        verbose = render(r, "text", tool_version="t", fail_on=Severity.WARNING, verbose=True)
        doc = json.loads(render(r, "json", tool_version="t", fail_on=Severity.WARNING))["fix"]
        for c in doc["changes"]:
            assert c["plain"] and c["plain"] in default and not _jargon(c["plain"])
            assert c["detail"] in verbose  # the numbers stay, under -v and in the JSON
        # what the app's fix panel shows by default: each change's and note's plain words
        for said in doc["notes_plain"] + [n["plain"] for n in doc["left_alone"]]:
            assert not _jargon(said), said
        for n in doc["left_alone"]:
            assert n["plain"] in default and n["detail"] in verbose
    # the engineer's register is kept, and differs
    details = " ".join(c.detail for r in results for c in r.plan.changes)
    assert "LUFS" in details and "dBTP" not in default and " ms" in details


def test_fix_speaks_of_a_reader_only_where_check_heard_one():
    results = _fix_results()
    (gain,) = [c for c in results[0].plan.changes if c.measure == "speech_lufs"]
    assert "reader" in gain.plain and "reader" in gain.detail  # reader_to_actor_db measured
    from tapecheck.fix.edit import Facts, FixOptions
    from tapecheck.fix.plan import make_plan

    alone = FileReport(path="take.mp4", status="judged", media=media_summary(),
                       findings=(_findings("A101")[0],),
                       measures=(("speech_lufs", -45.0), ("true_peak_dbtp", -30.0)))
    (c,) = make_plan(alone, Facts(video_duration_s=30.0), FixOptions(), "o.mp4").changes
    assert "reader" not in c.plain and "reader" not in c.detail


def _takes_report():
    from types import SimpleNamespace

    from report_fixtures import ready_file
    from tapecheck.takes.compare import compare, sentence
    from tapecheck.takes.energy import energy_notes
    from tapecheck.takes.result import PairResult, TakeDelivery, TakesReport

    def pair(b, **kw):
        base = dict(same_text=True, cost_ratio=0.3, pace_ratio=1.0, pitch_median_diff_st=0.0,
                    pitch_range_diff_st=0.0, loudness_diff_lu=0.0, pitch_contour_r=0.97,
                    loudness_contour_r=0.96, pause_match=1.0, pauses_a=2, pauses_b=2,
                    alike=0.70, mouth_motion_ratio=1.2, head_motion_ratio=0.8)
        p = PairResult(0, b, **{**base, **kw})
        return p.with_summary(sentence(p), sentence(p, exact=True))

    def delivery(pitch_range, loudness_range):
        return TakeDelivery(
            figures=(("speaking_s", 12.3), ("articulation_rate_syl_per_s", 3.12),
                     ("pause_count", 2), ("pause_total_s", 1.1), ("pitch_median_hz", 180.0),
                     ("pitch_range_st", pitch_range), ("loudness_range_db", loudness_range),
                     ("mouth_movement", 0.12), ("head_movement_eye_d_per_s", 0.3)),
            phrases=((0.5, 3.0), (3.5, 8.0)), pauses=((3.0, 3.5), (8.0, 8.6)),
            energy=tuple(energy_notes(SimpleNamespace(pitch_range_st=pitch_range,
                                                      loudness_range_db=loudness_range))))

    other = compare(None, None, SimpleNamespace(same_text=False, cost_ratio=0.71), ib=3)
    pairs = (pair(1, pace_ratio=1.10, pause_match=0.5),
             pair(2, pitch_contour_r=0.4, pitch_median_diff_st=1.2, pitch_range_diff_st=-2.0,
                  loudness_diff_lu=2.5),
             other)
    return TakesReport(takes=tuple(ready_file(f"take{i}.mp4") for i in range(1, 5)),
                       delivery=(delivery(3.0, 5.0), delivery(12.0, 8.0), delivery(7.0, 8.0),
                                 TakeDelivery(missing="no speech found")),
                       pairs=pairs, tool_version="t")


def test_takes_says_it_plainly_and_keeps_the_figures_underneath():
    from tapecheck.report.takes import render

    rep = _takes_report()
    default, page = render(rep, "text"), shown_html(render(rep, "html"))
    for shown in (default, page):
        found = _jargon(shown)
        assert not found, (found.group(0), shown)
    for p in rep.pairs:
        assert p.summary in default and _escaped(p.summary) in render(rep, "html")
        assert not _jargon(p.summary)  # what the app's takes panel lists
    assert "flat delivery" in default and "heightened" in default
    verbose = render(rep, "text", verbose=True)
    for figure in ("r = 0.96", "3.12 syllables/s", "alike 0.70", "1.2 semitones", "+2.50 LU",
                   "alignment cost 0.71", "eye distances/s", "calibrate_takes.py"):
        assert figure in verbose, figure
    # one thing at a time: a pace the sentence calls different is never shown with a rate
    # rounded to look the same, nor beside an unexplained "alike"
    assert "10 % faster" in default and "syllables" not in default and "alike" not in default


def test_a_finding_fix_can_repair_says_so_in_its_advice():
    """Declared on the check (`repair=`), not listed anywhere else: the finding carries it,
    its advice offers `tapecheck fix`, and only checks editing can repair may declare it."""
    repairable = {c.code for c in REGISTRY if c.repair}
    assert {"A101", "X102", "A503", "A401", "P102"} <= repairable
    for code in sorted(CASES):
        for fd in _findings(code):
            offers = fd.fix.endswith(", or let tapecheck fix do it.")
            assert offers == (code in repairable) and fd.repair == BY_CODE[code].repair, code
            assert not (fd.repair and fd.reshoot)
    from tapecheck.checks.base import check

    with pytest.raises(ValueError):
        check(code="Z999", name="z", category="face", severity=Severity.INFO, reads=(),
              unit="", fix="Reshoot.", repair="loudness")  # a reshoot cannot be repaired
    with pytest.raises(ValueError):
        check(code="Z998", name="z", category="loudness", severity=Severity.INFO, reads=(),
              unit="", fix="Edit.", reshoot=False, repair="magic")
