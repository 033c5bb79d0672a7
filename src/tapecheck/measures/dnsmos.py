"""DNSMOS P.835: a learned estimate of how listeners would rate the speech, the background and
the whole, each on ITU-T P.835's 1–5 scales.

DNSMOS (Reddy, Gopal & Cutler, "DNSMOS P.835: a non-intrusive perceptual objective speech
quality metric to evaluate noise suppressors", ICASSP 2022; MIT licence) was trained on
P.835 listening tests. Its ONNX model (`dnsmos_models/sig_bak_ovr.onnx`, 1.2 MB) arrives in
Microsoft's `speechmos` wheel; we read the file from the installed package (nothing is
downloaded) and run it with onnxruntime on one core. Input: 9.01 s of 16 kHz mono audio,
raw; output: SIG, BAK, OVRL before the calibration polynomials that DNSMOS's own
`dnsmos_local.py` applies (non-personalised P.835), copied below.

P.835's background scale (BAK), which the noise check reads: 5 not noticeable, 4 slightly
noticeable, 3 noticeable but not intrusive, 2 somewhat intrusive, 1 very intrusive.

Which audio: the model costs ≈ 0.26–0.33 s of CPU per 9 s window on one thread (a 2-D CNN over
the whole 900 × 161 spectrogram: 95 % of its time is convolutions, nothing to trim), so it
does not read the whole tape. The tape is cut into `WINDOWS` equal parts (by the probed duration) and
in each the 9.01 s window (on 1 s steps) with the most speech (Silero's mean probability,
vad.py) is kept while the audio streams by; the model reads those few windows at the end
and the figures are their means. A tape shorter than 9.01 s is repeated to that length, as
DNSMOS's reference script does. So: 3 windows from 27 s of tape, 2 from 13.5 s, 1 below —
≈ 0.8–1.0 s of CPU for any tape of half a minute or more (scripts/calibrate_audio.py cost).
A silent track is not rated. Memory: `WINDOWS` × 9 s of 16 kHz float (1.7 MB), and the
model's activations (≈ 130 MB) only while it runs (`session`).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from ..errors import MeasureUnavailable
from .base import AudioMeasure
from .vad import RATE_16K, Voice16k

INPUT_S = 9.01
INPUT_LEN = int(INPUT_S * RATE_16K)
#: Windows per tape (spread over it): bounds the cost at ≈ 3 model runs whatever the length.
WINDOWS = 3
#: DNSMOS P.835 calibration polynomials (non-personalised), from DNSMOS's dnsmos_local.py.
P_SIG = (-0.08397278, 1.22083953, 0.0052439)
P_BAK = (-0.13166888, 1.60915514, -0.39604546)
P_OVR = (-0.06766283, 1.11546468, 0.04602535)
#: A window whose samples all stay under this (−100 dBFS) is digital silence.
SILENT = 1e-5

_session = None
_lock = threading.Lock()


def model_path() -> str:
    from importlib.resources import files

    path = files("speechmos") / "dnsmos_models" / "sig_bak_ovr.onnx"
    if not path.is_file():
        raise MeasureUnavailable("the DNSMOS model is missing from the speechmos package")
    return str(path)


def session():
    """One onnxruntime session per process, on one thread (the video pass needs the other).

    Without onnxruntime's memory arena: the arena keeps the CNN's largest activations once
    they have been needed, ≈ 200 MB held from the first window to the end of the process
    (it ran while the video pass was still going, so it stacked on its peak); without it
    a run takes ≈ 130 MB while it lasts and gives it back, for the same figures to the last
    bit and ≈ 0.05 s more CPU per window (issue #27)."""
    global _session
    with _lock:
        if _session is None:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1
            opts.inter_op_num_threads = 1
            opts.enable_cpu_mem_arena = False
            _session = ort.InferenceSession(model_path(), opts,
                                            providers=["CPUExecutionProvider"])
        return _session


def score_windows(windows: list[np.ndarray]) -> tuple[float, float, float]:
    """Mean (SIG, BAK, OVRL) of DNSMOS P.835 over 9.01 s windows of 16 kHz audio."""
    sess = session()
    out = []
    for w in windows:
        x = np.clip(np.asarray(w, np.float32), -1.0, 1.0)
        if len(x) < INPUT_LEN:
            x = np.resize(x, INPUT_LEN) if len(x) else np.zeros(INPUT_LEN, np.float32)
        raw = sess.run(None, {"input_1": x[None, :INPUT_LEN]})[0][0]
        out.append((np.polyval(P_SIG, raw[0]), np.polyval(P_BAK, raw[1]),
                    np.polyval(P_OVR, raw[2])))
    sig, bak, ovr = (float(v) for v in np.mean(out, axis=0))
    return sig, bak, ovr


@dataclass(frozen=True)
class DnsmosResult:
    sig: float
    bak: float
    ovrl: float
    windows: tuple[tuple[float, float], ...]   # (start s, mean speech probability) per window

    def named(self) -> dict:
        return {"dnsmos_sig": round(self.sig, 2), "dnsmos_bak": round(self.bak, 2),
                "dnsmos_ovrl": round(self.ovrl, 2)}


class Dnsmos(AudioMeasure):
    name = "dnsmos"
    requires = ("voice_prob",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.recent = np.zeros(0, np.float32)
        self.recent_p = np.zeros(0, np.float32)
        self.t = 0.0                      # seconds of 16 kHz audio seen
        part = (ctx.info.duration_s or 0.0) / WINDOWS
        self.part_s = part if part > 0 and math.isfinite(part) else math.inf
        self.best: dict[int, tuple[float, float, np.ndarray]] = {}
        self.short: list[np.ndarray] = []   # everything, while the tape is under 9.01 s

    def feed(self, block, upstream):
        v: Voice16k | None = upstream.get("voice_prob")
        if v is None:
            return None
        self.t += len(v.samples) / RATE_16K
        if self.t <= INPUT_S + 1.0:
            self.short.append(v.samples)
        self.recent = np.concatenate([self.recent, v.samples])[-INPUT_LEN:]
        per = int(round(INPUT_S / (512 / RATE_16K)))
        self.recent_p = np.concatenate([self.recent_p, v.prob])[-per:]
        if len(self.recent) == INPUT_LEN:
            speech = float(self.recent_p.mean()) if len(self.recent_p) else 0.0
            start = self.t - INPUT_S
            part = int(start // self.part_s) if math.isfinite(self.part_s) else 0
            part = min(part, WINDOWS - 1)
            if part not in self.best or speech > self.best[part][1]:
                self.best[part] = (start, speech, self.recent.copy())
        return None

    def finish(self, done):
        if self.best:
            chosen = [self.best[k] for k in sorted(self.best)]
        elif self.short:
            audio = np.concatenate(self.short)
            if len(audio) < RATE_16K // 2:
                raise MeasureUnavailable("less than 0.5 s of audio for the speech-quality model")
            chosen = [(0.0, float("nan"), audio)]
        else:
            raise MeasureUnavailable("no audio for the speech-quality model")
        chosen = [c for c in chosen if np.any(np.abs(c[2]) > SILENT)]
        if not chosen:   # the model rates digital silence as a middling background: say nothing
            raise MeasureUnavailable("the sound track is silent")
        sig, bak, ovr = score_windows([w for _, _, w in chosen])
        return DnsmosResult(sig, bak, ovr, tuple((round(s, 2), p) for s, p, _ in chosen))
