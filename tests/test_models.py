from __future__ import annotations

import dataclasses
import json

import pytest

from resultcheck import Category, FileVerdict, Reason


def make() -> FileVerdict:
    return FileVerdict(
        path="kq.pdf",
        sha256="ab" * 32,
        size=10,
        mime="application/pdf",
        category=Category.BLANK,
        confidence=0.9,
        reasons=(
            Reason("BLANK_FILE", "blank", "Tất cả 1 trang đều trắng", page=None),
            Reason("BLANK_EMPTY_PAGE", "blank", "Trang 1 trắng", page=1, data={"ink_mm2": 0.0}),
        ),
        versions={"resultcheck": "0.1.0", "rules": "x"},
        pages=1,
    )


def test_verdict_is_frozen() -> None:
    v = make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.category = Category.RESULT  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.reasons[0].code = "X"  # type: ignore[misc]


def test_json_has_the_design_fields_and_round_trips() -> None:
    v = make()
    d = json.loads(v.to_json())
    assert set(d) >= {
        "path",
        "sha256",
        "size",
        "mime",
        "category",
        "confidence",
        "document_type",
        "pages",
        "reasons",
        "elapsed_ms",
        "versions",
    }
    assert d["category"] == "blank"
    assert d["reasons"][1] == {
        "code": "BLANK_EMPTY_PAGE",
        "detector": "blank",
        "message": "Trang 1 trắng",
        "page": 1,
        "data": {"ink_mm2": 0.0},
    }
    assert "Tất cả" in v.to_json()  # Vietnamese kept as text, not \u escapes
    assert FileVerdict.from_dict(d) == v


def test_category_values_are_the_seven_of_the_design() -> None:
    assert {c.value for c in Category} == {
        "blank",
        "archive",
        "input_component",
        "result",
        "unreadable",
        "unsupported",
        "other",
    }
