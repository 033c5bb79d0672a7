"""`tapecheck takes` (issue 18): delivery measures and the comparison of takes.

The proof runs on real corpus speech with known transformations (one CMU ARCTIC sentence,
≈ 4 s, so the pYIN passes stay short; computed once per session): itself and re-encoded →
identical within tolerance; time-stretched ±20 % → pace recovered within ±3 %; pitch-shifted
±2 semitones → within ±0.3; gain ±6 dB and a −6 → +6 dB ramp → recovered; pauses inserted
at known times → found there within ±0.1 s; other sentences → not the same text. The wider
tables (LibriSpeech, LJSpeech, GRID …) are in scripts/calibrate_takes.py. The comparison's
wording and the JSON are tested on fake results, without audio.
"""

from __future__ import annotations

import json
import math
import subprocess

import numpy as np
import pytest

from synth import FFMPEG

SR = 16000
PAUSE_S = 0.6


def _load(path) -> np.ndarray:
    out = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar",
                          str(SR), "-f", "f32le", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(out, np.float32).copy()


def _reencode(y: np.ndarray, tmp) -> np.ndarray:
    raw, enc = tmp / "a.f32", tmp / "a.m4a"
    y.astype(np.float32).tofile(raw)
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "f32le", "-ar", str(SR), "-ac", "1",
                    "-i", str(raw), "-c:a", "aac", "-b:a", "32k", str(enc)], check=True)
    return _load(enc)


@pytest.fixture(scope="session")
def arctic(corpus, tmp_path_factory):
    """Deliveries of one ARCTIC sentence and its transformed copies (name → (delivery, y))."""
    import librosa

    from tapecheck.measures.delivery import delivery_of, track_of_samples

    y = _load(corpus / "speech" / "cmu_arctic_us_aew_a0001.wav")
    base = delivery_of(track_of_samples(y, SR))
    # two pauses inside the sentence, at the loudest frame of the phrases around 1/3 and 2/3
    hop = base.track.hop_s
    t0, t1 = base.phrases[0].start_s, base.phrases[-1].end_s
    at = []
    for frac in (1 / 3, 2 / 3):
        c = int((t0 + frac * (t1 - t0)) / hop)
        i = c - 10 + int(np.argmax(base.track.level_db[c - 10:c + 10]))
        at.append((i + 0.5) * hop)
    # the inserted silence: white noise at the clip's own background level
    frames = y[:len(y) // 320 * 320].reshape(-1, 320).astype(np.float64)
    rms = float(np.sqrt(np.percentile((frames ** 2).mean(axis=1), 10)))
    fill = (np.random.default_rng(0).standard_normal(int(PAUSE_S * SR)) * rms).astype(np.float32)
    parts, last = [], 0
    for t in at:
        k = int(round(t * SR))
        parts += [y[last:k], fill]
        last = k
    paused = np.concatenate(parts + [y[last:]])
    g = np.linspace(-6.0, 6.0, len(y))
    made = {
        "self": y,
        "reencode": _reencode(y, tmp_path_factory.mktemp("aac")),
        "stretch0.8": librosa.effects.time_stretch(y, rate=0.8),
        "stretch1.2": librosa.effects.time_stretch(y, rate=1.2),
        "shift-2": librosa.effects.pitch_shift(y, sr=SR, n_steps=-2),
        "shift+2": librosa.effects.pitch_shift(y, sr=SR, n_steps=2),
        "gain+6": y * 10 ** (6 / 20),
        "gain-6": y * 10 ** (-6 / 20),
        "ramp": (y * 10 ** (g / 20)).astype(np.float32),
        "pauses": paused,
        "other": _load(corpus / "speech" / "cmu_arctic_us_aew_a0002.wav"),
        "other_speaker": _load(corpus / "speech" / "cmu_arctic_us_axb_a0006.wav"),
    }
    out = {"base": (base, y), "pause_at": at}
    for name, z in made.items():
        out[name] = (delivery_of(track_of_samples(np.asarray(z, np.float32), SR)), z)
    return out


def _pair(arctic, name):
    from tapecheck.takes import compare_deliveries

    return compare_deliveries(arctic["base"][0], arctic[name][0])


@pytest.mark.parametrize("name", ["self", "reencode"])
def test_a_take_and_its_copy_are_identical(arctic, name):
    r = _pair(arctic, name)
    assert r.same_text
    assert r.pace_ratio == pytest.approx(1.0, abs=0.01)
    assert r.pitch_median_diff_st == pytest.approx(0.0, abs=0.1)
    assert r.pitch_range_diff_st == pytest.approx(0.0, abs=0.3)
    assert r.loudness_diff_lu == pytest.approx(0.0, abs=0.3)
    # AAC at 32 kb/s moves the contours a little: r ≥ 0.94 on every corpus source
    assert r.pitch_contour_r >= 0.95 and r.loudness_contour_r >= 0.95
    assert r.pause_match == 1.0
    assert r.alike >= 0.95
    assert "same read twice" in r.summary


@pytest.mark.parametrize("name,rate", [("stretch0.8", 0.8), ("stretch1.2", 1.2)])
def test_time_stretch_is_recovered_as_pace(arctic, name, rate):
    r = _pair(arctic, name)
    assert r.same_text
    assert r.pace_ratio == pytest.approx(rate, rel=0.03)
    assert r.pitch_median_diff_st == pytest.approx(0.0, abs=0.3)
    word = "faster" if rate > 1 else "slower"
    assert word in r.summary


@pytest.mark.parametrize("name,st", [("shift-2", -2.0), ("shift+2", 2.0)])
def test_pitch_shift_is_recovered_in_semitones(arctic, name, st):
    r = _pair(arctic, name)
    assert r.same_text
    assert r.pitch_median_diff_st == pytest.approx(st, abs=0.3)
    assert r.pace_ratio == pytest.approx(1.0, rel=0.03)
    assert ("higher" if st > 0 else "lower") in r.summary


@pytest.mark.parametrize("name,db", [("gain+6", 6.0), ("gain-6", -6.0)])
def test_gain_is_recovered(arctic, name, db):
    r = _pair(arctic, name)
    assert r.loudness_diff_lu == pytest.approx(db, abs=0.5)
    assert r.loudness_contour_r >= 0.98  # the shape is untouched
    assert ("louder" if db > 0 else "quieter") in r.summary


def test_a_reshaped_loudness_contour_is_recovered_phrase_by_phrase(arctic):
    r = _pair(arctic, "ramp")
    dur = len(arctic["base"][1]) / SR
    assert r.lines
    for ln in r.lines:
        mid = (ln.a_start_s + ln.a_end_s) / 2
        assert ln.loudness_diff_db == pytest.approx(-6.0 + 12.0 * mid / dur, abs=1.5)


def test_inserted_pauses_are_found_where_they_were_put(arctic):
    d = arctic["pauses"][0]
    for k, t in enumerate(arctic["pause_at"]):
        start = t + k * PAUSE_S
        best = min(d.pauses, key=lambda p: abs(p.start_s - start))
        assert best.start_s == pytest.approx(start, abs=0.1)
        assert best.end_s == pytest.approx(start + PAUSE_S, abs=0.1)
    r = _pair(arctic, "pauses")
    assert r.same_text and r.pause_match < 1.0
    assert "pauses in different places" in r.summary


@pytest.mark.parametrize("name", ["other", "other_speaker"])
def test_different_sentences_are_not_the_same_text(arctic, name):
    r = _pair(arctic, name)
    assert r.same_text is False
    assert r.pace_ratio is None and r.alike is None and r.pitch_contour_r is None
    assert "not the same lines" in r.summary


def test_silence_has_no_speech_and_no_comparison():
    from tapecheck.measures.delivery import delivery_of, track_of_samples
    from tapecheck.takes import compare_deliveries

    quiet = delivery_of(track_of_samples(np.zeros(2 * SR, np.float32), SR))
    assert not quiet.has_speech and quiet.pitch_median_hz is None and quiet.pauses == ()
    r = compare_deliveries(quiet, quiet, ia=0, ib=1)
    assert r.same_text is None and "no speech" in r.summary


# --- wording, energy and JSON, on fake results ----------------------------------------------

def _fake(**kw):
    from tapecheck.takes.result import PairResult

    base = dict(same_text=True, cost_ratio=0.3, pace_ratio=1.0, pitch_median_diff_st=0.0,
                pitch_range_diff_st=0.0, loudness_diff_lu=0.0, pitch_contour_r=0.97,
                loudness_contour_r=0.96, pause_match=1.0, pauses_a=2, pauses_b=2, alike=0.97)
    base.update(kw)
    return PairResult(0, 1, **base)


def test_the_sentence_names_what_differs_and_what_does_not():
    from tapecheck.takes.compare import sentence

    same = sentence(_fake())
    assert "same read twice" in same and "r = " not in same  # plain: no figures
    assert "r = 0.96" in sentence(_fake(), exact=True)  # the figure that decides it, under -v
    faster = sentence(_fake(pace_ratio=1.14, pause_match=0.5))
    assert faster.startswith("Take 2 is 14 % faster and pauses in different places, but")
    assert "same read twice" in faster
    wide = _fake(pitch_contour_r=0.4, loudness_contour_r=0.5, pitch_range_diff_st=3.0,
                 loudness_diff_lu=2.0)
    different = sentence(wide)
    assert "wider in pitch" in different and "louder" in different
    assert "different read" in different and "same read" not in different
    assert "semitones" not in different and "LU" not in different
    exact = sentence(wide, exact=True)
    assert "wider in pitch by 3.0 semitones" in exact and "2.0 LU louder" in exact


def test_energy_is_a_measurement_beside_its_reference():
    from types import SimpleNamespace

    from tapecheck.takes.energy import LOUDNESS_RANGE_DB, PITCH_RANGE_ST, energy_notes, \
        energy_sentence

    flat = SimpleNamespace(pitch_range_st=PITCH_RANGE_ST[0] - 1,
                           loudness_range_db=LOUDNESS_RANGE_DB[0] - 1)
    notes = energy_notes(flat)
    assert [n.position for n in notes] == ["below", "below"]
    assert all(n.reference and n.low < n.high for n in notes)
    assert "flat delivery" in energy_sentence(notes)
    big = SimpleNamespace(pitch_range_st=PITCH_RANGE_ST[1] + 1,
                          loudness_range_db=sum(LOUDNESS_RANGE_DB) / 2)
    assert "heightened" in energy_sentence(energy_notes(big))
    usual = SimpleNamespace(pitch_range_st=sum(PITCH_RANGE_ST) / 2,
                            loudness_range_db=sum(LOUDNESS_RANGE_DB) / 2)
    assert energy_sentence(energy_notes(usual)) is None


def test_takes_json_follows_the_contract():
    from tapecheck.model import FileReport
    from tapecheck.report.takes import render
    from tapecheck.takes.result import TakeDelivery, TakesReport

    rep = TakesReport(takes=(FileReport("a.mp4", "error"), FileReport("b.mp4", "error")),
                      delivery=(TakeDelivery(missing="x"), TakeDelivery(missing="y")),
                      pairs=(_fake(pace_ratio=math.nan), _fake(same_text=False, pace_ratio=None)),
                      tool_version="0")
    doc = json.loads(render(rep, "json"))
    assert doc["schema_version"] == 1 and [t["path"] for t in doc["takes"]] == ["a.mp4", "b.mp4"]
    pair = doc["pairs"][0]
    for key in ("a", "b", "same_text", "pace_ratio", "pitch_median_diff_st",
                "pitch_range_diff_st", "loudness_diff_lu", "pitch_contour_r",
                "loudness_contour_r", "alike", "summary"):
        assert key in pair
    assert pair["pace_ratio"] is None  # NaN never reaches the JSON
    assert doc["pairs"][1]["same_text"] is False
    assert rep.exit_code() == 2  # takes that could not be judged
