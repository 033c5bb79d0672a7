#!/usr/bin/env python3
"""Generate src/tapecheck/measures/data/chance_envelopes.json — the source of truth for it.

Lip sync (measures/sync.py) asks how far a take's lips match its own sound *beyond* how well
they match speech they have nothing to do with. That unrelated speech is this file: the
speech-envelope slope (exactly as sync.py computes it for a tape: 300 Hz–3 kHz band level of
20 ms frames, floored, smoothed, differentiated) of a few freely redistributable read-speech
recordings from the corpus, joined end to end (≈ 70 s, 50 values a second, 8-bit).

Only recordings whose licence allows redistribution, never corpus/real:

* LibriSpeech (CC BY 4.0; V. Panayotov et al., "LibriSpeech: an ASR corpus based on public
  domain audio books", ICASSP 2015) — utterances 5703-47212-0000, 3436-172162-0000,
  198-209-0000 (via librosa/data);
* LJ Speech (public domain; K. Ito & L. Johnson, 2017) — LJ050-0131;
* CMU ARCTIC (CMU's permissive licence; J. Kominek & A. Black) — aew a0001, a0002, axb a0004,
  a0006;
* CSTR noisy speech database (CC BY 4.0; C. Valentini-Botinhao, University of Edinburgh) —
  p286_011 (noisy).

GRID clips are left out on purpose: they are the lip-sync reference clips, and a clip's own
sound among the "unrelated" speech would count against it.

    .venv/bin/python scripts/make_chance_envelopes.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tapecheck.measures import sync  # noqa: E402
from tapecheck.measures.audioframes import analyse  # noqa: E402

SOURCES = [
    ("speech/librosa_libri1_5703-47212-0000.ogg", "LibriSpeech 5703-47212-0000, CC BY 4.0"),
    ("speech/librosa_libri2_3436-172162-0000.ogg", "LibriSpeech 3436-172162-0000, CC BY 4.0"),
    ("speech/librosa_libri3_198-209-0000.ogg", "LibriSpeech 198-209-0000, CC BY 4.0"),
    ("speech/ljspeech_LJ050-0131.wav", "LJ Speech LJ050-0131, public domain"),
    ("speech/cmu_arctic_us_aew_a0001.wav", "CMU ARCTIC us_aew a0001, CMU licence"),
    ("speech/cmu_arctic_us_aew_a0002.wav", "CMU ARCTIC us_aew a0002, CMU licence"),
    ("speech/cmu_arctic_us_axb_a0004.wav", "CMU ARCTIC us_axb a0004, CMU licence"),
    ("speech/cmu_arctic_us_axb_a0006.wav", "CMU ARCTIC us_axb a0006, CMU licence"),
    ("speech/valentini_noisy_p286_011.wav", "CSTR noisy speech p286_011, CC BY 4.0"),
]
RATE = 48000
#: The stored slope is scaled to unit spread and quantised to int8 at this many steps per
#: unit (clipped at ±127/SCALE): correlation is scale-free, 8 bits keep r within ±0.005.
SCALE = 24.0
OUT = ROOT / "src" / "tapecheck" / "measures" / "data" / "chance_envelopes.json"


def decode(path: Path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-ac", "1",
                          "-ar", str(RATE), "-f", "f32le", "-"], capture_output=True,
                         check=True).stdout
    return np.frombuffer(raw, np.float32)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    args = ap.parse_args()
    pieces = []
    for rel, _ in SOURCES:
        bands, _ = analyse(decode(Path(args.corpus) / rel), RATE)
        pieces.append(sync.envelope_slope(bands, 0.02))
    slope = np.concatenate(pieces)
    z = (slope - slope.mean()) / slope.std()
    q = np.clip(np.round(z * SCALE), -127, 127).astype(np.int8)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "what": "speech-envelope slope (measures/sync.py envelope_slope) of unrelated read "
                "speech, 20 ms steps, int8 = value x scale; made by "
                "scripts/make_chance_envelopes.py",
        "hop_s": 0.02, "scale": SCALE,
        "sources": [name for _, name in SOURCES],
        "int8_base64": base64.b64encode(q.tobytes()).decode("ascii"),
    }, indent=1) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(q)} values ({len(q) * 0.02:.1f} s), "
          f"{OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
