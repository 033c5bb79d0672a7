#!/usr/bin/env python3
"""Write docs/checks.md from the check registry (tapecheck.report.rules.markdown).

    python scripts/gen_docs.py          # rewrite the page
    python scripts/gen_docs.py --check  # exit 1 when the committed page is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tapecheck.report.rules import DOCS_PAGE, markdown  # noqa: E402


def main(argv: list[str]) -> int:
    page = ROOT / DOCS_PAGE
    text = markdown()
    if "--check" in argv:
        if not page.is_file() or page.read_text(encoding="utf-8") != text:
            print(f"{DOCS_PAGE} is out of date: run `python scripts/gen_docs.py`",
                  file=sys.stderr)
            return 1
        return 0
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text, encoding="utf-8")
    print(f"wrote {DOCS_PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
