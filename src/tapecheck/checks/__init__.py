"""Checks: small pure rules over measures. `REGISTRY` is the explicit list, in report order.

Adding a check: write it with `@check` in the module of its family, add it here.
Codes (DESIGN.md §2): M0xx media, orientation, resolution · V1xx face, eyes, extra face ·
V2xx lighting · V3xx framing · V4xx focus, stability · V5xx picture edits · A1xx loudness,
clipping · A2xx noise, hum · A3xx clarity · A4xx channels · A5xx speech, dead air ·
X1xx cross-modal · P1xx platform. A code is never reused.
"""

from __future__ import annotations

from .base import Check, Hit, Param, Skip, check, spans_from_mask
from . import media
from . import visibility, lighting, framing, focus, picture
from . import loudness, noise, clarity, channels, speech
from . import platform
from . import crossmodal

REGISTRY: tuple[Check, ...] = (
    media.no_audio_track,
    media.silent_audio_track,
    media.too_short,
    media.file_cut_short,
    media.variable_frame_rate,
    media.hdr_video,
    media.portrait_orientation,
    media.low_resolution,
    visibility.face_not_visible,
    visibility.face_lost,
    visibility.eyes_in_shadow,
    visibility.glare_on_glasses,
    visibility.eyeline_turned_away,
    visibility.looking_down,
    visibility.second_face,
    lighting.face_too_dark,
    lighting.backlit,
    lighting.face_overexposed,
    lighting.uneven_light,
    framing.framed_too_wide,
    framing.framed_too_tight,
    framing.eyes_too_low,
    framing.face_cut_off,
    framing.off_centre,
    framing.black_bars,
    focus.face_out_of_focus,
    focus.camera_shake,
    picture.black_frames,
    picture.frozen_video,
    picture.cuts_in_take,
    loudness.voice_too_quiet,
    loudness.voice_too_loud,
    loudness.loudness_off_target,
    loudness.true_peak_high,
    loudness.clipped_audio,
    noise.noisy_background,
    noise.mains_hum,
    clarity.muffled_voice,
    clarity.narrow_band_audio,
    clarity.room_echo,
    clarity.handling_or_wind_noise,
    channels.channel_imbalance,
    channels.channels_out_of_phase,
    channels.dc_offset,
    speech.no_speech,
    speech.little_speech,
    speech.long_lead_in,
    speech.long_tail,
    speech.audio_dropout,
    crossmodal.reader_too_loud,
    crossmodal.lip_sync_offset,
    crossmodal.sync_drift,
    crossmodal.voice_not_on_camera,
    crossmodal.only_other_voices,
    platform.container_not_accepted,
    platform.file_too_large,
    platform.file_larger_than_recommended,
    platform.file_name_convention,
    platform.too_many_clips,
    platform.codec_not_recommended,
)

BY_CODE: dict[str, Check] = {c.code: c for c in REGISTRY}

__all__ = ["BY_CODE", "Check", "Hit", "Param", "REGISTRY", "Skip", "check", "spans_from_mask"]
