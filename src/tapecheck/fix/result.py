"""What a fix did, proved on the copy: each change with its number before and after (read
from the copy's own judgement, with the same settings), what only a new take can repair, and
the picture fidelity of any re-encode. `to_dict()` is CONTRACT.md's top-level `fix`."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from ..model import FileReport, Severity
from .edit import Change, FixPlan
from .limits import MIN_SSIM
from .plan import needs_new_take


@dataclass(frozen=True)
class FixResult:
    plan: FixPlan
    #: The input's judgement; the copy's (None for --dry-run).
    before: FileReport
    after: FileReport | None = None
    #: The plan's changes with `after` read from the copy.
    changes: tuple[Change, ...] = ()
    #: x264's SSIM (luma) of the re-encoded picture against its input; None: not re-encoded.
    ssim: float | None = None

    @property
    def dry_run(self) -> bool:
        return self.after is None

    @property
    def shown(self) -> FileReport:
        """The report the document carries: the copy's, or the input's for a dry run."""
        return self.after if self.after is not None else self.before

    def needs_new_take(self) -> tuple[str, ...]:
        return needs_new_take(self.shown.findings)

    @property
    def cap_met(self) -> bool | None:
        """Whether the copy is under the size cap (None: no cap, or nothing written)."""
        if self.plan.cap_bytes is None or self.after is None or self.after.media is None:
            return None
        return self.after.media.size_bytes <= self.plan.cap_bytes

    def exit_code(self, fail_on: Severity) -> int:
        """As `check` on the copy; 1 also when the copy is over its size cap (a --max-size
        has no check of its own to say so)."""
        code = self.after.exit_code(fail_on)
        return max(code, 1) if code != 2 and self.cap_met is False else code

    def not_fixed(self) -> tuple[str, ...]:
        """Warning-or-worse findings on the copy an edit could repair but this one did not."""
        if self.after is None:
            return ()
        return tuple(dict.fromkeys(f.code for f in self.after.findings
                                   if not f.reshoot and f.severity >= Severity.WARNING))

    def to_dict(self) -> dict:
        fidelity = None
        if self.ssim is not None:
            fidelity = {"ssim": round(self.ssim, 4), "min_ssim": MIN_SSIM,
                        "ok": self.ssim >= MIN_SSIM,
                        "scaled_to": self.plan.edit.short_side}
        return {
            "input": self.plan.input, "output": self.plan.output, "dry_run": self.dry_run,
            "changes": [c.to_dict() | {"resolved": self._resolved(c)}
                        for c in (self.changes or self.plan.changes)],
            "needs_new_take": list(self.needs_new_take()),
            "not_fixed": list(self.not_fixed()),
            "notes": [n.detail for n in self.plan.notes],
            "notes_plain": [n.plain for n in self.plan.notes],
            "left_alone": [n.to_dict() for n in self.plan.left_alone],
            "cap_bytes": self.plan.cap_bytes, "cap_met": self.cap_met,
            "fidelity": fidelity,
            "commands": [list(c) for c in self.plan.commands],
        }

    def _resolved(self, c: Change) -> bool | None:
        """Whether the findings this change addressed are gone from the copy."""
        if self.after is None or not c.codes:
            return None
        left = {f.code for f in self.after.findings}
        return not (set(c.codes) & left)


def settle(plan: FixPlan, before: FileReport, after: FileReport,
           ssim: float | None) -> FixResult:
    """The result once the copy is judged: every change's `after` from the copy."""
    measures = dict(after.measures)
    found = {f.code: f for f in after.findings}
    media = after.media
    settled = []
    for c in plan.changes:
        value = None
        if c.what == "name":
            value = os.path.basename(plan.output)
        elif c.what == "container" and c.measure is None:
            value = os.path.splitext(plan.output)[1].lower()
        elif c.what == "frame-rate":
            value = "variable" if media.variable_fps else media.fps
        elif c.measure is not None and media is not None and hasattr(media, c.measure):
            value = getattr(media, c.measure)
        elif c.measure is not None:
            value = measures.get(c.measure)
        else:  # a finding's own number (A402's loss in mono): None once the finding is gone
            still = [found[code].measured for code in c.codes if code in found]
            value = still[0] if still else None
        settled.append(replace(c, after=value))
    return FixResult(plan=plan, before=before, after=after, changes=tuple(settled), ssim=ssim)
