"""Does the face on camera speak the speech heard (measures/lipmotion.py, X104, X105)?

Synthetic lip tracks with exact expectations for the decision; fake measures for the checks;
one constructed tape (a silent face from the corpus over a corpus voice) through the whole
pipeline.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from tapecheck import check_file
from tapecheck.checks import BY_CODE
from tapecheck.checks.base import Skip
from tapecheck.measures import Context
from tapecheck.measures import lipmotion as lm
from tapecheck.errors import MeasureUnavailable
from tapecheck.measures.base import Missing
from tapecheck.measures.mouth import MouthResult
from tapecheck.measures.sync import SyncResult, Track
from tapecheck.model import Span
from tapecheck.settings import Settings

FPS = 25.0


def _track(start: float, end: float, eyes_per_s, seed: int = 0) -> Track:
    """A full-rate lip track whose |speed| has the given 90th percentile (eye distances/s):
    magnitudes evenly spread from 0 to eyes_per_s / 0.9, in random order and sign."""
    rng = np.random.default_rng(seed)
    t = np.arange(start, end, 1 / FPS)
    size = np.linspace(0.0, eyes_per_s / 0.9, len(t))
    per_frame = rng.permutation(size) * rng.choice([-1.0, 1.0], len(t)) * lm.PX_PER_EYE / FPS
    return Track(start, end, t, per_frame)


def _piece(start, end, eyes_per_s, spans=((0.0, 100.0),), seed=0) -> lm.Piece:
    tr = _track(start, end, eyes_per_s, seed)
    return lm.lip_speeds(tr.times, tr.speed, list(spans))


def test_the_lip_speed_is_the_90th_percentile_in_eye_distances_per_second():
    p = _piece(0.0, 40.0, 0.6)
    assert float(np.percentile(p.speeds, 90)) == pytest.approx(0.6, rel=0.01)
    assert p.seen_s == pytest.approx(40.0, abs=0.1)


@pytest.mark.parametrize("speeds, state", [
    ((0.2, 0.25), lm.STILL),            # a resting mouth through the speech
    ((0.8, 0.7), lm.SPEAKS),            # a speaking one
    ((0.15, 0.15, 0.15, 0.6), lm.SPEAKS),   # still, but one piece moves: a line of theirs
])
def test_still_lips_only_when_every_piece_is_still(speeds, state):
    pieces = [_piece(4.0 * i, 4.0 * i + 4.0, v, seed=i) for i, v in enumerate(speeds)]
    got, lip, why = lm.judge(pieces)
    assert got == state
    assert (why == "") == (state == lm.STILL)


def test_a_mouth_seen_too_little_or_too_briefly_is_not_judged():
    seen = _piece(0.0, 4.0, 0.2)
    half_hidden = lm.Piece(seen.speeds[: len(seen.speeds) // 3], seen.frames, FPS)
    assert lm.judge([half_hidden])[0] == lm.UNKNOWN
    brief = _piece(0.0, 2.0, 0.2)
    state, _, why = lm.judge([brief])
    assert state == lm.UNKNOWN and "only 2.0 s" in why


def test_the_rest_of_the_speech_is_cut_into_pieces_within_the_budget():
    rest = lm.uncovered([(0.0, 10.0), (12.0, 20.0)], [(2.0, 6.0)])
    assert rest == [(0.0, 2.0), (6.0, 10.0), (12.0, 20.0)]
    pieces = lm.extra_pieces(rest)
    assert all(b - a <= lm.PIECE_S + 1e-9 for a, b in pieces)
    assert sum(b - a for a, b in pieces) == pytest.approx(14.0)
    long = lm.extra_pieces([(0.0, 200.0)])
    assert sum(b - a for a, b in long) <= lm.MAX_EXTRA_S + 1e-9
    assert long[0][0] == 0.0 and long[-1][1] == 200.0     # spread over the whole speech


# --- the measure on fake upstream results (no decoding: the tracks cover the speech) ---------

def _speakers(spans, told_apart=False):
    lines = tuple(SimpleNamespace(start_s=a, end_s=b) for a, b in spans)
    return SimpleNamespace(lines=lines, told_apart=told_apart)


def _mouth(duration, state=""):
    t = tuple(np.arange(0.0, duration, 0.5))
    return MouthResult(t, (state,) * len(t), (None,) * len(t), (None,) * len(t))


def _sync(tracks, offset=None):
    return SyncResult((), offset, "" if offset is not None else "no match", 0.0, tuple(tracks))


def _speech(background=()):
    """speech.py's result as lipmotion reads it: the voices it set aside (step 4)."""
    segs = tuple(SimpleNamespace(start_s=a, end_s=b) for a, b in background)
    return SimpleNamespace(background_segments=segs)


def _compute(speakers, mouth, sync, speech=None, r128=Missing("no audio")):
    return lm.LipMotion(Context(info=None)).compute(
        {"speech": speech or _speech(), "speakers": speakers, "mouth": mouth, "sync": sync,
         "faces": Missing("not needed: the tracks cover the speech"), "r128": r128})


SPANS = [(0.5, 4.0), (4.5, 8.0)]


def test_a_still_face_over_speech_is_not_the_voice_heard():
    # momentary loudness every 100 ms: -20 LUFS through the speech
    r128 = SimpleNamespace(momentary=np.full(90, -20.0))
    res = _compute(_speakers(SPANS), _mouth(8.5), _sync([_track(0.0, 8.5, 0.2)]), r128=r128)
    assert res.state == lm.STILL and res.lip_speed < lm.STILL_MAX
    assert res.speech_s == pytest.approx(7.0) and res.decoded_s == 0.0
    assert res.spans == (Span(0.5, 4.0), Span(4.5, 8.0))
    assert res.source == lm.PERFORMED and res.voices_lufs == pytest.approx(-20.0, abs=0.1)


def test_voices_set_aside_as_the_room_are_judged_by_the_mouth_too(monkeypatch):
    """No speech stands out (speech.py step 4: people off camera talking over car noise):
    speakers and lip sync have nothing, so the voices set aside are decoded and judged."""
    decoded = []

    def fake_decode(info, window, choose=None):
        decoded.append(window)
        tr = _track(window[0], window[1], 0.2, seed=len(decoded))
        return tr.times, tr.speed

    monkeypatch.setattr(lm, "decode_track", fake_decode)
    none = Missing("no speech was found")
    res = _compute(none, _mouth(9.0), none, speech=_speech(SPANS))
    assert res.state == lm.STILL and res.source == lm.BEHIND
    assert res.decoded_s == pytest.approx(7.0)
    assert sum(b - a for a, b in decoded) == pytest.approx(7.0)
    # no speech and nothing set aside: nothing to judge
    with pytest.raises(MeasureUnavailable, match="no speech"):
        _compute(none, _mouth(9.0), none)


@pytest.mark.parametrize("speakers, mouth, sync, state, why", [
    (_speakers(SPANS), _mouth(8.5), _sync([_track(0.0, 8.5, 0.8)]), lm.SPEAKS, "lips move"),
    (_speakers(SPANS, told_apart=True), _mouth(8.5), _sync([_track(0.0, 8.5, 0.2)]),
     lm.SPEAKS, "one of the voices"),
    (_speakers(SPANS), _mouth(8.5), _sync([_track(0.0, 8.5, 0.2)], offset=40.0), lm.SPEAKS,
     "match the sound"),
    (_speakers(SPANS), _mouth(8.5, "turned"), _sync([_track(0.0, 8.5, 0.2)]), lm.UNKNOWN,
     "turned away"),
    (_speakers(SPANS), _mouth(8.5, "small"), _sync([_track(0.0, 8.5, 0.2)]), lm.UNKNOWN,
     "too small"),
    (_speakers([(0.5, 2.5)]), _mouth(8.5), _sync([_track(0.0, 8.5, 0.2)]), lm.UNKNOWN,
     "too little speech"),
    (_speakers(SPANS), _mouth(8.5), Missing("no lip movement could be measured"), lm.UNKNOWN,
     "no lip movement"),
])
def test_what_says_the_face_speaks_and_what_says_it_cannot_be_told(speakers, mouth, sync,
                                                                    state, why):
    res = _compute(speakers, mouth, sync)
    assert res.state == state and why in res.reason


# --- the checks on fake measures -------------------------------------------------------------

def _run(code, **measures):
    c = BY_CODE[code]
    values = {p.name: p.default for p in c.params}
    return c.run(measures, values)


def _lip(state, why="", source=lm.PERFORMED, lufs=-13.0):
    return lm.LipMotionResult(state, 0.22 if state != lm.UNKNOWN else None, 6.5, 13.4, 0.0,
                              why, (Span(0.5, 8.0),), source, lufs)


def test_x104_says_the_voice_heard_is_not_the_face_on_camera():
    (hit,) = _run("X104", lip_motion=_lip(lm.STILL))
    assert hit.measured == 0.22 and hit.threshold == lm.STILL_MAX
    message = BY_CODE["X104"].message(hit)
    assert "not heard" in message and "13.4 s" in message and "0.22" in message
    assert "lips stay still" in hit.plain
    assert BY_CODE["X104"].category == "speech" and BY_CODE["X104"].severity.label == "error"
    assert _run("X104", lip_motion=_lip(lm.SPEAKS, "lips move")) == []
    with pytest.raises(Skip, match="turned away"):
        _run("X104", lip_motion=_lip(lm.UNKNOWN, "the face is turned away"))
    # voices behind the room: A501 already says no speech was found
    with pytest.raises(Skip, match="A501"):
        _run("X104", lip_motion=_lip(lm.STILL, source=lm.BEHIND))


@pytest.mark.parametrize("lufs, source, flagged", [
    (-13.0, lm.PERFORMED, True), (-29.9, lm.PERFORMED, True), (-33.0, lm.PERFORMED, False),
    (-12.8, lm.BEHIND, True), (-33.5, lm.BEHIND, False), (None, lm.BEHIND, False)])
def test_x105_flags_other_voices_only_when_they_are_loud_enough_to_drown_anyone(lufs, source,
                                                                                flagged):
    hits = _run("X105", lip_motion=_lip(lm.STILL, source=source, lufs=lufs))
    assert bool(hits) == flagged
    if flagged:
        assert hits[0].measured == lufs and hits[0].threshold == -30.0
        message = BY_CODE["X105"].message(hits[0])
        assert "Only other voices" in message and "-30 LUFS" in message
        assert ("voices heard" in message) == (source == lm.BEHIND)
    assert _run("X105", lip_motion=_lip(lm.SPEAKS, source=source, lufs=-13.0)) == []


# --- a listening face over a voice, through the pipeline -------------------------------------

def test_a_silent_face_over_someone_elses_speech_is_said_not_to_be_the_actor(corpus, tmp_path):
    """LivePortrait s20 (a real face, still and silent) over a LibriSpeech reader: the actor
    listening while only the reader was recorded."""
    import crossmodal_tapes as ct

    face = corpus / "video" / "liveportrait_s20_portrait_silent.mp4"
    voice = corpus / "speech" / "librosa_libri1_5703-47212-0000.ogg"
    out = ct.dub_tape(face, voice, tmp_path / "listening.mp4", seconds=9.0)
    rep = check_file(str(out), Settings(select=("speech", "reader-balance")))
    codes = {f.code for f in rep.findings}
    assert {"X104", "X105"} <= codes
    assert not rep.verdict.can_hear_voice


def test_loud_voices_off_camera_over_a_silent_face_are_not_taken_for_the_actor(corpus):
    """corpus/real car vlog: the framed woman is silent while passengers talk over car noise.
    speech.py finds no voice standing out of the room (A501); her still mouth through those
    voices says they are other people's (X105, reader-balance), not a quiet performance."""
    path = corpus / "real" / "car_vlog_dark_crop_nonspeaker_others_talk_16s.mp4"
    rep = check_file(str(path), Settings(select=("speech", "reader-balance")))
    hits = {f.code: f for f in rep.findings}
    assert {"A501", "X105"} <= set(hits) and "X104" not in hits
    assert hits["X105"].measured > -20.0 and "voices heard" in hits["X105"].message
