#!/usr/bin/env bash
# Set up (if needed) and check two bundled sample tapes: one ready, one with a problem.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
set +e
.venv/bin/tapecheck check sample_tapes/ready_grid-man-red-top.mp4 sample_tapes/defect-orientation_portrait.mp4
echo "(exit code $?: 0 = nothing at the fail level, 1 = findings to fix, 2 = could not judge)"
