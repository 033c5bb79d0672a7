"""`tapecheck fix` planning without ffmpeg: from a judged tape (a hand-made FileReport and
container facts) to the changes and the ffmpeg commands, with exact expectations."""

from __future__ import annotations

import math

import pytest

from tapecheck.checks import BY_CODE
from tapecheck.errors import UsageError
from tapecheck.fix.command import audio_filter, temp_path
from tapecheck.fix.naming import choose_output, conventional_name, refuse
from tapecheck.fix.edit import ALSO, Facts, FixOptions
from tapecheck.fix.limits import CEILING_DBTP, LIMIT_MARGIN_DB, MIN_SSIM, SIZE_MARGIN
from tapecheck.fix.picture import downscale, refit
from tapecheck.fix.plan import make_plan
from tapecheck.model import FileReport, Finding, MediaSummary, Severity, Span
from tapecheck.profiles import get

from tapecheck.cli.fix import parse_size


def media(**kw) -> MediaSummary:
    base = dict(container="mov,mp4,m4a,3gp,3g2,mj2", size_bytes=10_000_000, duration_s=20.0,
                width=1920, height=1080, rotation_deg=0, fps=30.0, variable_fps=False,
                video_codec="h264", audio_codec="aac", audio_sample_rate=48000,
                audio_channels=2)
    return MediaSummary(**{**base, **kw})


def finding(code: str, measured: float | None = None, *, severity: Severity = Severity.WARNING,
            spans=()) -> Finding:
    """A finding as its check declares it (category, reshoot, repair)."""
    c = BY_CODE[code]
    return Finding(code=code, name=c.name, category=c.category, severity=severity,
                   message=f"{c.name} {measured}", measured=measured, threshold=None,
                   unit=c.unit, spans=tuple(spans), reshoot=c.reshoot, repair=c.repair)


#: What the plan would change if asked: everything `--also` can ask for.
EVERYTHING = FixOptions(also=frozenset(ALSO))


def judged(path="take.mp4", findings=(), m=None, **media_kw) -> FileReport:
    measures = {"speech_lufs": -20.0, "true_peak_dbtp": -6.0, "av_offset_ms": 5.0,
                "leading_silence_s": 0.6, "trailing_silence_s": 1.2, **(m or {})}
    return FileReport(path=path, status="judged", media=media(**media_kw),
                      measures=tuple(sorted(measures.items())), findings=tuple(findings))


FACTS = Facts(video_index=0, audio_index=1, video_duration_s=20.0, audio_duration_s=20.0,
              keyframes_s=tuple(float(k) for k in range(20)), channel_rms_dbfs=(-30.0, -30.0),
              channel_dc_dbfs=(-90.0, -90.0), audio_bitrate_bps=128_000.0)


def plan_of(report=None, facts=FACTS, options=FixOptions(), output="out.mp4"):
    return make_plan(report or judged(), facts, options, output)


def whats(plan) -> list[str]:
    return [c.what for c in plan.changes]


def test_a_ready_tape_is_copied_untouched():
    p = plan_of()
    assert p.changes == () and p.edit.video == "copy" and p.edit.audio == "copy"
    (cmd,) = p.commands
    assert "-filter_complex" not in cmd and cmd[cmd.index("-c:v") + 1] == "copy"
    assert cmd[cmd.index("-c:a") + 1] == "copy"
    assert cmd[-1] == "file:" + temp_path("out.mp4")  # written beside the output, renamed later


def test_quiet_speech_gets_one_linear_gain_to_the_target():
    p = plan_of(judged(findings=[finding("A101", -34.2)],
                       m={"speech_lufs": -34.2, "true_peak_dbtp": -20.0}))
    (c,) = p.changes
    assert (c.what, c.before, c.target, c.measure) == ("loudness", -34.2, -20.0, "speech_lufs")
    assert p.edit.gain_db == pytest.approx(14.2) and p.edit.limit_dbtp is None
    graph = audio_filter(p.edit)
    assert "volume=14.20dB" in graph and "alimiter" not in graph
    assert "compand" not in graph and "loudnorm" not in graph and "dynaudnorm" not in graph


def test_a_limiter_only_when_the_gained_peaks_pass_the_ceiling():
    p = plan_of(judged(m={"speech_lufs": -26.0, "true_peak_dbtp": -3.0}),  # +6 dB → +3 dBTP
                options=EVERYTHING)
    assert p.edit.limit_dbtp == pytest.approx(CEILING_DBTP - LIMIT_MARGIN_DB)
    graph = audio_filter(p.edit)
    assert "aresample=192000,alimiter=" in graph and "level=disabled:latency=1" in graph
    assert [c.measure for c in p.changes] == ["speech_lufs", "true_peak_dbtp"]  # it says so
    assert "limiter" in p.changes[1].detail and "distort" in p.changes[1].plain
    quiet_peaks = plan_of(judged(m={"speech_lufs": -26.0, "true_peak_dbtp": -12.0}),
                          options=EVERYTHING)
    assert quiet_peaks.edit.limit_dbtp is None and quiet_peaks.edit.gain_db == 6.0


def test_speech_already_near_the_target_is_left_alone():
    p = plan_of(judged(m={"speech_lufs": -20.3}))
    assert p.changes == () and p.edit.gain_db == 0.0 and p.edit.audio == "copy"
    assert plan_of(judged(m={"speech_lufs": -21.0}), options=EVERYTHING).edit.gain_db == 1.0


def test_no_speech_means_no_gain():
    p = plan_of(judged(findings=[finding("A101")], m={"speech_lufs": None}))
    assert p.edit.gain_db == 0.0 and "loudness" not in whats(p) and p.notes


def test_sync_moves_the_sound_by_a_confident_offset_only():
    late = plan_of(judged(findings=[finding("X102", 240.0)], m={"av_offset_ms": 240.0}))
    (c,) = late.changes
    assert (c.what, c.before, c.target, c.codes) == ("sync", 240.0, 0.0, ("X102",))
    assert late.edit.audio_start_s == pytest.approx(0.24)
    assert "atrim=start=0.240000" in audio_filter(late.edit)
    early = plan_of(judged(findings=[finding("X102", -120.0)], m={"av_offset_ms": -120.0}))
    assert early.edit.audio_start_s == pytest.approx(-0.12)
    assert "adelay=" in audio_filter(early.edit) or "areverse" in audio_filter(early.edit)
    assert plan_of(judged(m={"av_offset_ms": None}), options=EVERYTHING).changes == ()  # guess
    assert plan_of(judged(m={"av_offset_ms": 35.0}), options=EVERYTHING).changes == ()


def test_a_timestamp_only_offset_is_fixed_too():
    """The measures put the sound where the container's timestamps do (0.278 s late here), as
    a player does, so the offset includes that delay; the copy's sound is placed on the same
    timeline (aresample first_pts=0) and moved by all of it."""
    facts = Facts(**{**FACTS.__dict__, "audio_start_s": 0.278})
    p = plan_of(judged(findings=[finding("X102", 298.0)], m={"av_offset_ms": 298.0}),
                facts=facts)
    (c,) = p.changes
    assert c.before == pytest.approx(298.0) and "timestamps" in c.detail
    assert p.edit.audio_start_s == pytest.approx(0.298)
    graph = audio_filter(p.edit)
    assert graph.startswith("[1:1]aresample=first_pts=0") and "atrim=start=0.298000" in graph
    kept = plan_of(judged(m={"av_offset_ms": None}), facts=facts)
    assert kept.edit.audio_start_s == 0.0 and kept.edit.audio == "copy"  # unknown: as it is


def test_dead_air_is_cut_at_a_keyframe_never_inside_the_take():
    p = plan_of(judged(findings=[finding("A503", 6.4, spans=[Span(0.0, 6.4)]),
                                 finding("A504", 7.0, spans=[Span(13.0, 20.0)])],
                       m={"leading_silence_s": 6.4, "trailing_silence_s": 7.0}))
    assert p.edit.start_s == 5.0  # planned 5.9, back to the keyframe at 5 s (picture copied)
    first_line = 6.4 - p.edit.start_s
    assert first_line >= 0.5
    assert p.edit.duration_s == pytest.approx(20.0 - 7.0 + 1.0 - 5.0)  # 1 s kept after
    heads = [c for c in p.changes if c.what == "trim"]
    assert [c.measure for c in heads] == ["leading_silence_s", "trailing_silence_s"]
    assert heads[0].codes == ("A503",) and heads[1].codes == ("A504",)
    cmd = p.commands[0]
    assert cmd[cmd.index("-ss") + 1] == "5.000000" and cmd.index("-ss") < cmd.index("-i")
    assert "atrim=start=5.000000" in audio_filter(p.edit)  # the sound cut at the same point


def test_short_dead_air_or_no_speech_is_not_cut():
    assert plan_of(judged(m={"leading_silence_s": 0.8, "trailing_silence_s": 1.3}),
                   options=EVERYTHING).changes == ()
    p = plan_of(judged(m={"leading_silence_s": None, "trailing_silence_s": None}))
    assert p.edit.start_s == 0.0 and p.edit.duration_s is None


def test_a_dead_channel_becomes_dual_mono_from_the_live_one():
    facts = Facts(**{**FACTS.__dict__, "channel_rms_dbfs": (-90.0, -25.0)})
    p = plan_of(judged(findings=[finding("A401", 65.0), finding("A101", -30.0)],
                       m={"speech_lufs": -30.0}),
                facts=facts)
    assert p.edit.mono_from == 1 and "pan=stereo|c0=c1|c1=c1" in audio_filter(p.edit)
    # dual mono doubles the power BS.1770 sums: +3 dB, so the gain is 3 dB less
    assert p.edit.gain_db == pytest.approx(-20.0 - (-30.0 + 10 * math.log10(2)), abs=0.01)
    inverted = plan_of(judged(findings=[finding("A402", 36.5)]))
    assert inverted.edit.mono_from == 0 and "channels" in whats(inverted)


def test_dc_is_removed_when_found_or_when_the_gain_would_lift_it():
    assert plan_of(judged(findings=[finding("A403", -30.0)])).edit.dc
    facts = Facts(**{**FACTS.__dict__, "channel_dc_dbfs": (-50.0, -52.0)})
    quiet = [finding("A101", -34.0)]
    assert plan_of(judged(findings=quiet, m={"speech_lufs": -34.0}), facts=facts).edit.dc  # −50+14 > −40
    assert not plan_of(judged(findings=quiet, m={"speech_lufs": -22.0}), facts=facts).edit.dc
    assert "highpass=f=20" in audio_filter(plan_of(judged(findings=[finding("A403")])).edit)


def test_a_refused_container_is_rewritten_as_mp4_without_re_encoding():
    p = plan_of(judged(path="take.mkv", findings=[finding("P101")]),
                options=FixOptions(profile=get("spotlight")))
    (c,) = p.changes
    assert (c.what, c.before, c.target, c.codes) == ("container", ".mkv", ".mp4", ("P101",))
    assert p.edit.video == "copy" and p.edit.audio == "copy"


def test_rotation_vfr_and_foreign_codecs_re_encode_the_picture():
    rot = plan_of(judged(rotation_deg=90, width=1080, height=1920), options=EVERYTHING)
    assert rot.edit.video == "crf" and whats(rot) == ["rotation"]
    assert "-crf" in rot.commands[0] and "-ssim" in rot.commands[0]
    vfr = plan_of(judged(findings=[finding("M004", 0.4)], variable_fps=True, fps=27.1),
                  facts=Facts(**{**FACTS.__dict__, "common_fps": 29.97}))
    cmd = vfr.commands[0]
    assert cmd[cmd.index("-fps_mode") + 1] == "cfr" and cmd[cmd.index("-r") + 1] == "29.97"
    prores = plan_of(judged(path="take.mov", video_codec="prores"))
    assert prores.edit.video == "crf" and whats(prores) == ["container", "container"]
    hevc = plan_of(judged(video_codec="hevc"))
    assert hevc.edit.video == "copy" and "hvc1" in hevc.commands[0]
    # a profile that only recommends H.264 (codec-not-recommended is information): HEVC is
    # left as it is unless asked for
    kept = plan_of(judged(video_codec="hevc"), options=FixOptions(profile=get("generic")))
    assert kept.edit.video == "copy" and [n.also for n in kept.left_alone] == ["container"]
    asked = plan_of(judged(video_codec="hevc"),
                    options=FixOptions(profile=get("generic"), also=frozenset({"container"})))
    assert asked.edit.video == "crf" and whats(asked) == ["container"]


LONG = Facts(**{**FACTS.__dict__, "video_duration_s": 300.0, "audio_duration_s": 300.0})


def test_a_copy_over_the_cap_is_encoded_in_two_passes_at_the_bitrate_that_fits():
    big = judged(size_bytes=600_000_000, duration_s=300.0)
    p = plan_of(big, facts=LONG, options=FixOptions(profile=get("actors-access")))
    assert p.edit.video == "two-pass" and p.cap_bytes == 500_000_000
    expected = (500e6 * (1 - SIZE_MARGIN) * 8 / 300.0 - 128_000) // 1000
    assert p.edit.video_kbps == int(expected)
    first, second = p.commands
    assert "1" == first[first.index("-pass") + 1] and "-an" in first
    assert "2" == second[second.index("-pass") + 1]
    fits = plan_of(judged(size_bytes=90_000_000), options=FixOptions(max_bytes=95_000_000))
    assert fits.edit.video == "copy" and fits.changes == ()  # no needless re-encode
    hopeless = plan_of(big, facts=LONG, options=FixOptions(max_bytes=1_000_000))
    assert hopeless.edit.video == "copy" and hopeless.notes


def test_spotlight_aims_under_its_recommended_size():
    assert plan_of(options=FixOptions(profile=get("spotlight"))).cap_bytes == 350_000_000


def test_refit_and_downscale_are_plans_again():
    big = judged(size_bytes=600_000_000, duration_s=300.0)
    p = plan_of(big, facts=LONG, options=FixOptions(max_bytes=100_000_000))
    again = refit(p, 110_000_000)
    assert again.edit.video_kbps < p.edit.video_kbps
    assert f"-b:v {again.edit.video_kbps}k" in " ".join(again.commands[1])
    smaller = downscale(p, MIN_SSIM - 0.03, 1080)
    assert smaller.edit.short_side == 720 and "scale=-2:720" in smaller.commands[1]
    assert downscale(smaller, MIN_SSIM - 0.03, 1080) is None  # 720p is the floor


def test_needs_a_new_take_lists_only_what_editing_cannot_repair():
    p = plan_of(judged(findings=[finding("V201"), finding("A101"),
                                 finding("A201", severity=Severity.INFO)]))
    assert p.needs_new_take == ("V201",)


def test_drift_is_reported_not_fixed():
    p = plan_of(judged(findings=[finding("X103", 150.0), finding("X102", 200.0)],
                       m={"av_offset_ms": 200.0}))
    assert "sync" not in whats(p) and any("drifts" in n.plain for n in p.notes)
    assert p.edit.audio_start_s == 0.0


def test_names_follow_the_platform_convention_or_first_last_role_take(tmp_path):
    assert conventional_name("Jane Doe", "Hamlet", 2, None)[0] == "Jane_Doe_Hamlet_Take2.mp4"
    assert conventional_name("Jane Doe", "Lady Macbeth", 1, get("cast-it"))[0] == \
        "Lady_Macbeth-Jane_Doe-T1.mp4"
    with pytest.raises(UsageError):
        conventional_name("Jane Doe", None, None, get("cast-it"))
    tape = tmp_path / "IMG_0001.MOV"
    path, change = choose_output(str(tape), None, name="Jane Doe", role="Hamlet", take=1)
    assert path == str(tmp_path / "Jane_Doe_Hamlet_Take1.mp4")
    assert (change.what, change.before, change.target) == ("name", "IMG_0001.MOV",
                                                           "Jane_Doe_Hamlet_Take1.mp4")
    assert choose_output(str(tape), None)[0] == str(tmp_path / "IMG_0001_fixed.mp4")
    with pytest.raises(UsageError):
        choose_output(str(tape), str(tmp_path / "copy.mov"))


def test_never_over_the_input_nor_an_existing_file_without_force(tmp_path):
    tape = tmp_path / "take.mp4"
    tape.write_bytes(b"x")
    with pytest.raises(UsageError, match="is the input"):
        refuse(str(tape), str(tape), force=True)
    link = tmp_path / "same.mp4"
    link.symlink_to(tape)
    with pytest.raises(UsageError, match="is the input"):
        refuse(str(tape), str(link), force=True)
    other = tmp_path / "other.mp4"
    other.write_bytes(b"y")
    with pytest.raises(UsageError, match="--force"):
        refuse(str(tape), str(other), force=False)
    refuse(str(tape), str(other), force=True)


@pytest.mark.parametrize("text,expected", [("95MB", 95_000_000), ("1.5GB", 1_500_000_000),
                                           ("800k", 800_000), ("100000", 100_000),
                                           ("350 mb", 350_000_000)])
def test_sizes_read_as_decimal(text, expected):
    assert parse_size(text) == expected


def test_a_bad_size_is_a_usage_error():
    with pytest.raises(UsageError):
        parse_size("big")


# --- only what `check` asked for (#26 point 4) ---------------------------------------------

#: A tape `check` finds nothing wrong with at warning or above, which the plan could still
#: change: sound 71 ms late (beyond the 40 ms tolerance, inside what casting notices), speech
#: 4 dB under the aim, 2.6 s before the first line, a variable frame rate, a rotation flag.
UNASKED = dict(m={"av_offset_ms": 71.0, "speech_lufs": -24.0, "leading_silence_s": 2.6},
               variable_fps=True, rotation_deg=90, width=1080, height=1920)


def test_what_check_did_not_ask_for_is_left_alone_and_said_so():
    p = plan_of(judged(**UNASKED))
    assert p.changes == () and p.edit.video == "copy" and p.edit.audio == "copy"
    assert p.edit.audio_start_s == 0.0 and p.edit.gain_db == 0.0 and p.edit.start_s == 0.0
    left = {n.also: n for n in p.left_alone}
    assert set(left) == {"sync", "loudness", "trim", "frame-rate", "rotation"}
    assert "left as it is" in left["sync"].plain and "+71 ms" in left["sync"].detail
    # an info finding is not an ask either (A103: speech outside the recommended band)
    info = plan_of(judged(findings=[finding("A103", -24.0, severity=Severity.INFO)], **UNASKED))
    assert info.changes == ()


def test_also_asks_for_each_repair_by_name():
    p = plan_of(judged(**UNASKED), options=EVERYTHING)
    assert whats(p) == ["loudness", "sync", "trim", "rotation", "frame-rate"]  # "container":
    # nothing to do for an H.264 picture without a profile
    assert p.left_alone == ()
    only_sync = plan_of(judged(**UNASKED), options=FixOptions(also=frozenset({"sync"})))
    assert whats(only_sync) == ["sync"] and only_sync.edit.audio_start_s == pytest.approx(0.071)
    assert "sync" not in {n.also for n in only_sync.left_alone}


def test_a_finding_at_warning_asks_for_its_checks_repair():
    p = plan_of(judged(findings=[finding("X102", 171.0)], m={"av_offset_ms": 171.0}))
    assert whats(p) == ["sync"] and p.changes[0].codes == ("X102",)
    # a long lead-in asks for the head only: the tail stays
    head = plan_of(judged(findings=[finding("A503", 6.4, spans=[Span(0.0, 6.4)])],
                          m={"leading_silence_s": 6.4, "trailing_silence_s": 4.0}))
    assert [c.measure for c in head.changes] == ["leading_silence_s"]
    assert head.edit.duration_s is None and [n.also for n in head.left_alone] == ["trim"]


# --- a head cut whatever the keyframes -----------------------------------------------------

def test_a_lead_in_far_from_a_keyframe_is_cut_by_re_encoding_the_picture():
    """Keyframes 10 s apart (many editors' exports): snapping a 6.7 s cut back to 0 s would
    keep the whole wait, so the picture is re-encoded at CRF and cut where planned."""
    sparse = Facts(**{**FACTS.__dict__, "keyframes_s": (0.0, 10.0)})
    p = plan_of(judged(findings=[finding("A503", 7.2, spans=[Span(0.0, 7.2)])],
                       m={"leading_silence_s": 7.2}), facts=sparse)
    assert p.edit.video == "crf" and p.edit.start_s == pytest.approx(6.7)
    (c,) = p.changes
    assert c.target == pytest.approx(0.5) and "re-encoded" in c.detail
    assert "saved again" in c.plain
    cmd = p.commands[0]
    assert cmd[cmd.index("-ss") + 1] == "6.700000" and "-crf" in cmd
    near = plan_of(judged(findings=[finding("A503", 7.2, spans=[Span(0.0, 7.2)])],
                          m={"leading_silence_s": 7.2}))  # a keyframe every second
    assert near.edit.video == "copy" and near.edit.start_s == 6.0


# --- two registers (#26 point 3) -----------------------------------------------------------

def test_changes_are_said_plainly_and_exactly():
    p = plan_of(judged(findings=[finding("A101", -36.1)],
                       m={"speech_lufs": -36.1, "true_peak_dbtp": -19.0}))
    (c,) = p.changes
    assert c.plain == "Your voice was too quiet: raised it to the level casting expects."
    assert "+16.1 dB" in c.detail and "LUFS" in c.detail and "LUFS" not in c.plain
    assert "reader" not in c.plain and "reader" not in c.detail  # check heard no reader
    with_reader = plan_of(judged(findings=[finding("A101", -36.1)],
                                 m={"speech_lufs": -36.1, "true_peak_dbtp": -19.0,
                                    "reader_to_actor_db": -8.0}))
    (c,) = with_reader.changes
    assert "reader" in c.plain and "the reader stays 8.0 dB below you" in c.detail
