"""Loudness and clipping checks (A1xx): is the voice loud enough, and undistorted?

Sources for the thresholds:
* EBU R128 (2020): programme loudness −23 LUFS, maximum true peak −1 dBTP;
* ATSC A/85 (2013): −24 LKFS for US television;
* AES TD1004.1.15-10 "Recommendation for loudness of audio streaming and network file
  playback": −16 … −20 LUFS for speech-led online content; AES TD1008.1.21-9 (2021): true
  peak at most −1 dBTP for streaming distribution;
* YouTube and Spotify play back normalised near −14 LUFS: what casting hears just before
  your tape. Hence the recommended speech band −23 … −16 LUFS (broadcast to online speech).
"""

from __future__ import annotations

import math

from ..measures.loudness import ABSOLUTE_GATE_LUFS
from ..model import Severity
from .base import Hit, Param, Skip, check
from .plainly import decibels

#: The level the plain advice aims for: the middle of the recommended −23 … −16 LUFS range.
AIM_LUFS = -20.0
RECOMMENDED = "-23 … -16 LUFS recommended"
#: Fewer gated 400 ms speech blocks than this are too little speech to call its loudness
#: (measures/loudness.py `speech_blocks`): the checks then skip and say why.
MIN_SPEECH_BLOCKS = 3


def _speech_or_integrated(m) -> tuple[float, str]:
    loud = m["loudness"]
    if math.isfinite(loud.speech_lufs) and loud.speech_blocks >= MIN_SPEECH_BLOCKS:
        return loud.speech_lufs, "Speech loudness"
    if not (math.isfinite(loud.integrated_lufs) and loud.integrated_lufs > ABSOLUTE_GATE_LUFS):
        raise Skip("no sound above BS.1770's −70 LUFS gate (the track is silent: see M002)")
    raise Skip("no speech found to measure (A501); integrated loudness "
               f"{loud.integrated_lufs:.1f} LUFS")


@check(code="A101", name="voice-too-quiet", category="loudness", severity=Severity.WARNING,
       reads=("loudness",), unit="LUFS", reshoot=False, repair="loudness", warns="below",
       params=(Param(name="min_lufs", default=-30.0, unit="LUFS", warns="below",
                     help="speech quieter than this is a warning", min=-60.0, max=-10.0),
               Param(name="error_lufs", default=-40.0, unit="LUFS", warns="below",
                     help="speech quieter than this is an error", min=-70.0, max=-10.0)),
       problem="the quiet voice",
       fix="Move the microphone closer (an arm's length at most) and speak at performance "
           "level, or raise the level of your take in an editor.")
def voice_too_quiet(m, p):
    """The voice is too quiet: its loudness (speech only, BS.1770-4) is below {min_lufs} LUFS.

    Thresholds: 7 LU under the EBU R128 broadcast target (−23 LUFS) and 14 LU under the AES
    TD1004 online speech range (−16 … −20), where turning the volume up brings up the noise
    too; the error at {error_lufs} LUFS is the level of EBU's own "too quiet" reference file
    (../shared/corpus/loudness).
    Measured on the speech only (`speech_lufs`); skipped when no speech was found (A501).
    Why casting cares: casting watches one tape after another at one volume setting,
    between online clips played near −14 LUFS; a voice at −30 LUFS is 16 LU quieter, and below
    {error_lufs} LUFS it is hard to hear at all on laptop speakers.
    How to fix: record closer to the mic, or normalise the take to about −20 LUFS in an editor.
    """
    value, what = _speech_or_integrated(m)
    raise_by = f"raise it by {decibels(AIM_LUFS - value)} (in most editors: Normalize)"
    if value < p.error_lufs:
        return Hit(what, measured=value, threshold=p.error_lufs, severity=Severity.ERROR,
                   detail=RECOMMENDED,
                   plain=f"Your voice is far too quiet: casting will struggle to hear you — "
                   f"{raise_by}.")
    if value < p.min_lufs:
        return Hit(what, measured=value, threshold=p.min_lufs, detail=RECOMMENDED,
                   plain=f"Your voice is quieter than casting expects — {raise_by}.")


@check(code="A102", name="voice-too-loud", category="loudness", severity=Severity.WARNING,
       reads=("loudness",), unit="LUFS", reshoot=False, repair="loudness",
       params=(Param(name="max_lufs", default=-10.0, unit="LUFS", warns="above",
                     help="speech louder than this is a warning", min=-30.0, max=0.0),),
       problem="the very loud voice",
       fix="Lower the recording level (or step back from the mic) so the loudest lines stay "
           "clean, or turn the take down in an editor (most editors: Normalize).")
def voice_too_loud(m, p):
    """The voice is very loud: above {max_lufs} LUFS (speech only, BS.1770-4).

    Why casting cares: −10 LUFS is 4 LU above the loudest normalisation target in common use
    (−14 LUFS, YouTube/Spotify) and 13 LU above EBU R128's −23; tapes this hot are almost always
    limited or clipped, and blast out after the previous tape.
    How to fix: record lower, or normalise the take to about −20 LUFS.
    """
    value, what = _speech_or_integrated(m)
    if value > p.max_lufs:
        return Hit(what, measured=value, threshold=p.max_lufs, detail=RECOMMENDED,
                   plain=f"Your voice is very loud: it will blast out after the previous tape "
                   f"— turn it down by {decibels(value - AIM_LUFS)}.")


@check(code="A103", name="loudness-off-target", category="loudness", severity=Severity.INFO,
       reads=("loudness",), unit="LUFS", reshoot=False, repair="loudness",
       params=(Param(name="low_lufs", default=-23.0, unit="LUFS", warns="below",
                     help="bottom of the recommended speech range", min=-40.0, max=-10.0),
               Param(name="high_lufs", default=-16.0, unit="LUFS", warns="above",
                     help="top of the recommended speech range", min=-30.0, max=0.0),
               Param(name="tolerance_lu", default=1.0, unit="LU", warns="above",
                     help="how far outside the range before the note", min=0.0, max=10.0)),
       problem="the speech level",
       fix="Even out the level of the take in an editor (most editors: Normalize, or "
           "'loudness normalisation').")
def loudness_off_target(m, p):
    """The speech loudness is more than {tolerance_lu} LU outside the recommended {low_lufs} …
    {high_lufs} LUFS (a note).

    Why casting cares: −23 LUFS is the EBU R128 broadcast target, −16 LUFS the top of AES
    TD1004's range for online speech; inside that range your voice sits where casting's volume
    already is. The {tolerance_lu} LU tolerance is EBU R128's own (±1 LU where exact normalisation
    is not achievable): nobody hears a tape 0.3 LU outside the range, so it is no reason to
    re-export. Only a note when the voice is not already too quiet (A101) or too loud (A102): those
    carry the same fix. Recommended, not required: casting platforms publish no loudness rule.
    How to fix: loudness-normalise the take to about −20 LUFS.
    """
    value, what = _speech_or_integrated(m)
    if value < voice_too_quiet.param("min_lufs").default or \
            value > voice_too_loud.param("max_lufs").default:
        return None  # A101 / A102 say it, with the same fix
    low, high = p.low_lufs - p.tolerance_lu, p.high_lufs + p.tolerance_lu
    if value < low or value > high:
        quiet = value < low
        plain = (f"Your voice is a little quieter than recommended — raise it by "
                 f"{decibels(AIM_LUFS - value)}." if quiet else
                 f"Your voice is a little louder than recommended — lower it by "
                 f"{decibels(value - AIM_LUFS)}.")
        return Hit(what, measured=value, threshold=low if quiet else high,
                   detail=f"more than {p.tolerance_lu:g} LU outside the recommended "
                   f"{p.low_lufs:.0f} … {p.high_lufs:.0f} LUFS", plain=plain)


@check(code="A104", name="true-peak-high", category="clipping", severity=Severity.INFO,
       reads=("loudness",), unit="dBTP", reshoot=False, repair="loudness",
       params=(Param(name="max_dbtp", default=-1.0, unit="dBTP", warns="above",
                     help="highest true peak without a note", min=-12.0, max=3.0),),
       problem="the peaks",
       fix="Turn the take down slightly (1 or 2 dB) so its loudest peaks keep a little room "
           "below the maximum.")
def true_peak_high(m, p):
    """The true peak (BS.1770-4 Annex 2, 4× oversampled) is above {max_dbtp} dBTP.

    Why casting cares: EBU R128 and AES TD1008 cap true peak at −1 dBTP because lossy re-encoding —
    which every casting platform does on upload — overshoots and clips peaks that sit closer to
    full scale. A note: clipping you can hear is A105.
    How to fix: lower the take by the excess, or use a true-peak limiter at {max_dbtp} dBTP.
    """
    tp = m["loudness"].true_peak_dbtp
    if math.isfinite(tp) and tp > p.max_dbtp:
        return Hit("True peak", measured=tp, threshold=p.max_dbtp,
                   plain=f"The loudest moments are so close to the limit that they may "
                   f"distort once the casting site re-encodes the tape — turn the take down "
                   f"by {decibels(tp - p.max_dbtp)}.")


@check(code="A105", name="clipped-audio", category="clipping", severity=Severity.WARNING,
       reads=("clipping",), unit="%",
       params=(Param(name="max_percent", default=0.01, unit="%", warns="above",
                     help="share of clipped samples that is a warning", min=0.0, max=100.0),
               Param(name="error_percent", default=0.5, unit="%", warns="above",
                     help="share of clipped samples that is an error", min=0.0, max=100.0),
               Param(name="max_clicks", default=9.0, unit="clicks", warns="above",
                     help="more clicks at full scale (runs of 3 or more clipped samples) than "
                          "this warns, however short the tape's share", min=0.0, max=1000.0)),
       problem="the distorted (clipped) sound",
       fix="Record again with the input level lower (or the mic further away): loud lines "
           "hit the ceiling and distort.")
def clipped_audio(m, p):
    """The recording hit full scale: samples held at the rail (clipping distortion).

    A sample is clipped when it is in a run of ≥ 2 samples at ≥ 99 % of full scale
    (measures/loudness.py). Thresholds measured here: CMU ARCTIC speech driven 10 dB past full
    scale and saved as AAC has 0.07 % clipped samples and sounds harsh on every stressed
    syllable; clean takes, even normalised to their peak, stay under 0.001 %. {max_percent} %
    (about 5 samples a second) is where crackle on the loudest syllables starts; {error_percent} %
    is distortion throughout.
    The share of a long tape can hide a stretch that crackles: clipping in one burst of lines,
    or on one channel only. So the clicks are counted too — runs of ≥ 3 samples at the rail,
    each an audible click — and more than {max_clicks} warn whatever the share. Real clips: a
    stage recording whose left channel clips for 17 s of 115 (0.002 % of its samples) has 24
    clicks, a music intro's sound effect 47 (both labelled clipping, corpus/real2, half B);
    the presenter labelled "no audible clipping" (runs of 2 samples, corpus/real, half B) and
    every other corpus clip 0. Fewer than 3 real positives: the line sits between the clean 0
    and the 24 of a stretch that plainly crackles; the overdriven CMU ARCTIC take clicks on
    every stressed syllable (hundreds).
    Why casting cares: clipped consonants and shouted lines crackle; it cannot be repaired.
    How to fix: record again with the level lower; phones: turn off "loudness boost" modes.
    """
    c = m["clipping"]
    pct = 100.0 * c.clipped_sample_ratio
    if c.clipped_samples == 0 or (pct <= p.max_percent and c.clicks <= p.max_clicks):
        return None
    from ..model import Span

    spans = tuple(Span(t, t + 1.0) for t, _ in c.clipped_blocks)
    merged: list[Span] = []
    for s in spans:
        if merged and s.start_s <= merged[-1].end_s + 1e-6:
            merged[-1] = Span(merged[-1].start_s, s.end_s)
        else:
            merged.append(s)
    sev = Severity.ERROR if pct > p.error_percent else None
    if pct <= p.max_percent:
        return Hit("The sound clicks at full scale {}", measured=float(c.clicks),
                   threshold=p.max_clicks, unit="clicks", spans=tuple(merged[:20]),
                   detail=f"{pct:.4f} % of samples clipped",
                   plain="The sound crackles in places: loud moments hit the recording's "
                   "ceiling.")
    return Hit("{} of samples are clipped", measured=pct, threshold=p.max_percent,
               spans=tuple(merged[:20]), severity=sev,
               plain="The sound distorts: loud moments hit the recording's ceiling and "
               "crackle." if sev is None else "The sound is distorted throughout: it hit the "
               "recording's ceiling again and again.")
