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

import math
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


@recipe("defect-media_cut-short.mp4")
def _(out: Path) -> None:
    # an export or upload that stopped partway: a ready tape (index at the front, as phones
    # and `tapecheck fix` write it) cut to 60 % of its bytes still opens and announces its
    # whole length: M008
    whole = out.with_suffix(".whole.mp4")
    grid_tape("grid_lbax4n.mpg", whole)
    data = whole.read_bytes()
    whole.unlink()
    out.write_bytes(data[:len(data) * 60 // 100])


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



# --- picture: face, eyes, extra face, lighting, framing, focus, stability, edit (issue 3) ----
# Each changes one thing about the picture of a clean GRID tape. Positions are in the 1280×720
# tape, where grid_frame() scales the 360×288 clip ×2.5 and centres it (x + 190); the face
# boxes and eyes quoted were measured with the face model on the composed clips.

#: A static tiled wall (plenty of corners) for tapes whose check needs background detail or
#: must not show the blurred copy's big face: camera shake, the actor leaving the frame.
WALL = ("color=c=0x7d6f60:s=1280x720:r=25,drawgrid=w=80:h=60:t=3:c=0x4a3f35,"
        "drawgrid=x=40:y=30:w=160:h=120:t=2:c=0xb0a18c")


def stops(k: float) -> str:
    """An exposure change of k stops on gamma-coded RGB (2^(k/2.2))."""
    g = 2 ** (k / 2.2)
    return f"lutrgb=r='clip(val*{g:.3f},0,255)':g='clip(val*{g:.3f},0,255)':" \
           f"b='clip(val*{g:.3f},0,255)'"


def wall_tape(clip: str, out: Path, *, fg_x: str = "(W-w)/2", video_after: str = "",
              seconds: float = 3.0) -> None:
    """A GRID clip at full height over the tiled wall (instead of its blurred copy)."""
    src = GRID / clip
    gain = TARGET_LUFS - integrated_lufs(src)
    graph = (f"{WALL},trim=duration={seconds}[wall];[0:v]scale=-2:720:flags=lanczos,"
             f"setsar=1[fg];[wall][fg]overlay=x='{fg_x}':y=0:eval=frame:shortest=1,"
             f"format=yuv420p" + (f",{video_after}" if video_after else "") + "[v];"
             f"[0:a]volume={gain:.2f}dB[a]")
    ffmpeg("-i", str(src), "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
           *VIDEO_CODEC, *AUDIO_CODEC, str(out))


@recipe("defect-face_leaves-frame.mp4")
def _(out: Path) -> None:
    # the actor is out of the picture from 1.0 to 2.2 s (the frame shows the empty wall):
    # face visible ≈ 60 % of the tape (V101) and lost for 1.2 s (V102)
    wall_tape("grid_lbax4n.mpg", out, fg_x="if(between(t,1.0,2.2),W,(W-w)/2)")


@recipe("defect-eyes_in-shadow.mp4")
def _(out: Path) -> None:
    # top light: the band from the brows to below the eyes at 30 % (eyes at (576, 392) and
    # (697, 391), 121 px apart): V110
    grid_tape("grid_id2_vcd_swwp2s.mpg", out,
              video_after="drawbox=x=522:y=350:w=229:h=69:t=fill:color=black@0.7")


@recipe("defect-extra-face_reader-in-shot.mp4")
def _(out: Path) -> None:
    # the reader (another GRID speaker, scaled to 300 px high) sits in the bottom-right corner
    # for the whole take: V120
    main, reader = GRID / "grid_lrwp9a.mpg", GRID / "grid_brbk7n.mpg"
    gain = TARGET_LUFS - integrated_lufs(main)
    graph = (grid_frame() + "[base];[1:v]scale=-2:300:flags=lanczos,setsar=1[r];"
             "[base][r]overlay=x=W-w-20:y=H-h,format=yuv420p[v];"
             f"[0:a]volume={gain:.2f}dB[a]")
    ffmpeg("-i", str(main), "-i", str(reader), "-filter_complex", graph, "-map", "[v]",
           "-map", "[a]", "-shortest", *VIDEO_CODEC, *AUDIO_CODEC, str(out))


@recipe("defect-lighting_backlit.mp4")
def _(out: Path) -> None:
    # the face 2 stops down and a bright window on each side of the head (the face box runs
    # x 484–746, y 262–644): face ÷ background ≈ 0.4 with the face's highlights under 130: V202
    grid_tape("grid_brbk7n.mpg", out, video_after=(
        f"{stops(-2)},drawbox=x=0:y=0:w=350:h=600:t=fill:color=0xF4F4F0,"
        "drawbox=x=880:y=0:w=400:h=600:t=fill:color=0xF4F4F0"))


@recipe("defect-lighting_dark.mp4")
def _(out: Path) -> None:
    # exposure 3 stops under: the face's brightest parts ≈ 70 of 255 (V201 warns below 80)
    grid_tape("grid_lwbsza.mpg", out, video_after=stops(-3))


@recipe("defect-framing_too-wide.mp4")
def _(out: Path) -> None:
    # the clip 220 px high in the middle of a plain wall of its own studio colour: the face
    # fills ≈ 15 % of the frame height (V301 warns below 18 %)
    gain = TARGET_LUFS - integrated_lufs(GRID / "grid_bbaf2n.mpg")
    graph = ("[0:v]scale=-2:220:flags=lanczos,setsar=1,pad=1280:720:(ow-iw)/2:(oh-ih)/2:"
             f"color=0x2d8fa3,format=yuv420p[v];[0:a]volume={gain:.2f}dB[a]")
    ffmpeg("-i", str(GRID / "grid_bbaf2n.mpg"), "-filter_complex", graph, "-map", "[v]",
           "-map", "[a]", *VIDEO_CODEC, *AUDIO_CODEC, str(out))


@recipe("defect-focus_blurred.mp4")
def _(out: Path) -> None:
    # a soft lens: Gaussian blur σ = 10 px, ≈ 2.5 % of the 400 px face (V401)
    grid_tape("grid_brbk7n.mpg", out, video_after="gblur=sigma=10")


@recipe("defect-stability_shaky.mp4")
def _(out: Path) -> None:
    # handheld wobble: the picture (actor over a tiled wall) moves ±15 px in two wobbles,
    # ≈ 8 px at 640 width between frames 0.5 s apart (V410 warns above 3)
    wall_tape("grid_swiz3n.mpg", out, video_after=(
        "pad=1340:780:30:30,crop=1280:720:x='30+15*sin(2*PI*1.3*t)+9*sin(2*PI*2.9*t+1)':"
        "y='30+10*sin(2*PI*1.7*t+2)'"))


@recipe("defect-edit_frozen.mp4")
def _(out: Path) -> None:
    # frame 25 (1.0 s) held for 40 frames while the sound goes on: frozen 1.0–2.6 s (V502)
    grid_tape("grid_lrwp9a.mpg", out,
              video_after="loop=loop=40:size=1:start=25,trim=duration=3,setpts=PTS-STARTPTS")


# --- cross-modal: the reader's level and lip sync (issue 5) ---------------------------------

def _duration(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration",
                          "-of", "csv=p=0", str(path)], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return float(out.strip())


@recipe("defect-reader-balance_loud-reader.mp4")
def _(out: Path) -> None:
    # The actor (GRID brbk7n) says her line, listens while a reader (CMU ARCTIC axb, another
    # woman, corpus/speech) says theirs 6 dB louder, then says her line again (X101).
    # Listening = frames 1–6 of the clip (the stillest quarter second of her lead-in, found by
    # tests/crossmodal_tapes.still_frames) looped forwards and backwards; its sound (room tone)
    # looped under the reader, with 0.8 s of it before and after the reader's line.
    src, reader = GRID / "grid_brbk7n.mpg", CORPUS / "speech" / "cmu_arctic_us_axb_a0004.wav"
    first, count, fps, pause = 1, 6, 25, 0.8
    actor_lufs = -26.0   # leaves the louder reader headroom under −1 dBTP
    gain = actor_lufs - integrated_lufs(src)
    reader_gain = actor_lufs + 6.0 - integrated_lufs(reader)
    listen = math.ceil((_duration(reader) + 2 * pause) * fps) / fps
    frames = round(listen * fps)
    room = count / fps
    graph = (f"[0:v]trim=0:3,setpts=PTS-STARTPTS,split=3[p1][pl][p2];"
             f"[pl]trim=start_frame={first}:end_frame={first + count},setpts=PTS-STARTPTS,"
             f"split[fw][bw0];[bw0]reverse[bw];[fw][bw]concat=n=2:v=1:a=0,"
             f"loop=loop={frames // (2 * count) + 1}:size={2 * count}:start=0,"
             f"trim=end_frame={frames},setpts=PTS-STARTPTS[lv];"
             f"[p1][lv][p2]concat=n=3:v=1:a=0,fps={fps}[cat];"
             + grid_frame().replace("[0:v]", "[cat]") + "[v];"
             f"[0:a]volume={gain:.2f}dB,aresample=48000,apad=whole_dur=3,atrim=0:3,"
             f"asplit=3[a1][al][a2];"
             f"[al]atrim={first / fps:.3f}:{first / fps + room:.3f},asetpts=PTS-STARTPTS,"
             f"aloop=loop=-1:size={round(room * 48000)},atrim=0:{listen:.3f}[roomtone];"
             f"[1:a]aresample=48000,volume={reader_gain:.2f}dB,"
             f"adelay={round(pause * 1000)}:all=1[rd];"
             f"[roomtone][rd]amix=inputs=2:normalize=0:duration=first[mid];"
             f"[a1][mid][a2]concat=n=3:v=0:a=1[a]")
    ffmpeg("-i", str(src), "-i", str(reader), "-filter_complex", graph, "-map", "[v]",
           "-map", "[a]", *VIDEO_CODEC, *AUDIO_CODEC, str(out))


@recipe("defect-sync_audio-late.mp4")
def _(out: Path) -> None:
    # the sound 300 ms behind the picture (a re-encode gone wrong; X102 warns beyond
    # 125 ms + 40 ms measurement tolerance)
    # (the picture starts 0.3 s into the clip, the sound at its start: no digital silence;
    # the sentence said four times: lip sync needs ≥ 4 s of lip movement to be confident)
    grid_tape("grid_lwbsza.mpg", out,
              frame="[0:v]trim=end_frame=75,setpts=PTS-STARTPTS,loop=loop=3:size=75:start=0,"
                    "setpts=N/25/TB,trim=start=0.3,setpts=PTS-STARTPTS[lp];"
                    + grid_frame().replace("[0:v]", "[lp]"),
              audio_after="aresample=48000,apad=whole_dur=3,atrim=0:3,"
                          "aloop=loop=3:size=144000,"
                          "asetpts=N/SR/TB,atrim=0:11.7")


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
