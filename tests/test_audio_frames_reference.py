"""The streamed 20 ms frame analysis (measures/audioframes.py) against librosa as the reference:
the same band powers and loudness envelope as librosa's whole-signal STFT and RMS, even
though ours arrives in 1 s blocks and never holds the signal."""

import numpy as np
import pytest

librosa = pytest.importorskip("librosa")

from tapecheck.measures.audioframes import BAND_EDGES, FrameAnalyser  # noqa: E402

SR = 48000


def _stream(analyser, y, block=SR):
    parts = [analyser.feed(y[i:i + block]) for i in range(0, len(y), block)]
    parts.append(analyser.flush())
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def test_band_powers_match_librosa_stft():
    t = np.arange(3 * SR) / SR
    rng = np.random.default_rng(1)
    y = (0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * np.sin(2 * np.pi * 5500 * t)
         + 0.01 * rng.standard_normal(t.size)).astype(np.float32)
    fa = FrameAnalyser(SR)
    bands, _ = _stream(fa, y)
    ours = bands[5:-5].mean(axis=0)  # steady part, away from the ends
    spec = np.abs(librosa.stft(y, n_fft=fa.nfft, hop_length=fa.hop, win_length=fa.win,
                               window="hann", center=False)) ** 2
    freqs = librosa.fft_frequencies(sr=SR, n_fft=fa.nfft)
    ref_bins = spec.mean(axis=1)
    ref = np.array([ref_bins[(freqs >= lo) & (freqs < hi)].sum()
                    for lo, hi in zip(BAND_EDGES, BAND_EDGES[1:])])
    # compare shares of the total: librosa's STFT is unnormalised, ours is mean square
    for k in (3, 9):  # 300–500 Hz holds the 440 Hz tone, 5–6 kHz the 5.5 kHz one
        assert ours[k] / ours.sum() == pytest.approx(ref[k] / ref.sum(), rel=0.01)
    # and the absolute level: a sine of amplitude A has mean square A²/2
    assert ours[3] == pytest.approx(0.3 ** 2 / 2, rel=0.02)
    assert ours[9] == pytest.approx(0.05 ** 2 / 2, rel=0.02)


def test_frame_level_tracks_librosa_rms():
    """A tone switching between −12 and −32 dBFS every 0.5 s: the per-frame level follows
    librosa's RMS envelope (same hop) within 0.5 dB away from the switches."""
    t = np.arange(4 * SR) / SR
    amp = np.where((t // 0.5) % 2 == 0, 10 ** (-12 / 20), 10 ** (-32 / 20)) * np.sqrt(2)
    y = (amp * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    fa = FrameAnalyser(SR)
    bands, _ = _stream(fa, y)
    ours = 10 * np.log10(bands.sum(axis=1) + 1e-20)
    rms = librosa.feature.rms(y=y, frame_length=fa.win, hop_length=fa.hop, center=True)[0]
    ref = 20 * np.log10(rms + 1e-10)
    n = min(len(ours), len(ref))
    steady = np.array([abs(((i * fa.hop) / SR) % 0.5 - 0.25) < 0.15 for i in range(n)])
    assert np.abs(ours[:n][steady] - ref[:n][steady]).max() < 0.5
