#!/usr/bin/env python3
"""Make the tapes in `sample_tapes/` — this script is their source of truth.

    python scripts/make_sample_tapes.py            # all tapes
    python scripts/make_sample_tapes.py ready_     # only tapes whose name starts so

Naming convention (tests enforce it): `ready_*.mp4` are judged `ready` with exit 0;
`defect-<category>_*.mp4` produce at least one finding of that category at warning or above.

Material: GRID audio-visual corpus clips (Cooke et al. 2006, CC BY 4.0) from
`../shared/corpus/video` — real people speaking one sentence to camera, 360×288. Each is
upscaled to the height of a 1280×720 frame and laid over a blurred, darkened copy of itself
(so the framing reads as a head-and-shoulders tape, not a pillarbox), with its audio gained
to −20 LUFS integrated (a linear gain, measured with ffmpeg's ebur128). Attribution:
`sample_tapes/ATTRIBUTION.md`. A recipe is a function registered with `@recipe`; a defect
recipe changes one thing about a clean tape, so each tape shows one problem.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sample_tapes"
CORPUS = ROOT.parent / "shared" / "corpus"
GRID = CORPUS / "video"
TARGET_LUFS = -20.0
#: x264 settings: small files (a few hundred KB for 3 s of 720p) that still look clean.
VIDEO_CODEC = ["-c:v", "libx264", "-preset", "slow", "-crf", "26", "-g", "25",
               "-pix_fmt", "yuv420p", "-movflags", "+faststart"]
AUDIO_CODEC = ["-c:a", "aac", "-b:a", "96k", "-ar", "48000"]

RECIPES: dict[str, Callable[[Path], None]] = {}


def recipe(name: str):
    def register(fn: Callable[[Path], None]):
        RECIPES[name] = fn
        return fn

    return register


def ffmpeg(*args: str) -> str:
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        sys.exit(f"ffmpeg failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return proc.stderr


def integrated_lufs(path: Path) -> float:
    log = ffmpeg("-i", str(path), "-map", "0:a:0", "-af", "ebur128", "-f", "null", "-")
    found = re.findall(r"I:\s*(-?[0-9.]+) LUFS", log)
    return float(found[-1])


def grid_frame(width: int = 1280, height: int = 720, fg_height: int | None = None,
               fg_width: int | None = None) -> str:
    """Filter graph: the clip scaled into a width×height frame over a blurred copy of itself."""
    fg = f"scale={fg_width}:-2" if fg_width else f"scale=-2:{fg_height or height}"
    return (f"[0:v]split[a][b];"
            f"[a]scale={width}:{height}:force_original_aspect_ratio=increase,"
            f"crop={width}:{height},boxblur=20:2,eq=brightness=-0.06[bg];"
            f"[b]{fg}:flags=lanczos,setsar=1[fg];"
            f"[bg][fg]overlay=(W-w)/2:(H-h)/2,format=yuv420p")


def grid_tape(clip: str, out: Path, *, frame: str | None = None, video_after: str = "",
              audio_after: str = "", audio: bool = True, lufs: float = TARGET_LUFS) -> None:
    """A GRID clip as a tape; `video_after`/`audio_after` append filters (the defect)."""
    src = GRID / clip
    graph = (frame or grid_frame()) + (f",{video_after}" if video_after else "") + "[v]"
    args = ["-i", str(src)]
    if audio:
        gain = lufs - integrated_lufs(src)
        graph += f";[0:a]volume={gain:.2f}dB" + (f",{audio_after}" if audio_after else "") + "[a]"
        args += ["-filter_complex", graph, "-map", "[v]", "-map", "[a]", *VIDEO_CODEC,
                 *AUDIO_CODEC]
    else:
        args += ["-filter_complex", graph, "-map", "[v]", *VIDEO_CODEC, "-an"]
    ffmpeg(*args, str(out))


# --- ready: clean tapes, judged ready ------------------------------------------------------

@recipe("ready_grid-man-denim.mp4")
def _(out: Path) -> None:
    grid_tape("grid_bbaf2n.mpg", out)


@recipe("ready_grid-man-red-top.mp4")
def _(out: Path) -> None:
    grid_tape("grid_swiz3n.mpg", out)


@recipe("ready_grid-woman-green-top.mp4")
def _(out: Path) -> None:
    grid_tape("grid_lrwp9a.mpg", out)


# --- media, orientation, resolution (issue 2) ----------------------------------------------

@recipe("defect-media_no-audio.mp4")
def _(out: Path) -> None:
    grid_tape("grid_lbax4n.mpg", out, audio=False)


@recipe("defect-orientation_portrait.mp4")
def _(out: Path) -> None:
    grid_tape("grid_lwbsza.mpg", out, frame=grid_frame(720, 1280, fg_width=720))


@recipe("defect-resolution_360p.mp4")
def _(out: Path) -> None:
    grid_tape("grid_brbk7n.mpg", out, frame=grid_frame(640, 360))


# --- sound: loudness, noise, clipping, hum, clarity, channels, speech (issue 4) -------------
# Each adds one sound problem to a clean GRID tape; `mix(...)` lays a second source under the
# voice (GRID audio is 44.1 kHz stereo).

def mix(*sources: str) -> str:
    """audio_after that mixes lavfi/amovie source chains under the voice."""
    labels = "".join(f"[m{i}]" for i in range(len(sources)))
    chains = ";".join(f"{src}[m{i}]" for i, src in enumerate(sources))
    return (f"anull[voice];{chains};[voice]{labels}amix=inputs={len(sources) + 1}:"
            "normalize=0:duration=first")


@recipe("defect-loudness_too-quiet.mp4")
def _(out: Path) -> None:
    grid_tape("grid_lbax4n.mpg", out, lufs=-36.0)  # A101: speech under −30 LUFS


@recipe("defect-noise_fan.mp4")
def _(out: Path) -> None:
    # real exercise-bike whirr (Speech Commands background noise, CC BY 4.0) ≈ 10 dB under
    # the voice: A201
    bike = CORPUS / "noise" / "speechcommands_exercise_bike.wav"
    grid_tape("grid_lwbsza.mpg", out, audio_after=mix(
        f"amovie={bike}:seek_point=10,aresample=44100,pan=stereo|c0=c0|c1=c0,volume=3dB"))


@recipe("defect-clipping_overdriven.mp4")
def _(out: Path) -> None:
    # driven 15 dB past the rail and hard clipped at 16 bits: A105
    grid_tape("grid_brbk7n.mpg", out, audio_after="volume=15dB,aformat=sample_fmts=s16")


@recipe("defect-hum_mains-50hz.mp4")
def _(out: Path) -> None:
    # 50 Hz mains hum with its 2nd and 3rd harmonics, ≈ 31 dB (A-weighted) under the voice:
    # A202 (a hum that loud is also background noise in the speech band: A201 warns too)
    grid_tape("grid_swiz3n.mpg", out, audio_after=mix(
        "sine=f=50:sample_rate=44100,volume=0.18,pan=stereo|c0=c0|c1=c0",
        "sine=f=100:sample_rate=44100,volume=0.13,pan=stereo|c0=c0|c1=c0",
        "sine=f=150:sample_rate=44100,volume=0.09,pan=stereo|c0=c0|c1=c0"))


@recipe("defect-clarity_muffled.mp4")
def _(out: Path) -> None:
    # a mic under clothing: everything above ≈ 1 kHz rolled off (24 dB/octave): A301
    grid_tape("grid_bbaf2n.mpg", out,
              audio_after="lowpass=f=1000:poles=2,lowpass=f=1000:poles=2")


@recipe("defect-channels_opposite-phase.mp4")
def _(out: Path) -> None:
    # right channel = left inverted: the voice cancels in mono: A402 (error)
    grid_tape("grid_lrwp9a.mpg", out, audio_after="pan=stereo|c0=c0|c1=-1*c0")


@recipe("defect-speech_no-voice.mp4")
def _(out: Path) -> None:
    # the picture speaks but the track holds only faint room tone (mic on the wrong input): A501
    grid_tape("grid_id2_vcd_swwp2s.mpg", out, audio_after="volume=0," + mix(
        "anoisesrc=color=pink:amplitude=0.01:seed=5:sample_rate=44100,"
        "pan=stereo|c0=c0|c1=c0"))


def main(argv: list[str]) -> int:
    if not GRID.is_dir():
        sys.exit(f"corpus not found at {GRID}: the sample tapes are made from it")
    OUT.mkdir(exist_ok=True)
    prefixes = argv or [""]
    made = 0
    for name, make in RECIPES.items():
        if any(name.startswith(p) for p in prefixes):
            make(OUT / name)
            print(f"{name}: {(OUT / name).stat().st_size // 1024} KB")
            made += 1
    if not made:
        sys.exit(f"no recipe starts with {' or '.join(prefixes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
