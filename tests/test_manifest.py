"""Dossier sources: JSONL manifest, folder tree, national sync payload; paths stay inside the root."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resultcheck.manifest import ManifestProblem, load, resolve_inside


@pytest.fixture
def root(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "don.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "files" / "kq.pdf").write_bytes(b"%PDF-1.4 kq")
    return tmp_path


def write_lines(path, *records) -> None:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records),
        encoding="utf-8",
    )


def test_jsonl_manifest_with_relative_paths(root) -> None:
    write_lines(
        root / "m.jsonl",
        {
            "dossier_id": "D1",
            "procedure_code": "1.001234",
            "agency": "UBND huyện Ba Bể",
            "field": "Hộ tịch",
            "inputs": [{"path": "files/don.pdf", "name": "Đơn đề nghị"}],
            "results": [{"path": "files/kq.pdf"}],
        },
    )
    [d] = list(load(root / "m.jsonl"))
    assert d.dossier_id == "D1" and d.field == "Hộ tịch" and d.agency == "UBND huyện Ba Bể"
    assert d.inputs[0].name == "Đơn đề nghị" and d.inputs[0].path == (root / "files" / "don.pdf").resolve()
    assert d.results[0].problem is None


def test_paths_escaping_the_root_are_refused(root, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.pdf"
    outside.write_bytes(b"%PDF-1.4")
    os.symlink(outside, root / "files" / "link.pdf")
    write_lines(
        root / "m.jsonl",
        {
            "dossier_id": "D2",
            "results": [
                {"path": "../secret.pdf"},
                {"path": str(outside)},
                {"path": "files/link.pdf"},
                {"path": "files/none.pdf"},
            ],
        },
    )
    [d] = list(load(root / "m.jsonl"))
    assert [a.problem for a in d.results] == ["PATH_REFUSED", "PATH_REFUSED", "PATH_REFUSED", "FILE_MISSING"]


def test_bad_lines_are_problems_not_crashes(root) -> None:
    (root / "m.jsonl").write_bytes(
        b'{"dossier_id": "ok", "results": []}\n{not json\n\xff\xfe garbage\n[1,2]\n'
        b'{"results": []}\n{"dossier_id": "x", "inputs": "nope"}\n'
    )
    items = list(load(root / "m.jsonl"))
    assert [type(i).__name__ for i in items] == ["Dossier"] + ["ManifestProblem"] * 5
    assert "UTF-8" in items[2].message and items[2].where == "m.jsonl:3"


def test_folder_tree(root) -> None:
    for dossier, role, name in (("A", "inputs", "don.pdf"), ("A", "results", "kq.pdf"), ("B", "inputs", "x.pdf")):
        (root / "tree" / dossier / role).mkdir(parents=True, exist_ok=True)
        (root / "tree" / dossier / role / name).write_bytes(b"%PDF-1.4")
    a, b = load(root / "tree")
    assert (a.dossier_id, len(a.inputs), len(a.results)) == ("A", 1, 1)
    assert (b.dossier_id, b.results) == ("B", ())


def test_national_sync_payload_with_links(root) -> None:
    payload = [
        {
            "MaHoSo": "000.00.12.H33-240901-0001",
            "MaTTHC": "1.001234",
            "TenLinhVuc": "Chứng thực",
            "TaiLieuNop": [
                {"TenTepDinhKem": "Đơn", "DuongDanTaiTepTin": "https://dvc.example.vn/files/don.pdf"},
                {"TenTepDinhKem": "Đã xoá", "DuongDanTaiTepTin": "files/don.pdf", "IsDeleted": True},
            ],
            "DanhSachGiayToKetQua": [{"TenGiayTo": "Kết quả", "DuongDanTepTinKetQua": "files/kq.pdf"}],
        }
    ]
    (root / "sync.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    [d] = list(load(root / "sync.json", base_dir=root))
    assert d.dossier_id == "000.00.12.H33-240901-0001" and d.procedure_code == "1.001234"
    assert [a.name for a in d.inputs] == ["Đơn"] and d.inputs[0].path == (root / "files" / "don.pdf").resolve()
    assert d.results[0].name == "Kết quả" and d.results[0].problem is None


@settings(max_examples=200, deadline=None)
@given(link=st.text(max_size=60))
def test_resolve_inside_never_escapes(tmp_path_factory, link: str) -> None:
    root = tmp_path_factory.mktemp("r")
    path, problem = resolve_inside(root, link)
    assert problem in (None, "PATH_REFUSED", "FILE_MISSING")
    if path is not None:
        assert path.is_relative_to(root.resolve())


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(st.binary(max_size=200), max_size=8))
def test_arbitrary_manifest_bytes_never_raise(tmp_path_factory, lines: list[bytes]) -> None:
    path = tmp_path_factory.mktemp("m") / "m.jsonl"
    path.write_bytes(b"\n".join(lines))
    for item in load(path):
        assert isinstance(item, ManifestProblem) or item.dossier_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-07-15", "2025-07-15"),
        ("2025-07-15T08:30:00", "2025-07-15T08:30:00"),
        ("20250715083000", "2025-07-15T08:30:00"),
        ("20250715", "2025-07-15"),
        ("15/07/2025", None),
        ("20251399000000", None),
        ("", None),
        (None, None),
    ],
)
def test_completion_dates_become_iso(value, expected) -> None:
    from resultcheck.manifest import iso_date

    assert iso_date(value) == expected


def test_duplicate_dossier_id_is_a_reported_problem(root) -> None:
    write_lines(
        root / "m.jsonl",
        {"dossier_id": "D1", "results": [{"path": "files/kq.pdf"}]},
        {"dossier_id": "D2", "results": []},
        {"dossier_id": "D1", "results": [{"path": "files/don.pdf"}]},
    )
    first, second, third = load(root / "m.jsonl")
    assert (first.dossier_id, second.dossier_id) == ("D1", "D2")
    assert isinstance(third, ManifestProblem) and third.where == "m.jsonl:3"
    assert "trùng" in third.message and "repeats m.jsonl:1" in third.message


def test_files_directly_under_a_dossier_folder_are_reported(root) -> None:
    (root / "tree" / "A" / "results").mkdir(parents=True)
    (root / "tree" / "A" / "results" / "kq.pdf").write_bytes(b"%PDF-1.4")
    (root / "tree" / "A" / "ket-qua-that.pdf").write_bytes(b"%PDF-1.4")
    problem, dossier = load(root / "tree")
    assert isinstance(problem, ManifestProblem) and problem.where == "A/"
    assert "ket-qua-that.pdf" in problem.message and "không được kiểm tra" in problem.message
    assert dossier.dossier_id == "A" and len(dossier.results) == 1


def test_manifest_problems_are_in_vietnamese_and_english(root) -> None:
    (root / "m.jsonl").write_bytes(b'{not json\n{"results": []}\n')
    bad_json, no_id = load(root / "m.jsonl")
    assert "không phải JSON" in bad_json.message and "not valid JSON" in bad_json.message
    assert "thiếu dossier_id" in no_id.message and "no dossier_id" in no_id.message
