#!/bin/sh
# Rebuilds docs/report.png: scans the bundled sample dossiers (with completion dates spread over
# two quarters, so the period breakdown shows) and photographs the HTML report in headless Chromium.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
OUT=${OUT:-/tmp/resultcheck-report-png}
mkdir -p "$OUT"
DATED=fixtures/dossiers/.dated-manifest.jsonl   # beside the bundled one: its file paths only resolve there
trap 'rm -f "$DATED"' EXIT
"$BIN/python" - "$DATED" <<'PY'
import json, sys
from pathlib import Path
src = Path("fixtures/dossiers/manifest.jsonl")
dates = ["2025-01-14", "2025-02-03", "2025-02-20", "2025-03-11", "2025-04-02", "2025-05-19", "2025-06-30"]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for i, line in enumerate(src.read_text(encoding="utf-8").splitlines()):
        d = json.loads(line)
        d["completed_at"] = dates[i % len(dates)]
        out.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
rm -f "$OUT/verdicts.jsonl" "$OUT/verdicts.sqlite"
"$BIN/resultcheck" scan "$DATED" --out "$OUT/verdicts.jsonl" --workers 1 --quiet
"$BIN/resultcheck" report "$OUT/verdicts.jsonl" --html "$OUT/report.html" --xlsx "$OUT/report.xlsx" \
  --files-base fixtures/dossiers
CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$OUT/profile" --hide-scrollbars \
  --window-size=1400,${HEIGHT:-2600} --screenshot="$PWD/docs/report.png" "file://$OUT/report.html#status=fail"
echo "docs/report.png"
