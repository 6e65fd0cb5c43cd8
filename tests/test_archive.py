"""Archive listing: names and counts from the directory, bounded, never extracted."""

from __future__ import annotations

from resultcheck.detectors.archive import list_archive

from fixtures import containers as C

INNER = {"ket-qua.pdf": b"%PDF-1.4" + bytes(300), "thu-muc/ghi-chu.txt": "Kết quả".encode()}


def listing(fmt: str, data: bytes, max_members: int = 100, name: str = ""):
    return list_archive(fmt, data, max_members=max_members, peek_bytes=65536, name=name)


def test_zip_rar_7z_tar_cab_list_their_members() -> None:
    for fmt, data in (
        ("zip", C.zip_bytes(INNER)),
        ("rar", C.rar4_bytes(INNER)),
        ("rar5", C.rar5_bytes(INNER)),
        ("7z", C.seven_zip_bytes(INNER)),
        ("tar", C.tar_bytes(INNER)),
        ("cab", C.cab_bytes(INNER)),
    ):
        result = listing(fmt, data)
        assert sorted(result.members) == sorted(INNER), fmt
        assert result.member_count == 2 and not result.encrypted, fmt


def test_encrypted_zip_and_7z_with_encrypted_headers() -> None:
    z = listing("zip", C.encrypted_zip("ket-qua.pdf", b"x" * 50))
    assert z.encrypted and z.members == ("ket-qua.pdf",)
    s = listing("7z", C.seven_zip_bytes(INNER, password="matkhau"))
    assert s.encrypted and s.member_count is None


def test_nested_archives_are_named() -> None:
    result = listing("zip", C.zip_bytes({"ho-so.zip": C.zip_bytes(INNER), "a.pdf": b"x"}))
    assert result.nested_archives == ("ho-so.zip",)


def test_member_listing_is_bounded() -> None:
    many = {f"f{i:05d}.txt": b"" for i in range(500)}
    result = listing("zip", C.zip_bytes(many), max_members=10)
    assert len(result.members) == 10 and result.member_count == 500 and result.truncated
    tar = listing("tar", C.tar_bytes(many), max_members=10)
    assert len(tar.members) == 10 and tar.truncated


def test_single_stream_compressors_name_their_content() -> None:
    assert listing("gz", C.gzip_bytes(b"%PDF-1.4", "kq.pdf")).members == ("kq.pdf",)
    assert listing("bz2", C.bz2_bytes(b"x"), name="dir/kq.pdf.bz2").members == ("kq.pdf",)
    assert listing("zst", C.zstd_bytes(b"x"), name="kq.pdf.zst").members == ("kq.pdf",)
    tgz = listing("gz", C.gzip_bytes(C.tar_bytes(INNER)))
    assert tgz.format == "tar.gz" and "ket-qua.pdf" in tgz.members


def test_damaged_directories_do_not_raise() -> None:
    for fmt, data in (
        ("zip", b"PK\x03\x04" + bytes(40)),
        ("rar5", b"Rar!\x1a\x07\x01\x00" + bytes(5)),
        ("7z", b"7z\xbc\xaf\x27\x1c" + bytes(30)),
        ("cab", b"MSCF\x00\x00\x00\x00"),
        ("xz", b"\xfd7zXZ\x00garbage"),
        ("tar", bytes(100)),
    ):
        result = listing(fmt, data)
        assert result.member_count is None and result.problem, fmt
