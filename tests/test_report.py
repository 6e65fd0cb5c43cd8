"""The control-office report, opened in a real headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile

import pytest

from resultcheck.report import write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def verdict(i: int, status: str, agency: str, field: str, category: str = "blank") -> dict:
    files = [] if status == "pass" and i % 2 else [{
        "role": "result", "name": f"kq-{i}", "path": f"files/{i}/kq.pdf", "category": category,
        "reasons": [{"code": "BLANK_FILE", "detector": "blank", "message": "Tất cả 1 trang đều trắng"}],
        "duplicate_of": "Đơn đề nghị" if category == "input_component" else None}]
    return {"dossier_id": f"000.00.12.H33-250101-{i:04d}", "status": status, "summary": f"Tóm tắt <{status}>",
            "reasons": [{"code": {"pass": "RESULT_FOUND", "fail": "RESULT_NOT_GENUINE", "review": "NEEDS_REVIEW"}[status],
                         "detector": "dossier", "message": "…"}], "agency": agency, "field": field, "files": files,
            "versions": {"resultcheck": "0.1.0", "rules": "r", "lexicon": "l"}}


@pytest.fixture
def report(tmp_path):
    rows = ([verdict(i, "pass", "UBND huyện Ba Bể", "Hộ tịch") for i in range(6)]
            + [verdict(10 + i, "fail", "UBND huyện Chợ Mới", "Đất đai", c)
               for i, c in enumerate(["blank", "archive", "input_component"])]
            + [verdict(20, "review", "UBND huyện Ba Bể", "Xây dựng", "result")])
    src = tmp_path / "v.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + '{"torn', encoding="utf-8")
    target = tmp_path / "report.html"
    totals = write_report(src, target)
    assert totals == {"pass": 6, "fail": 3, "review": 1}
    return target


def test_report_is_self_contained(report) -> None:
    text = report.read_text(encoding="utf-8")
    assert "<script" not in text and "http://" not in text and "https://" not in text
    assert "Tóm tắt &lt;fail&gt;" in text  # user text is escaped


def test_report_renders_in_headless_chromium(report, tmp_path) -> None:
    assert CHROMIUM, "the tests need Chromium (scripts/install-system-deps.sh --test installs it)"
    profile = tempfile.mkdtemp(dir=tmp_path)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", report.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "Báo cáo kiểm tra tệp kết quả" in html and "Tổng số hồ sơ" in html
    # worst unit first: Chợ Mới (3 of 3 failed) before Ba Bể
    assert html.index("UBND huyện Chợ Mới") < html.index("UBND huyện Ba Bể")
    assert "000.00.12.H33-250101-0010" in html and "Trùng thành phần hồ sơ đầu vào" in html
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, "--window-size=1200,1600", f"--screenshot={shot}", report.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 20_000  # something was drawn
