"""`tapecheck app`: a local web page for actors — drop tapes, watch them checked, read the report.

Everything stays on the machine: the server listens on 127.0.0.1 only, uploads go to a
private temporary folder (0700) that is deleted however the server stops (folder.py), and each
tape is judged through the same pipeline as `tapecheck check`. Starlette (routing, streaming
request bodies) on uvicorn (a maintained ASGI server) is the stack: small, pure Python wheels,
installed by default so an actor's one `pip install` is enough.
"""

from __future__ import annotations

import shutil
import signal
import socket
import threading
import webbrowser
from typing import Callable

from ..settings import Settings
from . import folder

#: Largest upload accepted by default: above every casting platform's own cap (Backstage 2 GB).
MAX_UPLOAD_BYTES = 4_000_000_000
#: Seconds a stop waits for requests under way (a `POST /api/check` may judge for minutes).
GRACE_S = 3


def serve(*, port: int = 0, open_browser: bool = True, settings: Settings | None = None,
          max_upload: int = MAX_UPLOAD_BYTES, announce: Callable[[str], None] = print) -> None:
    """Run until stopped (Ctrl-C, SIGTERM, SIGHUP); `announce(url)` is told the address first
    (CONTRACT.md: the first line on stdout). Deletes the private folder however it stops;
    SIGTERM and SIGHUP end it with SystemExit(128 + the signal's number)."""
    import uvicorn

    from .jobs import Jobs
    from .server import create_app

    server: uvicorn.Server | None = None

    def stop(sig: int, frame) -> None:
        # Serving: shut down gracefully as uvicorn does for SIGTERM; uvicorn then raises the
        # signal again once it has stopped, and before or after serving the signal ends the
        # run here with an exception, so the `finally` below deletes the folder (the default
        # action would kill the process and leave the tapes in the temporary folder).
        if server is not None and not server.should_exit:
            server.handle_exit(sig, frame)
        else:
            raise SystemExit(128 + sig)

    previous = _on_signals(stop)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    home = jobs = None
    try:
        folder.sweep()
        home = folder.make()
        jobs = Jobs(settings or Settings(), home)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        port = sock.getsockname()[1]
        url = f"http://127.0.0.1:{port}/"
        app = create_app(jobs, home, port, limit=max_upload)
        server = uvicorn.Server(uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off",
            timeout_graceful_shutdown=GRACE_S))
        announce(url)
        if open_browser:
            webbrowser.open(url)
        server.run(sockets=[sock])
    finally:
        if jobs is not None:
            jobs.close()
        sock.close()
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)
        _restore(previous)


def _on_signals(handler) -> dict:
    """Set `handler` for SIGTERM and SIGHUP (where they exist); the handlers they had. Only
    the main thread may set handlers: elsewhere (an embedding program) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    names = ("SIGTERM", "SIGHUP")
    return {sig: signal.signal(sig, handler) for sig in (getattr(signal, n, None) for n in names)
            if sig is not None}


def _restore(handlers: dict) -> None:
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
