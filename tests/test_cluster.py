"""The Dask backend (pipeline/cluster.py) on a real `distributed.LocalCluster`: two worker
processes, started once for the module by tapecheck's own `local:2` path and reached by its
tcp:// address as a remote cluster would be. Results equal the local batch's byte for byte; a
worker killed mid-file costs one retry; bad, hung and crashing files are isolated; a re-run
with the cache submits nothing; other versions on the workers are refused; a scheduler that
goes away leaves the lines written so far."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest

pytest.importorskip("distributed", reason='the Dask backend is an extra: '
                    'pip install "tapecheck[dask]" (the test extra includes it)')

import cluster_faults  # noqa: E402
from cli_run import tapecheck  # noqa: E402
from synth import tape  # noqa: E402
from tapecheck.errors import ClusterError, ConfigError  # noqa: E402
from tapecheck.pipeline import BatchStats, Plan, judge, judge_paths  # noqa: E402
from tapecheck.pipeline import cluster as dask_backend  # noqa: E402
from tapecheck.pipeline.config import resolve  # noqa: E402
from tapecheck.settings import Settings  # noqa: E402

QUICK = Settings(quick=True)
CACHE_ON = {"TAPECHECK_NO_CACHE": ""}


@pytest.fixture(scope="module")
def dask_scheduler():
    client, cluster = dask_backend.connect("local:2")
    client.close()  # each run connects as its own client, as the CLI does
    yield cluster.scheduler_address
    cluster.close()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A 1.2 s 320x240 tape, judged --quick in about a second."""
    return tape(tmp_path_factory.mktemp("tiny") / "tiny.mp4", seconds=1.2, size="320x240")


def _folder(tmp_path, tiny, names):
    d = tmp_path / "tapes"
    d.mkdir()
    for n in names:
        shutil.copy(tiny, d / n)
    return d


#: Defect tapes that take different routes through the pipeline: no audio stream (most checks
#: skipped), a file-level finding, the cross-modal pair, a picture and a sound defect.
DEFECTS = ("defect-media_no-audio.mp4", "defect-resolution_360p.mp4",
           "defect-sync_audio-late.mp4", "defect-face_leaves-frame.mp4",
           "defect-noise_fan.mp4")


def test_sample_tapes_give_the_local_batchs_json_and_exit_codes(dask_scheduler, sample_tapes,
                                                                 sample_run):
    ready = sorted(sample_tapes.glob("ready_*.mp4"))
    run = tapecheck("check", "--format", "json", "--scheduler", dask_scheduler, *ready)
    assert (run.code, run.out) == (sample_run["ready"].code, sample_run["ready"].out), run.err
    picked = [str(sample_tapes / n) for n in DEFECTS]
    run = tapecheck("check", "--format", "json", "--scheduler", dask_scheduler, *picked)
    local = {f["path"]: f for f in sample_run["defects"].json["files"]}
    assert run.json["files"] == [local[p] for p in picked], run.err
    assert run.code == 1  # each has a finding at the fail level, as in the local run


def test_a_worker_killed_mid_file_costs_one_retry_then_an_error(tmp_path, tiny, dask_scheduler):
    d = _folder(tmp_path, tiny, ["die-once.mp4", "die-always.mp4"])
    paths = [str(d / "die-once.mp4"), str(d / "die-always.mp4")]
    stats = BatchStats()
    report = judge_paths(paths, Plan(QUICK), judge_fn=cluster_faults.faulty, stats=stats,
                         scheduler=dask_scheduler)
    once, always = report.files
    # the file whose first worker died is judged once, on the retry, exactly as here
    assert once.status == "judged"
    assert once.to_dict() == judge(paths[0], Plan(QUICK)).to_dict()
    assert len(cluster_faults.attempts(paths[0]).read_text().splitlines()) == 2
    # one that kills every worker it lands on is tried twice, then reported
    assert always.status == "error" and always.error.code == "decode-failed"
    assert "died, and so did the one that tried it again" in always.error.message
    assert len(cluster_faults.attempts(paths[1]).read_text().splitlines()) == 2
    assert (stats.judged, stats.crashed) == (1, 1) and report.exit_code() == 2


def test_bad_hung_and_crashing_files_are_isolated(tmp_path, tiny, dask_scheduler):
    d = _folder(tmp_path, tiny, ["good.mp4"])
    for name in ("hang.mp4", "raise.mp4"):
        shutil.copy(tiny, d / name)
    (d / "bad.mp4").write_bytes(b"not a video at all")
    paths = [str(d / n) for n in ("bad.mp4", "hang.mp4", "good.mp4", "raise.mp4")]
    stats = BatchStats()
    plan = Plan(replace(QUICK, file_timeout_s=10.0))
    report = judge_paths(paths, plan, judge_fn=cluster_faults.faulty, stats=stats,
                         scheduler=dask_scheduler)
    bad, hang, good, bug = report.files
    assert [f.path for f in report.files] == paths  # input order, whatever finished first
    assert bad.to_dict() == judge(paths[0], plan).to_dict() and bad.error.code == "not-media"
    assert hang.error.code == "timeout" and "longer than 10 s" in hang.error.message
    assert good.status == "judged" and good.check_errors == ()
    assert bug.error.code == "decode-failed" and "RuntimeError" in bug.error.message
    assert (stats.timed_out, stats.crashed) == (1, 0)


def test_a_rerun_with_the_cache_submits_nothing_and_inputs_stay_untouched(tmp_path, tiny,
                                                                          dask_scheduler):
    d = _folder(tmp_path, tiny, ["a.mp4"])
    tape(d / "b.mp4", seconds=1.5, size="320x240", audio=None)
    before = sorted(p.name for p in d.iterdir())
    env = {**CACHE_ON, "TAPECHECK_CACHE_DIR": str(tmp_path / "cache")}
    first = tapecheck("check", "--quick", "--format", "jsonl", "-v", "--scheduler", dask_scheduler, d,
                      env=env)
    assert "2 judged, 0 from the cache" in first.err
    # nothing listens on port 9: a run that tried to submit would fail to connect
    again = tapecheck("check", "--quick", "--format", "jsonl", "-v", "--scheduler",
                      "tcp://127.0.0.1:9", d, env=env)
    assert "0 judged, 2 from the cache" in again.err
    assert sorted(again.out.splitlines()) == sorted(first.out.splitlines())
    assert first.code == again.code == 1  # b has no audio: an error finding
    assert {json.loads(line)["path"] for line in first.out.splitlines()} == \
        {str(d / "a.mp4"), str(d / "b.mp4")}
    assert sorted(p.name for p in d.iterdir()) == before  # workers wrote nothing beside it


def test_workers_with_other_versions_are_refused(tmp_path, tiny, dask_scheduler, monkeypatch):
    real = dask_backend.versions()
    other = tuple((k, "4.4.1 (other)" if k == "ffmpeg" else v) for k, v in real)
    monkeypatch.setattr(dask_backend, "versions", lambda: other)  # this client, not the workers
    with pytest.raises(ClusterError) as err:
        judge_paths([str(tiny)], Plan(QUICK), scheduler=dask_scheduler)
    text = str(err.value)
    assert "Dask worker(s) at" in text and "differ from this machine" in text
    assert f"ffmpeg = {dict(real)['ffmpeg']} (here: 4.4.1 (other))" in text


@pytest.fixture
def dask_own_cluster():
    """A cluster of its own, in this process (one worker thread), for a test that stops it."""
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                           dashboard_address=":0")
    yield cluster
    cluster.close()


def test_scheduler_gone_keeps_the_lines_written_and_says_so(tmp_path, tiny, dask_own_cluster):
    """The scheduler stops while the CLI is judging the second of three files."""
    cluster = dask_own_cluster
    d = _folder(tmp_path, tiny, ["a.mp4"])
    for name in ("b.mp4", "c.mp4"):  # long enough to be mid-file when the scheduler stops
        tape(d / name, seconds=8, size="320x240")
    env = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"}
    cli = subprocess.Popen([sys.executable, "-m", "tapecheck", "check", "--format", "jsonl",
                            "--scheduler", cluster.scheduler_address, str(d)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={**__import__("os").environ, **env})
    first = cli.stdout.readline()
    cluster.close()
    rest, err = cli.communicate(timeout=120)
    assert first and json.loads(first)["path"] == str(d / "a.mp4"), err
    assert rest == ""  # b and c were never reported
    assert cli.returncode == 2
    assert f"lost the Dask scheduler at {cluster.scheduler_address} after 1 of the 3 files sent to it" in err


@pytest.mark.parametrize("value, ok", [
    ("local", True), ("local:4", True), ("tcp://10.0.0.5:8786", True), ("tls://h:8786", True),
    ("local:0", False), ("local:x", False), ("10.0.0.5:8786", False), ("http://h/", False),
    (4, False)])
def test_the_scheduler_setting_is_validated(value, ok, tmp_path):
    cfg = tmp_path / "tapecheck.toml"
    cfg.write_text(f"scheduler = {json.dumps(value)}\n")
    if ok:
        assert resolve(config_path=str(cfg)).scheduler == value
    else:
        with pytest.raises(ConfigError, match="is not a Dask scheduler"):
            resolve(config_path=str(cfg))


def test_the_command_line_names_a_bad_scheduler(tiny):
    run = tapecheck("check", "--scheduler", "example.org", tiny)
    assert run.code == 2 and "is not a Dask scheduler" in run.err
