"""The public-file corpus (fixtures/real): its labels are whole, and a fast subset of its
failure classes stays right (the whole corpus: `python -m benchmarks.accuracy --real`)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from resultcheck import Category

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
ROWS = list(csv.DictReader((REAL / "labels.csv").open(encoding="utf-8")))


def test_every_file_is_labelled_once_in_its_category_folder_with_a_recorded_source() -> None:
    files = {p.relative_to(REAL).as_posix() for p in REAL.rglob("*") if p.is_file() and p.parent != REAL}
    labelled = [r["path"] for r in ROWS]
    assert len(labelled) == len(set(labelled)) and set(labelled) == files
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    for row in ROWS:
        assert row["path"].split("/")[0] == row["category"] and row["category"] in {c.value for c in Category}
        assert row["split"] in ("dev", "holdout") and f"| {row['source']} |" in sources, row


@pytest.mark.parametrize(
    "path",
    [
        "input_component/vbai_du_thao_qd_kem_to_trinh.docx",  # marked DỰ THẢO: a processing document
        "unreadable/pillow_broken_data_stream.png",  # a small image whose stream is broken
        "result/sct_gp_van_chuyen_hhnh_unsigned.docx",
        "other/qlvbqh_qd_15_2010_ubnd_ha_noi_quy_pham.doc",  # a normative decision
        "input_component/sct_phieu_chuyen_vpubnd.pdf",  # a transfer slip, its text layer mojibake
        # a notification with the authority's receipt number, its seal cut by the signer's title
        "result/pharmacy_phieu_cong_bo_my_pham_so_y_te_hn.png",
    ],
)
def test_a_fast_subset_of_real_files_is_right(checker, path: str) -> None:
    expected = next(r["category"] for r in ROWS if r["path"] == path)
    verdict = checker.check_file(REAL / path)
    assert verdict.category.value == expected and verdict.confidence >= 0.7, verdict.codes
