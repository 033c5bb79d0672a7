"""Picture checks as pure rules: a fake measure in, one assertion out (no ffmpeg, no model);
and the framing measure's geometry on drawn frames."""

import dataclasses

import numpy as np
import pytest

from tapecheck.checks import REGISTRY
from tapecheck.ingest import Frame
from tapecheck.measures import faces, framing
from tapecheck.measures.base import Context
from tapecheck.measures.eyes import EyesResult
from tapecheck.measures.focus import FocusFrame, FocusResult
from tapecheck.measures.framing import FramingFrame, FramingResult
from tapecheck.model import Severity

BY_CODE = {c.code: c for c in REGISTRY}


def run(code, **measures):
    c = BY_CODE[code]
    return c.run(measures, {p.name: p.default for p in c.params})


def _framing(n=10, bars=(0.0, 0.0, 0.0, 0.0), **kw):
    base = dict(t=0.0, height=0.35, eyes=0.40, center=0.0, crown=0.1, edges="", above=0.6,
                below=1.5)
    base.update(kw)
    frames = tuple(FramingFrame(**{**base, "t": i * 0.5}) for i in range(n))
    return FramingResult(frames, n * 0.5, (), bars)


@pytest.mark.parametrize("below,flagged", [(1.5, False), (2.3, False), (2.7, True), (3.0, True)])
def test_too_wide_by_the_body_under_the_chin(below, flagged):
    hits = run("V301", framing=_framing(below=below))
    assert bool(hits) == flagged
    if flagged:
        message = BY_CODE["V301"].message(hits[0])
        assert hits[0].measured == pytest.approx(below) and "face heights" in message


@pytest.mark.parametrize("height,room,flagged", [(0.55, 0.45, False), (0.61, 0.45, False),
                                                 (0.58, 0.30, False), (0.69, 0.27, True),
                                                 (0.55, 0.15, True), (0.5, 0.0, True)])
def test_too_tight_is_one_rule_for_face_size_and_head_cut(height, room, flagged):
    assert bool(run("V302", framing=_framing(height=height, above=room))) == flagged


def test_head_cut_message_speaks_in_face_heights():
    hit = run("V302", framing=_framing(height=0.55, above=0.12))[0]
    message = BY_CODE["V302"].message(hit)
    assert hit.measured == pytest.approx(0.12) and "0.12 face heights" in message


@pytest.mark.parametrize("eyes,flagged", [(0.44, False), (0.64, False), (0.71, True)])
def test_eyes_in_the_lower_third(eyes, flagged):
    assert bool(run("V303", framing=_framing(eyes=eyes))) == flagged


def test_black_bars_warn_by_the_share_of_the_frame():
    assert run("V306", framing=_framing(bars=(0.125, 0.125, 0.0, 0.0)))[0].measured == \
        pytest.approx(0.25)
    assert run("V306", framing=_framing(bars=(0.0, 0.0, 0.0, 0.0))) == []


def test_bars_found_in_pairs_only():
    img = np.full((480, 640), 120, np.uint8)
    img[:60] = img[-60:] = 16                                    # letterbox
    assert framing.bars(img) == (60, 60, 0, 0)
    one_side = np.full((360, 640), 120, np.uint8)
    one_side[:, 600:] = 10                                        # a dark curtain at one side
    assert framing.bars(one_side) == (0, 0, 0, 0)


def test_framing_is_measured_inside_the_bars():
    """A face in a letterboxed frame: shares are of the 640×360 picture, not the 640×480 frame."""
    img = np.full((480, 640, 3), 120, np.uint8)
    img[:60] = img[-60:] = 16
    face = faces.Face((280, 160, 360, 260), 0.9, ((300, 195), (340, 195), (320, 220),
                                                  (305, 240), (335, 240)))
    fm = framing.Framing(Context(info=type("I", (), {"duration_s": 1.0})()))
    fr = fm.feed(Frame(0, 0.0, img), {"faces": faces.FaceFrame(0.0, 640, 480, (face,), ())})
    assert fr.height == pytest.approx(100 / 360)
    assert fr.eyes == pytest.approx((195 - 60) / 360)
    assert fr.above == pytest.approx((160 - 60) / 100)
    assert fr.below == pytest.approx((420 - 260) / 100)
    assert fm.finish({}).bars == pytest.approx((0.125, 0.125, 0.0, 0.0))


def _focus(fine, coarse):
    return FocusResult(tuple(FocusFrame(i * 0.5, fine, None, 200.0, coarse) for i in range(6)),
                       3.0)


@pytest.mark.parametrize("fine,coarse,expected", [
    (1.6, 2.0, None), (0.9, 1.5, Severity.WARNING), (1.25, 1.5, Severity.WARNING),
    (0.6, 0.93, Severity.ERROR)])
def test_blur_that_hides_the_eyes_is_an_error(fine, coarse, expected):
    hits = run("V401", focus=_focus(fine, coarse))
    assert (hits[0].severity or Severity.WARNING if hits else None) == expected


def _eyes(yaws):
    n = len(yaws)
    return EyesResult(tuple(i * 0.5 for i in range(n)), ("visible",) * n, tuple(yaws),
                      (0.0,) * n, (1.0,) * n, n * 0.5)


def test_sustained_look_well_off_the_lens_warns_but_a_reader_beside_it_does_not():
    beside = [15.0 + (i % 3) for i in range(40)]                  # just off the lens
    interview = [28.0 + (i % 5) for i in range(40)]               # well off, all the way
    assert run("V112", eyes=_eyes(beside)) == []
    hit = run("V112", eyes=_eyes(interview))[0]
    assert hit.threshold == 25.0 and hit.measured == pytest.approx(30.0, abs=1)
    # the same look for less than 60 % of the tape is a glance, not an eyeline
    glances = [28.0 if i % 2 else 10.0 for i in range(40)]
    assert run("V112", eyes=_eyes(glances)) == []


@pytest.mark.parametrize("share,flagged", [(0.035, False), (0.054, False), (0.26, True),
                                           (None, False)])
def test_variable_frame_rate_judges_sustained_irregular_timing(share, flagged):
    media = type("M", (), {"irregular_frame_share": share, "fps": 30.0})()
    assert bool(run("M004", media=media)) == flagged


def test_frames_read_on_someone_else_are_dropped_once_the_actor_is_known():
    """Faces-result interface the lip-sync measures use: `is_actor` and `actor_box_at`."""
    res = faces.FacesResult((0.0, 0.5, 1.0), (False, True, True), (True, False, False), 1.5,
                            actor_track=1, actor_boxes=(None, (10, 10, 50, 60), (12, 10, 52, 60)))
    assert res.is_actor(1) and not res.is_actor(0) and not res.is_actor(None)
    assert res.actor_box_at(0.9) == (12, 10, 52, 60) and res.actor_box_at(0.1) is None
    moved = dataclasses.replace(res, actor_boxes=(None, None, None))
    assert moved.actor_box_at(1.0) is None
