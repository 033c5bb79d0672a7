"""The actor, tracked, and the camera's own motion — on synthetic scenes with known truth:
a static camera with a moving subject, a panning camera with a still subject, two faces where
the second leaves, a cutaway to someone else (the photos of ../shared/corpus/faces pasted
into a textured room)."""

import cv2
import numpy as np
import pytest

from synth import ffmpeg
from tapecheck import check_file
from tapecheck.ingest import Frame
from tapecheck.measures import actor, faces, motion
from tapecheck.measures.base import Context
from tapecheck.model import Severity
from tapecheck.settings import Settings
from test_vision_measures import _shifted, _texture


class _Info:
    duration_s = 10.0


def _photo(corpus, name, side):
    img = cv2.imread(str(corpus / "faces" / name))
    h, w = img.shape[:2]
    s = side / max(h, w)
    return cv2.resize(img, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)


@pytest.fixture(scope="module")
def people(corpus):
    """Two different people: the astronaut (the actor) and Obama (someone else)."""
    return (_photo(corpus, "skimage_astronaut_eileen_collins.png", 200),
            _photo(corpus, "face_recognition_obama.jpg", 200))


def _scene(room, *placed):
    img = room.copy()
    for pic, x, y in placed:
        h, w = pic.shape[:2]
        img[y:y + h, x:x + w] = pic
    return img


def _feed(frames, step=0.5):
    """Run the faces and motion measures over frames 0.5 s apart, as the video pass does."""
    ctx = Context(info=_Info())
    fm, mm = faces.Faces(ctx), motion.Motion(ctx)
    per_frame = []
    for i, img in enumerate(frames):
        fr = Frame(i, i * step, img)
        ff = fm.feed(fr, {})
        mm.feed(fr, {"faces": ff})
        per_frame.append(ff)
    return fm.finish({}), mm.finish({}), per_frame


def test_static_camera_with_a_moving_subject_reads_still(people):
    """The actor sways 14 px and a textured object (a hand, a pet) crosses the room 20 px a
    frame; the camera stands still: the still background decides."""
    room = _texture()
    actor_pic = people[0]
    blob = _texture(60, 60, seed=7)
    frames = [_scene(room, (actor_pic, 220 + 14 * (i % 2), 80), (blob, 20 + 20 * i, 280))
              for i in range(8)]
    _, res, _ = _feed(frames)
    assert res.judged, "the room around the actor must be measured"
    assert res.shake_px < 0.5


def test_panning_camera_with_a_still_subject_reads_the_pan(people):
    """Camera pans 5 px a frame: the room and the (still) actor move together in the picture;
    the pan is read from the room, 5 px at 640 width."""
    big = _scene(_texture(360, 760), (people[0], 280, 80))
    frames = [big[:, 60 - 5 * i:60 - 5 * i + 640] for i in range(8)]
    _, res, _ = _feed(frames)
    assert res.judged
    assert res.shake_px == pytest.approx(5.0, abs=0.5)


def test_two_faces_where_the_second_leaves(people):
    """The actor (large, central) throughout; someone else (smaller, at the side) in the first
    four frames: extra face there only, the actor visible in every frame."""
    room = _texture()
    other = cv2.resize(people[1], None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)
    frames = [_scene(room, (people[0], 220, 80), *(((other, 500, 60),) if i < 4 else ()))
              for i in range(8)]
    res, _, per_frame = _feed(frames)
    assert res.visible == (True,) * 8
    assert res.extra == (True,) * 4 + (False,) * 4
    assert res.tracks == 2
    assert all(ff.main is not None and ff.main.center[0] < 420 for ff in per_frame)


def test_a_cutaway_to_someone_else_is_the_actor_leaving(people):
    """Six frames of the actor, a cut to another person at the same place and size for four,
    back to the actor for four: the actor is not visible during the cutaway (the other face
    is an extra face), and rejoins their own track after it."""
    room, cut_room = _texture(seed=1), _texture(seed=3)
    frames = ([_scene(room, (people[0], 220, 80))] * 6 + [_scene(cut_room, (people[1], 220, 80))] * 4
              + [_scene(room, (people[0], 220, 80))] * 4)
    res, _, per_frame = _feed(frames)
    assert res.visible == (True,) * 6 + (False,) * 4 + (True,) * 4
    assert res.extra == (False,) * 6 + (True,) * 4 + (False,) * 4
    assert res.tracks == 2
    actor_ids = {ff.actor_track for ff in per_frame if ff.main is not None}
    assert actor_ids == {res.actor_track}
    assert res.pick_actor(faces.detect(frames[0]), 0.0) is not None
    assert res.pick_actor(faces.detect(frames[7]), 3.5) is None      # cutaway: not the actor


def test_the_actor_is_who_is_there_most_not_who_came_first(people):
    """Someone else opens the tape for two frames; the actor then holds it for eight: the
    final choice is the actor, and the first frames do not count as theirs."""
    room = _texture()
    frames = [_scene(room, (people[1], 220, 80))] * 2 + [_scene(room, (people[0], 220, 80))] * 8
    res, _, per_frame = _feed(frames)
    assert per_frame[0].actor_track != res.actor_track      # the online guess, corrected
    assert res.visible == (False,) * 2 + (True,) * 8


def test_appearance_tells_two_people_apart_and_one_person_from_frame_to_frame(people):
    room = _texture()
    a, b = people
    img = _scene(room, (a, 40, 80), (b, 380, 80))
    found = sorted(faces.detect(img), key=lambda f: f.center[0])
    assert len(found) == 2
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    look_a, look_b = (actor.appearance(hsv, f) for f in found)
    moved = _shifted(img, 6, 0)
    f2 = max(faces.detect(moved), key=lambda f: -abs(f.center[0] - found[0].center[0] - 6))
    again = actor.appearance(cv2.cvtColor(moved, cv2.COLOR_BGR2HSV), f2)
    assert actor.similarity(look_a, again) > actor.REJOIN_SIM
    assert actor.similarity(look_a, look_b) < actor.CONTINUITY_SIM


@pytest.fixture(scope="module")
def cutaway_tape(people, media_dir):
    """A 7 s tape: the actor, a 3 s cutaway to an audience face, the actor again."""
    room, other_room = _texture(seed=1), _texture(seed=5)
    shots = [_scene(room, (people[0], 220, 80))] * 4 + \
        [_scene(other_room, (people[1], 100, 60))] * 6 + [_scene(room, (people[0], 220, 80))] * 4
    folder = media_dir / "cutaway_frames"
    folder.mkdir(exist_ok=True)
    for i, img in enumerate(shots):
        noisy = np.clip(img.astype(np.int16) + np.random.default_rng(i).integers(-3, 4, img.shape),
                        0, 255).astype(np.uint8)   # nothing frozen
        cv2.imwrite(str(folder / f"f{i:03d}.png"), noisy)
    out = media_dir / "cutaway.mp4"
    ffmpeg("-framerate", "2", "-i", str(folder / "f%03d.png"), "-r", "25", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(out))
    return out


def test_a_cutaway_tape_is_flagged_even_though_a_face_remains(cutaway_tape):
    """Through the pipeline, as a user runs it: V101 and V102 fire though a face is always in
    the picture, and the lost stretch starts at the cut."""
    rep = check_file(str(cutaway_tape), Settings(select=("face", "extra-face")))
    assert rep.status == "judged" and not rep.check_errors
    visible = dict(rep.measures)["face_visible_ratio"]
    assert visible == pytest.approx(8 / 14, abs=0.1)
    codes = {f.code: f for f in rep.findings if f.severity >= Severity.WARNING}
    assert "V101" in codes and "V102" in codes
    lost = codes["V102"]
    assert lost.spans and abs(lost.spans[0].start_s - 2.0) <= 0.5 and lost.measured >= 2.5
