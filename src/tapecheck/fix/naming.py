"""Where the copy goes and what it is called.

With `--name` (and `--role`, `--take`), the copy is named by the platform's published
convention when its profile gives one (Cast It: `Role-Talent-T1`, profiles.py), else
`First_Last_Role_TakeN.mp4`. Without a name it is `<input>_fixed.mp4` beside the input.
`-o` names the file (or the folder) outright. The copy is always an MP4.
"""

from __future__ import annotations

import os
import re

from ..errors import UsageError
from ..profiles import Profile
from .edit import Change


def _part(text: str) -> str:
    """One part of a file name: letters and digits, anything else becomes one underscore."""
    return re.sub(r"[^\w]+", "_", text, flags=re.UNICODE).strip("_")


def conventional_name(name: str, role: str | None, take: int | None,
                      profile: Profile | None) -> tuple[str, str]:
    """(file name, the convention it follows)."""
    talent = _part(name)
    if not talent:
        raise UsageError("--name needs letters or digits, e.g. --name \"Jane Doe\"")
    if profile is not None and profile.naming is not None:
        if not role or take is None:
            raise UsageError(f"{profile.title} names files {profile.naming_example}: give "
                             "--role and --take as well as --name")
        stem = f"{_part(role)}-{talent}-T{take}"
        if not profile.name_matches(stem):
            raise UsageError(f"cannot build a {profile.title} name from these parts ({stem})")
        return stem + ".mp4", f"{profile.title}'s convention {profile.naming_example}"
    parts = [talent] + ([_part(role)] if role and _part(role) else [])
    if take is not None:
        parts.append(f"Take{take}")
    return "_".join(parts) + ".mp4", "First_Last_Role_TakeN"


def choose_output(input_path: str, output: str | None, *, name: str | None = None,
                  role: str | None = None, take: int | None = None,
                  profile: Profile | None = None) -> tuple[str, Change | None]:
    """The copy's path, and the `name` change when it was named by a convention."""
    if name is None and (role or take is not None):
        raise UsageError("--role and --take name the copy together with --name \"First Last\"")
    change = None
    if name is not None:
        filename, convention = conventional_name(name, role, take, profile)
        change = Change("name", f"named by {convention}", "",
                        os.path.basename(input_path), filename,
                        plain=f"Named the file {filename}, the way casting asks.")
    else:
        filename = os.path.splitext(os.path.basename(input_path))[0] + "_fixed.mp4"
    if output is None:
        path = os.path.join(os.path.dirname(input_path), filename)
    elif os.path.isdir(output):
        path = os.path.join(output, filename)
    else:
        path = output
        if change is not None:
            change = None  # -o names the file outright
    if os.path.splitext(path)[1].lower() != ".mp4":
        raise UsageError(f"{path}: the copy is written as MP4 (H.264/AAC, the one format every "
                         "casting platform accepts): give -o a name ending in .mp4")
    return path, change


def refuse(input_path: str, output: str, force: bool) -> None:
    """Never write over the input; never over an existing file without --force."""
    same = os.path.abspath(output) == os.path.abspath(input_path)
    if not same and os.path.exists(output):
        try:
            same = os.path.samefile(output, input_path)
        except OSError:
            same = False
    if same:
        raise UsageError(f"{output} is the input: tapecheck fix never writes over the tape "
                         "it fixes; choose another name with -o")
    if os.path.exists(output) and not force:
        raise UsageError(f"{output} already exists: add --force to replace it, or choose "
                         "another name with -o")
