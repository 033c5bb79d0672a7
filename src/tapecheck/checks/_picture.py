"""Small helpers the picture checks share (pure: numbers and spans, no measuring)."""

from __future__ import annotations

from ..model import Span
from .base import Skip, spans_from_mask


def longest(spans) -> Span | None:
    return max(spans, key=lambda s: s.end_s - s.start_s, default=None)


def length(span: Span | None) -> float:
    return 0.0 if span is None else span.end_s - span.start_s


#: Spans are measured in steps of the sampled frames (≈ 0.5 s, or 0.48 s on a 25 fps tape
#: whose frames fall just short); a span this much shorter than a limit still reaches it.
GRACE_S = 0.1


def spans(times, mask, duration: float, min_len_s: float = 0.0) -> tuple[Span, ...]:
    return spans_from_mask(times, mask, min_len_s=max(0.0, min_len_s - GRACE_S), end_s=duration)


def need_frames(n: int, what: str = "the face") -> None:
    if n == 0:
        raise Skip(f"{what} was not found in any sampled frame")
