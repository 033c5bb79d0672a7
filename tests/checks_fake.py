"""Checks tested alone, in the spirit of yamllint's rule tests: fake measures in, hits out.

    assert severities("M006", media=media(width=720, height=1280)) == ["error"]

A check is a pure function of the measures it names, so its test needs no ffmpeg and no file:
each measure is a `SimpleNamespace` holding just the attributes the check reads.
"""

from __future__ import annotations

from types import SimpleNamespace

from tapecheck.checks import BY_CODE, Skip
from tapecheck.measures import Results
from tapecheck.settings import Settings


def media(**kw) -> SimpleNamespace:
    """A 30 s 1080p H.264/AAC landscape MP4, with whatever the test changes."""
    base = dict(path="take.mp4", width=1920, height=1080, duration_s=30.0, fps=30.0,
                variable_fps=False, irregular_frame_share=0.0, has_audio=True, hdr=False,
                bit_depth=8, color_transfer="bt709", size_bytes=50_000_000,
                video_codec="h264", audio_codec="aac", container="mov,mp4,m4a,3gp,3g2,mj2")
    base.update(kw)
    return SimpleNamespace(**base)


def ns(**kw) -> SimpleNamespace:
    return SimpleNamespace(**kw)


def hits(code: str, params: dict | None = None, **measures):
    """The check's hits on these measures, with its default parameters (or `params`); the
    string "skip: <reason>" when it raises Skip."""
    check = BY_CODE[code]
    results = Results()
    for name, value in measures.items():
        results.set(name, value)
    values = Settings().values(check)
    values.update(params or {})
    try:
        return check.run(results, values)
    except Skip as exc:
        return f"skip: {exc}"


def severities(code: str, params: dict | None = None, **measures) -> list[str]:
    """The severity of each hit as the pipeline would give it (the check's default unless the
    hit says otherwise)."""
    got = hits(code, params, **measures)
    if isinstance(got, str):
        return [got]
    default = BY_CODE[code].severity
    return [(h.severity or default).label for h in got]
