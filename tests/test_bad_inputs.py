"""Bad input never crashes the tool: a one-line message naming the file and what to do,
status error in JSON, exit 2, no traceback, and the other files of the call still judged."""

import os
import shutil
import struct

import pytest

from cli_run import tapecheck
from synth import ffmpeg, tape


@pytest.fixture(scope="module")
def good(media_dir):
    return tape(media_dir / "good.mp4", seconds=2, size="1280x720")


def _truncated_without_moov(src, dst):
    """Keep the file only up to its moov box: what an unfinished download or export leaves."""
    data = src.read_bytes()
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"moov":
            dst.write_bytes(data[:pos])
            return dst
        pos += size
    raise AssertionError("no moov box")


def make_bad(kind, d, good):
    if kind == "missing":
        return d / "no-such-take.mp4"
    if kind == "empty-dir":
        (d / "empty-folder").mkdir(exist_ok=True)
        (d / "empty-folder" / "notes.txt").write_text("not a video")
        return d / "empty-folder"
    if kind == "zero-bytes":
        p = d / "zero.mp4"
        p.write_bytes(b"")
        return p
    if kind == "random-bytes":
        p = d / "random.mp4"
        p.write_bytes(os.urandom(50_000))
        return p
    if kind == "text-as-mp4":
        p = d / "notes.mp4"
        p.write_text("Scene 3, take 2: remember to slow down on the second line.\n")
        return p
    if kind == "text-as-txt":  # its "G" is an MPEG-TS sync byte, one that is alone
        p = d / "notes.txt"
        p.write_text("Go slower on the second line of scene 3, take 2.\n" * 5)
        return p
    if kind == "truncated":
        src = tape(d / "faststart.mp4", seconds=2, size="320x240")  # moov at the end
        return _truncated_without_moov(src, d / "truncated.mp4")
    if kind == "audio-only":
        p = d / "voice.m4a"
        ffmpeg("-f", "lavfi", "-i", "sine=d=2", "-c:a", "aac", str(p))
        return p
    if kind == "image":
        p = d / "headshot.png"
        ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1", str(p))
        return p
    raise ValueError(kind)


CASES = {
    "missing": "not-found", "empty-dir": "not-a-file", "zero-bytes": "not-media",
    "random-bytes": "not-media", "truncated": "not-media", "audio-only": "no-video",
    "image": "no-video", "text-as-mp4": "not-media", "text-as-txt": "not-media",
}
#: What the message must say, beyond naming the file.
SAYS = {"text-as-mp4": "not a video file", "text-as-txt": "not a video file",
        "truncated": "incomplete"}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_bad_input_is_an_error_and_the_batch_goes_on(tmp_path, good, kind):
    bad = make_bad(kind, tmp_path, good)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in [good] + [bad]
              if p.is_file()}
    run = tapecheck("check", "--format", "json", bad, good)
    assert run.code == 2
    files = run.json["files"]
    assert [f["status"] for f in files] == ["error", "judged"]
    assert files[0]["error"]["code"] == CASES[kind]
    assert str(bad) in files[0]["error"]["message"]
    assert SAYS.get(kind, "") in files[0]["error"]["message"]
    assert files[0]["verdict"] is None
    assert "Traceback" not in run.err
    err_lines = [ln for ln in run.err.splitlines() if ln.strip()]
    assert len(err_lines) == 1 and str(bad) in err_lines[0]
    for p, (data, mtime) in before.items():  # the tool never modifies its input
        assert p.read_bytes() == data and p.stat().st_mtime_ns == mtime


def test_text_report_says_what_to_do_and_stderr_too(tmp_path):
    """The text report carries the message, and stderr has it as in every format: `check
    missing.mp4 > out.txt` must not leave the terminal silent."""
    p = tmp_path / "zero.mp4"
    p.write_bytes(b"")
    run = tapecheck("check", p)
    assert run.code == 2
    assert "could not judge" in run.out and "empty" in run.out
    [line] = run.err.splitlines()
    assert str(p) in line and "empty" in line
    assert "Traceback" not in run.out + run.err


def test_on_one_terminal_the_message_is_shown_once(tmp_path):
    """stdout and stderr on the same terminal (a pty): the report's line is enough."""
    import pty
    import subprocess
    import sys

    p = tmp_path / "zero.mp4"
    p.write_bytes(b"")
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "tapecheck", "check", "--no-color", str(p)],
                            stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.wait(timeout=60) == 2
    text = seen.decode()
    assert text.count("empty (0 bytes)") == 1, text


@pytest.mark.parametrize("name", ["my take 1.mp4", "it's \"take\" 2.mp4", "prise_été_日本.mp4",
                                  "-starts-with-dash.mp4", '<img src=x onerror=alert(1)> take "1".mp4'])
def test_awkward_names_are_judged(tmp_path, good, name):
    p = tmp_path / name
    shutil.copy(good, p)
    run = tapecheck("check", "--format", "json", "--", p)
    assert run.code in (0, 1), run.err
    f = run.json["files"][0]
    assert f["status"] == "judged" and f["path"] == str(p)


def test_ffmpeg_missing_says_how_to_install(tmp_path, good):
    run = tapecheck("check", good, env={"TAPECHECK_FFPROBE": str(tmp_path / "nope"),
                                        "TAPECHECK_FFMPEG": str(tmp_path / "nope")})
    assert run.code == 2
    assert "apt-get install ffmpeg" in run.out and "Traceback" not in run.err
    as_json = tapecheck("check", "--format", "json", good,
                        env={"TAPECHECK_FFPROBE": str(tmp_path / "nope"),
                             "TAPECHECK_FFMPEG": str(tmp_path / "nope")})
    assert as_json.code == 2 and "apt-get install ffmpeg" in as_json.err


def test_ffmpeg_not_on_path(good, tmp_path):
    run = tapecheck("check", "--format", "json", good, env={"PATH": str(tmp_path)})
    assert run.code == 2
    assert run.json["files"][0]["error"]["code"] == "ffmpeg-missing"


# --- the bad-input matrix (issue 8): everything a phone, an editor or a download produces ----

def _odd(d):
    return _lavfi(d / "odd.mp4", "testsrc2=s=1280x720:r=25:d=1", vf="scale=1279:719,format=yuv444p")


def _lavfi(out, video, *, audio=None, vf=None, extra=()):
    args = ["-f", "lavfi", "-i", video]
    if audio:
        args += ["-f", "lavfi", "-i", audio]
    if vf:
        args += ["-vf", vf]
    args += ["-c:v", "libx264", "-preset", "ultrafast", *extra]
    if audio:
        args += ["-c:a", "aac", "-shortest"]
    ffmpeg(*args, str(out))
    return out


def _corrupt_middle(d, good):
    data = bytearray(good.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 4000] = os.urandom(4000)
    p = d / "corrupt-middle.mp4"
    p.write_bytes(bytes(data))
    return p


SINE = "sine=frequency=300:sample_rate=48000:duration=2"
VIDEO = "testsrc2=s=320x240:r=25:d=2"

#: kind → (maker, expected status, error code or a finding code that must be there)
MATRIX = {
    "video-only": (lambda d, g: _lavfi(d / "video-only.mp4", VIDEO), "judged", "M001"),
    "single-frame": (lambda d, g: _lavfi(d / "one-frame.mp4", VIDEO, audio=SINE,
                                         extra=("-frames:v", "1")), "judged", "M003"),
    "0.2s": (lambda d, g: _lavfi(d / "short.mp4", "testsrc2=s=320x240:r=25:d=0.2",
                                 audio="sine=d=0.2"), "judged", "M003"),
    "8k": (lambda d, g: _lavfi(d / "8k.mp4", "color=c=gray:s=7680x4320:r=5:d=1",
                               audio="sine=d=1.2"), "judged", None),
    "odd-size": (lambda d, g: _odd(d), "judged", "M001"),
    "vfr": (lambda d, g: _lavfi(d / "vfr.mp4", "testsrc2=s=320x240:r=25:d=3",
                                vf="setpts='N*(0.04+0.03*mod(N,2))/TB'",
                                extra=("-fps_mode", "passthrough")), "judged", "M004"),
    "rotated-90": (lambda d, g: _rotated(d, g, "270"), "judged", "M006"),
    "rotated-180": (lambda d, g: _rotated(d, g, "180"), "judged", None),
    "rotated-270": (lambda d, g: _rotated(d, g, "90"), "judged", "M006"),
    "hdr-hevc": (lambda d, g: tape(d / "hdr.mp4", seconds=1.5, size="320x240",
                                   vcodec=("-c:v", "libx265", "-x265-params", "log-level=error",
                                           "-pix_fmt", "yuv420p10le", "-color_trc", "smpte2084",
                                           "-color_primaries", "bt2020", "-colorspace",
                                           "bt2020nc")), "judged", "M005"),
    "5.1-audio": (lambda d, g: tape(d / "surround.mp4", seconds=2, size="320x240",
                                    audio="sine=sample_rate=48000,aformat=channel_layouts=5.1"),
                  "judged", None),
    "8khz-mono": (lambda d, g: tape(d / "phone.mp4", seconds=2, size="320x240",
                                    audio="sine=frequency=300:sample_rate=8000"), "judged", None),
    "silent-track": (lambda d, g: tape(d / "hiss.mp4", seconds=2, size="320x240",
                                       audio="anoisesrc=a=0.00005:r=48000"), "judged", "M002"),
    "digital-silence": (lambda d, g: tape(d / "zeros.mp4", seconds=2, size="320x240",
                                          audio="anullsrc=r=48000:cl=mono"), "judged", "M002"),
    "two-video-streams": (lambda d, g: _two_videos(d), "judged", None),
    "mp3-cover-art": (lambda d, g: _cover_art(d), "error", "no-video"),
    "corrupt-middle": (lambda d, g: _corrupt_middle(d, g), "judged", "M008"),
    "symlink-loop": (lambda d, g: _symlink_loop(d), "error", "unreadable"),
    "fifo": (lambda d, g: _fifo(d), "error", "not-a-file"),
}


def _rotated(d, good, tag):
    out = d / f"rotated-{tag}.mp4"
    ffmpeg("-i", str(good), "-c", "copy", "-metadata:s:v:0", f"rotate={tag}", str(out))
    return out


def _two_videos(d):
    out = d / "two-videos.mkv"
    ffmpeg("-f", "lavfi", "-i", VIDEO, "-f", "lavfi", "-i", "testsrc=s=160x120:r=25:d=2",
           "-f", "lavfi", "-i", SINE, "-map", "0", "-map", "1", "-map", "2",
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(out))
    return out


def _cover_art(d):
    out = d / "song.mp3"
    ffmpeg("-f", "lavfi", "-i", SINE, "-f", "lavfi", "-i", "testsrc2=s=300x300:d=1",
           "-map", "0", "-map", "1", "-frames:v", "1", "-c:a", "libmp3lame", "-c:v", "mjpeg",
           "-disposition:v", "attached_pic", str(out))
    return out


def _symlink_loop(d):
    p = d / "loop.mp4"
    os.symlink(p.name, p)
    return p


def _fifo(d):
    p = d / "pipe.mp4"
    os.mkfifo(p)
    return p


def test_bad_input_matrix_in_one_batch(tmp_path, good):
    """Every awkward input in one call: each judged or refused cleanly, none taking the
    batch down, no traceback, no hang (the subprocess has a timeout), input unchanged."""
    paths = {kind: maker(tmp_path, good) for kind, (maker, _, _) in MATRIX.items()}
    files = [p for p in paths.values() if p.is_file() and not p.is_symlink()]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    run = tapecheck("check", "--format", "json", *paths.values(), good, timeout=300)
    assert run.code == 2 and "Traceback" not in run.err
    by_path = {f["path"]: f for f in run.json["files"]}
    assert by_path[str(good)]["status"] == "judged"
    for kind, (_, status, code) in MATRIX.items():
        f = by_path[str(paths[kind])]
        assert f["status"] == status, (kind, f["error"])
        assert f["check_errors"] == [], (kind, f["check_errors"])
        if status == "error":
            assert f["error"]["code"] == code and str(paths[kind]) in f["error"]["message"]
        elif code:
            assert code in {fd["code"] for fd in f["findings"]}, (kind, f["findings"])
    for p, (data, mtime) in before.items():
        assert p.read_bytes() == data and p.stat().st_mtime_ns == mtime, p


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root and setpriv to take root's permission override away "
                           "(as a normal user, chmod 000 is enough; see the next test)")
def test_unreadable_file_without_roots_override(tmp_path, good):
    """CI runs as root, who reads any file: run the check as root *without* the capabilities
    that bypass file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a chmod 000 file
    is unreadable to it, as it would be to a normal user (whatever folder the checkout is in)."""
    locked, ok = tmp_path / "locked.mp4", tmp_path / "ok.mp4"
    shutil.copy(good, locked)
    shutil.copy(good, ok)
    locked.chmod(0o000)
    run = tapecheck("check", "--format", "json", locked, ok,
                    wrap=["setpriv", "--bounding-set=-dac_override,-dac_read_search"])
    assert run.code == 2, run.err
    f = {x["path"]: x for x in run.json["files"]}
    assert f[str(locked)]["error"]["code"] == "unreadable"
    assert "permission" in f[str(locked)]["error"]["message"].lower()
    assert f[str(ok)]["status"] == "judged"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file; covered by the test above")
def test_unreadable_file(tmp_path, good):
    locked = tmp_path / "locked.mp4"
    shutil.copy(good, locked)
    locked.chmod(0o000)
    run = tapecheck("check", "--format", "json", locked)
    assert run.code == 2 and run.json["files"][0]["error"]["code"] == "unreadable"
