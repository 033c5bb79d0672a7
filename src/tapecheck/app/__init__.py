"""`tapecheck app`: a local web page for actors — drop tapes, watch them checked, read the report.

Everything stays on the machine: the server listens on 127.0.0.1 only, uploads go to a
private temporary folder (0700) that is deleted when the server stops, and each tape is judged
through the same pipeline as `tapecheck check`. Starlette (routing, streaming request bodies)
on uvicorn (a maintained ASGI server) is the stack: small, pure Python wheels, installed by
default so an actor's one `pip install` is enough.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import webbrowser
from pathlib import Path
from typing import Callable

from ..settings import Settings

#: Largest upload accepted by default: above every casting platform's own cap (Backstage 2 GB).
MAX_UPLOAD_BYTES = 4_000_000_000


def serve(*, port: int = 0, open_browser: bool = True, settings: Settings | None = None,
          max_upload: int = MAX_UPLOAD_BYTES, announce: Callable[[str], None] = print) -> None:
    """Run until interrupted; `announce(url)` is told the address first (CONTRACT.md: the
    first line on stdout)."""
    import uvicorn

    from .jobs import Jobs
    from .server import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    folder = Path(tempfile.mkdtemp(prefix="tapecheck-app-"))  # mkdtemp makes it 0700
    jobs = Jobs(settings or Settings(), folder)
    try:
        app = create_app(jobs, folder, port, limit=max_upload)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                               lifespan="off"))
        announce(url)
        if open_browser:
            webbrowser.open(url)
        server.run(sockets=[sock])
    finally:
        jobs.close()
        sock.close()
        shutil.rmtree(folder, ignore_errors=True)
