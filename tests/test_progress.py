"""The progress line a terminal shows: files done, percent of the tape, time left."""

import io

from tapecheck.cli import progress as prog
from tapecheck.pipeline import Progress


def test_progress_line_shows_percent_of_the_tape_and_time_left(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(prog.time, "monotonic", lambda: clock[0])
    out = io.StringIO()
    line = prog.ProgressLine(out)
    line.update(Progress(0, 1, "/tapes/take 4.mp4", 0.0, 120.0))
    clock[0] += 10.0  # 30 s of a 120 s tape in 10 s: 30 s left
    line.update(Progress(0, 1, "/tapes/take 4.mp4", 30.0, 120.0))
    shown = out.getvalue().split("\r\x1b[2K")[-1]
    assert shown == "take 4.mp4  25 %  about 0:30 left"
    line.clear()
    assert out.getvalue().endswith("\r\x1b[2K") and not line.shown


def test_progress_line_counts_files_in_a_batch(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(prog.time, "monotonic", lambda: clock[0])
    out = io.StringIO()
    line = prog.ProgressLine(out)
    line.update(Progress(3, 8))
    assert out.getvalue().endswith("[#########...............] 3/8")
    clock[0] += 0.5
    line.update(Progress(3, 8, "a.mp4", 0.5, 60.0))  # too early for a time estimate
    assert out.getvalue().split("\r\x1b[2K")[-1] == "[#########...............] 3/8  a.mp4  1 %"


def test_judging_tells_progress_through_the_tape(sample_tapes):
    """The pipeline reports the tape's length first, then seconds done, up to the end."""
    from tapecheck.pipeline import Plan, judge
    from tapecheck.settings import Settings

    seen = []
    judge(str(sample_tapes / "ready_grid-man-denim.mp4"),
          Plan(Settings(select=("face",))), on_progress=lambda d, t: seen.append((d, t)))
    total = seen[0][1]
    assert seen[0] == (0.0, total) and total > 2.5
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1][0] >= total - 0.6
