"""The pre-commit hook: a valid manifest, and its entry run exactly as pre-commit runs it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # pre-commit's own dependency

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent  # the venv's bin: tapecheck and pre-commit live here


def _env(tmp_path) -> dict:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _hook() -> dict:
    hooks = yaml.safe_load(MANIFEST.read_text())
    return next(h for h in hooks if h["id"] == "tapecheck")


def test_manifest_is_valid(tmp_path):
    run = subprocess.run([str(BIN / "pre-commit"), "validate-manifest", str(MANIFEST)],
                         capture_output=True, text=True, env=_env(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    hook = _hook()
    assert hook["language"] == "system" and hook["require_serial"] is True


def test_files_pattern_selects_videos_only():
    pattern = re.compile(_hook()["files"])
    for name in ("take1.mp4", "TAKE2.MOV", "reel.mkv", "a/b/old.avi", "x.webm", "cam.MTS"):
        assert pattern.search(name), name
    for name in ("notes.txt", "app.ts", "mp4.json", "take1.mp4.txt", "README.md"):
        assert not pattern.search(name), name


def test_entry_as_pre_commit_runs_it(tmp_path, sample_tapes):
    """pre-commit runs `entry` split like a shell would, then `args`, then the staged files
    matching `files` (several at once: require_serial keeps it to one process)."""
    ready = tmp_path / "Role-Me-T1.mp4"
    portrait = tmp_path / "Role-Me-T2.mov"
    shutil.copy(sample_tapes / "ready_grid-man-denim.mp4", ready)
    shutil.copy(sample_tapes / "defect-orientation_portrait.mp4", portrait)
    (tmp_path / "notes.txt").write_text("sides for the audition\n")
    hook = _hook()
    pattern = re.compile(hook["files"])

    def run(names):
        files = [n for n in names if pattern.search(n)]
        cmd = [*shlex.split(hook["entry"]), *hook.get("args", []), *files]
        return subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path,
                              env=_env(tmp_path), timeout=600)

    ok = run(["Role-Me-T1.mp4", "notes.txt"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "READY" in ok.stdout
    bad = run(["Role-Me-T1.mp4", "Role-Me-T2.mov", "notes.txt"])
    assert bad.returncode == 1 and "portrait-orientation" in bad.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_try_repo(tmp_path, sample_tapes):
    """pre-commit itself installs the hook from this repository (its committed HEAD) and runs
    it on a staged portrait tape: the hook fails the commit."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True)
    if head.returncode != 0:
        pytest.skip("the source tree is not a git checkout")
    repo = tmp_path / "tapes"
    repo.mkdir()
    env = _env(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    shutil.copy(sample_tapes / "defect-orientation_portrait.mp4", repo / "take.mp4")
    subprocess.run(["git", "add", "take.mp4"], cwd=repo, check=True, env=env)
    run = subprocess.run([str(BIN / "pre-commit"), "try-repo", str(ROOT), "tapecheck",
                          "--ref", head.stdout.strip(), "--files", "take.mp4"],
                         cwd=repo, capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Failed" in run.stdout and "portrait-orientation" in run.stdout


def _readme_config() -> str:
    """The `.pre-commit-config.yaml` README shows (the yaml block with `repos:`)."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    return next(b for b in blocks if b.startswith("repos:"))


def test_readme_hook_is_the_manifest_hook():
    [repo] = yaml.safe_load(_readme_config())["repos"]
    [hook] = repo["hooks"]
    manifest = _hook()
    assert repo["repo"] == "local"  # nothing to fetch: no URL, no tag that may not exist
    assert shlex.split(hook["entry"]) == [*shlex.split(manifest["entry"]), *manifest["args"]]
    for key in ("id", "language", "files", "require_serial"):
        assert hook[key] == manifest[key], key


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_readme_config_in_a_fresh_repository(tmp_path, sample_tapes):
    """README's config, pasted into a new repository of tapes, runs with pre-commit itself
    (nothing fetched): it fails on a portrait tape and passes a ready one."""
    repo = tmp_path / "tapes"
    repo.mkdir()
    env = _env(tmp_path)
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, env=env)  # noqa: E731
    git("init", "-q")
    (repo / ".pre-commit-config.yaml").write_text(_readme_config())
    shutil.copy(sample_tapes / "ready_grid-man-denim.mp4", repo / "take1.mp4")
    shutil.copy(sample_tapes / "defect-orientation_portrait.mp4", repo / "take2.mp4")
    git("add", ".")

    def run(*files):
        return subprocess.run([str(BIN / "pre-commit"), "run", "--files", *files], cwd=repo,
                              capture_output=True, text=True, env=env, timeout=600)

    ok = run("take1.mp4", ".pre-commit-config.yaml")
    assert ok.returncode == 0 and "Passed" in ok.stdout, ok.stdout + ok.stderr
    bad = run("take1.mp4", "take2.mp4")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "portrait-orientation" in bad.stdout
