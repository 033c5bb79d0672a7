#!/usr/bin/env python3
"""Fuzz ingest + checks with mutated tiny tapes; report crashes and hangs.

    python scripts/fuzz.py                 # 2000 variants, 2 workers
    python scripts/fuzz.py -n 300 --seed 7 --keep crashes/

Seeds are tiny (1 s, 320×240) tapes in several containers and codecs, made with ffmpeg.
Each variant is one mutation of a seed: byte flips, a run of random bytes, truncation, a
splice of two seeds, a duplicated or deleted chunk. Each is judged in-process with
`tapecheck.check_file(path, Settings(quick=True))` in a worker process:

* crash — an exception escapes `check_file`, or a check lands in `check_errors`
  (a bad file must become `status: error` or findings, never a broken check);
* hang — the variant takes longer than `--hang` seconds (the worker is killed).

Found inputs are written to `--keep` so they can become regression tests
(`tests/fuzz_regressions/`). Not part of the default test run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

SEEDS = {
    "h264-aac.mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-g", "5", "-c:a", "aac"],
    "h264-aac.mov": ["-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-c:a", "aac"],
    "vp9-opus.webm": ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus"],
    "mpeg4-mp3.avi": ["-c:v", "mpeg4", "-c:a", "libmp3lame"],
    "h264-pcm.mkv": ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le"],
}


def make_seeds(folder: Path) -> list[Path]:
    out = []
    for name, codec in SEEDS.items():
        p = folder / name
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc2=s=320x240:r=25:d=1", "-f", "lavfi", "-i",
                        "sine=frequency=440:sample_rate=48000:d=1", *codec, "-shortest", str(p)],
                       check=True)
        out.append(p)
    return out


def mutate(data: bytes, other: bytes, rng: random.Random) -> tuple[bytes, str]:
    b = bytearray(data)
    kind = rng.choice(["flip", "burst", "truncate", "splice", "duplicate", "delete", "header"])
    if kind == "flip":
        for _ in range(rng.randint(1, 40)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == "burst":
        i = rng.randrange(len(b))
        n = rng.randint(1, 4096)
        b[i:i + n] = os.urandom(min(n, len(b) - i))
    elif kind == "truncate":
        b = b[:rng.randrange(1, len(b))]
    elif kind == "splice":
        i, j = rng.randrange(len(b)), rng.randrange(len(other))
        b = b[:i] + bytearray(other[j:])
    elif kind == "duplicate":
        i = rng.randrange(len(b))
        n = rng.randint(1, 8192)
        b = b[:i + n] + b[i:]
    elif kind == "delete":
        i = rng.randrange(len(b))
        del b[i:i + rng.randint(1, 8192)]
    else:  # header: damage the first bytes, where containers keep their structure
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(min(256, len(b)))
            b[i] = rng.randrange(256)
    return bytes(b), kind


def judge(path: str) -> tuple[str, str]:
    """('ok'|'crash', detail) for one file, in a worker process."""
    from tapecheck import check_file
    from tapecheck.settings import Settings

    try:
        rep = check_file(path, Settings(quick=True))
    except BaseException:  # noqa: BLE001 — that is exactly what we hunt
        return "crash", traceback.format_exc(limit=6)
    if rep.check_errors:
        return "crash", "; ".join(f"{e.code}: {e.message}" for e in rep.check_errors)
    rep.to_dict()  # must serialise
    return "ok", rep.status if rep.status == "judged" else rep.error.code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=2000, help="variants to try")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--hang", type=float, default=60.0, help="seconds before a variant is a hang")
    ap.add_argument("--keep", type=Path, default=Path("fuzz-found"),
                    help="where crashing and hanging inputs are saved")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    work = Path(tempfile.mkdtemp(prefix="tapecheck-fuzz-"))
    seeds = make_seeds(work)
    blobs = [p.read_bytes() for p in seeds]
    outcomes: dict[str, int] = {}
    found = 0
    start = time.time()
    ctx = mp.get_context("spawn")
    with ctx.Pool(a.jobs, maxtasksperchild=50) as pool:
        pending = []
        for i in range(a.n):
            k = rng.randrange(len(seeds))
            data, kind = mutate(blobs[k], rng.choice(blobs), rng)
            path = work / f"v{i:05d}-{kind}{seeds[k].suffix}"
            path.write_bytes(data)
            pending.append((path, pool.apply_async(judge, (str(path),))))
        for path, res in pending:
            try:
                status, detail = res.get(timeout=a.hang)
            except mp.TimeoutError:
                status, detail = "hang", f"no answer within {a.hang:.0f} s"
            if status == "ok":
                outcomes[detail] = outcomes.get(detail, 0) + 1
                path.unlink()
                continue
            found += 1
            a.keep.mkdir(parents=True, exist_ok=True)
            kept = a.keep / path.name
            kept.write_bytes(path.read_bytes())
            print(f"{status.upper()}: {kept}\n  {detail.strip()}", flush=True)
    took = time.time() - start
    print(f"{a.n} variants in {took:.0f} s: {found} crashes/hangs; outcomes "
          + ", ".join(f"{k}={v}" for k, v in sorted(outcomes.items())))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
