"""Principled gates (issue #21): no voice, no verdict on the voice; checks without real
positives remark (info) instead of warning. Rules on fake measures: exact and fast."""

from __future__ import annotations

from checks_fake import ns, severities
from tapecheck.model import Span


def clarity(**kw):
    base = dict(hf_balance_db=-10.0, bandwidth_hz=12000.0, reverb_rt60_s=0.3, bursts=())
    base.update(kw)
    return ns(**base)


def test_noise_is_not_judged_without_a_voice():
    got = severities("A201", noise=ns(snr_weighted_db=None, sii=None), dnsmos=ns(bak=1.1))
    assert got == ["skip: no voice on the tape for the background to compete with"]


def test_an_intrusive_background_under_clear_words_is_a_remark():
    assert severities("A201", noise=ns(snr_weighted_db=20.0, sii=0.99),
                      dnsmos=ns(bak=1.5)) == ["info"]
    assert severities("A201", noise=ns(snr_weighted_db=20.0, sii=0.99),
                      dnsmos=ns(bak=3.5)) == []
    assert severities("A201", noise=ns(snr_weighted_db=10.0, sii=0.8),
                      dnsmos=ns(bak=1.5)) == ["warning"]


def test_bumps_are_not_judged_without_a_voice():
    got = severities("A304", clarity=clarity(bandwidth_hz=None, bursts=(Span(1, 1.3),) * 5))
    assert got[0].startswith("skip: no voice")


def test_one_burst_is_a_remark_two_are_a_warning():
    one = clarity(bursts=(Span(1.0, 1.1),))
    two = clarity(bursts=(Span(1.0, 1.1), Span(5.0, 5.4)))
    assert severities("A304", clarity=one) == ["info"]
    assert severities("A304", clarity=two) == ["warning"]
    assert severities("A304", clarity=clarity()) == []


def test_side_light_is_a_remark():
    light = ns(side_stops=4.2, frames=[ns(side=4.2)] * 10, times=[i * 0.5 for i in range(10)],
               duration_s=5.0)
    assert severities("V204", light=light) == ["info"]


def test_a_close_up_with_its_whole_head_in_frame_is_not_too_tight():
    """The ready GRID sample tape's close-up measures 0.614 with 0.38 face heights of room."""
    def framing(h, room=0.4):
        return ns(face_height=h, above=room, frames=[ns()] * 10)
    assert severities("V302", framing=framing(0.614)) == []
    assert severities("V302", framing=framing(0.68)) == ["warning"]
    assert severities("V302", framing=framing(0.6, room=0.1)) == ["warning"]


def test_clicks_in_one_stretch_warn_though_the_share_is_small():
    def clipping(samples, clicks):
        return ns(clipped_sample_ratio=samples / 11_000_000, clipped_samples=samples,
                  clipped_blocks=[(78.0, samples)], clicks=clicks)
    assert severities("A105", clipping=clipping(100, 24)) == ["warning"]
    assert severities("A105", clipping=clipping(4, 2)) == []
    assert severities("A105", clipping=clipping(4, 0)) == []


def test_camera_motion_warns_from_6_px_and_is_a_remark_from_3_px():
    def motion(px):
        return ns(pairs_tried=10, judged=True, shift=[px] * 10, shake_px=px,
                  times=[i * 0.5 for i in range(10)], duration_s=5.0)
    assert severities("V410", motion=motion(26.5)) == ["warning"]
    assert severities("V410", motion=motion(5.6)) == ["info"]
    assert severities("V410", motion=motion(1.8)) == []


def test_a_small_face_is_not_compared_with_the_background():
    def focus(detailed):
        return ns(judged=5, face=1.24, background=2.73, coarse=1.7, detailed=detailed)
    assert severities("V401", focus=focus(True)) == ["warning"]
    assert severities("V401", focus=focus(False)) == []
