"""Platform checks (P1xx): a casting platform's published submission limits (`--profile`).

They run only with `--profile NAME` (or `profile =` in the config) and read `m["platform"]`:
the chosen `profiles.Profile` plus the number of clips when a reel was split. The limits are
the platforms' own help pages, as published on the date in the profile (profiles.py), and each
message says so. Where a profile publishes nothing for a rule, its check passes silently.
"""

from __future__ import annotations

import os

from ..model import Severity
from ..profiles import human_bytes
from .base import Hit, check


def _ext(path: str) -> str:
    return os.path.splitext(path)[1].lower()


@check(code="P101", name="container-not-accepted", category="platform",
       severity=Severity.ERROR, reads=("media", "platform"), unit="", reshoot=False,
       repair="container",
       problem="the file type",
       fix="Export the tape again as an MP4 file (H.264 video, AAC audio): every casting "
           "platform accepts it.")
def container_not_accepted(m, p):
    """The file's type (its name ending) is not one the platform accepts.

    Why casting cares: the platform refuses the upload, or the tape never reaches casting.
    Accepted types are each platform's published list (profiles.py, with the page and the
    date it was read); the `generic` profile recommends MP4, the one type all accept, and
    says so as info only.
    How to fix: export or convert the tape to MP4 (H.264/AAC), e.g. with HandBrake.
    """
    plat = m["platform"]
    prof = plat.profile
    if not prof.containers:
        return None
    ext = _ext(m["media"].path) or "(none)"
    if ext in prof.containers:
        return None
    allowed = " ".join(prof.containers)
    if prof.containers_recommended:
        return Hit(f"The file is {ext}; {allowed} is recommended",
                   detail=f"{prof.title}, {prof.published}", severity=Severity.INFO,
                   plain=f"The file is a {ext} file: {allowed} is the safest type to send.")
    return Hit(f"{prof.title} does not accept {ext} files",
               detail=f"accepted: {allowed}; {prof.published}",
               plain=f"{prof.title} does not accept {ext} files: send {allowed}.")


@check(code="P102", name="file-too-large", category="platform", severity=Severity.ERROR,
       reads=("media", "platform"), unit="bytes", reshoot=False, words=("over", "under"),
       repair="size",
       problem="the file size",
       fix="Export the tape again at a lower bitrate (HandBrake's 'Fast 1080p30' preset "
           "keeps a 5-minute tape well under 350 MB).")
def file_too_large(m, p):
    """The file is larger than the platform's published per-file limit.

    Why casting cares: the upload is refused (Backstage 2 GB, Spotlight 1 GB, Actors Access
    Eco Cast 500 MB per file; profiles.py has each page and the date it was read). Sizes are
    read as decimal MB/GB, the stricter reading.
    How to fix: re-export at a lower bitrate; 1080p H.264 at 8–10 Mbit/s looks the same to
    casting and is a fraction of a phone's original size.
    """
    prof = m["platform"].profile
    size = m["media"].size_bytes
    if prof.max_bytes is not None and size > prof.max_bytes:
        return Hit("The file is {}", measured=float(size), threshold=float(prof.max_bytes),
                   detail=f"{prof.title}'s limit per file, {prof.published}",
                   plain=f"The file is {human_bytes(size)}: bigger than {prof.title} accepts "
                   f"({human_bytes(prof.max_bytes)}).")


@check(code="P103", name="file-larger-than-recommended", category="platform",
       severity=Severity.WARNING, reads=("media", "platform"), unit="bytes", reshoot=False,
       repair="size",
       words=("over", "under"),
       problem="the file size",
       fix="Export the tape again at a lower bitrate to stay within the platform's "
           "recommended size.")
def file_larger_than_recommended(m, p):
    """The file is larger than the size the platform recommends (below its hard limit).

    Why casting cares: large files upload slowly and may be re-compressed by the platform
    (Spotlight: a 5-minute video should ideally be 350 MB or less, hard cap 1 GB, as
    published; profiles.py).
    How to fix: re-export at a lower bitrate (8–10 Mbit/s is plenty for 1080p).
    """
    prof = m["platform"].profile
    size = m["media"].size_bytes
    if prof.soft_max_bytes is None or size <= prof.soft_max_bytes:
        return None
    if prof.max_bytes is not None and size > prof.max_bytes:
        return None  # P102 says it already
    return Hit("The file is {}", measured=float(size), threshold=float(prof.soft_max_bytes),
               detail=f"{prof.title}: {prof.soft_max_note}, {prof.published}",
               plain=f"The file is {human_bytes(size)}: bigger than {prof.title} recommends "
               "(it uploads slowly and may be squeezed).")


@check(code="P104", name="file-name-convention", category="platform", severity=Severity.WARNING,
       reads=("media", "platform"), unit="", reshoot=False, repair="name",
       problem="the file name",
       fix="Rename the file as the platform asks, e.g. Role-YourName-T1.mp4.")
def file_name_convention(m, p):
    """The file name does not follow the platform's published naming convention.

    Why casting cares: casting sorts hundreds of tapes by file name; Cast It asks for
    `Role-Talent-T1` (role, your name, take number; profiles.py has the page and date).
    How to fix: rename the file before uploading; the tape itself is fine.
    """
    prof = m["platform"].profile
    stem = os.path.splitext(os.path.basename(m["media"].path))[0]
    if prof.naming is None or prof.name_matches(stem):
        return None
    return Hit(f"The file name {stem!r} does not follow {prof.title}'s convention "
               f"{prof.naming_example}", detail=prof.published,
               plain=f"The file name doesn't follow {prof.title}'s naming rule, for example "
               f"{prof.naming_example}.")


@check(code="P105", name="too-many-clips", category="platform", severity=Severity.WARNING,
       reads=("media", "platform"), unit="clips", reshoot=False,
       words=("more than", "fewer than"),
       problem="the number of clips",
       fix="Upload each clip as its own tape, or send only as many as the platform takes.")
def too_many_clips(m, p):
    """A reel split into clips (`--split`) holds more clips than the platform takes.

    Why casting cares: Backstage takes one tape per self-tape request and Casting Networks up
    to 5 media items per submission (profiles.py has the pages and date); extra clips are
    refused or never watched. Judged only when the reel was split.
    How to fix: cut the reel into separate files, or choose the clips to send.
    """
    plat = m["platform"]
    prof = plat.profile
    if prof.max_clips is None or plat.clips is None or plat.clips <= prof.max_clips:
        return None
    return Hit("This file holds {}", measured=float(plat.clips),
               threshold=float(prof.max_clips),
               detail=f"{prof.title}: {prof.max_clips_note}, {prof.published}",
               plain=f"This file holds {plat.clips} clips: {prof.title} takes "
               f"{prof.max_clips:g} at most.")


@check(code="P106", name="codec-not-recommended", category="platform", severity=Severity.INFO,
       reads=("media", "platform"), unit="", reshoot=False, repair="container",
       problem="the codec",
       fix="Export as H.264 video with AAC audio in an MP4 file.")
def codec_not_recommended(m, p):
    """The video or audio codec is not the one the profile recommends.

    Why casting cares: H.264 video with AAC audio plays in every browser-based casting
    player; other codecs (HEVC, ProRes, VP9, Opus) may be re-encoded, refused or fail to play
    on a casting director's laptop. A recommendation (the `generic` profile), not a limit.
    How to fix: export as H.264/AAC MP4.
    """
    prof = m["platform"].profile
    info = m["media"]
    wrong = []
    if prof.video_codecs and info.video_codec not in prof.video_codecs:
        wrong.append(f"video {info.video_codec}")
    if prof.audio_codecs and info.audio_codec and info.audio_codec not in prof.audio_codecs:
        wrong.append(f"audio {info.audio_codec}")
    if wrong:
        return Hit(f"The tape uses {' and '.join(wrong)}; H.264 video with AAC audio is "
                   "recommended", detail=f"{prof.title}, {prof.published}",
                   plain="The tape's video or sound format may not play on every casting "
                   "site: an MP4 with H.264 video and AAC sound plays everywhere.")
