"""Channel checks (A4xx): both sides carry the voice, in phase, centred on zero."""

from __future__ import annotations

from ..model import Severity
from .base import Hit, Param, check


@check(code="A401", name="channel-imbalance", category="channels", severity=Severity.WARNING,
       reads=("channels",), unit="dB", reshoot=False, words=("more than", "less than"),
       repair="channels",
       params=(Param(name="max_imbalance_db", default=10.0, unit="dB", warns="above",
                     help="level difference between left and right above which the voice is "
                          "lopsided", min=1.0, max=60.0),),
       problem="the lopsided audio channels",
       fix="Export the audio as mono (or copy the good channel to both sides); next time "
           "plug the mic into a mono input or set the recorder to mono.")
def channel_imbalance(m, p):
    """One channel is much quieter than the other, or dead (a lav on one side of the input).

    `channel_imbalance_db` is |level(L) − level(R)| over the speech (measures/channels.py).
    Threshold {max_imbalance_db} dB: an interaural level difference of about 10 dB already pulls a
    voice almost completely to one side (J. Blauert, Spatial Hearing, MIT Press 1997, ch. 2.4:
    lateralisation saturates near 10–15 dB ILD); ≥ 60 dB means one side is silent.
    Why casting cares: on headphones the voice sits in one ear, which is distracting and
    reads as a technical fault. How to fix: make it mono in an editor; it needs no new take.
    """
    c = m["channels"]
    if c.channels < 2:
        return None
    if c.channel_imbalance_db > p.max_imbalance_db:
        dead = c.channel_imbalance_db >= 60.0
        return Hit(f"The {c.quieter_channel} channel is {{}} quieter",
                   measured=c.channel_imbalance_db, threshold=p.max_imbalance_db,
                   detail="silent" if dead else "",
                   plain=f"The {c.quieter_channel} side of the sound is "
                   f"{'silent' if dead else 'much quieter'}: on headphones your voice sits in "
                   "one ear.")


@check(code="A402", name="channels-out-of-phase", category="channels",
       severity=Severity.WARNING, reads=("channels",), unit="dB", reshoot=False, repair="channels",
       words=("more than", "less than"),
       params=(Param(name="max_mono_loss_db", default=6.0, unit="dB", warns="above",
                     help="voice level lost in a mono mix beyond which it is a warning",
                     min=1.0, max=60.0),
               Param(name="error_mono_loss_db", default=20.0, unit="dB", warns="above",
                     help="voice level lost in a mono mix beyond which it is an error",
                     min=1.0, max=120.0)),
       problem="the out-of-phase audio channels",
       fix="Invert the phase (polarity) of one channel in an editor, or export mono from the "
           "good channel.")
def channels_out_of_phase(m, p):
    """The two channels are in opposite phase: the voice cancels when they are summed to mono.

    `mono_loss_db` is how much quieter the voice gets in (L+R)/2 than in the channels
    themselves (measures/channels.py): 0 dB for dual mono, 3 dB for unrelated sides, and
    −∞ for one side inverted. Phone speakers, many laptops and some web players play mono.
    Thresholds: a loss over {max_mono_loss_db} dB cannot come from two unrelated mics (3 dB) — the
    sides work against each other; over {error_mono_loss_db} dB the voice all but vanishes in mono
    (error).
    Why casting cares: on a phone the read may be nearly silent.
    How to fix: flip the polarity of one channel, or use one channel as mono.
    """
    c = m["channels"]
    if c.channels < 2:
        return None
    loss = -c.mono_loss_db
    corr = "" if c.correlation is None else f"correlation {c.correlation:+.2f}"
    if loss > p.error_mono_loss_db:
        return Hit("The channels are in opposite phase: the voice drops {} when played in "
                   "mono", measured=loss, threshold=p.error_mono_loss_db,
                   severity=Severity.ERROR, detail=corr,
                   plain="The two sides of the sound cancel out: on a phone speaker your "
                   "voice almost disappears.")
    if loss > p.max_mono_loss_db:
        return Hit("The channels partly cancel: the voice drops {} when played in mono",
                   measured=loss, threshold=p.max_mono_loss_db, detail=corr,
                   plain="The two sides of the sound partly cancel: on a phone speaker your "
                   "voice gets quieter.")


@check(code="A403", name="dc-offset", category="channels", severity=Severity.WARNING,
       reads=("channels",), unit="dBFS", reshoot=False, repair="dc",
       params=(Param(name="max_dc_dbfs", default=-40.0, unit="dBFS", warns="above",
                     help="DC offset (|mean| of a channel) above which it is a warning",
                     min=-90.0, max=0.0),),
       problem="the off-centre audio (DC offset)",
       fix="Apply 'DC offset removal' or a high-pass filter in an editor; check the mic "
           "interface next time.")
def dc_offset(m, p):
    """The waveform is off-centre (DC offset): a faulty interface or mic preamp.

    Threshold: 1 % of full scale ({max_dc_dbfs} dBFS). A healthy converter sits near zero: the
    corpus speech and clips measure −48 dBFS at most (speechbrain's VAD sample; the GRID clips −53
    … −57 dBFS, which their ready tapes keep).
    Why casting cares: an offset this large wastes headroom, makes clicks at every cut and
    fade, and points to hardware trouble that may also add noise.
    How to fix: remove it in an editor (DC offset removal / 20 Hz high-pass).
    """
    dc = m["channels"].dc_offset_dbfs
    if dc > p.max_dc_dbfs:
        return Hit("DC offset", measured=dc, threshold=p.max_dc_dbfs,
                   plain="The sound wave is off-centre: a fault in the microphone or recorder "
                   "that can cause clicks.")
