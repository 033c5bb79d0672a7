"""Casting platforms' published submission limits, as data (`--profile NAME`).

Each profile is what the platform's own help pages said on the date in `checked`, with the
page addresses in `sources`. Platforms publish file formats, sizes and counts — nothing about
picture or sound quality — so a profile adds only `platform` findings (checks/platform.py),
and every message says "as published on DATE" so a reader knows when to look again.

Sizes: help pages say "MB"/"GB" without saying which; tapecheck reads them the stricter
way (decimal: 1 MB = 1,000,000 bytes), so a file it passes is not refused for a few bytes.

To update a profile: re-read its pages, change the numbers here, set `checked` to that day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHECKED = "2026-11-21"
MB = 1_000_000
GB = 1_000_000_000


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    sources: tuple[str, ...]
    checked: str = CHECKED
    #: File name endings accepted (lower case, with the dot); empty: not published.
    containers: tuple[str, ...] = ()
    #: True when `containers` is a recommendation, not the platform's accepted list.
    containers_recommended: bool = False
    #: Hard limit per file, bytes (upload refused above it); None: not published.
    max_bytes: int | None = None
    #: A published "ideally under" size, bytes, and what it is said of.
    soft_max_bytes: int | None = None
    soft_max_note: str = ""
    #: At most this many tapes/clips per submission or request; None: not published.
    max_clips: int | None = None
    max_clips_note: str = ""
    #: Published file-name convention: a regex over the name without its extension.
    naming: str | None = None
    naming_example: str = ""
    #: Recommended codecs (ffprobe names); empty: none published.
    video_codecs: tuple[str, ...] = ()
    audio_codecs: tuple[str, ...] = ()
    #: Free text: what else the page says that tapecheck does not check.
    notes: str = ""

    @property
    def published(self) -> str:
        return f"as published on {self.checked}"

    def name_matches(self, stem: str) -> bool:
        return self.naming is None or re.fullmatch(self.naming, stem) is not None


PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile(
        name="actors-access", title="Actors Access (Eco Cast)",
        sources=("https://actorsaccess.freshdesk.com/support/solutions/articles/17000057337",),
        max_bytes=500 * MB,
        notes="Each file must be under 500 MB; files may be renamed before submitting, so "
              "no naming convention is enforced. An older page for representatives says "
              "100 MB and at most 5 videos (no longer the Eco Cast limit).",
    ),
    Profile(
        name="backstage", title="Backstage",
        sources=("https://help.backstage.com/en/articles/12633186",),
        containers=(".avi", ".mpg", ".mp4", ".ogg", ".hevc", ".mov", ".m4v", ".webm", ".3gp",
                    ".3g2", ".mkv", ".wmv"),
        max_bytes=2 * GB,
        max_clips=1, max_clips_note="one tape per self-tape request",
    ),
    Profile(
        name="casting-networks", title="Casting Networks",
        sources=("https://support.castingnetworks.com/en/articles/11238209",
                 "https://support.castingnetworks.com/en/articles/11235969"),
        containers=(".mov", ".mkv", ".mp4"),
        max_clips=5, max_clips_note="up to 5 media items per submission",
    ),
    Profile(
        name="spotlight", title="Spotlight",
        sources=("https://app.spotlight.com/help-and-faqs/spotlight-casting-media-platform-faqs",),
        containers=(".avi", ".mp4", ".m4v", ".webm", ".mov"),
        max_bytes=1 * GB,
        soft_max_bytes=350 * MB, soft_max_note="a 5-minute video should ideally be 350 MB "
                                                "or less",
    ),
    Profile(
        name="cast-it", title="Cast It",
        sources=("https://support.castitsystems.com/hc/en-us/articles/8019291017869",),
        naming=r"[^-]+-[^-]+-T\d+", naming_example="Role-Talent-T1",
        notes="Files are named Role-Talent-T1 (role, your name, take number).",
    ),
    Profile(
        name="generic", title="Generic (what casting platforms recommend)",
        sources=("https://help.backstage.com/en/articles/12633186",
                 "https://app.spotlight.com/help-and-faqs/spotlight-casting-media-platform-faqs",
                 "https://support.castingnetworks.com/en/articles/11238209"),
        containers=(".mp4",), containers_recommended=True,
        video_codecs=("h264",), audio_codecs=("aac",),
        notes="Recommendations, not limits: landscape and at least 720p (checked by M006 "
              "portrait-orientation and M007 low-resolution for every profile), H.264 video "
              "with AAC audio in an MP4 file — the one format every platform above accepts.",
    ),
)}


def get(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown profile {name!r} (allowed: {', '.join(PROFILES)})") from None


def human_bytes(n: float) -> str:
    if n >= GB:
        return f"{n / GB:.2f} GB".replace(".00 ", " ")
    return f"{n / MB:.0f} MB" if n >= 10 * MB else f"{n / MB:.1f} MB"


@dataclass(frozen=True)
class PlatformFacts:
    """What platform checks read as `m["platform"]`: the profile and, for a split reel, how
    many clips it holds (None when the file was not split)."""

    profile: Profile
    clips: int | None = None
