"""`tapecheck fix` end to end: each fixable kind of tape is fixed and the copy, judged again
with the same settings, no longer has the finding — within the promised tolerances — while
the input keeps every byte and its mtime. Inputs are the sample tapes, or built from one with
ffmpeg where no sample tape has the defect (dead air, a dead channel with DC, a container a
profile refuses, a file over a small cap, a timestamp-only offset)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from cli_run import tapecheck
from synth import ffmpeg
from tapecheck.fix import FixOptions, fix
from tapecheck.profiles import get
from tapecheck.schema import load
from tapecheck.settings import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "sample_tapes"
READY = SAMPLES / "ready_grid-man-denim.mp4"


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def run_fix(tape: Path, out: Path, options=FixOptions(), settings=Settings()):
    before = fingerprint(tape)
    result = fix(str(tape), options, settings, output=str(out))
    assert fingerprint(tape) == before  # the input is never written
    assert out.is_file() and not [p for p in out.parent.iterdir() if "tapecheck-" in p.name]
    return result


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


def measure(report, name):
    return dict(report.measures)[name]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fix-inputs")


def test_a_quiet_voice_is_raised_to_the_target(tmp_path):
    tape = SAMPLES / "defect-loudness_too-quiet.mp4"
    r = run_fix(tape, tmp_path / "copy.mp4")
    assert "A101" in codes(r.before) and "A101" not in codes(r.after)
    assert measure(r.after, "speech_lufs") == pytest.approx(-20.0, abs=0.5)
    assert r.plan.edit.video == "copy" and r.ssim is None  # the picture is not re-encoded


def test_a_late_sound_is_moved_into_sync(tmp_path):
    tape = SAMPLES / "defect-sync_audio-late.mp4"
    r = run_fix(tape, tmp_path / "copy.mp4")
    assert "X102" in codes(r.before) and not codes(r.after) & {"X102", "A304", "A505"}
    assert measure(r.after, "av_offset_ms") == pytest.approx(0.0, abs=40.0)


def test_a_timestamp_only_offset_is_fixed(built, tmp_path):
    """The sound is in sync sample for sample but the container starts it 0.3 s late, as a
    player shows it; the copy starts both streams together. (The clip said four times: lip
    sync needs ≥ 4 s of lip movement to be confident.)"""
    looped, tape = built / "ready-x4.mp4", built / "timestamps-late.mp4"
    ffmpeg("-stream_loop", "3", "-i", str(READY), "-c:v", "copy", "-c:a", "aac", "-b:a", "128k",
           str(looped))
    ffmpeg("-i", str(looped), "-itsoffset", "0.3", "-i", str(looped), "-map", "0:v",
           "-map", "1:a", "-c", "copy", str(tape))
    r = run_fix(tape, tmp_path / "copy.mp4")
    (sync,) = [c for c in r.changes if c.what == "sync"]
    assert sync.before == pytest.approx(300.0, abs=40.0)
    assert measure(r.after, "av_offset_ms") == pytest.approx(0.0, abs=40.0)
    starts = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=start_time",
                             "-of", "csv=p=0", str(tmp_path / "copy.mp4")],
                            capture_output=True, text=True).stdout.split()
    assert [float(s) for s in starts] == [0.0, 0.0]


def test_channels_in_opposite_phase_become_dual_mono(tmp_path):
    tape = SAMPLES / "defect-channels_opposite-phase.mp4"
    r = run_fix(tape, tmp_path / "copy.mp4")
    assert "A402" in codes(r.before) and not codes(r.after) & {"A401", "A402", "A403"}
    assert measure(r.after, "speech_lufs") == pytest.approx(-20.0, abs=0.5)


def test_a_dead_channel_with_dc_becomes_clean_dual_mono(built, tmp_path):
    tape = built / "dead-right-dc.mp4"
    ffmpeg("-i", str(READY), "-af", "aeval=val(0)+0.03|0:c=same",
           "-c:v", "copy", "-c:a", "aac", "-b:a", "192k", str(tape))
    r = run_fix(tape, tmp_path / "copy.mp4")
    assert {"A401", "A403"} <= codes(r.before)
    assert not codes(r.after) & {"A401", "A402", "A403"}
    assert measure(r.after, "channel_imbalance_db") < 1.0
    # check found the level fine, so no gain: dual mono only doubles the one live channel
    assert r.plan.edit.gain_db == 0.0
    assert measure(r.after, "speech_lufs") == pytest.approx(
        measure(r.before, "speech_lufs") + 3.0, abs=0.5)


def test_the_reader_stays_as_far_below_the_actor(tmp_path):
    """A linear gain (and a limiter only on the peaks) keeps the reader-to-actor difference.
    (`check` finds this voice's level acceptable, so the gain is asked for with --also.)"""
    tape = SAMPLES / "defect-reader-balance_loud-reader.mp4"
    r = run_fix(tape, tmp_path / "copy.mp4", FixOptions(also=frozenset({"loudness"})))
    assert "reader" in next(c for c in r.changes if c.measure == "speech_lufs").plain
    before, after = (measure(x, "reader_to_actor_db") for x in (r.before, r.after))
    assert before is not None and after == pytest.approx(before, abs=0.5)
    assert measure(r.after, "speech_lufs") == pytest.approx(-20.0, abs=0.5)
    assert measure(r.after, "true_peak_dbtp") <= -1.0 + 0.1  # ±0.1 dB: the meter's rounding
    assert "X101" in codes(r.after) and "X101" in r.needs_new_take()  # a gain cannot fix it


def test_dead_air_is_trimmed_to_a_margin(built, tmp_path):
    """6 s before the first word and 6 s after the last, over room tone; the picture loops
    the clip so its lips still match the sound (whose offset 6 s is a multiple of its 3 s)."""
    tape = built / "dead-air.mp4"
    ffmpeg("-stream_loop", "4", "-i", str(READY), "-i", str(READY),
           "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.002:sample_rate=48000:d=15",
           "-filter_complex", "[1:a]adelay=6000:all=1,apad=whole_dur=15[v];"
           "[v][2:a]amix=inputs=2:normalize=0:duration=first[a]",
           "-map", "0:v", "-map", "[a]", "-t", "15", "-c:v", "libx264", "-preset", "ultrafast",
           "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", str(tape))
    r = run_fix(tape, tmp_path / "copy.mp4")
    assert {"A503", "A504"} <= codes(r.before) and not codes(r.after) & {"A503", "A504"}
    lead, trail = measure(r.after, "leading_silence_s"), measure(r.after, "trailing_silence_s")
    # the head margin (0.5 s) grows to the keyframe before the cut (1 s apart); never less
    assert 0.5 - 0.1 <= lead <= 0.5 + 1.0 + 0.1
    assert trail == pytest.approx(1.0, abs=0.25)  # the speech detector's hangover: ≤ 0.2 s


def test_a_container_the_profile_refuses_is_remuxed_not_re_encoded(built, tmp_path):
    tape = built / "take.mkv"
    ffmpeg("-i", str(READY), "-c", "copy", str(tape))
    out = tmp_path / "copy.mp4"
    r = run_fix(tape, out, FixOptions(profile=get("spotlight")), Settings(profile="spotlight"))
    assert "P101" in codes(r.before) and "P101" not in codes(r.after)
    assert _video_md5(tape) == _video_md5(out)  # the same coded picture, packet for packet


def test_a_file_over_a_small_cap_is_brought_under_it(tmp_path):
    cap = 150_000
    assert READY.stat().st_size > cap
    out = tmp_path / "copy.mp4"
    r = run_fix(READY, out, FixOptions(max_bytes=cap))
    assert out.stat().st_size <= cap and r.cap_met
    (size,) = [c for c in r.changes if c.what == "size"]
    assert size.after == out.stat().st_size
    assert r.ssim is not None and r.ssim >= 0.95


def _video_md5(path: Path) -> str:
    return subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-c", "copy",
                           "-f", "md5", "-"], capture_output=True, text=True).stdout.strip()


# --- the command as a user runs it ------------------------------------------------------

QUIET = SAMPLES / "defect-loudness_too-quiet.mp4"


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path):
    out = tmp_path / "copy.mp4"
    run = tapecheck("fix", QUIET, "-o", out, "--dry-run", "--format", "json")
    assert run.code == 0, run.err
    assert list(tmp_path.iterdir()) == []
    doc = run.json
    assert not list(Draft202012Validator(load()).iter_errors(doc))
    assert doc["fix"]["dry_run"] is True and doc["files"][0]["path"] == str(QUIET)
    (change,) = doc["fix"]["changes"]
    assert (change["what"], change["target"], change["after"]) == ("loudness", -20.0, None)
    assert doc["fix"]["commands"][0][0] == "ffmpeg"
    text = tapecheck("fix", QUIET, "-o", out, "--dry-run")
    assert "Nothing was written" in text.out and "ffmpeg" not in text.out  # plain by default
    exact = tapecheck("fix", QUIET, "-o", out, "--dry-run", "-v")
    assert "ffmpeg" in exact.out and "nothing was written" in exact.out and "LUFS" in exact.out


def test_the_copy_is_reported_in_the_check_document_plus_fix(tmp_path):
    out = tmp_path / "Jane_Doe_Hamlet_Take1.mp4"
    run = tapecheck("fix", QUIET, "-o", tmp_path, "--name", "Jane Doe", "--role", "Hamlet",
                    "--take", "1", "--format", "json")
    assert run.code == 0, run.err  # exit code as `check`, on the copy: ready
    doc = run.json
    assert not list(Draft202012Validator(load()).iter_errors(doc))
    assert doc["files"][0]["path"] == str(out) and out.is_file()
    assert [c["what"] for c in doc["fix"]["changes"]] == ["loudness", "name"]
    assert doc["fix"]["changes"][0]["resolved"] is True
    again = tapecheck("fix", QUIET, "-o", out)
    assert again.code == 2 and "--force" in again.err  # no silent overwrite
    same = tapecheck("fix", QUIET, "-o", QUIET, "--force")
    assert same.code == 2 and "never writes over" in same.err


def test_a_copy_not_named_mp4_is_a_usage_error(tmp_path):
    run = tapecheck("fix", QUIET, "-o", tmp_path / "copy.mov")
    assert run.code == 2 and ".mp4" in run.err and list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists(),
                    reason="needs root and setpriv to take root's permission override away "
                    "(root writes into read-only folders otherwise)")
def test_an_unwritable_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        run = tapecheck("fix", QUIET, "-o", folder / "copy.mp4",
                        wrap=["setpriv", "--bounding-set=-dac_override,-dac_read_search"])
    finally:
        folder.chmod(0o755)
    assert run.code == 2 and "cannot write in" in run.err and "Traceback" not in run.err
    assert list(folder.iterdir()) == []


def test_a_full_disk_leaves_no_half_file(tmp_path):
    """A file size limit (`ulimit -f`) stands in for a full disk: the write fails part way."""
    out = tmp_path / "copy.mp4"
    script = (f"ulimit -f 64; exec {sys.executable} -m tapecheck fix {QUIET} -o {out}")
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "TAPECHECK_NO_CACHE": "1"})
    assert proc.returncode == 2, proc.stderr
    assert "file size limit" in proc.stderr or "full" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []  # neither the copy nor the temporary file


def test_a_long_lead_in_is_cut_whatever_the_keyframes(built, tmp_path):
    """Keyframes 10 s apart (-g 300 at 30 fps, as many editors export) and 7 s of room tone
    before the first word: the keyframe before the cut is the first frame, so a copied
    picture would keep the whole wait; the picture is re-encoded and cut where planned."""
    tape = built / "sparse-keyframes.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=16", "-i", str(READY),
           "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.002:sample_rate=48000:d=16",
           "-filter_complex", "[1:a]adelay=7000:all=1,apad=whole_dur=16[v];"
           "[v][2:a]amix=inputs=2:normalize=0:duration=first[a]",
           "-map", "0:v", "-map", "[a]", "-t", "16", "-c:v", "libx264", "-preset", "ultrafast",
           "-g", "300", "-keyint_min", "300", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-b:a", "128k", str(tape))
    r = run_fix(tape, tmp_path / "copy.mp4")
    assert "A503" in codes(r.before) and "A503" not in codes(r.after)
    assert r.plan.edit.video == "crf" and r.ssim is not None and r.ssim >= 0.95
    (head,) = [c for c in r.changes if c.measure == "leading_silence_s"]
    assert "re-encoded" in head.detail and "saved again" in head.plain  # it says which
    assert measure(r.after, "leading_silence_s") == pytest.approx(0.5, abs=0.25)


def test_what_check_did_not_ask_for_is_left_alone(built, tmp_path):
    """Sound 70 ms late: beyond the sync measure's 40 ms tolerance, but inside what casting
    notices (lip-sync-offset warns past 125 ms late), so `check` reports nothing and fix
    leaves it — saying so plainly, and how to ask (`--also sync`)."""
    looped, tape = built / "ready-x4-b.mp4", built / "late-70ms.mp4"
    ffmpeg("-stream_loop", "3", "-i", str(READY), "-c:v", "copy", "-c:a", "aac", "-b:a", "128k",
           str(looped))
    ffmpeg("-i", str(looped), "-af", "adelay=70:all=1", "-c:v", "copy", "-c:a", "aac",
           "-b:a", "128k", str(tape))
    out = tmp_path / "copy.mp4"
    run = tapecheck("fix", tape, "-o", out, "--no-color")
    assert run.code == 0, run.err
    assert "moved" not in run.out and "left as it is" in run.out
    assert "--also sync" in run.out and " ms " not in run.out  # plain: no milliseconds
    doc = tapecheck("fix", tape, "-o", out, "--force", "--format", "json").json
    assert [c["what"] for c in doc["fix"]["changes"]] == []
    assert "sync" in [n["also"] for n in doc["fix"]["left_alone"]]
    asked = tapecheck("fix", tape, "-o", out, "--force", "--also", "sync", "--format", "json")
    (sync,) = [c for c in asked.json["fix"]["changes"] if c["what"] == "sync"]
    assert sync["before"] == pytest.approx(70.0, abs=40.0)
