"""tapecheck works offline on set: a check with networking made unavailable to the process
must judge the tape and never try to connect (no model or data downloads at run time)."""

import json
import subprocess
import sys

from synth import tape

GUARD = r"""
import socket, sys
attempts = []

def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("network disabled by the test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
try:
    from tapecheck.cli import main
    main(["check", "--format", "json", "--no-cache", sys.argv[1]])
except SystemExit as done:
    sys.stderr.write("ATTEMPTS=" + repr(attempts) + "\n")
    raise
"""


def test_check_runs_with_the_network_refused(media_dir):
    video = tape(media_dir / "offline.mp4", seconds=2, size="640x360")
    proc = subprocess.run([sys.executable, "-c", GUARD, str(video)], capture_output=True,
                          text=True, timeout=300)
    assert "ATTEMPTS=[]" in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["files"][0]["status"] == "judged"


def test_ffmpeg_is_only_ever_given_local_files():
    """Every path handed to ffmpeg goes through `url()`, which pins the file: protocol, so a
    name such as `http://…` or `concat:…` can never make ffmpeg open the network."""
    from tapecheck.ingest.ffmpeg import url

    assert url("http://example.com/x.mp4").startswith("file:/")
    assert url("concat:a.mp4|b.mp4").startswith("file:/")
