"""`tapecheck app` over HTTP, as a browser or a script talks to it: a real server process on
127.0.0.1, its private upload folder watched from outside (TMPDIR points into the test)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cli_run import tapecheck


class App:
    def __init__(self, tmp: Path, *extra: str):
        self.tmp = tmp
        tmp.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tapecheck", "app", "--no-browser", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "TMPDIR": str(tmp), "TAPECHECK_NO_CACHE": "1"})
        self.url = self.proc.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.proc.stderr.read()
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))
        self.http = httpx.Client(base_url=self.url, timeout=300)

    def uploads(self) -> list[Path]:
        return sorted(self.tmp.glob("tapecheck-app-*/upload-*"))

    def folders(self) -> list[Path]:
        return sorted(self.tmp.glob("tapecheck-app-*"))

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.http.close()
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    server = App(tmp_path_factory.mktemp("app"), "--max-upload", "0.002")  # 2 MB limit
    yield server
    server.stop()


def post(app: App, path: Path | None, route="/api/check", name=None, **kw):
    files = {"file": (name or path.name, path.read_bytes(), "video/mp4")} if path else None
    return app.http.post(route, files=files, **kw)


def test_check_answers_with_the_json_of_check(app, sample_tapes):
    tape = sample_tapes / "defect-resolution_360p.mp4"
    got = post(app, tape)
    assert got.status_code == 200
    served = got.json()["files"][0]
    cli = tapecheck("check", "--no-cache", "--format", "json", tape).json["files"][0]
    assert served["path"] == tape.name
    assert {**served, "path": cli["path"]} == cli
    assert app.uploads() == []  # the copy is deleted once judged


def test_only_its_own_host_and_origin(app, sample_tapes):
    assert app.http.get("/").status_code == 200
    assert app.http.get("/", headers={"Host": "evil.example"}).status_code == 403
    assert app.http.get("/", headers={"Host": f"rebind.example:{app.port}"}).status_code == 403
    tape = sample_tapes / "defect-resolution_360p.mp4"
    cross = post(app, tape, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
    assert post(app, tape, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert app.uploads() == []


def test_over_the_limit_malformed_and_not_video(app, sample_tapes, tmp_path):
    big = tmp_path / "long take.mp4"
    big.write_bytes(os.urandom(3_000_000))
    over = post(app, big)
    assert over.status_code == 413 and "larger than this app accepts" in over.json()["error"]
    assert app.http.post("/api/check", content=b"hello",
                         headers={"Content-Type": "text/plain"}).status_code == 400
    assert app.http.post("/api/check", files={"other": ("x", b"y")}).status_code == 400
    text = tmp_path / "notes.mp4"
    text.write_text("not a tape\n")
    doc = post(app, text).json()["files"][0]
    assert doc["status"] == "error" and doc["error"]["code"] == "not-media"
    assert "notes.mp4" in doc["error"]["message"] and str(tmp_path) not in doc["error"]["message"]
    assert app.uploads() == []
    assert app.http.get("/api/limits").json() == {"max_upload_bytes": 2_000_000}


def test_two_tapes_at_once_and_the_report_to_save(app, sample_tapes):
    names = ["defect-media_no-audio.mp4", "ready_grid-man-denim.mp4"]
    ids = []
    for n in names:
        started = post(app, sample_tapes / n, route="/api/jobs")
        assert started.status_code == 202
        ids.append(started.json()["id"])
    done = {}
    deadline = time.monotonic() + 300
    while len(done) < 2 and time.monotonic() < deadline:
        for i in ids:
            job = app.http.get(f"/api/jobs/{i}").json()
            assert 0.0 <= job["progress"] <= 1.0
            if job["state"] == "done":
                done[i] = job
        time.sleep(0.3)
    levels = [done[i]["file"]["verdict"]["level"] for i in ids]
    assert levels == ["unusable", "ready"]
    # judged tapes stay until the app stops: the page may ask for a fixed copy or a comparison
    assert len(app.uploads()) == 2
    page = app.http.get(f"/api/jobs/{ids[0]}/report.html?download=1")
    assert page.status_code == 200 and page.text.startswith("<!DOCTYPE html>")
    assert 'filename="defect-media_no-audio-tapecheck.html"' in page.headers["content-disposition"]
    assert app.http.get("/api/jobs/nope").status_code == 404


def wait(app: App, url: str, busy) -> dict:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        got = app.http.get(url)
        assert got.status_code == 200, got.text
        if not busy(got.json()):
            return got.json()
        time.sleep(0.3)
    raise AssertionError(f"{url} still busy after 600 s")


def judged(app: App, tape: Path) -> tuple[str, dict]:
    started = post(app, tape, route="/api/jobs")
    assert started.status_code == 202
    job_id = started.json()["id"]
    return job_id, wait(app, f"/api/jobs/{job_id}", lambda j: j["state"] != "done")


def test_the_fixed_copy_of_a_quiet_tape(app, sample_tapes):
    tape = sample_tapes / "defect-loudness_too-quiet.mp4"
    before = tape.read_bytes()
    job_id, job = judged(app, tape)
    assert "A101" in {f["code"] for f in job["file"]["findings"]}
    assert app.http.get(f"/api/jobs/{job_id}/fixed").status_code == 404  # not made yet
    assert app.http.post(f"/api/jobs/{job_id}/fix").status_code == 202
    assert app.http.post(f"/api/jobs/{job_id}/fix").status_code == 409  # already under way
    job = wait(app, f"/api/jobs/{job_id}", lambda j: j["fix"]["state"] == "working")
    assert job["fix"]["state"] == "done", job["fix"]
    doc = job["fix"]["result"]
    assert doc["fix"]["input"] == tape.name
    assert doc["fix"]["output"] == "defect-loudness_too-quiet_fixed.mp4"
    assert doc["files"][0]["path"] == doc["fix"]["output"]
    loudness = next(c for c in doc["fix"]["changes"] if c["what"] == "loudness")
    assert loudness["after"] == pytest.approx(-20.0, abs=0.5)
    # what the panel shows: plain words (no reader on this monologue), the numbers beneath
    assert loudness["plain"] == "Your voice was too quiet: raised it to the level casting " \
        "expects."
    assert "LUFS" in loudness["detail"] and "reader" not in loudness["detail"]
    assert "A101" not in {f["code"] for f in doc["files"][0]["findings"]}
    got = app.http.get(f"/api/jobs/{job_id}/fixed")
    assert got.status_code == 200 and got.content[4:8] == b"ftyp"
    assert "defect-loudness_too-quiet_fixed.mp4" in got.headers["content-disposition"]
    assert len(got.content) == doc["files"][0]["media"]["size_bytes"]  # the copy judged
    assert tape.read_bytes() == before
    assert app.http.post("/api/jobs/nope/fix").status_code == 404


def test_comparing_two_takes(app, sample_tapes):
    names = ["ready_grid-man-denim.mp4", "ready_grid-man-red-top.mp4"]
    ids = [judged(app, sample_tapes / n)[0] for n in names]
    assert app.http.post("/api/takes", json={"ids": ids[:1]}).status_code == 409
    assert app.http.post("/api/takes", json={"ids": [ids[0], "nope"]}).status_code == 409
    assert app.http.post("/api/takes", content=b"[1]",
                         headers={"Content-Type": "application/json"}).status_code == 400
    started = app.http.post("/api/takes", json={"ids": ids})
    assert started.status_code == 202
    cid = started.json()["id"]
    done = wait(app, f"/api/takes/{cid}", lambda t: t["state"] == "working")
    assert done["state"] == "done", done
    doc = done["result"]
    assert [t["path"] for t in doc["takes"]] == names
    assert [(p["a"], p["b"]) for p in doc["pairs"]] == [(0, 1)]
    pair = doc["pairs"][0]
    assert pair["summary"] and "r = " not in pair["summary"]  # the panel lists it plainly
    assert pair["detail"].startswith("Take 2")
    page = app.http.get(f"/api/takes/{cid}/report.html")
    assert page.status_code == 200 and page.text.startswith("<!DOCTYPE html>")
    assert all(n in page.text for n in names)
    assert app.http.get("/api/takes/nope").status_code == 404


def test_a_cancelled_upload_leaves_nothing_and_the_server_goes_on(app, sample_tapes):
    """The browser drops the connection half-way through the body."""
    kept = set(app.uploads())  # tapes judged earlier stay until the app stops
    body = (sample_tapes / "ready_grid-man-denim.mp4").read_bytes()
    boundary = "xyzzy"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"take.mp4\"\r\nContent-Type: video/mp4\r\n\r\n").encode()
    total = len(head) + len(body) + len(f"\r\n--{boundary}--\r\n")
    with socket.create_connection(("127.0.0.1", app.port)) as s:
        s.sendall((f"POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1:{app.port}\r\n"
                   f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                   f"Content-Length: {total}\r\n\r\n").encode() + head + body[:len(body) // 2])
        deadline = time.monotonic() + 10
        while set(app.uploads()) == kept and time.monotonic() < deadline:
            time.sleep(0.05)  # the server has started writing the copy
    deadline = time.monotonic() + 10
    while set(app.uploads()) != kept and time.monotonic() < deadline:
        time.sleep(0.05)
    assert set(app.uploads()) == kept
    assert app.http.get("/api/limits").status_code == 200


@pytest.mark.parametrize("sig, codes", [(signal.SIGINT, (0, 130)), (signal.SIGTERM, (143,)),
                                        (signal.SIGHUP, (129,))],
                         ids=["ctrl-c", "sigterm", "sighup-terminal-closed"])
def test_stopping_the_server_deletes_its_folder_and_the_tapes(tmp_path, sample_tapes, sig, codes):
    server = App(tmp_path / "t")
    [home] = server.folders()
    assert (home.stat().st_mode & 0o777) == 0o700
    assert post(server, sample_tapes / "ready_grid-man-denim.mp4",
                route="/api/jobs").status_code == 202
    assert [p.name for p in server.uploads()[0].iterdir()] == ["ready_grid-man-denim.mp4"]
    assert server.stop(sig) in codes
    assert server.folders() == []


def test_a_folder_left_by_a_killed_app_is_deleted_at_the_next_start(tmp_path, sample_tapes):
    killed = App(tmp_path / "t")
    assert post(killed, sample_tapes / "ready_grid-man-denim.mp4",
                route="/api/jobs").status_code == 202
    killed.stop(signal.SIGKILL)  # nothing runs after kill -9: its folder stays
    [left] = killed.folders()
    assert [p.name for p in left.iterdir()] != []
    running = App(tmp_path / "t")  # starts after the kill: sweeps the dead app's folder
    [own] = running.folders()
    assert own != left and not left.exists()
    later = App(tmp_path / "t")  # another app meanwhile: the running one's folder is kept
    assert own.exists() and len(later.folders()) == 2
    assert later.stop() in (0, 130) and running.stop() in (0, 130)
    assert later.folders() == []


def test_malformed_and_oversized_requests_are_refused_in_one_line(tmp_path):
    server = App(tmp_path / "t", "--max-upload", "0.001")  # 1 MB
    multipart = {"Content-Type": "multipart/form-data; boundary=xyz"}
    for body in (b"garbage", b'--xyz\r\nno colon in this header\r\n\r\n'):
        got = server.http.post("/api/check", content=body, headers=multipart)
        assert got.status_code == 400 and "multipart" in got.json()["error"]
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as s:
        # declares 5 GB and sends none of it: the answer cannot wait for the body
        s.sendall((f"POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                   "Content-Type: multipart/form-data; boundary=xyz\r\n"
                   "Content-Length: 5000000000\r\n\r\n--xyz\r\n").encode())
        head = s.recv(4096).decode()
    assert head.startswith("HTTP/1.1 413")
    too_big = server.http.post("/api/check", files={"file": ("t.mp4", os.urandom(1_200_000))})
    assert too_big.status_code == 413
    assert "(1.0 MB)" in too_big.json()["error"]
    assert server.uploads() == []
    assert server.stop(signal.SIGTERM) == 143
    terminal = server.proc.stderr.read().splitlines()
    assert len(terminal) == 1 and "open that address" in terminal[0], terminal  # no traceback
