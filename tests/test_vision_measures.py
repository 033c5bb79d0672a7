"""Picture measures against known values: shifts of known size, drawn shadows and glare,
blur of known width, lavfi tapes with black and frozen stretches of known length."""

import cv2
import numpy as np
import pytest

from synth import tape
from tapecheck import check_file
from tapecheck.ingest import Frame, probe
from tapecheck.measures import eyes as eyes_mod
from tapecheck.measures import faces, focus, light, motion
from tapecheck.measures.base import Context
from tapecheck.settings import Settings


def _texture(h=360, w=640, seed=1):
    """A static 'room': smoothed random blobs (plenty of corners), 0–255."""
    rng = np.random.default_rng(seed)
    img = cv2.GaussianBlur(rng.uniform(0, 255, (h // 4, w // 4)).astype(np.float32), (0, 0), 1.2)
    img = cv2.resize(img, (w, h), interpolation=cv2.INTER_CUBIC)
    img = cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)


def _shifted(img, dx, dy):
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(img, m, (img.shape[1], img.shape[0]), borderMode=cv2.BORDER_REFLECT)


class _Info:
    duration_s = 10.0


def _ctx():
    return Context(info=_Info())


def _feed_motion(frames_and_faces):
    m = motion.Motion(_ctx())
    for i, (img, found) in enumerate(frames_and_faces):
        h, w = img.shape[:2]
        ff = faces.FaceFrame(i * 0.5, w, h, tuple(found), ())
        m.feed(Frame(i, i * 0.5, img), {"faces": ff})
    return m.finish({})


@pytest.mark.parametrize("dx,dy", [(0, 0), (4, 0), (0, -6), (5, 5)])
def test_shake_reads_a_known_camera_shift(dx, dy):
    base = _texture()
    seq = []
    for i in range(6):  # camera jumps back and forth by (dx, dy) every sampled frame
        seq.append((_shifted(base, dx * (i % 2), dy * (i % 2)), []))
    res = _feed_motion(seq)
    assert len(res.shift) == 5
    assert res.shake_px == pytest.approx(float(np.hypot(dx, dy)), abs=0.3)


def test_shake_is_reported_at_640_px_width():
    base = _texture(720, 1280)
    seq = [(_shifted(base, 8 * (i % 2), 0), []) for i in range(4)]  # 8 px at 1280 = 4 at 640
    assert _feed_motion(seq).shake_px == pytest.approx(4.0, abs=0.3)


def test_actor_moving_in_a_steady_frame_is_not_shake(corpus):
    room = _texture()
    face_img = cv2.imread(str(corpus / "faces" / "skimage_astronaut_eileen_collins.png"))
    face_img = cv2.resize(face_img, (200, 200), interpolation=cv2.INTER_AREA)
    seq = []
    for i in range(6):  # the actor sways 12 px left and right, the camera stays
        img = room.copy()
        x = 220 + 12 * (i % 2)
        img[80:280, x:x + 200] = face_img
        found = faces.detect(img)
        assert found
        seq.append((img, found))
    res = _feed_motion(seq)
    assert res.shift, "the room around the actor must be measured"
    assert res.shake_px < 0.5


def test_plain_wall_and_tight_frame_are_not_measured():
    flat = np.full((360, 640, 3), 120, np.uint8)
    res = _feed_motion([(flat, []), (flat.copy(), []), (flat.copy(), [])])
    assert res.shift == () and res.pairs_tried == 2


def _portrait(corpus):
    img = cv2.imread(str(corpus / "faces" / "face_recognition_obama.jpg"))
    return img


@pytest.mark.parametrize("face_px", [300, 160, 90])
def test_face_sharpness_depends_on_blur_relative_to_face_size(corpus, face_px):
    src = _portrait(corpus)
    ref = max(faces.detect(src, input_side=640), key=lambda f: f.area)
    s = face_px / ref.height
    img = cv2.resize(src, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    f = max(faces.detect(img, input_side=max(img.shape[:2])), key=lambda f: f.area)
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    sharp, _, _ = focus.face_sharpness(gray, f)
    soft, _, _ = focus.face_sharpness(cv2.GaussianBlur(gray, (0, 0), 0.02 * face_px), f)
    # calibration (measures/focus.py): sharp faces 1.4–2.3, blurred by 2 % of their height < 0.9
    assert 1.4 < sharp < 2.6
    assert soft < 0.9


def _astronaut(corpus):
    img = cv2.imread(str(corpus / "faces" / "skimage_astronaut_eileen_collins.png"))
    f = faces.detect(img)[0]
    return img, f


def test_eye_regions_see_shadow_and_glare(corpus):
    img, f = _astronaut(corpus)
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    shadow, glare = eyes_mod.eye_regions(gray, f)
    assert shadow > 0.67 and glare < 0.02           # clean: the corpus' clean range
    d = np.hypot(f.eyes[1][0] - f.eyes[0][0], f.eyes[1][1] - f.eyes[0][1])
    ey = (f.eyes[0][1] + f.eyes[1][1]) / 2
    dark = img.astype(np.float32)
    y1, y2 = int(ey - 0.35 * d), int(ey + 0.22 * d)
    x1, x2 = int(f.eyes[0][0] - 0.45 * d), int(f.eyes[1][0] + 0.45 * d)
    dark[y1:y2, x1:x2] *= 0.3                         # top light: sockets 1.7 stops down
    s2, _ = eyes_mod.eye_regions(cv2.cvtColor(dark.astype(np.uint8), cv2.COLOR_BGR2GRAY), f)
    assert s2 < eyes_mod.SHADOW_RATIO
    bright = img.copy()
    for x, y in f.eyes:                               # reflections over both lenses
        cv2.rectangle(bright, (int(x - 0.2 * d), int(y - 0.15 * d)),
                      (int(x + 0.2 * d), int(y + 0.15 * d)), (255, 255, 255), -1)
    _, g2 = eyes_mod.eye_regions(cv2.cvtColor(bright, cv2.COLOR_BGR2GRAY), f)
    assert g2 > eyes_mod.GLARE_SHARE


def test_coloured_reflection_on_glasses_is_glare(corpus):
    """A laptop screen's blue light over both lenses: its luma stays middling (≈ 117 of 255),
    so only the colour picture shows it brighter than the cheek. The photo is brought down to
    an ordinary exposure (cheeks at ≈ 160–170 of 255 in their brightest channel)."""
    img, f = _astronaut(corpus)
    img = (img * 0.7).astype(np.uint8)
    d = np.hypot(f.eyes[1][0] - f.eyes[0][0], f.eyes[1][1] - f.eyes[0][1])
    blue = img.copy()
    for x, y in f.eyes:
        cv2.rectangle(blue, (int(x - 0.2 * d), int(y - 0.15 * d)),
                      (int(x + 0.2 * d), int(y + 0.15 * d)), (255, 120, 60), -1)
    gray = cv2.cvtColor(blue, cv2.COLOR_BGR2GRAY)
    assert eyes_mod.eye_regions(gray, f)[1] < 0.02             # luma alone misses it
    assert eyes_mod.eye_regions(gray, f, blue)[1] > eyes_mod.GLARE_SHARE
    clean = eyes_mod.eye_regions(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), f, img)[1]
    assert clean < 0.05


def test_light_measure_on_a_frame_of_known_exposure(corpus):
    img, f = _astronaut(corpus)
    h, w = img.shape[:2]
    lm = light.Light(_ctx())
    for k, gain in enumerate((1.0, 0.25)):
        frame = Frame(k, k * 0.5, np.clip(img.astype(np.float32) * gain, 0, 255).astype(np.uint8))
        lm.feed(frame, {"faces": faces.FaceFrame(k * 0.5, w, h, (f,), ())})
    a, b = lm.finish({}).frames
    assert b.luma == pytest.approx(a.luma * 0.25, rel=0.05)     # luma scales with the gain
    assert b.high == pytest.approx(a.high * 0.25, rel=0.05)
    assert b.bg / b.luma == pytest.approx(a.bg / a.luma, rel=0.05)  # the ratio does not move
    assert a.clipped < 0.01 and a.side < 1.0


def test_side_light_in_stops():
    img = np.full((360, 640, 3), 160, np.uint8)
    f = faces.Face((270, 100, 370, 240), 0.9, ((295, 150), (345, 150), (320, 180), (300, 210),
                                               (340, 210)))
    img[:, :320] = 80   # left half at half the coded level: (0.5)^2.2 → 2.2 stops of light
    lm = light.Light(_ctx())
    lm.feed(Frame(0, 0.0, img), {"faces": faces.FaceFrame(0.0, 640, 360, (f,), ())})
    assert lm.finish({}).frames[0].side == pytest.approx(2.2, abs=0.05)


@pytest.fixture(scope="session")
def edited_tape(media_dir):
    """6 s of moving test pattern: black 1.0–2.5 s, frame 100 held for 2 s (4.0–6.0 s)."""
    path = media_dir / "vision_edits.mp4"
    if not path.exists():
        tape(path, seconds=6, size="640x360", video=(
            "testsrc2=size=640x360:rate=25,"
            "drawbox=x=0:y=0:w=iw:h=ih:t=fill:color=black:enable='between(t,1,2.5)',"
            "loop=loop=50:size=1:start=100,trim=duration=6"))
    return path


def test_black_and_frozen_stretches_through_the_pipeline(edited_tape):
    rep = check_file(str(edited_tape), Settings(select=("edit",)))
    by = {f.code: f for f in rep.findings}
    assert set(by) == {"V501", "V502"}, [f.message for f in rep.findings]
    black = by["V501"].spans[0]
    assert black.start_s == pytest.approx(1.0, abs=0.5) and black.end_s == pytest.approx(2.5,
                                                                                         abs=0.5)
    frozen = by["V502"].spans[0]
    assert frozen.start_s == pytest.approx(4.0, abs=0.5) and frozen.end_s == pytest.approx(6.0,
                                                                                           abs=0.6)
    assert by["V502"].measured >= 1.0


def test_picture_measure_has_no_freeze_or_black_on_moving_footage(media_dir):
    path = tape(media_dir / "vision_moving.mp4", seconds=3, size="640x360")
    rep = check_file(str(path), Settings(select=("edit",)))
    assert rep.findings == ()
    assert probe(str(path)).duration_s == pytest.approx(3.0, abs=0.1)
