"""The control-office report: loading, breakdowns, the xlsx export, and the HTML page in a real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from resultcheck.cli import main
from resultcheck.report import defects, load, period, text_report
from resultcheck.report_files import write_outputs, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FAIL, PASS, REVIEW = (0xC0, 0x39, 0x2B), (0x2E, 0x8B, 0x57), (0xD6, 0x8F, 0x00)
CODE = {"pass": "RESULT_FOUND", "fail": "RESULT_NOT_GENUINE", "review": "NEEDS_REVIEW"}


def verdict(
    i: int, status: str, agency: str, field: str, category: str = "blank", when: str | None = None, **extra
) -> dict:
    files = (
        []
        if status == "pass" and i % 2
        else [
            {
                "role": "result",
                "name": f"kq-{i}",
                "path": f"files/{i}/kq.pdf",
                "category": category,
                "confidence": 0.93,
                "reasons": [
                    {"code": "BLANK_FILE", "detector": "blank", "message": "Tất cả 1 trang đều trắng"},
                    {"code": "OCR_USED", "detector": "ocr", "message": "Trang 1: nhận dạng chữ"},
                ],
                "duplicate_of": "Đơn đề nghị" if category == "input_component" else None,
            }
        ]
    )
    return {
        "dossier_id": f"000.00.12.H33-250101-{i:04d}",
        "status": status,
        "summary": f"Tóm tắt <{status}>",
        "reasons": [{"code": CODE[status], "detector": "dossier", "message": "…"}],
        "agency": agency,
        "field": field,
        "files": files,
        "completed_at": when,
        "versions": {"resultcheck": "0.1.0", "rules": "r", "lexicon": "l"},
        **extra,
    }


@pytest.fixture
def verdicts(tmp_path) -> Path:
    rows = (
        [verdict(i, "pass", "UBND huyện Ba Bể", "Hộ tịch", when=f"2025-0{1 + i % 4}-10") for i in range(6)]
        + [
            verdict(10 + i, "fail", "UBND huyện Chợ Mới", "Đất đai", c, when="2025-05-02T09:30:00+07:00")
            for i, c in enumerate(["blank", "archive", "input_component", "other"])
        ]
        + [verdict(20, "review", "UBND huyện Ba Bể", "Xây dựng", "result")]
        + [
            {
                **verdict(30, "fail", "UBND huyện Chợ Mới", "Đất đai", when="2025-07-01"),
                "files": [],
                "reasons": [{"code": "NO_RESULT_ATTACHED", "detector": "dossier", "message": "…"}],
            }
        ]
    )
    # dossier 10 listed twice: first as a pass, the later fail line wins
    first = verdict(10, "pass", "UBND huyện Chợ Mới", "Đất đai", "result")
    lines = [json.dumps(r, ensure_ascii=False) for r in [first, *rows]]
    lines += ["[1, 2]", json.dumps({"dossier_id": "x", "status": "maybe"}), "", '{"torn']
    (tmp_path / "files" / "10").mkdir(parents=True)
    (tmp_path / "files" / "10" / "kq.pdf").write_bytes(b"%PDF-1.4")
    src = tmp_path / "v.jsonl"
    src.write_text("\n".join(lines), encoding="utf-8")
    return src


def test_loader_counts_each_dossier_once_and_skips_invalid_lines(verdicts) -> None:
    report = load(verdicts)
    assert report.totals == {"pass": 6, "fail": 5, "review": 1}
    assert report.skipped == 3 and report.duplicate_lines == 1
    ten = next(d for d in report.dossiers if d.id.endswith("0010"))
    assert ten.status == "fail" and ten.duplicates == 1


def test_periods_and_defects() -> None:
    assert period("2025-05-02T09:30:00+07:00") == ("2025-05", "2025-Q2")
    assert period("2025-12-31") == ("2025-12", "2025-Q4")
    assert period(None) == period("") == period("31/12/2025") == period("2025-13-01") == (None, None)
    fail = verdict(1, "fail", "a", "b", "input_component")
    assert defects(fail) == ("input_component",)
    assert defects(
        {**fail, "files": [*fail["files"], {**fail["files"][0], "duplicate_of": None, "category": "other"}]}
    ) == ("input_component", "other")
    assert defects({**fail, "files": []}) == ("no_result",)
    assert defects(verdict(2, "review", "a", "b", "blank")) == ()


def test_text_report_has_totals(verdicts) -> None:
    text = text_report(load(verdicts))
    assert "TỔNG CỘNG: 12 hồ sơ" in text and re.search(r"Không đạt \(fail\)\s+5\s+41\.7%", text)
    assert re.search(r"Tài liệu khác\s+1\s+8\.3%", text) and "Bỏ qua 3 dòng không hợp lệ" in text
    assert text.count("000.00.12.H33-250101-0010") == 1


def test_report_command_prints_one_sentence(verdicts, tmp_path, capsys) -> None:
    assert main(["report", str(verdicts), "--html", str(tmp_path / "r.html")]) == 0
    out = capsys.readouterr().out.strip()
    assert "\n" not in out and "{" not in out
    assert out.startswith("Đã ghi báo cáo 12 hồ sơ (6 đạt, 5 không đạt, 1 cần xem lại; bỏ qua 3 dòng")
    assert "Wrote the report of 12 dossiers" in out and out.endswith("r.html.")


def test_report_command_xlsx_only_text_and_a_missing_file(verdicts, tmp_path, capsys) -> None:
    assert main(["report", str(verdicts), "--xlsx", str(tmp_path / "r.xlsx")]) == 0
    assert capsys.readouterr().out.strip().endswith("r.xlsx.") and (tmp_path / "r.xlsx").stat().st_size > 4000
    assert not (tmp_path / "r.html").exists()
    assert main(["report", str(verdicts)]) == 0
    assert "TỔNG CỘNG: 12 hồ sơ" in capsys.readouterr().out
    assert main(["report", str(tmp_path / "none.jsonl")]) == 2
    assert "no such verdicts file" in capsys.readouterr().err


def test_xlsx_export(verdicts, tmp_path) -> None:
    target = tmp_path / "r.xlsx"
    write_outputs(verdicts, xlsx=target)
    book = load_workbook(target)
    assert book.sheetnames == ["Tổng hợp", "Hồ sơ"]
    sheet = book["Hồ sơ"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:O13"
    assert [c.value for c in sheet[1]][:3] == ["Mã hồ sơ", "Kết luận", "Đơn vị"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 12 and rows["000.00.12.H33-250101-0013"][8] == "Tài liệu khác"
    assert rows["000.00.12.H33-250101-0010"][14] == 1 and rows["000.00.12.H33-250101-0010"][7] == "2025-Q2"
    summary = book["Tổng hợp"]
    assert summary.auto_filter.ref and summary.freeze_panes
    groups = {(r[0], r[1]): r for r in summary.iter_rows(values_only=True) if r[0] in ("Đơn vị", "Quý")}
    cho_moi = groups[("Đơn vị", "UBND huyện Chợ Mới")]
    assert cho_moi[2:6] == (5, 0, 0, 5) and cho_moi[7:14] == (1, 1, 1, 1, 0, 0, 1)
    assert groups[("Quý", "2025-Q3")][2] == 1 and groups[("Quý", "(không rõ ngày)")][2] == 1


def test_report_is_self_contained(verdicts, tmp_path) -> None:
    target = tmp_path / "r.html"
    write_report(verdicts, target)
    text = target.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text and "<link" not in text and " src=" not in text
    assert "Tóm tắt &lt;fail&gt;" in text  # user text is escaped
    assert (tmp_path / "files" / "10" / "kq.pdf").as_uri() in text  # a local file is a link
    assert "<code>files/11/kq.pdf</code>" in text  # a missing one is shown, not linked
    reasons = text[text.index('<table id="reasons">') :]
    reasons = reasons[: reasons.index("</table>")]
    # bars in the colour of what they count: the review dossier's reason amber, failing files red
    assert re.search(
        r"Hồ sơ: Chưa đủ chắc chắn</td><td class=n>1</td><td><div class=\"bar\"><span class=\"review\"", reasons
    )
    assert re.search(
        r"Tệp kết quả: Tệp trắng</td><td class=n>1</td><td><div class=\"bar\"><span class=\"fail\"", reasons
    )
    assert re.search(r'<li class="fail"><b>Kết quả</b> “kq-11”', text)  # a failing file, in the fail colour
    assert text.count('data-id="000.00.12.H33-250101-0010"') == 1 and "xuất hiện 2 lần" in text


def test_breakdowns_count_failing_dossiers_by_defect(verdicts, tmp_path) -> None:
    target = tmp_path / "r.html"
    write_report(verdicts, target)
    text = target.read_text(encoding="utf-8")

    def row(label: str) -> str:
        start = text.index(f">{label}</a></td>")
        return text[start : text.index("</tr>", start)]

    cells = re.findall(r'<td class="n">([^<]*)(?:<small>([^<]*)</small>)?</td>', row("UBND huyện Chợ Mới"))
    # dossiers, pass, review, fail (rate), then blank, archive, input component, other, unreadable, unsupported, none
    assert cells == [
        ("5", ""),
        ("0", ""),
        ("0", ""),
        ("5", "100,0 %"),
        ("1", "20,0 %"),
        ("1", "20,0 %"),
        ("1", "20,0 %"),
        ("1", "20,0 %"),
        ("·", ""),
        ("·", ""),
        ("1", "20,0 %"),
    ]
    assert re.findall(r'<td class="n">(\d+)', row("Quý 2/2025"))[:4] == ["5", "1", "0", "4"]
    assert row("(không rõ ngày)")  # the review dossier has no date
    assert text.index(">Quý 1/2025<") < text.index(">Quý 2/2025<") < text.index(">Quý 3/2025<")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "the tests need Chromium (scripts/install-system-deps.sh --test installs it)"
    profile = tempfile.mkdtemp(dir=tmp_path)
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    done = subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def visible_rows(dom: str) -> list[str]:
    return [
        m.group(2)
        for m in re.finditer(r'<tr class="(\w+)"([^>]*)>', dom)
        if "data-id=" in m.group(2) and "hidden" not in m.group(2)
    ]


@pytest.fixture
def page(verdicts, tmp_path) -> Path:
    target = tmp_path / "report.html"
    write_report(verdicts, target)
    return target


def test_report_renders_and_filters_in_headless_chromium(page, tmp_path) -> None:
    html = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "Báo cáo kiểm tra tệp kết quả" in html and "Tổng số hồ sơ" in html
    assert '<div id="filters">' in html and len(visible_rows(html)) == 12  # the script ran, nothing filtered yet
    # worst unit first: Chợ Mới (5 of 5 failed) before Ba Bể
    by_unit = html[html.index("Theo đơn vị") :]
    assert by_unit.index("UBND huyện Chợ Mới") < by_unit.index("UBND huyện Ba Bể")
    assert "Quý 2/2025" in html and "Tháng 07/2025" in html and "Tài liệu khác" in html

    hash_ = "#status=fail&agency=UBND%20huy%E1%BB%87n%20Ch%E1%BB%A3%20M%E1%BB%9Bi&period=2025-Q2&sort=-id"
    dom = chromium(tmp_path, "--dump-dom", page.as_uri() + hash_).stdout
    rows = visible_rows(dom)
    ids = [re.search(r'data-id="([^"]+)"', r).group(1)[-4:] for r in rows]
    assert ids == ["0013", "0012", "0011", "0010"]  # filtered (not 0030: Q3) and sorted by id, descending
    assert re.search(r'id="shown">4<', dom)
    dom = chromium(tmp_path, "--dump-dom", page.as_uri() + "#defect=other").stdout
    assert [re.search(r'data-id="([^"]+)"', r).group(1)[-4:] for r in visible_rows(dom)] == ["0013"]
    dom = chromium(tmp_path, "--dump-dom", page.as_uri() + "#q=250101-001").stdout
    assert [re.search(r'data-id="([^"]+)"', r).group(1)[-4:] for r in visible_rows(dom)] == [
        "0010",
        "0011",
        "0012",
        "0013",
    ]


def test_report_reads_without_javascript(page, tmp_path) -> None:
    # headless Chromium has no switch that turns scripts off for --dump-dom: drop the one script instead
    text = page.read_text(encoding="utf-8")
    assert text.count("<script>") == 1
    bare = tmp_path / "bare.html"
    bare.write_text(re.sub(r"<script>.*?</script>", "", text, flags=re.S), encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", bare.as_uri() + "#status=pass").stdout
    assert '<div id="filters" hidden="">' in dom and len(visible_rows(dom)) == 12


def colours(png: Path) -> set[tuple[int, int, int]]:
    from PIL import Image

    with Image.open(png) as im:
        return {c[:3] for _, c in im.convert("RGB").getcolors(maxcolors=1 << 20)}


def test_report_screenshot_shows_the_table_filter_and_charts(page, tmp_path) -> None:
    shot = tmp_path / "report.png"
    chromium(
        tmp_path,
        "--window-size=1400,2600",
        "--hide-scrollbars",
        f"--screenshot={shot}",
        page.as_uri() + "#status=review",
    )
    seen = colours(shot)
    assert {FAIL, PASS, REVIEW} <= seen  # the status bars are drawn in the three status colours
    assert (0xFD, 0xF3, 0xDC) in seen  # the review row's status cell is tinted ...
    assert (0xFB, 0xE7, 0xE5) not in seen  # ... and the filtered-out failing rows are not drawn
    unfiltered = tmp_path / "all.png"
    chromium(tmp_path, "--window-size=1400,2600", "--hide-scrollbars", f"--screenshot={unfiltered}", page.as_uri())
    assert (0xFB, 0xE7, 0xE5) in colours(unfiltered)
