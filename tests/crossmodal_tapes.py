"""Test tapes for the cross-modal measures, built from the real-media corpus with known truth.

* `reader_tape` — a talking-head clip (its own voice = the actor) says its line, then
  *listens* while another speaker from `corpus/speech` (the reader) says theirs (with
  `PAUSE_S` of silence before and after), then says its line again (as many exchanges as
  asked). Listening is the stillest quarter second of the clip's picture (`still_frames`)
  played forwards and backwards in a loop, so the face stays alive but the mouth does not
  speak, over the quietest quarter second of its sound (`quietest`) looped the same way.
  The actor's voice is set to −23 LUFS and the reader's to −23 + `reader_db`
  (BS.1770 integrated loudness of each voice alone, pyloudnorm): the true
  `reader_to_actor_db` is `reader_db`.
* `ts_shifted_tape` — a copy whose sound is delayed by timestamps only (`-itsoffset`, stream
  copy): the samples are the same, a player shows the sound `shift_ms` later.
* `shifted_tape` — a clip with its sound moved by `shift_ms` (+ = later, zeros in front;
  − = earlier, the first |shift| cut): the true `av_offset_ms` is the clip's own offset
  plus `shift_ms`.
* `drift_tape` — a clip repeated `copies` times whose sound runs slow like a recorder with
  its own clock: in sync at 0 s, `drift_ms` late at the end.
* `dub_tape` — one recording's picture with another's voice: the face is not the voice.

Used by tests/test_crossmodal*.py and scripts/calibrate_crossmodal.py. Everything is
encoded H.264/AAC in MP4 like a phone export.
"""

from __future__ import annotations

import functools
import math
import subprocess
from pathlib import Path

import numpy as np

from synth import CORPUS, FFMPEG

RATE = 48000
ACTOR_LUFS = -23.0
#: Frames of the stillest stretch looped forwards and backwards while the actor listens.
STILL_FRAMES = 6
FPS = 25
#: Silence the actor listens through before and after the reader's line, s.
PAUSE_S = 0.8
VIDEO = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
         "-g", "25")
AUDIO = ("-c:a", "aac", "-b:a", "128k", "-ar", "48000")


def _run(args: list[str]) -> None:
    proc = subprocess.run([FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y", *args],
                          capture_output=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {' '.join(args)}\n{proc.stderr.decode()[-2000:]}")


def decode(path: str | Path, start_s: float = 0.0, dur_s: float | None = None) -> np.ndarray:
    # on the player's timeline: a stream that starts late is padded (ingest/audio.py)
    args = [FFMPEG, "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0", "-af",
            "aresample=first_pts=0", "-ss", f"{start_s:.3f}"]
    if dur_s is not None:
        args += ["-t", f"{dur_s:.3f}"]
    args += ["-ac", "1", "-ar", str(RATE), "-f", "f32le", "-"]
    raw = subprocess.run(args, capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32).astype(np.float64)


def lufs(x: np.ndarray) -> float:
    import pyloudnorm

    return float(pyloudnorm.Meter(RATE).integrated_loudness(np.asarray(x, np.float64)))


def at_lufs(x: np.ndarray, target: float) -> np.ndarray:
    return x * 10 ** ((target - lufs(x)) / 20)


def _write_wav(path: Path, x: np.ndarray) -> Path:
    subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE),
                    "-ac", "1", "-i", "-", "-c:a", "pcm_f32le", str(path)],
                   input=np.asarray(x, np.float32).tobytes(), check=True)
    return path


def _mux(video_args: list[str], graph: str, wav: Path, out: Path) -> Path:
    _run([*video_args, "-i", str(wav), "-filter_complex", graph, "-map", "[v]", "-map",
          f"{video_args.count('-i')}:a", *VIDEO, *AUDIO, "-shortest", str(out)])
    return out


def clip_path(name: str) -> Path:
    found = sorted((CORPUS / "video").glob(name + ".*"))
    if not found:
        raise FileNotFoundError(name)
    return found[0]


def reader_tape(clip: str, reader: str, reader_db: float, out: Path, *,
                reader_s: float | None = None, lines: int = 1) -> Path:
    """Actor line, then `lines` × (reader line while the actor listens, actor line again)
    (see the module doc). With `reader_s`, reader line k is the k-th `reader_s` seconds of
    the reader's recording (wrapping round); otherwise the whole recording each time."""
    src = clip_path(clip)
    dur = 3.0 if clip.startswith("grid_") else float(_duration(src))
    actor = at_lufs(decode(src, 0.0, dur), ACTOR_LUFS)
    actor = np.pad(actor, (0, max(0, int(dur * RATE) - len(actor))))[:int(dur * RATE)]
    full = _reader_voice(reader)
    if reader_s is None:
        pieces = [full] * lines
    else:
        n = int(reader_s * RATE)
        k_max = max(1, len(full) // n)
        pieces = [full[(k % k_max) * n:(k % k_max + 1) * n] for k in range(lines)]
    gain = 10 ** ((ACTOR_LUFS + reader_db - lufs(np.concatenate(pieces))) / 20)
    first, count = still_frames(src)
    room = quietest(actor, count / FPS)
    pingpong = np.concatenate([room, room[::-1]])
    audio = [actor]
    listen_lens = []
    for rd in pieces:
        rd = rd * gain
        listen_s = math.ceil((len(rd) / RATE + 2 * PAUSE_S) * FPS) / FPS
        n_listen = int(round(listen_s * RATE))
        listen = np.tile(pingpong, n_listen // len(pingpong) + 1)[:n_listen]
        at = int(PAUSE_S * RATE)
        listen[at:at + len(rd)] += rd[:n_listen - at]
        audio += [listen, actor]
        listen_lens.append(listen_s)
    wav = _write_wav(out.with_suffix(".wav"), np.concatenate(audio))
    k = len(pieces)
    parts = [f"[0:v]trim=0:{dur},setpts=PTS-STARTPTS,split={k + 2}[b]" +
             "".join(f"[a{i}]" for i in range(k + 1)) + ";",
             f"[b]trim=start_frame={first}:end_frame={first + count},setpts=PTS-STARTPTS,"
             f"split[f][r0];[r0]reverse[r];[f][r]concat=n=2:v=1:a=0,split={k}" +
             "".join(f"[p{i}]" for i in range(k)) + ";"]
    order = ["[a0]"]
    for i, listen_s in enumerate(listen_lens):
        loops = int(math.ceil(listen_s * FPS / (2 * count)))
        # frames renumbered after the loop: its copies repeat their timestamps, and the
        # final fps filter dropped one frame a loop (the picture ran ahead of the sound)
        parts.append(f"[p{i}]loop=loop={loops}:size={2 * count}:start=0,setpts=N/{FPS}/TB,"
                     f"trim=end_frame={int(round(listen_s * FPS))},setpts=PTS-STARTPTS[l{i}];")
        parts.append(f"[a{i + 1}]setpts=PTS-STARTPTS[c{i}];")
        order += [f"[l{i}]", f"[c{i}]"]
    graph = "".join(parts) + "".join(order) + f"concat=n={len(order)}:v=1:a=0,fps={FPS}[v]"
    _mux(["-i", str(src)], graph, wav, out)
    out.with_suffix(".wav").unlink()
    return out


def _reader_voice(reader: str) -> np.ndarray:
    """The reader's recording: a file of corpus/speech, or the sound of a corpus/video clip
    named without its extension (a GRID sentence: another talker of the same corpus)."""
    if (CORPUS / "speech" / reader).is_file():
        return decode(CORPUS / "speech" / reader)
    src = clip_path(reader)
    return decode(src, 0.0, 3.0 if reader.startswith("grid_") else None)


def quietest(x: np.ndarray, seconds: float) -> np.ndarray:
    """The quietest stretch of `seconds` of the actor's sound: room tone under the listening
    (for a clip that talks throughout, its own lead-in would put its voice under the reader)."""
    n = max(1, int(round(seconds * RATE)))
    if len(x) <= n:
        return x.copy()
    c = np.concatenate([[0.0], np.cumsum(x.astype(np.float64) ** 2)])
    energy = c[n:] - c[:-n]
    step = max(1, RATE // 100)
    k = int(np.argmin(energy[::step])) * step
    return x[k:k + n].copy()


def ts_shifted_tape(src: Path, shift_ms: float, out: Path) -> Path:
    """A copy of `src` whose sound is `shift_ms` later by timestamps only (stream copy, as an
    editor or a bad export leaves it): no sample changes, only the audio's start time."""
    _run(["-itsoffset", "0", "-i", str(src), "-itsoffset", f"{shift_ms / 1000:.3f}", "-i",
          str(src), "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", str(out)])
    return out


@functools.lru_cache(maxsize=None)
def still_frames(src: Path, count: int = STILL_FRAMES) -> tuple[int, int]:
    """(first frame, count) of the stillest run of `count` frames anywhere in the clip: the
    mouth crop (measures/mouth.py) changing least from the run's first frame. (GRID speakers
    differ: some part their lips well before the first word, some hold still after the last;
    the addresses never stop talking for long.)"""
    from tapecheck.ingest import iter_frames, probe
    from tapecheck.measures.faces import detect
    from tapecheck.measures.mouth import change, mouth_crop, normalised

    info = probe(str(src))
    frames = list(iter_frames(info, rate=0))
    n = len(frames)
    crops = []
    for f in frames:
        found = detect(f.image)
        face = max(found, key=lambda x: x.area) if found else None
        crops.append(None if face is None else normalised(mouth_crop(f.gray, face.landmarks)))
    starts = list(range(0, n - count + 1))
    best, best_score = (0, count), math.inf
    for a in starts:
        run = crops[a:a + count]
        if len(run) < count or any(c is None for c in run):
            continue
        score = max(change(c, run[0]) for c in run[1:])
        if score < best_score:
            best, best_score = (a, count), score
    return best


def shifted_tape(clip: str | Path, shift_ms: float, out: Path) -> Path:
    """The clip (a corpus/video name or a path) with its sound `shift_ms` later (+) or
    earlier (−) in the samples, same length."""
    src = clip if isinstance(clip, Path) else clip_path(clip)
    x = decode(src)
    k = int(round(abs(shift_ms) / 1000 * RATE))
    y = np.concatenate([np.zeros(k), x[:len(x) - k]]) if shift_ms >= 0 else \
        np.concatenate([x[k:], np.zeros(k)])
    wav = _write_wav(out.with_suffix(".wav"), y)
    _mux(["-i", str(src)], "[0:v]setpts=PTS-STARTPTS[v]", wav, out)
    out.with_suffix(".wav").unlink()
    return out


def drift_tape(clip: str, copies: int, drift_ms: float, out: Path) -> Path:
    """`copies` repeats of the clip whose sound is in sync at 0 s and `drift_ms` late at the
    end (resampled like a recorder whose clock runs slow)."""
    src = clip_path(clip)
    dur = 3.0 if clip.startswith("grid_") else _duration(src)
    frames = int(round(dur * FPS))
    x = decode(src, 0.0, frames / FPS)
    x = np.pad(x, (0, max(0, int(frames / FPS * RATE) - len(x))))[:int(frames / FPS * RATE)]
    x = np.tile(x, copies)
    n = len(x)
    total = n / RATE
    t = np.arange(n) / RATE
    y = np.interp(t / (1 + drift_ms / 1000 / total), t, x)
    wav = _write_wav(out.with_suffix(".wav"), y)
    graph = (f"[0:v]trim=end_frame={frames},setpts=PTS-STARTPTS,"
             f"loop=loop={copies - 1}:size={frames}:start=0,"
             f"setpts=N/{FPS}/TB[v]")
    _mux(["-i", str(src)], graph, wav, out)
    out.with_suffix(".wav").unlink()
    return out


def dub_tape(picture: Path, voice: Path, out: Path, seconds: float) -> Path:
    """`seconds` of one recording's picture with another recording's voice (at −23 LUFS)
    as its sound: a face that is not the voice heard (an actor listening while only the
    reader was recorded)."""
    x = decode(voice, 0.0, seconds)
    x = at_lufs(np.pad(x, (0, max(0, int(seconds * RATE) - len(x)))), ACTOR_LUFS)
    wav = _write_wav(out.with_suffix(".wav"), x)
    _mux(["-i", str(picture)], f"[0:v]trim=0:{seconds:.3f},setpts=PTS-STARTPTS[v]", wav, out)
    out.with_suffix(".wav").unlink()
    return out


def _duration(path: Path) -> float:
    """Length of the video stream (the container's may be longer: sadtalker clips' is 8.064 s
    for 8.000 s of picture)."""
    out = subprocess.run([FFMPEG.replace("ffmpeg", "ffprobe"), "-v", "error", "-select_streams",
                          "v:0", "-show_entries", "stream=duration", "-of", "csv=p=0",
                          str(path)], capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[0])
