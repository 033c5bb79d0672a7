"""`python -m tapecheck …` is the `tapecheck` command."""

from .cli import main

main()
