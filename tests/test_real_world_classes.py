"""The failure classes found on files nobody here made (issue 12), one explicit case each, end to end.

Pictures, foreign texts, normative legal texts, company letters, icons, legacy Word files with
an OOXML package inside, self-extracting and split archives: none is a result, and none is
an input component drawing.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw
from resultcheck.detectors import drawing

from fixtures import containers as C
from fixtures.layout import Line, layout_lines, pdf_pages
from resultcheck import Category


def text_pdf(lines: list[str], size: int = 13) -> bytes:
    return pdf_pages([layout_lines([Line(text, size=size) for text in lines], "dejavu-serif")])


def jpeg(array: np.ndarray, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "JPEG", quality=85, dpi=(dpi, dpi))
    return buf.getvalue()


def synthetic_photo(seed: int = 3) -> np.ndarray:
    """Smooth colourful fields and texture, like a photo: no paper, no strokes, no text."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (12, 9, 3)).astype(np.uint8)
    fields = np.asarray(Image.fromarray(small).resize((1240, 1654), Image.Resampling.BICUBIC), dtype=np.float32)
    texture = rng.normal(0, 18, fields.shape[:2])[..., None]
    return np.clip(fields + texture, 0, 255).astype(np.uint8)


def test_a_photo_is_other_not_a_drawing_and_not_blank(checker) -> None:
    verdict = checker.check_file(jpeg(synthetic_photo()), "anh-chup.jpg")
    assert verdict.category is Category.OTHER and verdict.reasons[0].code == "PICTURE"
    assert verdict.document_type == "hinh_anh" and "CONTENT_PICTURE" in verdict.codes  # never blank


def test_a_page_border_is_the_sheets_edge_not_a_drawings_frame(checker) -> None:
    """A dark rim along the scan's edges (augraphy's PageBorder, a lid's shadow) runs both ways like
    a frame; a drawing's frame lies inside the sheet's margins."""
    rules = checker.config.rules.section("classify")
    blank_rules = checker.config.rules.section("blank")
    page = np.full((1169, 827, 3), 235, np.uint8)  # A4 at 100 dpi, tinted paper
    for t in (0, 4, 8):  # three dark rims along each edge, as a border, a shadow and a rim leave
        page[t : t + 2, 30:800], page[-2 - t : page.shape[0] - t, 30:800] = 60, 60
        page[30:1140, t : t + 2], page[30:1140, -2 - t : page.shape[1] - t] = 60, 60
    rim = drawing.look(page, 100 / 25.4, True, blank_rules, rules)
    assert rim.horizontal_lines == rim.vertical_lines == 0 and not rim.is_drawing(rules)
    framed = np.full_like(page, 235)
    for t in (60, 66, 500, 700):  # the same strokes inside the margins: a frame and a title block
        framed[t : t + 2, 60:770], framed[60:1100, t : t + 2] = 60, 60
    inside = drawing.look(framed, 100 / 25.4, True, blank_rules, rules)
    assert inside.horizontal_lines >= 4 and inside.vertical_lines >= 4 and inside.is_drawing(rules)


def test_an_icon_is_too_small_to_be_a_page(checker) -> None:
    icon = np.full((48, 48, 3), 255, np.uint8)
    icon[10:38, 10:38] = (200, 30, 30)
    verdict = checker.check_file(jpeg(icon), "icon.jpg")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "IMAGE_TOO_SMALL")


def test_a_page_thumbnail_is_other_but_a_person_looks(checker) -> None:
    """A page shrunk to 180×260 pixels cannot be read: it may be an application or a result."""
    thumbnail = np.full((260, 180, 3), 250, np.uint8)
    for top in range(30, 230, 12):
        thumbnail[top : top + 3, 20:160] = 40  # rows of text, too small to read
    verdict = checker.check_file(jpeg(thumbnail), "don.jpg")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "IMAGE_PAGE_THUMBNAIL")
    assert verdict.confidence < 0.7


def test_a_small_image_that_does_not_decode_is_unreadable_not_an_icon(checker) -> None:
    buf = io.BytesIO()
    Image.fromarray(synthetic_photo()[:128, :128]).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    idat = data.index(b"IDAT")
    data[idat + 4 : idat + 40] = b"\xff" * 36  # the header is whole, the pixel stream is not
    verdict = checker.check_file(bytes(data), "icon.png")
    assert verdict.category is Category.UNREADABLE


def test_an_animated_image_is_a_picture_whatever_its_first_frame(checker) -> None:
    """A banner whose first frame is empty is not a blank scan; a TIFF's frames stay its pages."""
    frames = [Image.new("RGB", (800, 1100), "white"), Image.fromarray(synthetic_photo()).resize((800, 1100))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    verdict = checker.check_file(buf.getvalue(), "banner.gif")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "IMAGE_ANIMATED")
    assert verdict.document_type == "hinh_anh" and verdict.confidence >= 0.7
    tiff = io.BytesIO()
    frames[0].save(tiff, "TIFF", save_all=True, append_images=frames[:1])
    assert checker.check_file(tiff.getvalue(), "scan.tif").category is Category.BLANK


def test_letters_between_offices_general_decisions_and_annexes_are_no_results(checker) -> None:
    head = ["SỞ TƯ PHÁP", "Số: 788/STP-HCBT", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    letter = head + [
        "V/v trình hồ sơ phê chuẩn kết quả Đại hội",
        "Kính gửi: Ủy ban nhân dân tỉnh.",
        "Sở Tư pháp nhận được văn bản của Văn phòng Ủy ban nhân dân tỉnh về việc chuyển hồ sơ.",
        "Nơi nhận:",
        "- Lưu: VT.",
        "GIÁM ĐỐC",
    ]
    verdict = checker.check_file(text_pdf(letter), "cong-van.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.INPUT_COMPONENT, "AGENCY_SUBMISSION")
    assert verdict.confidence < 0.7
    views = [line.replace("V/v trình hồ sơ", "V/v góp ý về việc tổ chức") for line in letter]
    verdict = checker.check_file(text_pdf(views), "gop-y.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "AGENCY_LETTER")
    assert verdict.confidence < 0.7
    reply = [line.replace("Ủy ban nhân dân tỉnh.", "Ông Nguyễn Văn An") for line in letter]
    assert checker.check_file(text_pdf(reply), "tra-loi.pdf").codes[0] == "RESULT_EVIDENCE"
    general = [
        "BỘ XÂY DỰNG",
        "Số: 1074/QĐ-BXD",
        "QUYẾT ĐỊNH",
        "Ban hành các giải pháp kỹ thuật nâng cao an toàn phòng cháy",
        "Căn cứ Luật Phòng cháy, chữa cháy;",
        "QUYẾT ĐỊNH:",
        "Điều 1. Ban hành kèm theo Quyết định này các giải pháp kỹ thuật.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    ]
    verdict = checker.check_file(text_pdf(general), "qd-ban-hanh.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "NORMATIVE_DOCUMENT")
    annex = [
        "Phụ lục III",
        "MẪU TRÌNH BÀY VĂN BẢN HÀNH CHÍNH",
        "(Kèm theo Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ)",
        "QUYẾT ĐỊNH:",
        "Điều 1. ……………",
        "Nơi nhận:",
        "- Lưu: VT.",
    ]
    verdict = checker.check_file(text_pdf(annex), "phu-luc.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "NORMATIVE_DOCUMENT")


def test_a_resolution_is_an_organisations_paper_or_a_councils_law_never_a_result(checker) -> None:
    resolution = [
        "HỘI KHUYẾN HỌC TỈNH",
        "HỘI ĐỒNG QUẢN LÝ QUỸ KHUYẾN HỌC",
        "Số: 01/NQ-HĐQLQ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "NGHỊ QUYẾT CỦA HỘI ĐỒNG QUẢN LÝ QUỸ",
        "(Về việc đề nghị sửa đổi, bổ sung Điều lệ Quỹ khuyến học)",
        "Căn cứ Nghị định số 93/2019/NĐ-CP của Chính phủ về tổ chức, hoạt động của quỹ xã hội;",
        "Điều 1. Thông qua dự thảo Điều lệ sửa đổi, bổ sung của Quỹ.",
        "Nơi nhận:",
        "- Lưu: VT.",
        "TM. HỘI ĐỒNG QUẢN LÝ QUỸ",
    ]
    verdict = checker.check_file(text_pdf(resolution), "nghi-quyet.pdf")
    assert (verdict.category, verdict.document_type) == (Category.INPUT_COMPONENT, "nghi_quyet")
    council = [
        "HỘI ĐỒNG NHÂN DÂN TỈNH",
        "Số: 12/2024/NQ-HĐND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "NGHỊ QUYẾT",
        "Quy định mức thu phí thẩm định cấp giấy phép xây dựng trên địa bàn tỉnh",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Điều 1. Phạm vi điều chỉnh",
        "Nghị quyết này có hiệu lực kể từ ngày 01 tháng 01 năm 2025.",
        "Nơi nhận:",
        "- Lưu: VT.",
        "CHỦ TỊCH",
    ]
    verdict = checker.check_file(text_pdf(council), "nghi-quyet-hdnd.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "NORMATIVE_DOCUMENT")


def test_a_communes_decision_on_its_own_hamlets_targets_is_not_a_result(checker) -> None:
    """In form an issued decision (number, Căn cứ, Điều 1, seal's place); in substance the body
    managing its own work. The same decision granting land to a household is a result."""

    def decision(summary: str, article: str) -> list[str]:
        return [
            "ỦY BAN NHÂN DÂN",
            "XÃ THỐNG NHẤT",
            "Số: 112/QĐ-UBND",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "QUYẾT ĐỊNH",
            summary,
            "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THỐNG NHẤT",
            "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;",
            "QUYẾT ĐỊNH:",
            article,
            "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
            "Nơi nhận:",
            "- Lưu: VT, VHXH.",
            "KT. CHỦ TỊCH",
        ]

    internal = decision(
        "Về việc giao chỉ tiêu phát triển người tham gia bảo hiểm y tế năm 2025",
        "Điều 1. Giao chỉ tiêu phát triển người tham gia BHYT cho các ấp trên địa bàn xã.",
    )
    verdict = checker.check_file(text_pdf(internal), "qd-giao-chi-tieu.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "INTERNAL_DOCUMENT")
    assert verdict.confidence >= 0.7  # summary and Article 1 agree
    grant = decision("Về việc giao đất cho hộ ông Nguyễn Văn An", "Điều 1. Giao 200 m² đất ở cho hộ ông Nguyễn Văn An.")
    verdict = checker.check_file(text_pdf(grant), "qd-giao-dat.pdf")
    assert verdict.category is Category.RESULT and verdict.confidence >= 0.9


def test_a_circular_to_many_offices_is_no_result(checker) -> None:
    circular = [
        "ỦY BAN NHÂN DÂN",
        "THÀNH PHỐ ĐÀ NẴNG",
        "Số: 5140/UBND-SGDĐT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "V/v thực hiện Thông báo kết luận của Thường trực Thành ủy",
        "Kính gửi:",
        "- Các s&, ban, ngành;",  # the bodies' names garbled, as a poor text layer has them
        "- Thành Đoàn Đà Nẵng;",
        "Ủy ban nhân dân thành phố yêu cầu thủ trưởng các cơ quan, đơn vị triển khai thực hiện.",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT, SGDĐT.",
        "KT. CHỦ TỊCH",
    ]
    verdict = checker.check_file(text_pdf(circular), "cong-van-nhieu-noi.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "AGENCY_LETTER")
    assert verdict.confidence < 0.7


def test_an_english_page_is_foreign_other(checker) -> None:
    lines = ["QUARTERLY REPORT OF THE LIBRARY COMMITTEE"] + [
        "The committee met on the third Tuesday of each month to review acquisitions, opening hours and "
        "the budget for the coming year."
    ] * 8
    verdict = checker.check_file(text_pdf(lines), "report.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "FOREIGN_DOCUMENT")
    assert verdict.confidence >= 0.7


def test_a_decree_is_a_normative_text_not_a_result(checker) -> None:
    lines = [
        "CHÍNH PHỦ",
        "Số: 15/2020/NĐ-CP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "NGHỊ ĐỊNH",
        "Quy định xử phạt vi phạm hành chính trong lĩnh vực bưu chính",
        "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
        "Chính phủ ban hành Nghị định quy định xử phạt.",
        "Điều 1. Phạm vi điều chỉnh",
        "Nghị định này có hiệu lực thi hành kể từ ngày 15 tháng 4 năm 2020.",
        "Nơi nhận:",
        "- Ban Bí thư Trung ương Đảng;",
        "- VPCP: BTCN, Công báo;",
        "- Lưu: VT, KGVX.",
        "TM. CHÍNH PHỦ",
        "THỦ TƯỚNG",
    ]
    verdict = checker.check_file(text_pdf(lines), "nghi-dinh.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "NORMATIVE_DOCUMENT")
    assert verdict.confidence >= 0.9


def test_a_company_notice_in_official_layout_is_not_a_result(checker) -> None:
    lines = [
        "CÔNG TY CỔ PHẦN XÂY DỰNG AN PHÁT",
        "Số: 25/TB-AP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "THÔNG BÁO",
        "Về việc nghỉ lễ Quốc khánh năm 2025",
        "Công ty thông báo lịch nghỉ lễ đến toàn thể cán bộ, nhân viên như sau.",
        "Nơi nhận:",
        "- Các phòng ban;",
        "- Lưu: VT.",
        "GIÁM ĐỐC",
    ]
    verdict = checker.check_file(text_pdf(lines), "thong-bao-cong-ty.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "PRIVATE_ISSUER")


def test_a_legacy_font_text_layer_is_read_by_ocr_not_trusted(checker) -> None:
    tcvn3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam §éc lËp - Tù do - H¹nh phóc QuyÕt ®Þnh vÒ viÖc cÊp giÊy phÐp"
    verdict = checker.check_file(text_pdf([tcvn3] * 12, size=10), "tcvn3.pdf")
    assert "OCR_USED" in verdict.codes


def test_a_doc_with_an_embedded_ooxml_package_is_never_an_archive(checker) -> None:
    doc = C.ole_word_like({"1Table": bytes(64), "ObjectPool": C.docx_bytes(["Hình vẽ sơ đồ"])})
    verdict = checker.check_file(doc, "to-khai.doc")
    assert verdict.category is not Category.ARCHIVE and verdict.mime == "application/msword"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"MZ" + bytes(3000) + C.rar5_bytes({"kq.pdf": b"x"}), "ho-so.exe", "ARCHIVE_SFX"),
        (b"MZ" + bytes(3000) + C.zip_bytes({"kq.pdf": b"x"}), "ho-so.exe", "ARCHIVE_SFX"),
        (np.random.default_rng(1).bytes(8000), "ho-so.7z.002", "ARCHIVE_VOLUME"),  # compressed data: no signature
        (np.random.default_rng(2).bytes(8000), "ho-so.part2.rar", "ARCHIVE_VOLUME"),
    ],
)
def test_self_extracting_and_split_archives(checker, data: bytes, name: str, code: str) -> None:
    verdict = checker.check_file(data, name)
    assert verdict.category is Category.ARCHIVE and code in verdict.codes, verdict.codes


def test_a_volume_name_does_not_turn_a_document_into_an_archive(checker) -> None:
    verdict = checker.check_file(text_pdf(["QUYẾT ĐỊNH"]), "quyet-dinh.part2.rar")
    assert verdict.category is not Category.ARCHIVE


def scan_with_a_word_in_the_margin(word: str) -> bytes:
    """A white scanned page whose only ink is one small word near its top edge, and whose
    invisible text layer (an OCR's) reads that word."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    scan = Image.new("L", (1240, 1754), 252)  # A4 at 150 dpi
    ImageDraw.Draw(scan).text((60, 40), word, fill=20, font_size=22)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(210 * mm, 297 * mm))
    c.drawImage(ImageReader(scan), 0, 0, 210 * mm, 297 * mm)
    text = c.beginText(10 * mm, 289 * mm)
    text.setTextRenderMode(3)
    text.setFont("Helvetica", 7)
    text.textLine(word)
    c.drawText(text)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_a_word_in_a_blank_pages_margin_is_content_when_the_text_layer_reads_a_word(checker) -> None:
    """A small mark near the top edge looks like a page number; the page's own text says whether it is."""
    folio = checker.check_file(scan_with_a_word_in_the_margin("12"), "trang-trang.pdf")
    assert (folio.category, folio.codes[:2]) == (Category.BLANK, ("BLANK_FILE", "BLANK_PAGE_NUMBER_ONLY"))
    word = checker.check_file(scan_with_a_word_in_the_margin("pdf.js"), "mot-chu.pdf")
    assert word.category is not Category.BLANK and "BLANK_PAGE_NUMBER_ONLY" not in word.codes
    assert word.confidence < 0.7  # one word says nothing of the dossier: a person looks


def test_a_cover_that_says_nothing_leaves_the_decision_to_the_next_page(checker) -> None:
    """An old land certificate's cover, or a page OCR cannot read, carries no cue of any kind."""
    cover = layout_lines([Line("Hồ sơ lưu của gia đình ông Nguyễn Văn An, năm 2019", size=13)], "dejavu-serif")
    application = layout_lines(
        [
            Line(text, size=13)
            for text in [
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG",
                "Kính gửi: Ủy ban nhân dân huyện Cần Giờ",
                "Tôi tên là Nguyễn Văn An, đề nghị cấp giấy phép xây dựng nhà ở.",
                "Tôi xin cam đoan làm theo đúng giấy phép được cấp.",
                "Người làm đơn",
                "(Ký, ghi rõ họ tên)",
            ]
        ],
        "dejavu-serif",
    )
    verdict = checker.check_file(pdf_pages([cover, application]), "ho-so.pdf")
    assert verdict.category is Category.INPUT_COMPONENT and verdict.confidence >= 0.7


def test_a_typed_letter_with_its_number_and_date_left_blank_goes_to_a_person(checker) -> None:
    # the shape of real office Word files (a draft, vbai_du_thao_cv_ket_qua_dai_hoi.docx; a result's
    # Word copy, sct_tb_ket_qua_tham_dinh_tkkt.docx): everything of an issued letter but the number
    # and date, which are written in when it is signed
    letter = [
        "ỦY BAN NHÂN DÂN",
        "TỈNH BÌNH THUẬN",
        "Số:            /UBND-NCKSTTHC",
        "V/v kết quả đại hội Liên đoàn Quần vợt tỉnh",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "Bình Thuận, ngày       tháng      năm 2025",
        "Kính gửi: Liên đoàn Quần vợt tỉnh Bình Thuận",
        "Chủ tịch Ủy ban nhân dân tỉnh thông báo để Liên đoàn Quần vợt tỉnh biết./.",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT, NCKSTTHC.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]
    for data, name in ((C.docx_bytes(letter), "du-thao.docx"), (text_pdf(letter), "du-thao.pdf")):
        verdict = checker.check_file(data, name)
        assert (verdict.category, verdict.codes[0]) == (Category.RESULT, "UNISSUED_DOCUMENT"), name
        assert verdict.confidence < 0.7
    issued = [
        line.replace("Số:            /", "Số: 96/").replace("ngày       tháng", "ngày 12 tháng 3") for line in letter
    ]
    assert checker.check_file(C.docx_bytes(issued), "cong-van.docx").codes[0] == "RESULT_EVIDENCE"


def test_a_public_notice_inviting_everyone_who_wishes_is_no_result(checker) -> None:
    notice = [
        "UBND TỈNH QUẢNG NAM",
        "SỞ GIAO THÔNG VẬN TẢI",
        "Số: 334/TB-SGTVT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Nam, ngày 09 tháng 02 năm 2023",
        "THÔNG BÁO",
        "Về việc đăng ký tham gia khai thác các tuyến xe buýt",
        "Đề nghị các đơn vị, tổ chức có nhu cầu tham gia khai thác tuyến xe buýt",
        "thực hiện hồ sơ đăng ký và gửi đến Sở Giao thông vận tải.",
        "Nơi nhận:",
        "- UBND tỉnh (b/cáo);",
        "- Lưu: VT.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
    ]
    verdict = checker.check_file(text_pdf(notice), "thong-bao.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.OTHER, "PUBLIC_NOTICE")
    assert verdict.confidence < 0.7
    answer = [line.replace("Đề nghị các đơn vị, tổ chức có nhu cầu", "Công ty Phương Nam được") for line in notice]
    assert checker.check_file(text_pdf(answer), "thong-bao.pdf").codes[0] == "RESULT_EVIDENCE"


def test_an_offices_submission_is_named_by_its_type_not_by_its_layout(checker) -> None:
    # after a public scan (Sở Tư pháp Quảng Bình, 2022): a TỜ TRÌNH in full Decree-30 layout
    submission = [
        "UBND TỈNH QUẢNG BÌNH",
        "SỞ TƯ PHÁP",
        "Số: 2753/TTr-STP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Bình, ngày 28 tháng 9 năm 2022",
        "TỜ TRÌNH",
        "V/v đề nghị xét khen thưởng vì đã có thành tích xuất sắc",
        "Sở Tư pháp kính trình Chủ tịch UBND tỉnh xem xét, quyết định./.",
        "Nơi nhận:",
        "- Hội đồng TĐ-KT tỉnh;",
        "- Lưu: VT, VP.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
    ]
    body = ["Sở Tư pháp kính trình Chủ tịch UBND tỉnh tặng bằng khen cho tập thể và cá nhân."] * 16
    verdict = checker.check_file(text_pdf(submission[:8] + body + submission[8:]), "to-trinh.pdf")
    assert (verdict.category, verdict.codes[0]) == (Category.INPUT_COMPONENT, "INPUT_TYPE_NAMED")
    assert verdict.confidence < 0.7  # an office's tờ trình may also be a report tied to no dossier
