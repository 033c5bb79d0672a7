"""tapecheck: will casting see your eyes and hear your voice?

    >>> from tapecheck import check_file
    >>> report = check_file("take1.mp4")          # a FileReport
    >>> report.verdict.can_hear_voice, report.to_dict()["findings"]

Both functions go through the one pipeline (`tapecheck.pipeline`) the command line uses.
Heavy libraries (OpenCV, the face model) load only when a file is checked.
"""

from __future__ import annotations

from .version import __version__

__all__ = ["__version__", "check_file", "check_paths"]


def check_file(path, settings=None, *, split=False, timeout=None, cache=False):
    """Judge one tape; returns a `tapecheck.model.FileReport` (the JSON is its `to_dict()`).

    `split`: judge it as a reel of clips. `timeout` (seconds): judge it in a worker process
    that is stopped past this limit (the report then has `status: error`, code `timeout`).
    `cache`: reuse and store the judgement in the user's cache (as `tapecheck check` does)."""
    return _run([str(path)], settings, split=split, timeout=timeout, cache=cache,
                search=False).files[0]


def check_paths(paths, settings=None, *, split=False, timeout=None, cache=False, jobs=None,
                on_file=None, scheduler=None):
    """Judge files, folders and globs (in worker processes, `jobs` at once); returns a
    `tapecheck.model.Report`. `on_file(file_report)` sees each file as it finishes.
    `scheduler`: judge on a Dask cluster instead, `"tcp://HOST:8786"` or `"local:N"`
    (`pip install "tapecheck[dask]"`; raises `tapecheck.errors.ClusterError` when it cannot
    be used or goes away)."""
    return _run([str(p) for p in paths], settings, split=split, timeout=timeout, cache=cache,
                jobs=jobs, on_file=on_file, scheduler=scheduler)


def _run(paths, settings, *, split, timeout, cache, search=True, jobs=None, on_file=None,
         scheduler=None):
    from dataclasses import replace

    from .pipeline import Plan, judge_paths
    from .pipeline.cache import Cache
    from .settings import Settings

    settings = settings or Settings()
    if timeout is not None:
        settings = replace(settings, file_timeout_s=float(timeout))
    store = Cache.open() if cache else None
    try:
        return judge_paths(paths, Plan(settings, split=split), jobs=jobs, cache=store,
                           on_file=on_file, search=search, scheduler=scheduler)
    finally:
        if store is not None:
            store.close()
