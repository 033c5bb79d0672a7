"""The ffmpeg commands of a plan: argument lists (never shell strings), built from its `Edit`.

Two inputs of the same file: the first gives the picture (seeked to the head cut), the second
the sound, which is cut in samples inside the filter graph so the head cut and the sync shift
land exactly. The sound chain, in order: onto the player's timeline (a container's start
delay becomes silence, as the measures see it) · channels · DC high-pass · gain · oversampled
true-peak limiter · shift · pad or cut to the picture's length. A size cap gets x264's two passes; every x264 encode
reports its SSIM against its input (`-ssim 1`), the fidelity the result states.
"""

from __future__ import annotations

import math
import os

from ..ingest.ffmpeg import url
from .edit import Edit, FixPlan
from .limits import CRF, PRESET

#: The limiter works at 4× 48 kHz, as BS.1770's true-peak meter oversamples, so the peaks
#: it holds are (nearly) the true peaks, not only the samples.
LIMITER_RATE = 192000
#: Attack and release of the limiter, ms: 5 ms lookahead catches a plosive's onset; 50 ms
#: release recovers between syllables without pumping (ffmpeg's alimiter defaults).
LIMITER_ATTACK_MS = 5
LIMITER_RELEASE_MS = 50


def temp_path(output: str) -> str:
    """The file ffmpeg writes, beside the output; renamed to it only once complete."""
    folder, name = os.path.split(os.path.abspath(output))
    return os.path.join(folder, f".{name}.tapecheck-part")


def passlog_prefix(output: str) -> str:
    folder, name = os.path.split(os.path.abspath(output))
    return os.path.join(folder, f".{name}.tapecheck-2pass")


def commands(plan: FixPlan) -> tuple[tuple[str, ...], ...]:
    e = plan.edit
    temp = temp_path(plan.output)
    if e.video == "two-pass":
        log = passlog_prefix(plan.output)
        first = [*_head(plan, audio=False), *_video(e, 1, log), "-an", "-f", "null", "-"]
        second = [*_head(plan, audio=True), *_video(e, 2, log), *_audio(e), *_tail(temp)]
        return tuple(first), tuple(second)
    return (tuple([*_head(plan, audio=True), *_video(e, 0, ""), *_audio(e), *_tail(temp)]),)


def audio_filter(e: Edit) -> str:
    """The sound's filter graph, from input 1's audio stream to the label [a]."""
    steps = ["aresample=first_pts=0"]  # the player's timeline, as ingest/audio.py measures it
    if e.mono_from is not None:
        c = f"c{e.mono_from}"
        steps.append(f"pan=stereo|c0={c}|c1={c}")
    if e.dc:
        steps.append("highpass=f=20")
    if e.gain_db:
        steps.append(f"volume={e.gain_db:.2f}dB")
    if e.limit_dbtp is not None:
        limit = 10 ** (e.limit_dbtp / 20.0)
        steps += [f"aresample={LIMITER_RATE}",
                  f"alimiter=limit={limit:.4f}:attack={LIMITER_ATTACK_MS}:"
                  f"release={LIMITER_RELEASE_MS}:level=disabled:latency=1",
                  f"aresample={e.sample_rate}"]
    shift = e.start_s + e.audio_start_s
    graph = f"[1:{e.audio_index}]" + ",".join(steps)
    if shift > 0.0005:
        graph += f",atrim=start={shift:.6f},asetpts=PTS-STARTPTS"
    if shift < -0.0005 and e.room_head_s:
        gap = -shift
        graph += (f"[s];[s]asplit[m][h];[h]atrim=duration={e.room_head_s:.6f}"
                  + _pingpong("h", gap, e.room_head_s, head=True) + "[fh];"
                  + "[fh][m]concat=n=2:v=0:a=1")
    elif shift < -0.0005:
        graph += f",adelay=delays={-shift * 1000:.3f}:all=1"
    if e.room_tail_s:
        end = max(-shift, 0.0) + e.sound_s - max(shift, 0.0)  # where the sound ends in the copy
        gap = e.length_s - end
        graph += (f"[u];[u]asplit[m2][t];[t]atrim=start={end - e.room_tail_s:.6f},"
                  "asetpts=PTS-STARTPTS" + _pingpong("t", gap, e.room_tail_s, head=False)
                  + "[ft];[m2][ft]concat=n=2:v=0:a=1")
    return graph + f",apad,atrim=duration={e.length_s:.6f}[a]"


def _pingpong(tag: str, gap: float, piece: float, *, head: bool) -> str:
    """Filters continuing a `piece`-long pause into a fill `gap` long: copies of it,
    alternately reversed and forward, the reversed one beside the sound so every join is
    continuous (an edge sample meets itself); cut to `gap` on the side away from the sound."""
    k = max(1, math.ceil(gap / piece - 1e-9))
    # position 0 sits beside the sound: reversed; then forward, reversed, …
    filters = ["areverse" if pos % 2 == 0 else "anull" for pos in range(k)]
    if head:
        filters.reverse()
    cut = (f"atrim=start={k * piece - gap:.6f},asetpts=PTS-STARTPTS" if head
           else f"atrim=duration={gap:.6f}")
    if k == 1:
        return f",{filters[0]},{cut}"
    names = [f"{tag}{i}" for i in range(k)]
    return (f",asplit={k}" + "".join(f"[{n}]" for n in names) + ";"
            + "".join(f"[{n}]{f}[{n}x];" for n, f in zip(names, filters))
            + "".join(f"[{n}x]" for n in names) + f"concat=n={k}:v=0:a=1,{cut}")


def _head(plan: FixPlan, *, audio: bool) -> list[str]:
    e = plan.edit
    args = ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-y"]
    if e.start_s:
        args += ["-ss", f"{e.start_s:.6f}"]
    args += ["-i", url(plan.input)]
    if audio and e.audio == "aac":
        args += ["-i", url(plan.input), "-filter_complex", audio_filter(e)]
    args += ["-map", f"0:{e.video_index}"]
    if audio and e.audio == "aac":
        args += ["-map", "[a]"]
    elif audio and e.audio == "copy":
        args += ["-map", f"0:{e.audio_index}"]
    if e.duration_s is not None:
        args += ["-t", f"{e.duration_s:.6f}"]
    return args


def _video(e: Edit, pass_no: int, log: str) -> list[str]:
    if e.video == "copy":
        return ["-c:v", "copy", *(["-tag:v", "hvc1"] if e.video_hevc else [])]
    args = ["-c:v", "libx264", "-preset", PRESET, "-pix_fmt", "yuv420p"]
    if e.short_side:
        size = f"{e.short_side}:-2" if e.portrait else f"-2:{e.short_side}"
        args += ["-vf", f"scale={size}"]
    if e.cfr_fps:
        args += ["-fps_mode", "cfr", "-r", f"{e.cfr_fps:g}"]
    if e.video == "crf":
        return [*args, "-crf", str(CRF), "-ssim", "1"]
    args += ["-b:v", f"{e.video_kbps}k", "-pass", str(pass_no), "-passlogfile", log]
    return args + (["-ssim", "1"] if pass_no == 2 else [])


def _audio(e: Edit) -> list[str]:
    if e.audio is None:
        return ["-an"]
    if e.audio == "copy":
        return ["-c:a", "copy"]
    return ["-c:a", "aac", "-b:a", f"{e.audio_kbps}k", "-ac", str(e.audio_channels)]


def _tail(temp: str) -> list[str]:
    return ["-sn", "-dn", "-movflags", "+faststart", "-f", "mp4", url(temp)]
