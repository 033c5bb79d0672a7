"""Cuts inside the take (V503, measures/shots.py) on synthesised tapes with known cuts."""

from __future__ import annotations

import pytest

from synth import ffmpeg
from tapecheck import check_file
from tapecheck.settings import Settings

SELECT = Settings(select=("V503",))


def _tape(path, *sources: str, seconds: float = 4.0) -> str:
    """Sources one after the other (a hard cut between them), each `seconds` long, 25 fps."""
    args, graph = [], ""
    for i, src in enumerate(sources):
        args += ["-f", "lavfi", "-t", str(seconds), "-i", f"{src}=size=640x360:rate=25"]
        graph += f"[{i}:v]setsar=1,format=yuv420p[v{i}];"
    graph += "".join(f"[v{i}]" for i in range(len(sources))) + \
        f"concat=n={len(sources)}:v=1:a=0[out]"
    ffmpeg(*args, "-filter_complex", graph, "-map", "[out]", "-c:v", "libx264", "-preset",
           "ultrafast", str(path))
    return str(path)


def test_hard_cuts_are_found_where_they_are(tmp_path):
    rep = check_file(_tape(tmp_path / "cuts.mp4", "mandelbrot", "smptehdbars", "testsrc2",
                           seconds=3.0), SELECT)
    hit = [f for f in rep.findings if f.code == "V503"]
    assert hit and hit[0].measured == 2.0, rep.findings
    # sampled every 0.5 s, a cut is placed on the first frame after it: within 0.5 s
    times = [s.start_s for s in hit[0].spans]
    assert all(abs(t - want) <= 0.55 for t, want in zip(times, (3.0, 6.0))), times


@pytest.mark.parametrize("src", ["testsrc2", "mandelbrot"])
def test_one_continuous_shot_has_no_cut(tmp_path, src):
    """testsrc2 moves every frame, the Mandelbrot zoom changes its whole picture steadily:
    change in every pair is motion, not a cut."""
    rep = check_file(_tape(tmp_path / "one.mp4", src, seconds=10.0), SELECT)
    assert "V503" not in {f.code for f in rep.findings}, rep.findings
