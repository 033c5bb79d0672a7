"""Platform profiles (P1xx): published limits as data, applied only with --profile."""

from __future__ import annotations

import re

import pytest

from cli_run import tapecheck
from synth import tape
from tapecheck.profiles import CHECKED, PROFILES
from tapecheck import check_file
from tapecheck.settings import Settings

MB = 1_000_000


@pytest.fixture(scope="module")
def base(media_dir):
    """A 1 s H.264/AAC MP4 with its index first, so it can be padded with a sparse tail."""
    return tape(media_dir / "platform-base.mp4", seconds=1, size="320x180",
                extra=("-movflags", "+faststart"))


def sized(tmp_path, base, name, size_bytes):
    """A copy of `base` named `name`, grown to `size_bytes` (sparse: costs no disk)."""
    path = tmp_path / name
    path.write_bytes(base.read_bytes())
    with open(path, "r+b") as fh:
        fh.truncate(size_bytes)
    return path


def platform_findings(path, profile):
    rep = check_file(str(path), Settings(profile=profile, select=("platform",)))
    assert rep.status == "judged", rep.error
    return {f.code: f for f in rep.findings}


def test_profiles_are_dated_data_with_their_sources():
    assert {"actors-access", "backstage", "casting-networks", "spotlight", "generic"} <= \
        set(PROFILES)
    for p in PROFILES.values():
        assert p.checked == CHECKED == "2026-11-21"
        assert p.sources and all(s.startswith("https://") for s in p.sources)
    assert PROFILES["backstage"].max_bytes == 2_000_000_000
    assert PROFILES["spotlight"].containers == (".avi", ".mp4", ".m4v", ".webm", ".mov")
    assert PROFILES["casting-networks"].max_clips == 5


@pytest.mark.parametrize("profile, size, code, severity", [
    ("spotlight", 1100 * MB, "P102", "error"),      # over the 1 GB hard cap
    ("spotlight", 400 * MB, "P103", "warning"),     # over the ideal 350 MB, under the cap
    ("actors-access", 600 * MB, "P102", "error"),   # Eco Cast: under 500 MB per file
    ("backstage", 2100 * MB, "P102", "error"),      # 2 GB per file
])
def test_file_size_limits(tmp_path, base, profile, size, code, severity):
    found = platform_findings(sized(tmp_path, base, "take.mp4", size), profile)
    assert code in found and found[code].severity.label == severity
    assert "as published on 2026-11-21" in found[code].message
    assert found[code].measured == size
    # just under every limit: nothing
    assert platform_findings(sized(tmp_path, base, "ok.mp4", 340 * MB), profile) == {}


def test_containers_naming_and_codecs(tmp_path, base, media_dir):
    webm = tape(media_dir / "take.webm", seconds=1, size="320x180",
                vcodec=("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"),
                acodec=("-c:a", "libopus"))
    cn = platform_findings(webm, "casting-networks")
    assert cn["P101"].severity.label == "error" and ".mov .mkv .mp4" in cn["P101"].message
    assert "P101" not in platform_findings(webm, "spotlight")  # Spotlight takes .webm
    generic = platform_findings(webm, "generic")               # recommendations only: info
    assert generic["P101"].severity.label == "info"
    assert generic["P106"].severity.label == "info"
    assert "vp9" in generic["P106"].message and "opus" in generic["P106"].message
    assert platform_findings(base, "generic") == {}             # H.264/AAC in MP4
    # Cast It names files Role-Talent-T1
    good = sized(tmp_path, base, "Hamlet-Jane Doe-T2.mp4", base.stat().st_size)
    bad = sized(tmp_path, base, "take2.mp4", base.stat().st_size)
    assert platform_findings(good, "cast-it") == {}
    assert "Role-Talent-T1" in platform_findings(bad, "cast-it")["P104"].message


def test_without_a_profile_no_platform_check_runs_or_is_listed(base):
    rep = check_file(str(base), Settings(select=("platform", "media")))
    assert not any(f.code.startswith("P") for f in rep.findings)
    assert not any(s.code.startswith("P") for s in rep.skipped)


def test_cli_profile_and_github_annotations(tmp_path, base):
    path = sized(tmp_path, base, "take, final.mp4", 1100 * MB)
    run = tapecheck("check", "--profile", "spotlight", "--select", "platform", "--format",
                    "github", path)
    assert run.code == 1
    lines = run.out.splitlines()
    # properties escape ',' and ':' as the Actions toolkit does
    assert lines[0].startswith("::error file=" + str(path).replace(",", "%2C")
                               + ",title=P102 file-too-large::The file is 1.10 GB")
    assert re.match(r"tapecheck: 1 file\(s\): 0 ready, 1 fix-first, 0 unusable", lines[-1])
    auto = tapecheck("check", "--profile", "spotlight", "--select", "platform", "--format",
                     "auto", path, env={"GITHUB_ACTIONS": "true"})
    assert auto.out == run.out
    plain = tapecheck("check", "--profile", "spotlight", "--select", "platform", "--format",
                      "auto", path, env={"GITHUB_ACTIONS": ""})
    assert not plain.out.startswith("::") and "file-too-large" in plain.out
    bad = tapecheck("check", "--profile", "imdb", path)
    assert bad.code == 2 and "backstage" in bad.err


def test_github_escaping():
    from tapecheck.report.github import command

    line = command("warning", "a:b,c.mp4", "T", "50% done\nnext")
    assert line == "::warning file=a%3Ab%2Cc.mp4,title=T::50%25 done%0Anext"
