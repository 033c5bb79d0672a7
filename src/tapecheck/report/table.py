"""The summary table at the end of a batch in text: file, verdict, score, top fix."""

from __future__ import annotations

from ..model import FileReport, Report


def rows(report: Report) -> list[tuple[str, str, str, str]]:
    out = []
    for f in report.files:
        out.append((f.path, *_cells(f)))
    return out


def _cells(f: FileReport) -> tuple[str, str, str]:
    if f.status != "judged" or f.verdict is None:
        return ("error", "-", f"could not judge: {f.error.code if f.error else 'unknown'}")
    v = f.verdict
    top = v.fixes[0].text if v.fixes else ""
    if f.segments:
        worst = min(f.segments, key=lambda s: s.verdict.score)
        top = top or (worst.verdict.fixes[0].text if worst.verdict.fixes else "")
    return (v.level, str(v.score), top)


def summary_table(report: Report) -> str:
    """A plain-text table, one line per file, columns padded; long paths lose their start."""
    head = ("file", "verdict", "score", "top fix")
    body = rows(report)
    file_w = min(max(len(head[0]), *(len(r[0]) for r in body)), 48)
    lvl_w = max(len(head[1]), *(len(r[1]) for r in body))
    def left_cut(text: str, n: int) -> str:
        return text if len(text) <= n else "…" + text[-(n - 1):]

    lines = [f"{head[0]:<{file_w}}  {head[1]:<{lvl_w}}  {head[2]:>5}  {head[3]}",
             f"{'-' * file_w}  {'-' * lvl_w}  {'-' * 5}  {'-' * 40}"]
    for path, level, score, fix in body:
        lines.append(f"{left_cut(path, file_w):<{file_w}}  {level:<{lvl_w}}  {score:>5}  "
                     f"{fix}".rstrip())
    return "\n".join(lines) + "\n"
