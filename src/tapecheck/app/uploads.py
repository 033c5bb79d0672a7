"""Receiving a tape: a multipart body streamed straight to a private folder, with a size limit.

Nothing is held in memory but the current chunk; a body past the limit stops with `TooLarge`
and its partial file is deleted, as is the file of an upload the browser cancels.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header


class BadUpload(Exception):
    """The request is not a multipart upload with a `file` field (HTTP 400)."""


class TooLarge(Exception):
    """The upload is over the limit (HTTP 413)."""


#: Room a request may take beyond the tape for the multipart framing (boundaries, the part's
#: headers: a few hundred bytes from a browser), when its declared length is checked up front.
FRAMING_BYTES = 65_536


def too_large(declared: str | None, limit: int) -> bool:
    """Whether a request's Content-Length already says its tape is over `limit`, so it is
    refused before a byte of the body is read."""
    return declared is not None and declared.isdigit() and int(declared) > limit + FRAMING_BYTES


def size_text(n: float) -> str:
    """A size as the page and the messages show it: GB from 1 GB, MB below (a 1 MB limit
    is "1.0 MB", not "0.0 GB")."""
    if n >= 1e9:
        return f"{n / 1e9:.1f} GB"
    return f"{n / 1e6:.0f} MB" if n >= 1e7 else f"{n / 1e6:.1f} MB"


@dataclass(frozen=True)
class Upload:
    path: Path      # where the bytes are (inside the app's private folder)
    name: str       # the file name the browser gave, for the report
    size: int


# The parser logs each malformed body before raising; the 400 answer says it already, and the
# actor's terminal is no place for it.
logging.getLogger("python_multipart").setLevel(logging.CRITICAL)

_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    """The browser's file name reduced to a plain base name (never a path)."""
    base = os.path.basename(name.replace("\\", "/")).strip() or "tape"
    return _UNSAFE.sub("_", base)[:120] or "tape"


async def receive(content_type: str, body: AsyncIterator[bytes], folder: Path, *,
                  limit: int) -> Upload:
    """Stream the `file` part of a multipart body into `folder` (created 0700 by the app)."""
    kind, opts = parse_options_header(content_type.encode("latin-1", "replace"))
    boundary = opts.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BadUpload("send the tape as multipart/form-data with a field named 'file'")
    state = {"headers": {}, "field": b"", "value": b"", "file": None, "name": "", "size": 0,
             "done": False}
    # each upload in a folder of its own, under the name the actor gave it (reports show it)
    home = folder / f"upload-{os.urandom(8).hex()}"
    home.mkdir(mode=0o700)
    tmp = home / "tape"

    def on_header_field(data, start, end):
        state["field"] += data[start:end]

    def on_header_value(data, start, end):
        state["value"] += data[start:end]

    def on_header_end():
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished():
        _, disp = parse_options_header(state["headers"].get(b"content-disposition", b""))
        if disp.get(b"name") == b"file" and state["file"] is None and not state["done"]:
            nonlocal tmp
            state["name"] = safe_name(disp.get(b"filename", b"tape").decode("utf-8", "replace"))
            tmp = home / state["name"]
            state["file"] = open(tmp, "xb")
        state["headers"] = {}

    def on_part_data(data, start, end):
        fh = state["file"]
        if fh is not None and not state["done"]:
            state["size"] += end - start
            if state["size"] > limit:
                raise TooLarge(limit)
            fh.write(data[start:end])

    def on_part_end():
        if state["file"] is not None and not state["done"]:
            state["file"].close()
            state["done"] = True

    parser = MultipartParser(boundary, {
        "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data, "on_part_end": on_part_end})
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        _discard(state, home)
        raise BadUpload("the upload is not a well-formed multipart/form-data body: send the "
                        "tape as a form field named 'file'") from None
    except BaseException:
        _discard(state, home)
        raise
    if not state["done"]:
        _discard(state, home)
        raise BadUpload("the upload has no complete field named 'file'")
    return Upload(tmp, state["name"], state["size"])


def _discard(state: dict, home: Path) -> None:
    fh = state["file"]
    if fh is not None and not fh.closed:
        fh.close()
    shutil.rmtree(home, ignore_errors=True)
