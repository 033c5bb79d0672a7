"""Ingest: probe facts against what the synthesised files are known to be, streamed frames and
audio, timeouts."""

import json
import subprocess
import sys

import numpy as np
import pytest

from synth import ffmpeg, tape
from tapecheck.errors import IngestError
from tapecheck.ingest import AudioStream, iter_frames, probe
from tapecheck.ingest.ffmpeg import Stream, timeout_for
from tapecheck.ingest.frames import sampling_mode


@pytest.fixture(scope="module")
def plain(media_dir):
    return tape(media_dir / "plain.mp4", seconds=4, size="640x360", rate=25)


def test_probe_plain_tape(plain):
    info = probe(str(plain))
    assert (info.width, info.height, info.rotation_deg) == (640, 360, 0)
    assert info.duration_s == pytest.approx(4.0, abs=0.1)
    assert info.fps == pytest.approx(25.0, abs=0.01)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.audio_sample_rate == 48000 and info.audio_channels == 1
    assert not info.variable_fps and not info.hdr and info.bit_depth == 8
    assert info.keyframe_interval_s == pytest.approx(1.0, abs=0.05)  # -g 25 at 25 fps


@pytest.mark.parametrize("tag,expected", [("90", 270), ("270", 90), ("180", 180)])
def test_rotation_follows_display_matrix(media_dir, plain, tag, expected):
    """rotation_deg = (-ffprobe rotation) mod 360 (CONTRACT.md), and the size is as displayed."""
    out = media_dir / f"rot{tag}.mp4"
    ffmpeg("-i", str(plain), "-c", "copy", "-metadata:s:v:0", f"rotate={tag}", str(out))
    raw = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", str(out)],
        capture_output=True, check=True).stdout)
    ccw = raw["streams"][0]["side_data_list"][0]["rotation"]
    info = probe(str(out))
    assert info.rotation_deg == (-ccw) % 360 == expected
    assert (info.width, info.height) == ((360, 640) if expected in (90, 270) else (640, 360))
    first = next(iter_frames(info))
    assert first.image.shape[:2] == ((640, 360) if expected in (90, 270) else (360, 640))
    # turned the way ffmpeg's own rotation (what players show) turns it
    h, w = first.image.shape[:2]
    ref = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out), "-frames:v", "1", "-vf",
                          f"scale={w}:{h}:flags=area", "-f", "rawvideo", "-pix_fmt", "bgr24",
                          "-"], capture_output=True, check=True).stdout
    ref = np.frombuffer(ref, np.uint8).reshape(h, w, 3).astype(int)
    assert np.abs(first.image.astype(int) - ref).mean() < 3
    assert np.abs(first.image.astype(int) - ref[::-1, ::-1]).mean() > 20  # not upside down


def test_variable_frame_rate_detected(media_dir):
    out = media_dir / "vfr.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=3",
           "-vf", "setpts='N*(0.04+0.03*mod(N,2))/TB'", "-fps_mode", "passthrough",
           "-c:v", "libx264", "-preset", "ultrafast", str(out))
    assert probe(str(out)).variable_fps


def test_a_few_dropped_frames_are_not_irregular_timing(media_dir):
    """Two doubled intervals in 2 s (frames 20 and 40 dropped): technically variable, but the
    timing is steady (3 % of intervals) — M004's share stays far under its 20 %."""
    out = media_dir / "two_drops.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=2",
           "-vf", "select='not(eq(n,20)+eq(n,40))'", "-fps_mode", "passthrough",
           "-c:v", "libx264", "-preset", "ultrafast", str(out))
    info = probe(str(out))
    assert info.variable_fps
    assert info.irregular_frame_share == pytest.approx(2 / 57, abs=0.01)


def test_irregular_timing_share_of_a_jittery_stream(media_dir):
    """Every third frame of a 30 fps stream dropped: intervals alternate 33 and 67 ms, so half
    of them are off the median."""
    out = media_dir / "jitter.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=3",
           "-vf", "select='not(eq(mod(n,3),2))'", "-fps_mode", "passthrough",
           "-c:v", "libx264", "-preset", "ultrafast", str(out))
    assert probe(str(out)).irregular_frame_share == pytest.approx(0.5, abs=0.03)


def test_duration_from_packets_when_the_header_has_none(media_dir):
    """Matroska written to a pipe (as browsers' MediaRecorder does) has no duration in its
    header; named .mp4 like the real uploads. 4 s at 10 fps: the last packet ends at 4.0 s,
    and the frame rate comes from the packets."""
    out = media_dir / "no_duration.mp4"
    with open(out, "wb") as fh:
        proc = subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                               "testsrc2=s=320x240:r=10:d=4", "-c:v", "libx264", "-preset",
                               "ultrafast", "-f", "matroska", "pipe:1"], stdout=fh, check=True)
    raw = json.loads(subprocess.run(["ffprobe", "-v", "error", "-print_format", "json",
                                     "-show_format", "-show_streams", str(out)],
                                    capture_output=True, check=True).stdout)
    assert "duration" not in raw["format"] and "duration" not in raw["streams"][0]
    info = probe(str(out))
    assert info.duration_s == pytest.approx(4.0, abs=0.05)
    assert info.fps == pytest.approx(10.0, abs=0.1)


def test_ten_bit_and_hdr_detected(media_dir):
    ten = tape(media_dir / "ten.mp4", seconds=1, size="320x240", audio=None,
               vcodec=("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le"))
    info = probe(str(ten))
    assert info.bit_depth == 10 and not info.hdr
    hdr = tape(media_dir / "hdr.mp4", seconds=1, size="320x240", audio=None,
               vcodec=("-c:v", "libx265", "-x265-params", "log-level=error", "-pix_fmt",
                       "yuv420p10le", "-color_trc", "smpte2084", "-color_primaries", "bt2020",
                       "-colorspace", "bt2020nc"))
    info = probe(str(hdr))
    assert info.hdr and info.color_transfer == "smpte2084"


@pytest.mark.parametrize("gop,mode", [(250, "decode"), (10, "keyframes")])
def test_frames_steady_rate_whatever_the_keyframes(media_dir, gop, mode):
    """≥ 2 frames per second of tape with one keyframe per 10 s, and with dense keyframes."""
    out = tape(media_dir / f"gop{gop}.mp4", seconds=12, size="320x240", rate=25, audio=None,
               vcodec=("-c:v", "libx264", "-preset", "ultrafast", "-g", str(gop),
                       "-keyint_min", str(gop), "-sc_threshold", "0"))
    info = probe(str(out))
    assert sampling_mode(info, 2.0, quick=False) == mode
    times = [f.t for f in iter_frames(info)]
    assert len(times) >= 2 * 12 - 1
    gaps = np.diff(times)
    assert gaps.max() <= 0.55 and gaps.min() >= 0.35
    assert times[0] == pytest.approx(0.0, abs=0.05)


def test_frames_window_at_full_rate(plain):
    info = probe(str(plain))
    frames = list(iter_frames(info, rate=0, start_s=1.0, duration_s=1.0))
    assert len(frames) == pytest.approx(25, abs=1)
    assert frames[0].t == pytest.approx(1.0, abs=0.05)


def test_audio_blocks_streamed_with_known_level(media_dir):
    """A −20 dBFS sine: every block ≤ 1 s, peak −20 dBFS, ebur128 figures from the same pass."""
    out = tape(media_dir / "sine.mp4", seconds=5, size="320x240",
               audio="aevalsrc=0.1*sin(2*PI*1000*t):s=48000",
               acodec=("-c:a", "pcm_s16le"), extra=("-f", "mov"))
    stream = AudioStream(probe(str(out)))
    blocks = list(stream.blocks())
    assert all(b.samples.dtype == np.float32 and b.samples.shape[0] <= 48000 for b in blocks)
    total = sum(b.samples.shape[0] for b in blocks)
    assert total == pytest.approx(5 * 48000, rel=0.01)
    peak = max(float(np.abs(b.samples).max()) for b in blocks)
    assert 20 * np.log10(peak) == pytest.approx(-20.0, abs=0.1)
    # mono 1 kHz sine at -20 dBFS peak: -23 dB RMS, +0.7 dB K-weighting at 1 kHz, -0.69 LKFS offset
    assert stream.r128.integrated_lufs == pytest.approx(-23.0, abs=0.3)
    assert stream.r128.true_peak_dbtp == pytest.approx(-20.0, abs=0.2)


def test_surround_is_downmixed_to_stereo(media_dir):
    out = tape(media_dir / "surround.mkv", seconds=2, size="320x240",
               audio="sine=frequency=500:sample_rate=48000,aformat=channel_layouts=5.1",
               acodec=("-c:a", "pcm_s16le"))
    info = probe(str(out))
    assert info.audio_channels == 6
    block = next(AudioStream(info).blocks())
    assert block.samples.shape[1] == 2


def test_timeout_scales_with_duration():
    assert timeout_for(7200) > timeout_for(60) > timeout_for(None) > 0
    assert timeout_for(7200) >= 4 * 7200  # a 2-hour reel is not "hung"


def test_stream_timeout_kills_and_reports():
    with Stream([sys.executable, "-c", "import time; time.sleep(30)"], 0.5, "slow.mp4") as s:
        assert list(s.chunks(16)) == []
        with pytest.raises(IngestError) as err:
            s.finish()
    assert err.value.code == "timeout" and "slow.mp4" in err.value.message


def test_ffmpeg_failure_carries_its_stderr(media_dir):
    bad = media_dir / "garbage.mp4"
    bad.write_bytes(b"\x00\x01not a video" * 100)
    with pytest.raises(IngestError) as err:
        probe(str(bad))
    assert err.value.code in ("not-media", "decode-failed")
    assert str(bad) in err.value.message
