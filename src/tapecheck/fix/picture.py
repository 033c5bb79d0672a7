"""The picture's part of a plan: re-encoded only when it must be (a codec MP4 cannot carry or
the profile does not recommend, a rotation to bake in, variable frame rate, a size cap the copy
would exceed), and the plan again when a capped encode misses its size or its fidelity."""

from __future__ import annotations

from dataclasses import replace

from ..model import FileReport, MediaSummary
from .command import commands
from .edit import Asked, Change, Edit, Facts, FixOptions, FixPlan, Note, Said
from .limits import (MIN_SSIM, MIN_VIDEO_KBPS, MP4_VIDEO, SCALE_STEPS, SIZE_MARGIN,
                     STANDARD_FPS)


def picture(edit: Edit, report: FileReport, facts: Facts, options: FixOptions, asked: Asked,
            out: Said) -> Edit:
    """Re-encode the picture when the MP4 or the profile needs it, or when asked to (variable
    frame rate, a rotation); `out` collects the changes and what is left alone."""
    media = report.media
    encode = False
    prof = options.profile
    unwanted = bool(prof is not None and prof.video_codecs
                    and media.video_codec not in prof.video_codecs)
    if unwanted and media.video_codec in MP4_VIDEO and "container" not in asked:
        out.left_alone.append(Note(
            f"{prof.title} prefers another picture format but takes this one, so it is left "
            "as it is.", f"{media.video_codec} video: {prof.title} recommends "
            f"{', '.join(prof.video_codecs)}; not re-encoded", also="container"))
    elif media.video_codec not in MP4_VIDEO or unwanted:
        encode = True
        out.changes.append(Change(
            "container", f"{media.video_codec} video re-encoded as H.264 (what every casting "
            "player decodes)", "", media.video_codec, "h264", measure="video_codec",
            codes=asked.codes("container"),
            plain="Converted the picture to the format every casting site plays."))
    if media.rotation_deg and "rotation" in asked:
        encode = True
        out.changes.append(_upright(media.rotation_deg))
    fps = None
    if media.variable_fps and "frame-rate" in asked:
        fps = _standard_fps(facts.common_fps or media.fps)
        encode = True
        out.changes.append(Change(
            "frame-rate", f"variable frame rate made constant at {fps:g} fps (the rate it "
            "mostly runs at: frames are repeated where it ran slower, so the sound stays in "
            "sync)", "fps", "variable", fps, measure="fps", codes=asked.codes("frame-rate"),
            plain="Made the frame rate steady, so your lips and voice stay together."))
    elif media.variable_fps:
        out.left_alone.append(Note(
            "The frame rate varies a little, too little to matter, so it is left as it is.",
            "variable frame rate within variable-frame-rate's limit: not made constant",
            also="frame-rate"))
    return replace(edit, video="crf", cfr_fps=fps) if encode else edit


def rotation(edit: Edit, media: MediaSummary, out: Said) -> Edit:
    """A rotation nobody asked to bake in stays a flag players apply while the picture is
    copied; a picture re-encoded anyway comes out upright (ffmpeg applies the flag)."""
    if not media.rotation_deg or any(c.what == "rotation" for c in out.changes):
        return edit
    if edit.video != "copy":
        out.changes.append(_upright(media.rotation_deg))
    else:
        out.left_alone.append(Note(
            "The picture keeps the note your phone made to turn it upright; every player "
            "follows it, so it is left as it is.", f"rotation_deg {media.rotation_deg}: "
            "kept as the display matrix (the picture is copied)", also="rotation"))
    return edit


def _upright(degrees: int) -> Change:
    return Change("rotation", f"the {degrees}° turn players apply is applied to the picture "
                  "itself, so every player shows it upright", "°", degrees, 0,
                  measure="rotation_deg",
                  plain="Turned the picture upright in the file itself, so every player "
                        "shows it the right way up.")


def _standard_fps(fps: float | None) -> float:
    if not fps:
        return 30.0
    best = min(STANDARD_FPS, key=lambda s: abs(s - fps))
    return best if abs(best - fps) <= 0.05 * fps else round(fps, 3)


def size(edit: Edit, report: FileReport, facts: Facts, cap: int | None, options: FixOptions,
         asked: Asked, out: Said) -> Edit:
    """Under a cap, the picture is copied when the copy fits with the margin to spare, else
    encoded in two passes at the bitrate that fits (never above the source's own)."""
    if cap is None:
        return edit
    media = report.media
    whole = facts.video_duration_s or media.duration_s
    length = edit.duration_s if edit.duration_s is not None else max(0.0, whole - edit.start_s)
    audio_bps = (edit.audio_kbps * 1000.0 if edit.audio == "aac"
                 else facts.audio_bitrate_bps or 0.0 if edit.audio == "copy" else 0.0)
    budget = cap * (1.0 - SIZE_MARGIN)
    source_bps = max(media.size_bytes * 8.0 / max(media.duration_s, 1e-3)
                     - (facts.audio_bitrate_bps or 0.0), 1000.0)
    if edit.video == "copy" and (source_bps + audio_bps) * length / 8.0 <= budget:
        return edit
    fit = budget * 8.0 / max(length, 1e-3) - audio_bps
    kbps = int(min(fit, source_bps) // 1000)
    if kbps < MIN_VIDEO_KBPS:
        out.notes.append(Note(
            f"Fitting under {cap / 1e6:g} MB would leave too little for a watchable picture, "
            "so the size is left as it is.",
            f"the size cap of {cap / 1e6:g} MB leaves {max(kbps, 0)} kb/s for {length:.0f} s "
            f"of picture, under the {MIN_VIDEO_KBPS} kb/s a watchable picture needs"))
        return edit
    prof = options.profile
    if options.max_bytes == cap:
        whose = "your --max-size"
    elif prof is not None and prof.soft_max_bytes == cap:
        whose = f"{prof.title}'s recommended size"
    else:
        whose = f"{prof.title}'s limit" if prof is not None else "the cap"
    out.changes.append(Change(
        "size", _size_detail(kbps, whose, cap), "bytes", media.size_bytes, int(budget),
        measure="size_bytes", codes=asked.codes("size"),
        plain=f"Made the file smaller, so it fits under {cap / 1e6:g} MB."))
    return replace(edit, video="two-pass", video_kbps=kbps)


def _size_detail(kbps: int, whose: str, cap: int) -> str:
    return (f"picture encoded as H.264 in two passes at {kbps} kb/s to fit {whose} "
            f"({cap / 1e6:g} MB) with {SIZE_MARGIN:.0%} to spare")


def downscale(plan: FixPlan, ssim: float, short_side: int) -> FixPlan | None:
    """The plan again with the picture one step smaller, when a capped encode kept too
    little of it (SSIM under MIN_SSIM): fewer pixels at the same bitrate keep more of each.
    None when there is no smaller step. SSIM is then measured against the scaled picture."""
    now = plan.edit.short_side or short_side
    step = next((h for h in SCALE_STEPS if h < now), None)
    if step is None or plan.edit.video != "two-pass":
        return None
    note = Note(f"To fit the size and still look good, the picture is made smaller ({step} "
                "lines high).",
                f"At {now}p the capped encode kept SSIM {ssim:.3f} (under {MIN_SSIM}): the "
                f"picture is scaled to {step}p, and its fidelity is measured against the "
                "scaled picture.")
    plan = replace(plan, edit=replace(plan.edit, short_side=step), notes=plan.notes + (note,))
    return replace(plan, commands=commands(plan))


def refit(plan: FixPlan, size_bytes: int) -> FixPlan:
    """The plan again at a bitrate scaled down by how far a capped copy overshot its cap
    (x264's two-pass average can miss on short or very uneven tapes)."""
    kbps = int(plan.edit.video_kbps * plan.cap_bytes * (1.0 - SIZE_MARGIN) / size_bytes)
    old = f"at {plan.edit.video_kbps} kb/s"
    changes = tuple(replace(c, detail=c.detail.replace(old, f"at {kbps} kb/s (a first "
                                                       f"encode at {plan.edit.video_kbps} "
                                                       f"kb/s came out {size_bytes:,} bytes)"))
                    if c.what == "size" else c for c in plan.changes)
    plan = replace(plan, edit=replace(plan.edit, video_kbps=kbps), changes=changes)
    return replace(plan, commands=commands(plan))
