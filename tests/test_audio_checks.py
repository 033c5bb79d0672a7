"""Every audio check through the real pipeline on tapes made from clean corpus speech with one
defect added by an ffmpeg filter (exact, known changes), plus a clean control tape."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_helpers import (CORPUS, codes, judge, measure_audio, speech_track, tape_from_audio,
                           write_wav)

# the audio checks by code (their categories also hold picture checks: "edit" has freezes)
AUDIO = tuple(f"A{n}" for n in (101, 102, 103, 104, 105, 201, 202, 301, 302, 303, 304, 401,
                                402, 403, 501, 502, 503, 504, 505))
LINES = ["cmu_arctic_us_aew_a0001.wav", "cmu_arctic_us_axb_a0004.wav",
         "cmu_arctic_us_aew_a0002.wav"]
#: a faint steady room noise under everything, so the tape has a real noise floor (≈ 50 dB SNR)
ROOM = "anoisesrc=color=pink:amplitude=0.0015:seed=7:sample_rate=48000"


@pytest.fixture(scope="module")
def base(corpus, tmp_path_factory):
    d = tmp_path_factory.mktemp("audio_checks")
    return write_wav(d / "lines.wav", speech_track(LINES, lead_s=0.5))


def make(base, tmp_path, name, af=None, channels=None, extra_input=None):
    graph = f"amovie={base},aresample=48000[s];{ROOM},atrim=0:30[n];" \
            f"[s][n]amix=inputs=2:normalize=0:duration=first"
    if af:
        graph += f",{af}"
    wav = tmp_path / f"{name}.wav"
    from synth import ffmpeg
    ffmpeg("-f", "lavfi", "-i", graph, "-c:a", "pcm_f32le", str(wav))
    return tape_from_audio(wav, tmp_path / f"{name}.mp4", channels=channels)


def test_clean_tape_has_no_audio_warning(base, tmp_path):
    rep = judge(make(base, tmp_path, "clean"), *AUDIO)
    assert rep.status == "judged" and not rep.check_errors
    assert codes(rep) == set(), [f.message for f in rep.findings]
    m = dict(rep.measures)
    assert m["snr_db"] > 35 and -26 < m["speech_lufs"] < -16 and m["speech_ratio"] > 0.5


CASES = {
    # name: (audio filter after the room noise, channels, expected code)
    "hum": ("volume=1[v];sine=f=50:sample_rate=48000,volume=0.8[h];"
            "sine=f=150:sample_rate=48000,volume=0.4[h3];[v][h][h3]amix=inputs=3:normalize=0:"
            "duration=first", None, "A202"),
    "clipped": ("volume=18dB,alimiter=limit=1:level=false:attack=0.1:release=1,"
                "volume=6dB,aformat=sample_fmts=s16", None, "A105"),
    "quiet": ("volume=-22dB", None, "A101"),
    "dead-right": ("pan=stereo|c0=c0|c1=0*c0", 2, "A401"),
    "inverted": ("pan=stereo|c0=c0|c1=-1*c0", 2, "A402"),
    "dc": ("dcshift=0.05", None, "A403"),
    "lead-in": ("adelay=5000:all=1", None, "A503"),
    "tail": ("apad=pad_dur=7", None, "A504"),
    "band-8k": ("aresample=8000,aresample=48000", None, "A302"),
    "muffled": ("lowpass=f=1000:poles=2,lowpass=f=1000:poles=2", None, "A301"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_defect_is_found(base, tmp_path, name):
    af, channels, code = CASES[name]
    if "[" in af:  # a graph of its own: splice the speech in as [v]'s input
        af = af.replace("volume=1[v];", "volume=1[v0];").replace("[v][h]", "[v0][h]")
        graph_af = af
    else:
        graph_af = af
    rep = judge(make(base, tmp_path, name, af=graph_af, channels=channels), *AUDIO)
    assert not rep.check_errors, rep.check_errors
    assert code in codes(rep), [f"{f.code} {f.message}" for f in rep.findings]


def test_dropout_mid_take(base, tmp_path):
    # the sound cuts to digital silence for 0.3 s in the middle of the second line
    rep = judge(make(base, tmp_path, "dropout", af="volume='if(between(t,6.0,6.3),0,1)':"
                                                    "eval=frame"), *AUDIO)
    hits = [f for f in rep.findings if f.code == "A505"]
    assert hits and hits[0].spans and 5.9 <= hits[0].spans[0].start_s <= 6.2


def test_room_echo_from_a_measured_room(base, tmp_path):
    rir = CORPUS / "noise" / "rir_openair_elveden_smoking_room.wav"   # T20 0.75 s
    from synth import ffmpeg
    wav = tmp_path / "echo.wav"
    ffmpeg("-i", str(base), "-i", str(rir), "-filter_complex",
           "[0:a]aresample=48000[s];[1:a]aresample=48000,pan=mono|c0=c0[r];"
           "[s][r]afir=dry=10:wet=10:gtype=peak,volume=-6dB", "-c:a", "pcm_f32le", str(wav))
    rep = judge(tape_from_audio(wav, tmp_path / "echo.mp4"), *AUDIO)
    assert "A303" in codes(rep), [f"{f.code} {f.message}" for f in rep.findings]


def test_no_speech_in_pure_noise(tmp_path):
    from synth import ffmpeg
    wav = tmp_path / "noise.wav"
    ffmpeg("-f", "lavfi", "-i", "anoisesrc=color=brown:amplitude=0.05:seed=3:sample_rate=48000",
           "-t", "6", str(wav))
    rep = judge(tape_from_audio(wav, tmp_path / "noise.mp4"), *AUDIO)
    assert "A501" in codes(rep, "error")


def _bumped(base, tmp_path, name, *bumps) -> Path:
    """The lines with real handling noises (corpus file, delay ms, gain dB) mixed in."""
    from synth import ffmpeg
    wav = tmp_path / f"{name}.wav"
    graph = f"amovie={base},aresample=48000[s];{ROOM},atrim=0:30[n];"
    labels = "[s][n]"
    for i, (clip, delay, gain) in enumerate(bumps):
        graph += (f"amovie={CORPUS / 'noise' / clip},aresample=48000,adelay={delay}:all=1,"
                  f"volume={gain}dB[b{i}];")
        labels += f"[b{i}]"
    graph += f"{labels}amix=inputs={len(bumps) + 2}:normalize=0:duration=first"
    ffmpeg("-f", "lavfi", "-i", graph, "-c:a", "pcm_f32le", str(wav))
    return tape_from_audio(wav, tmp_path / f"{name}.mp4")


RUB, TAP = "audiomentations_handling_iphone_rub.wav", "audiomentations_handling_laptopmic_tap.wav"


def test_handling_bursts_from_real_rub_and_tap(corpus, base, tmp_path):
    """A real mic rub in the pause after the first line (0.5 s lead, lines ≈ 3.9, 2.8,
    4.0 s) and a laptop tap after the last: handled more than once, a warning; one bump
    alone, a remark (A304's docstring: a single burst is also what plosives and music
    effects give). A tap inside a line (8.0 s) is not a burst: the voice covers it."""
    again = judge(_bumped(base, tmp_path, "bumps", (RUB, 4450, 6), (TAP, 11700, 12)),
                  *AUDIO)
    assert "A304" in codes(again), [f"{f.code} {f.message}" for f in again.findings]
    once = judge(_bumped(base, tmp_path, "bump", (RUB, 4450, 6)), *AUDIO)
    assert "A304" not in codes(once) and "A304" in codes(once, "info"), once.findings


def test_asterisk_8k_is_narrow_band(corpus):
    from tapecheck.checks import BY_CODE

    r = measure_audio(corpus / "speech" / "asterisk_allison_demo-congrats_8k.wav", ("clarity",))
    assert r["clarity"].bandwidth_hz <= 4000
    check = BY_CODE["A302"]
    assert check.run(r, {p.name: p.default for p in check.params})


def test_speech_segments_match_the_annotation(corpus):
    """speechbrain's VAD sample: annotated speech 0.52–0.85, 1.32–1.83, 2.35–3.70 s."""
    r = measure_audio(corpus / "speech" / "speechbrain_vad_train.wav", ("speech",))
    s = r["speech"]
    for a, b in [(0.52, 0.85), (1.32, 1.83), (2.35, 3.70)]:
        mid = (a + b) / 2
        assert s.at(mid), f"no speech found at {mid:.2f} s"
        assert any(abs(seg.start_s - a) <= 0.1 for seg in s.segments), (a, s.segments)
    assert not s.at(0.2)
    series = s.series()[0]
    assert series.name == "speech" and len(series.t_s) == len(series.values)
