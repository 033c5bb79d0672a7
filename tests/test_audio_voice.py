"""The voice detector, the intelligibility-weighted noise figure and DNSMOS, on mixtures of
corpus speech with corpus noise and music at known levels (truth known by construction), and
the voice rules (A501, A201, A103, A202) on fake measures."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from audio_helpers import (CORPUS, RATE, codes, decode, judge, measure_audio, mix_at,
                           speech_track, tape_from_audio, write_wav)
from tapecheck.checks import BY_CODE
from tapecheck.measures.speech import Activity, SpeechResult

LINES = ["cmu_arctic_us_aew_a0001.wav", "cmu_arctic_us_axb_a0004.wav",
         "cmu_arctic_us_aew_a0002.wav"]


def run(code: str, m: dict, **over):
    c = BY_CODE[code]
    values = {p.name: p.default for p in c.params} | over
    return c.run(m, values)


@pytest.fixture(scope="module")
def clean(corpus):
    return speech_track(LINES)


@pytest.fixture(scope="module")
def truth(clean, tmp_path_factory):
    wav = write_wav(tmp_path_factory.mktemp("voice") / "clean.wav", clean)
    return measure_audio(wav, ("noise",))


def music(n: int, lowpass_hz: float | None = None) -> np.ndarray:
    import scipy.signal as ss

    x = np.resize(decode(CORPUS / "video" / "liveportrait_s13_fullbody_smallface.mp4"), n)
    if lowpass_hz:
        x = ss.sosfilt(ss.butter(6, lowpass_hz, fs=RATE, output="sos"), x)
    return x.astype(np.float32)


# --- the voice detector -------------------------------------------------------------------

@pytest.mark.parametrize("noise,snr", [("speechcommands_exercise_bike.wav", 15),
                                       ("speechcommands_doing_the_dishes.wav", 10)])
def test_voice_frames_agree_with_the_clean_track_in_noise(clean, truth, noise, snr, tmp_path):
    """Speech found in the mix agrees with the speech of the clean track on ≥ 95 % of frames
    (calibrate_audio.py vad: 0.986 for both on a longer set)."""
    n = decode(CORPUS / "noise" / noise)
    got = measure_audio(write_wav(tmp_path / "mix.wav", mix_at(clean, n, snr)),
                        ("speech",))["speech"].mask
    want = truth["speech"].mask
    k = min(len(got), len(want))
    assert np.mean(got[:k] == want[:k]) >= 0.95
    assert np.mean(~got[:k][want[:k]]) <= 0.05      # speech missed


@pytest.mark.parametrize("name", ["music", "speechcommands_doing_the_dishes.wav",
                                  "speechbrain_noise4.wav"])
def test_music_and_noise_alone_hold_no_speech(corpus, name, tmp_path):
    """The periodicity rule this detector replaced called 65–100 % of these speech."""
    x = music(10 * RATE) if name == "music" else decode(CORPUS / "noise" / name)[:10 * RATE]
    sp = measure_audio(write_wav(tmp_path / "bg.wav", x * 0.5), ("speech",))["speech"]
    assert sp.speech_s < 0.5


def test_music_only_tape_is_no_speech(corpus, tmp_path):
    wav = write_wav(tmp_path / "music.wav", music(8 * RATE) * 0.5)
    rep = judge(tape_from_audio(wav, tmp_path / "music.mp4"), "A501", "A201", "A101")
    assert "A501" in codes(rep, "error")
    assert not rep.verdict.can_hear_voice
    assert "A101" not in codes(rep, "info")      # no "quiet speech" on a tape without speech


def test_silent_track_is_no_speech(tmp_path):
    from synth import ffmpeg

    wav = tmp_path / "silence.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "4", str(wav))
    rep = judge(tape_from_audio(wav, tmp_path / "silent.mp4"), "A501")
    hits = [f for f in rep.findings if f.code == "A501"]
    assert hits and hits[0].severity.label == "error" and "silent" in hits[0].message
    from tapecheck.measures import Missing
    assert isinstance(measure_audio(wav, ("dnsmos",))["dnsmos"], Missing)   # no MOS of silence


def test_voice_no_louder_than_the_room_is_not_the_actor(clean):
    """A voice under the room (negative SNR) is set aside: no speech (speech.py step 4)."""
    from audio_helpers import frame_power, speech_probability
    from tapecheck.measures.audioframes import power_db
    from tapecheck.measures.speech import detect

    n = decode(CORPUS / "noise" / "speechcommands_running_tap.wav")
    for snr, speech in ((-6, False), (10, True)):
        x = mix_at(clean, n, snr)
        p, _ = frame_power(x)
        act = detect(power_db(p), speech_probability(x, len(p)), 0.02)
        assert act.mask.any() == speech, (snr, act.foreground_db)


def test_the_level_carries_a_phrase_one_hangover_at_most():
    """speech.py step 3 on made-up frames (20 ms): the level extends Silero's phrase by ≤ 200 ms
    either side; a room that stays above the level threshold for seconds (its quiet last
    second pulls the noise estimate down) is not stretched into 11 s of speech around two
    stray Silero detections, and what is left is no louder than the room: no speech."""
    from tapecheck.measures.speech import detect

    level = np.full(500, -60.0)
    level[100:200] = -20.0                       # a phrase at 2–4 s …
    prob = np.zeros(500)
    prob[115:185] = 0.9                          # … that Silero hears from 2.3 to 3.7 s
    mask = detect(level, prob, 0.02).mask
    assert mask[115:185].all() and not mask[:100].any() and not mask[200:].any()
    assert mask.sum() <= 70 + 2 * 10             # one 200 ms hangover each side at most

    room = np.full(630, -31.0) + np.random.default_rng(0).normal(0, 1.5, 630)
    room[550:] = -45.0                           # the last 1.6 s quieter
    prob = np.zeros(630)
    prob[:25] = prob[430:545] = 0.8              # Silero: "speech" at 0–0.5 s and 8.6–10.9 s
    act = detect(room, prob, 0.02)
    assert act.noise_estimate_db < -40 and act.foreground_db is not None
    assert not act.mask.any() and act.foreground_db < 3.0 and act.background_speech_s < 4.0
    # the frames set aside are kept, for lipmotion.py to ask whose voices they were
    assert act.background_mask is not None
    assert act.background_mask.sum() * 0.02 == pytest.approx(act.background_speech_s)
    assert act.background_mask[430:545].mean() > 0.9 and not act.background_mask[560:].any()
    assert detect(level, np.where(np.arange(500) < 100, 0.0, 0.9), 0.02).background_mask \
        is None                                  # speech that stands out sets nothing aside


def test_speech_ratio_stays_within_0_and_1():
    """The last 20 ms frame may reach past the last sample: 1.006 was seen before the fix."""
    mask = np.ones(101, bool)                       # 101 frames = 2.02 s over a 2.013 s tape
    act = Activity(mask, -20.0, -60.0, -60.0, -40.0)
    r = SpeechResult(0.02, 2.013, mask, (), act)
    assert r.speech_ratio == 1.0 and r.speech_s == pytest.approx(2.013)
    assert SpeechResult(0.02, 0.0, mask[:0], (), act).speech_ratio == 0.0


# --- the weighted noise figure ------------------------------------------------------------

def test_band_importance_is_ansi_s35():
    """Our bands' importance sums to 1 and matches S3.5's octave-band sums where edges meet:
    300–500 Hz + 500–1000 Hz ≈ the 500 Hz octave (0.1671) plus half the 250 Hz octave's top."""
    from tapecheck.measures.audioframes import BAND_EDGES
    from tapecheck.measures.noise import BAND_IMPORTANCE, band_importance

    assert BAND_IMPORTANCE.sum() == pytest.approx(1.0, abs=1e-6)
    octave = band_importance([1000 / 2 ** 0.5, 1000 * 2 ** 0.5])[0]
    assert octave == pytest.approx(0.0818 + 0.0844 + 0.0711, abs=1e-4)   # 1 kHz octave
    i1k = BAND_EDGES.index(1000)
    assert BAND_IMPORTANCE[i1k] > BAND_IMPORTANCE[i1k - 1]               # 1–2 kHz matters most


def test_weighted_snr_matches_the_known_band_snrs(corpus, clean, truth, tmp_path):
    """snr_weighted_db of a mix within ±3 dB of the value computed from the separate speech
    and noise (their own band powers: speech over its speech frames, noise over all)."""
    from audio_helpers import frame_power  # noqa: F401  (same frames as the measures)
    from tapecheck.measures.audioframes import analyse
    from tapecheck.measures.noise import weighted_snr

    n = np.resize(decode(CORPUS / "noise" / "speechcommands_running_tap.wav")[5 * RATE:],
                  len(clean))
    mask = truth["speech"].mask
    sb, _ = analyse(clean, RATE)
    for snr in (5, 15, 25):
        x = mix_at(clean, n, snr)
        noise_only = x - clean
        nb, _ = analyse(noise_only, RATE)
        k = min(len(mask), len(sb))
        want, _, _ = weighted_snr(sb[:k][mask[:k]].mean(axis=0).astype(np.float64),
                                  nb.mean(axis=0).astype(np.float64))
        got = measure_audio(write_wav(tmp_path / "m.wav", x), ("noise",))["noise"]
        assert abs(got.snr_weighted_db - want) <= 3.0, (snr, got.snr_weighted_db, want)


def test_low_music_bed_is_not_noise_but_broadband_noise_is(corpus, clean, tmp_path):
    """At the same broadband SNR (10 dB, CONTRACT definition) a bed below 500 Hz leaves the
    words clear; running water across the speech band does not."""
    bed = mix_at(clean, music(len(clean), 500.0), 10)
    tap = mix_at(clean, decode(CORPUS / "noise" / "speechcommands_running_tap.wav"), 10)
    nb = measure_audio(write_wav(tmp_path / "bed.wav", bed), ("noise",))["noise"]
    nt = measure_audio(write_wav(tmp_path / "tap.wav", tap), ("noise",))["noise"]
    assert nb.snr_weighted_db >= 20.0 and nb.sii > 0.95
    assert nt.snr_weighted_db < 15.0
    m = lambda n: {"noise": n, "dnsmos": None}  # noqa: E731
    assert run("A201", m(nb)) == [] and run("A201", m(nt))


def test_without_pauses_minimum_statistics_give_the_noise(corpus):
    """Speech that never pauses (under 1 s of pauses): the noise spectrum comes from minimum
    statistics, within 2 dB of the true mean power of a steady noise in the bands that carry
    94 % of the importance (≥ 300 Hz)."""
    from tapecheck.measures.audioframes import analyse, power_db
    from tapecheck.measures.noise import BAND_IMPORTANCE, noise_spectrum

    bands, _ = analyse(decode(CORPUS / "noise" / "speechcommands_exercise_bike.wav")[
        :20 * RATE], RATE)
    bands = bands.astype(np.float64)
    mask = np.ones(len(bands), bool)
    mask[:25] = False                                # 0.5 s of "pauses"
    got, method = noise_spectrum(bands, mask, 0.02)
    assert method == "minimum-statistics"
    err = np.abs(power_db(got) - power_db(bands.mean(axis=0)))[3:12]
    assert err.max() <= 2.0 and BAND_IMPORTANCE[3:12].sum() >= 0.94


# --- DNSMOS --------------------------------------------------------------------------------

def test_dnsmos_model_ships_in_the_wheel():
    from pathlib import Path

    import speechmos
    from tapecheck.measures.dnsmos import model_path

    path = Path(model_path())
    assert path.is_file() and path.stat().st_size > 1_000_000
    assert Path(speechmos.__file__).parent in path.parents


def test_dnsmos_hears_noise(corpus, clean, tmp_path):
    from tapecheck.measures.dnsmos import score_windows
    from tapecheck.measures.vad import Decimator

    def mos(x):
        return score_windows([Decimator().feed(x)])

    noisy = mix_at(clean, decode(CORPUS / "noise" / "speechcommands_running_tap.wav"), 0)
    sig_c, bak_c, ovr_c = mos(clean + 1e-4 * np.random.default_rng(0).standard_normal(
        len(clean)).astype(np.float32))
    sig_n, bak_n, ovr_n = mos(noisy)
    assert 1.0 <= bak_n < 2.0 < 3.0 <= bak_c <= 5.0
    assert ovr_c > ovr_n


# --- the rules on fake measures ------------------------------------------------------------

def _noise(weighted=None, sii=None):
    return SimpleNamespace(snr_weighted_db=weighted, sii=sii)


def test_a201_rules():
    bak = lambda b: SimpleNamespace(bak=b)  # noqa: E731
    assert run("A201", {"noise": _noise(25.0, 1.0), "dnsmos": bak(3.5)}) == []
    warn = run("A201", {"noise": _noise(10.0, 0.8), "dnsmos": bak(3.0)})
    assert warn and warn[0].severity is None and warn[0].measured == 10.0
    err = run("A201", {"noise": _noise(-3.0, 0.40), "dnsmos": bak(1.1)})
    assert err and err[0].severity.label == "error"
    remark = run("A201", {"noise": _noise(20.0, 1.0), "dnsmos": bak(1.5)})  # intrusive, words clear
    assert remark and remark[0].severity.label == "info"
    from tapecheck.checks import Skip
    for b in (1.2, 3.8):  # no voice, no verdict on the noise, however noisy (issue #21)
        with pytest.raises(Skip):
            run("A201", {"noise": _noise(None, None), "dnsmos": bak(b)})


def _loud(lufs):
    return {"loudness": SimpleNamespace(speech_lufs=lufs, speech_blocks=10,
                                        integrated_lufs=lufs)}


@pytest.mark.parametrize("lufs,fires", [(-23.5, False), (-15.4, False), (-24.2, True),
                                        (-14.8, True), (-31.0, False), (-9.0, False)])
def test_a103_only_beyond_1_lu_and_not_with_a101_or_a102(lufs, fires):
    assert bool(run("A103", _loud(lufs))) == fires


def _tones(n: int, noise_rms: float, tones) -> np.ndarray:
    """White noise plus sines given as (Hz, tone-to-noise ratio in the critical band, dB)."""
    from tapecheck.measures.noise import critical_band_hz

    rng = np.random.default_rng(3)
    t = np.arange(n) / RATE
    x = noise_rms * rng.standard_normal(n)
    for f, tnr in tones:
        band = 2 * noise_rms ** 2 / RATE * critical_band_hz(f)    # one-sided white density
        x += np.sqrt(2 * band * 10 ** (tnr / 10)) * np.sin(2 * np.pi * f * t)
    return x.astype(np.float32)


@pytest.mark.parametrize("tones,mains", [
    (((50, 30), (150, 25)), 50.0),       # ground-loop hum with its 3rd harmonic, plainly out
    (((60, 5), (420, 5)), None),         # lines 5 dB over the room: masked, not a buzz
    (((420, 30),), None),                # one loud whine on 60 Hz's 7th harmonic: no mains
    (((120, 25), (240, 20)), 60.0),      # transformer buzz at twice 60 Hz
])
def test_hum_is_prominent_tones_anchored_at_the_mains(clean, tmp_path, tones, mains):
    """ECMA-74 prominence (tone-to-noise ratio in the critical band) and a series holding
    f0 or 2·f0 (measures/noise.py); a tone 5 dB over its critical band is masked."""
    x = clean + _tones(len(clean), 10 ** (-60 / 20), tones)
    h = measure_audio(write_wav(tmp_path / "hum.wav", x), ("hum",))["hum"]
    assert h.mains_hz == mains, h
    if mains:
        assert {f for f, _ in tones} <= set(h.components) and h.hum_db > -60.0
