"""The local app's HTTP side: a Starlette application served by uvicorn on 127.0.0.1 only.

Routes (CONTRACT.md documents `POST /api/check`; the page uses the job routes):

    GET  /                          the page (static/index.html, app.js, app.css)
    POST /api/check                 multipart `file` → the `check --format json` document
    POST /api/jobs                  multipart `file` → 202 {"id", …}; judging starts
    GET  /api/jobs/{id}             state, progress 0–1, and the file's JSON when done
    GET  /api/jobs/{id}/report.html the HTML report (`?download=1`: as a file to save)
    POST /api/jobs/{id}/fix         202: make the fixed copy (`tapecheck fix`); its state, and
                                    the `fix --format json` document, come with the job
    GET  /api/jobs/{id}/fixed       the fixed copy, as a file to save
    POST /api/takes                 JSON {"ids": [job ids, in take order]} → 202 {"id", …}
    GET  /api/takes/{id}            state, and the `takes --format json` document when done
    GET  /api/takes/{id}/report.html  the comparison's HTML page
    GET  /api/limits                the upload limit, so the page can say it before uploading

Safety: requests whose Host is not this server's own address get 403 (a DNS-rebinding page
cannot talk to it), and so do state-changing requests from another origin (a cross-site
form post); uploads stream to a private folder with a size limit (413 past it, before
reading the body when its declared length is already past it) and are
kept only while the page may still ask for its fixed copy or a comparison (jobs.py), and the
whole folder is deleted when the server stops. The input is only read.
"""

from __future__ import annotations

import asyncio
from importlib.resources import files
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..report import render
from .jobs import Jobs
from .uploads import BadUpload, TooLarge, receive, size_text, too_large

_STATIC = files(__package__).joinpath("static")
_TYPES = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "app.css": "text/css; charset=utf-8"}
#: The page loads only its own files (and data: thumbnails inside the embedded report).
_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'")


def create_app(jobs: Jobs, folder: Path, port: int, *, limit: int) -> Starlette:
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
    origins = {f"http://{h}" for h in hosts}

    def refuse(request: Request) -> Response | None:
        if request.headers.get("host", "") not in hosts:
            return JSONResponse({"error": "this app only answers on its own address "
                                 f"(http://127.0.0.1:{port}/)"}, status_code=403)
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("origin")
            cross = request.headers.get("sec-fetch-site") == "cross-site"
            if cross or (origin is not None and origin not in origins):
                return JSONResponse({"error": "requests from other sites are refused"},
                                    status_code=403)
        return None

    def over_limit() -> Response:
        return JSONResponse({"error": f"the file is larger than this app accepts "
                             f"({size_text(limit)}); trim or export it smaller, or start the "
                             "app with a higher --max-upload"}, status_code=413)

    async def upload(request: Request):
        if too_large(request.headers.get("content-length"), limit):
            return None, over_limit()
        try:
            return await receive(request.headers.get("content-type", ""), request.stream(),
                                 folder, limit=limit), None
        except TooLarge:
            return None, over_limit()
        except BadUpload as exc:
            return None, JSONResponse({"error": str(exc)}, status_code=400)
        except ClientDisconnect:
            return None, Response(status_code=400)

    async def page(request: Request) -> Response:
        name = request.path_params.get("name", "index.html")
        if name not in _TYPES:
            return Response(status_code=404)
        return Response(_STATIC.joinpath(name).read_bytes(), media_type=_TYPES[name],
                        headers={"Content-Security-Policy": _CSP, "Cache-Control": "no-store"})

    async def limits(request: Request) -> Response:
        return JSONResponse({"max_upload_bytes": limit})

    async def check(request: Request) -> Response:
        got, failed = await upload(request)
        if failed is not None:
            return failed
        job = jobs.start(got)
        while job.state != "done":
            await asyncio.sleep(0.1)
        jobs.forget(job)  # a script's one-shot answer: nothing will ask for a fix later
        return Response(render(jobs.report(job), "json"), media_type="application/json")

    async def start(request: Request) -> Response:
        got, failed = await upload(request)
        if failed is not None:
            return failed
        return JSONResponse(jobs.start(got).summary(), status_code=202)

    async def status(request: Request) -> Response:
        job = jobs.get(request.path_params["id"])
        if job is None:
            return JSONResponse({"error": "no such job"}, status_code=404)
        return JSONResponse(job.summary())

    async def report_page(request: Request) -> Response:
        job = jobs.get(request.path_params["id"])
        if job is None or job.report is None:
            return JSONResponse({"error": "no report yet"}, status_code=404)
        html = render(jobs.report(job), "html")
        headers = {}
        if request.query_params.get("download"):
            stem = Path(job.name).stem or "tape"
            headers["Content-Disposition"] = f'attachment; filename="{stem}-tapecheck.html"'
        return HTMLResponse(html, headers=headers)

    async def fix(request: Request) -> Response:
        job = jobs.get(request.path_params["id"])
        if job is None:
            return JSONResponse({"error": "no such job"}, status_code=404)
        task = jobs.start_fix(job)
        if isinstance(task, str):
            return JSONResponse({"error": task}, status_code=409)
        return JSONResponse(task.summary(), status_code=202)

    async def fixed(request: Request) -> Response:
        job = jobs.get(request.path_params["id"])
        task = job.fix if job is not None else None
        if task is None or task.output is None or not task.output.exists():
            return JSONResponse({"error": "no fixed copy"}, status_code=404)
        return FileResponse(task.output, media_type="video/mp4", filename=task.output.name)

    async def compare(request: Request) -> Response:
        try:
            ids = (await request.json())["ids"]
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise TypeError
        except Exception:
            return JSONResponse({"error": 'send JSON {"ids": ["…", "…"]}'}, status_code=400)
        started = jobs.start_comparison(ids)
        if isinstance(started, str):
            return JSONResponse({"error": started}, status_code=409)
        cid, task = started
        return JSONResponse({"id": cid} | task.summary(), status_code=202)

    async def comparison(request: Request) -> Response:
        task = jobs.comparison(request.path_params["id"])
        if task is None:
            return JSONResponse({"error": "no such comparison"}, status_code=404)
        return JSONResponse({"id": request.path_params["id"]} | task.summary())

    async def comparison_page(request: Request) -> Response:
        from ..report.takes import render as render_takes

        task = jobs.comparison(request.path_params["id"])
        if task is None or task.takes is None:
            return JSONResponse({"error": "no comparison yet"}, status_code=404)
        return HTMLResponse(render_takes(task.takes, "html"))

    routes = [
        Route("/", page), Route("/static/{name}", page),
        Route("/api/limits", limits), Route("/api/check", check, methods=["POST"]),
        Route("/api/jobs", start, methods=["POST"]), Route("/api/jobs/{id}", status),
        Route("/api/jobs/{id}/report.html", report_page),
        Route("/api/jobs/{id}/fix", fix, methods=["POST"]), Route("/api/jobs/{id}/fixed", fixed),
        Route("/api/takes", compare, methods=["POST"]), Route("/api/takes/{id}", comparison),
        Route("/api/takes/{id}/report.html", comparison_page),
    ]
    app = Starlette(routes=routes)

    async def guard(scope, receive_, send):
        if scope["type"] == "http":
            blocked = refuse(Request(scope))
            if blocked is not None:
                await blocked(scope, receive_, send)
                return
        await app(scope, receive_, send)

    return guard

