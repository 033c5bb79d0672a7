"""The numbers a fix works to, each beside its source: loudness, peaks, sync, trim margins,
encoder quality and size caps (plan.py and picture.py decide with them, command.py encodes)."""


#: Speech loudness aimed for, LUFS: inside AES TD1004's −16…−20 LUFS for speech-led online
#: content and the recommended −23…−16 band of A103 (checks/loudness.py).
TARGET_LUFS = -20.0
#: True-peak ceiling, dBTP: EBU R128 and AES TD1008 (lossy re-encoding overshoots above it).
CEILING_DBTP = -1.0
#: The limiter sits this far under the ceiling, for what the AAC encode adds: measured here
#: with 8 dB of gain into the limiter on eight sample tapes, the copy's true peak was within
#: 0.1 dB of the limit at AAC_KBPS (but up to 5 dB over it at 96 kb/s mono, hence the rates).
LIMIT_MARGIN_DB = 0.7
#: A gain smaller than this is not worth a new generation of the sound: it is inside the
#: ±0.5 LU the fix promises and under loudness's just-noticeable difference (≈ 1 dB).
MIN_GAIN_DB = 0.5
#: Offsets within this are left alone: the sync measure's own tolerance (X102, 40 ms: every
#: confident estimate on the studio-synchronised GRID clips was within ±30 ms).
SYNC_TOLERANCE_MS = 40.0
#: Kept before the first line and after the last, s. The head is short (casting guidance:
#: start promptly; A503 warns past 3 s); the tail keeps a beat, because casting watch the
#: final moment (A504 allows 5 s; 2–3 s is usual).
HEAD_S = 0.5
TAIL_S = 1.0
#: Less dead air than this is not worth a cut.
MIN_TRIM_S = 0.5
#: A copied picture starts on a keyframe, so a head cut moves back to the keyframe before it;
#: when that keeps more than this much extra lead-in (an editor's export with keyframes 10 s
#: apart keeps most of a 7 s wait), the picture is re-encoded at CRF instead, so the cut lands
#: where planned. 1 s more than HEAD_S still starts "within a second or two" (A503's advice).
KEYFRAME_SLACK_S = 1.0
#: Gaps in the sound up to this long are padded with silence (inaudible); longer ones get
#: room tone from a pause of at least ROOM_MIN_S beside them (ending this far from speech).
GAP_SILENT_S = 0.05
ROOM_MIN_S = 0.1
#: x264 quality when the picture must be re-encoded without a size cap: "consider 18 to be
#: visually lossless or nearly so" (FFmpeg's H.264 encoding guide, trac.ffmpeg.org/wiki/Encode/H.264).
CRF = 18
PRESET = "medium"  # x264's default: the usual balance of speed and compression
#: A capped file aims this far under the cap, for MP4's overhead and x264's two-pass average,
#: which lands within a few % of its target on tapes minutes long (a few-second tape can
#: overshoot more: run.py then encodes once more at a bitrate scaled by the overshoot).
SIZE_MARGIN = 0.05
#: AAC bitrate by channel count, kb/s: above the FFmpeg AAC guide's rule of thumb for
#: audible transparency (64 kb/s a channel, for libfdk_aac; ffmpeg's native encoder needs
#: more), and where the limited peaks stay put (LIMIT_MARGIN_DB).
AAC_KBPS = {1: 128, 2: 192}
#: Picture fidelity a re-encode must keep (x264's SSIM of the luma against its input): 0.95
#: is the lower edge of "good" (MOS 4) in the SSIM→MOS table used in video QoE work
#: (Zinner et al., "Impact of frame rate and resolution on objective QoE metrics", QoMEX
#: 2010: ≥ 0.99 excellent, 0.95–0.99 good, 0.88–0.95 fair).
MIN_SSIM = 0.95
#: Below this video bitrate a cap is left unmet rather than met with a picture that falls
#: apart: it is about the lowest rung streaming services offer at all (Apple's HLS Authoring
#: Specification: 145 kb/s H.264 at 416×234).
MIN_VIDEO_KBPS = 150
#: Video codecs an MP4 carries and the platforms take (HEVC is what iPhones record; Backstage
#: lists .hevc); others are re-encoded, and so is HEVC under a profile recommending H.264.
MP4_VIDEO = frozenset({"h264", "hevc"})
#: Frame rates a variable-rate tape is made constant at (the nearest within 5 %).
STANDARD_FPS = (23.976, 24.0, 25.0, 29.97, 30.0, 50.0, 59.94, 60.0)
#: Short sides a capped picture steps down to when its fidelity falls short at full size:
#: casting watch in a browser player, which shows 1080p or less; 720p is the floor M007
#: (low-resolution) accepts.
SCALE_STEPS = (1080, 720)
