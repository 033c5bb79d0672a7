"""`--format html`: one self-contained page (page.py), its timeline (timeline.py), style.css."""

from .page import CSP, render

__all__ = ["CSP", "render"]
