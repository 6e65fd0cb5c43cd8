"""Keyword and layout cues: structure over exact strings, robust to OCR errors."""

from __future__ import annotations

import pytest
from resultcheck.detectors.keywords import Lexicon, Zones, find_cues, fold, zones_from_lines


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


def cues(lexicon: Lexicon, title: list[str], body: list[str] = (), signing: list[str] = ()) -> set[str]:
    zones = Zones(tuple(title), tuple(signing), tuple(title) + tuple(body) + tuple(signing))
    return {h.cue.id for h in find_cues(zones, lexicon).hits}


def test_fold_keeps_positions_and_drops_diacritics() -> None:
    text = "QUYẾT ĐỊNH Về việc cấp Giấy phép"
    assert fold(text) == "quyet dinh ve viec cap giay phep"
    assert len(fold(text)) == len(text)


def test_type_name_must_lead_a_capitalised_line(lexicon) -> None:
    assert "QUYET_DINH" in cues(lexicon, ["QUYẾT ĐỊNH", "Về việc cấp giấy phép xây dựng"])
    # body text mentioning a decision is not a title
    assert "QUYET_DINH" not in cues(lexicon, ["Quyết định này có hiệu lực kể từ ngày ký"])
    # an application for a permit is an application, not a permit
    found = cues(lexicon, ["ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG"])
    assert "DON_TITLE" in found and "GIAY_PHEP_XAY_DUNG" not in found and "GIAY_PHEP" not in found


def test_ocr_errors_and_missing_tone_marks_still_match(lexicon) -> None:
    assert "QUYET_DINH" in cues(lexicon, ["QUYÉT ĐINH"])
    assert "CAM_DOAN" in cues(lexicon, [], ["Toi xin cam doan nhung noi dung tren la dung su that"])
    assert "NOI_NHAN" in cues(lexicon, [], ["Noi nhan:"])
    assert "KY_GHI_RO" in cues(lexicon, [], ["(Ký, ghỉ rõ họ tên)"])


def test_number_and_symbol_of_issued_documents(lexicon) -> None:
    assert "SO_KY_HIEU_QD" in cues(lexicon, ["Số: 125/QĐ-UBND"])
    assert "SO_KY_HIEU_CONG_VAN" in cues(lexicon, ["Số: 245/UBND-TNMT"])
    assert not {"SO_KY_HIEU_QD", "SO_KY_HIEU_CONG_VAN"} & cues(lexicon, ["Số: 12/2024/HĐ"])
    # a handwritten number that OCR cannot read, or a number left blank in a draft
    assert "SO_KY_HIEU_CONG_VAN" in cues(lexicon, ["Số: /CV-PA83"])
    assert "SO_KY_HIEU_QD" in cues(lexicon, ["Số: ......../QĐ-UBND"])


def test_a_notification_number_given_by_the_authority(lexicon) -> None:
    """The authority's part of a product notification, filled in: its receipt, so a result."""
    for line in ("Số công bố: 1664/17/CBMP - HN", "Sở công bỏ: 1664/17/CBMP-HN", "Số tiếp nhận: 25/2024/YT-CNTC"):
        assert "SO_CONG_BO" in cues(lexicon, [line]), line
    # the blank part of the form, a dossier's receipt number, or a number without the authority's code
    for line in ("Số công bố: ........................", "Số tiếp nhận hồ sơ: 000.00.12.H33", "Số công bố: 1664"):
        assert "SO_CONG_BO" not in cues(lexicon, [line]), line


@pytest.mark.parametrize("line", ['" ._ GIẤYCHỨNG NHẬN _', "“GIẤY CHỨNG NHẬN", "¬ GIAYCHUNGNHAN"])
def test_a_photo_of_a_title_with_border_noise_or_words_run_together(lexicon, line: str) -> None:
    assert "GIAY_CHUNG_NHAN" in cues(lexicon, [line])


@pytest.mark.parametrize("line", ["š Ệ GIẢY PHÉP", "VI Nà GIÁY PHÉP", "b. GIẤY PHÉP"])
def test_a_title_after_specks_read_as_letters(lexicon, line: str) -> None:
    assert "GIAY_PHEP" in cues(lexicon, [line])


@pytest.mark.parametrize("line", ["ĐƠN XIN GIẤY PHÉP XÂY DỰNG", "BẢN SAO GIẤY PHÉP", "MẪU GIẤY PHÉP", "CẤP GIẤY PHÉP"])
def test_a_title_after_a_real_word_does_not_lead_its_line(lexicon, line: str) -> None:
    assert not {"GIAY_PHEP", "GIAY_PHEP_XAY_DUNG"} & cues(lexicon, [line])


def test_words_run_together_still_need_the_whole_phrase(lexicon) -> None:
    assert "GIAY_CHUNG_NHAN" not in cues(lexicon, ["GIẤYCHỨNGSINH"])


def test_numbers_with_a_year_are_normative_documents(lexicon) -> None:
    """Decree 30: only normative legal texts carry the year in their number."""
    for number in ("Số:  15 / 2024 / QĐ-UBND", "Số: 30/2020/NĐ-CP", "Luật số: 45/2013/QH13", "Số: 01/VBHN-BTP"):
        found = cues(lexicon, [number])
        assert "NORMATIVE_NUMBER" in found and not {"SO_KY_HIEU_QD", "SO_KY_HIEU_CONG_VAN"} & found, number


def test_normative_publication_and_titles(lexicon) -> None:
    assert "NORMATIVE_TITLE" in cues(lexicon, ["NGHỊ ĐỊNH"])
    assert "NORMATIVE_TITLE" in cues(lexicon, ["THÔNG TƯ"])
    assert "NORMATIVE_PUBLICATION" in cues(lexicon, [], ["- Công báo;"])
    assert "NORMATIVE_PUBLICATION" in cues(lexicon, [], ["TM. CHÍNH PHỦ"])
    assert "NORMATIVE_PUBLICATION" in cues(lexicon, [], ["- VPCP: BTCN, các Vụ, Cục, Công báo;"])
    assert "NORMATIVE_PUBLICATION" not in cues(lexicon, [], ["- Lưu: VT, TNMT."])
    assert "NORMATIVE_DISTRIBUTION" in cues(lexicon, [], ["- Thủ tướng, các Phó Thủ tướng Chính phủ;"])


def test_issuers_lead_the_page(lexicon) -> None:
    assert "STATE_ISSUER" in cues(lexicon, ["ỦY BAN NHÂN DÂN", "HUYỆN BA BỂ"])
    assert "STATE_ISSUER" in cues(lexicon, ["SỞ TƯ PHÁP"])
    assert "STATE_ISSUER" not in cues(lexicon, ["SỐ: 12/QĐ-UBND"])
    assert "STATE_ISSUER" not in cues(lexicon, ["Kính gửi: Ủy ban nhân dân xã Quảng Khê"])
    assert "COMPANY_ISSUER" in cues(lexicon, ["CÔNG TY TNHH AN PHÁT"])
    # the company named further down a certificate is not its issuer
    assert "COMPANY_ISSUER" not in cues(
        lexicon,
        [
            "SỞ KẾ HOẠCH VÀ ĐẦU TƯ",
            "PHÒNG ĐĂNG KÝ KINH DOANH",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "CÔNG TY CỔ PHẦN AN PHÁT",
        ],
    )


def test_processing_documents_and_certificate_pages(lexicon) -> None:
    assert {"TO_TRINH", "TO_TRINH_NUMBER"} <= cues(lexicon, ["Số: 514/TTr-SNV", "TỜ TRÌNH"])
    assert "SO_KY_HIEU_CONG_VAN" not in cues(lexicon, ["Số: 514/TTr-SNV"])
    assert "GCN_PAGE" in cues(lexicon, [], ["IV. Những thay đổi sau khi cấp Giấy chứng nhận"])
    # page 3's diagram heading, read by OCR off a phone photo; a survey extract's diagram is no certificate
    assert "GCN_DIAGRAM" in cues(lexicon, [], ["III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liên với đât"])
    assert "GCN_DIAGRAM" not in cues(lexicon, ["SƠ ĐỒ THỬA ĐẤT"], ["Sơ đồ thửa đất"])
    record = cues(lexicon, ["SỞ CÔNG THƯƠNG", "Số: /BB-SCT", "BIÊN BẢN HỌP XEM XÉT CỦA LÃNH ĐẠO"])
    assert {"BIEN_BAN", "TO_TRINH_NUMBER"} <= record and "SO_KY_HIEU_CONG_VAN" not in record
    # a decision citing the record it rests on is no record
    assert "BIEN_BAN" not in cues(lexicon, ["Căn cứ Biên bản vi phạm hành chính số 15/BB-VPHC"])


def test_a_result_is_identified_by_its_type_or_number_not_by_its_issuer_or_recipients(lexicon) -> None:
    def identified(lines: list[str]) -> bool:
        return find_cues(zones_from_lines(lines), lexicon).identified

    assert identified(["ỦY BAN NHÂN DÂN", "Số: 125/QĐ-UBND"])
    assert identified(["ỦY BAN NHÂN DÂN", "GIẤY PHÉP XÂY DỰNG"])
    assert not identified(["ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "Kính gửi: Các sở, ban, ngành", "Nơi nhận:", "Lưu: VT"])


@pytest.mark.parametrize(
    "line",
    [
        "Kính gửi: Cục Hải quan",
        "Kính gửi: Ủy ban nhân dân tỉnh.",
        "Kính gửi: - Sở Tài chính;",
        "Kính gửi: Các sở, ban, ngành tỉnh",
        "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Cần Giờ",
        "Kinh gui: UBND xa Tan Hoa",  # OCR without tone marks
        "Kính gửi: Phòng Tài nguyên và Môi trường",
        "Kính gửi: Thường trực HĐND tỉnh",
    ],
)
def test_a_letter_to_a_state_body(lexicon, line: str) -> None:
    assert "AGENCY_ADDRESSEE" in cues(lexicon, ["SỞ TƯ PHÁP", "Số: 788/STP-HCBT", line])


@pytest.mark.parametrize(
    "line",
    [
        "Kính gửi: Ông Nguyễn Văn An",
        "Kính gửi: Công ty Cổ phần Than Hạ Long",
        "Kính gửi: Phòng khám đa khoa Hòa Bình",
        "Kính gửi: Liên đoàn Vovinam tỉnh Bình Thuận",
        "Kính gửi: Bộ phận Tiếp nhận và Trả kết quả",
        "Kính gửi: Giám đốc Công ty TNHH An Phát",
    ],
)
def test_a_letter_to_an_applicant_is_not_to_a_state_body(lexicon, line: str) -> None:
    assert "AGENCY_ADDRESSEE" not in cues(lexicon, ["SỞ TƯ PHÁP", line])


def test_a_state_body_addressed_on_the_line_below(lexicon) -> None:
    assert "AGENCY_ADDRESSEE" in cues(lexicon, ["Kính gửi:", "- Các sở, ban, ngành;", "- UBND các huyện."])
    assert "AGENCY_ADDRESSEE" not in cues(lexicon, ["Kính gửi:", "Ông Trần Văn Bình"])


def test_a_letter_to_many_is_no_answer_to_one_applicant(lexicon) -> None:
    # the plural says it, even where OCR garbled the bodies' names (a text layer reading "sở" as "s&")
    assert "AGENCY_ADDRESSEE" in cues(lexicon, ["KInh gUi:", "- Các s&, ban, ngành;", "- Thành Doàn Dà Ning;"])
    assert "AGENCY_ADDRESSEE" in cues(lexicon, ["Kính gửi: Các tổ chức, cá nhân có liên quan"])
    assert "AGENCY_ADDRESSEE" not in cues(lexicon, ["Kính gửi: Công ty TNHH Các Sao Việt"])


@pytest.mark.parametrize(
    "line", ["V/v trình hồ sơ phê chuẩn kết quả Đại hội", "V/v: trình phê duyệt Điều lệ Hội", "V/v trinh ho so"]
)
def test_a_letter_that_submits_a_dossier(lexicon, line: str) -> None:
    assert "SUBMISSION_SUBJECT" in cues(lexicon, ["SỞ NỘI VỤ", "Số: 514/SNV-TCBC", line])


@pytest.mark.parametrize(
    "line", ["V/v đăng ký nội dung trình HĐND tỉnh", "V/v góp ý dự thảo Nghị định", "Tờ trình số 02-TTr/ĐLS"]
)
def test_a_letter_that_mentions_a_submission_submits_nothing(lexicon, line: str) -> None:
    assert "SUBMISSION_SUBJECT" not in cues(lexicon, ["SỞ NỘI VỤ", line])


@pytest.mark.parametrize(
    "lines",
    [
        ["Số:            /UBND-NCKSTTHC", "Bình Thuận, ngày       tháng      năm 2025"],
        ["Số: ......./QĐ-UBND", "Hà Nội, ngày ... tháng ... năm 20..."],
        ["Số:    /2025/QĐ-UBND", "ngày    tháng    năm 2025"],
    ],
)
def test_a_number_and_a_date_left_blank(lexicon, lines: list[str]) -> None:
    assert {"UNFILLED_NUMBER", "UNFILLED_DATE"} <= cues(lexicon, ["ỦY BAN NHÂN DÂN TỈNH", *lines])


@pytest.mark.parametrize(
    "line", ["Số: 115/CV-PA83", "Bình Thuận, ngày 12 tháng 3 năm 2025", "Ngày, tháng, năm sinh: 01/02/1980"]
)
def test_a_number_or_a_date_written_in_is_not_blank(lexicon, line: str) -> None:
    assert not {"UNFILLED_NUMBER", "UNFILLED_DATE"} & cues(lexicon, ["ỦY BAN NHÂN DÂN TỈNH", line])


def test_the_signing_softwares_placeholders_are_a_blank_number_and_date(lexicon) -> None:
    assert {"UNFILLED_NUMBER", "UNFILLED_DATE"} <= cues(
        lexicon, ["SỞ GIAO THÔNG VẬN TẢI", "#SoKyHieuVanBan", "#DiaDiemNgayBanHanh"]
    )


@pytest.mark.parametrize(
    "line",
    [
        "Đề nghị các đơn vị, tổ chức có nhu cầu tham gia khai thác tuyến xe buýt",
        "Kính mời các tổ chức, cá nhân có nhu cầu mua tài sản đến đăng ký",
        "thông báo đến các thí sinh có nhu cầu dự tuyển",
    ],
)
def test_an_invitation_to_everyone_who_wishes(lexicon, line: str) -> None:
    assert "PUBLIC_INVITATION" in cues(lexicon, ["SỞ GIAO THÔNG VẬN TẢI", line])


@pytest.mark.parametrize(
    "line",
    [
        "Công ty được cung cấp dịch vụ cho các tổ chức, cá nhân có nhu cầu",  # a licence's scope
        "Các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này",
        "Tôi có nhu cầu đăng ký hộ kinh doanh",
    ],
)
def test_a_mention_of_those_who_wish_invites_no_one(lexicon, line: str) -> None:
    assert "PUBLIC_INVITATION" not in cues(lexicon, ["SỞ GIAO THÔNG VẬN TẢI", line])


@pytest.mark.parametrize(
    "line",
    [
        "Để thực hiện đạt được mục tiêu này, đề nghị UBND tỉnh quan tâm, chỉ đạo thực",
        "đề nghị đồng chí Chủ tịch quan tâm chỉ đạo thực hiện một số nội dung sau:",
    ],
)
def test_a_letter_asking_its_recipient_to_direct_is_written_to_a_state_body(lexicon, line: str) -> None:
    assert "ASKED_TO_DIRECT" in cues(lexicon, ["CỤC CẢNH SÁT", line])


@pytest.mark.parametrize(
    "line",
    ["Đề nghị ông Nguyễn Văn An liên hệ bộ phận một cửa", "UBND huyện có trách nhiệm chỉ đạo thực hiện"],
)
def test_a_request_to_an_applicant_asks_no_one_to_direct(lexicon, line: str) -> None:
    assert "ASKED_TO_DIRECT" not in cues(lexicon, ["CỤC CẢNH SÁT", line])


def test_a_list_of_the_papers_filed_is_an_input(lexicon) -> None:
    assert "DANH_MUC_HO_SO" in cues(lexicon, ["DANH MỤC HỒ SƠ NỘP KÈM", "Thủ tục: Cấp giấy phép xây dựng"])
    assert "DANH_MUC_HO_SO" in cues(lexicon, ["DANH MỤC GIẤY TỜ"])
    # a decision's recital or an annex's list of procedures is not the applicant's list
    assert "DANH_MUC_HO_SO" not in cues(lexicon, ["Căn cứ danh mục hồ sơ kèm theo"])
    assert "DANH_MUC_HO_SO" not in cues(lexicon, ["DANH MỤC THỦ TỤC HÀNH CHÍNH"])


def test_a_collegial_bodys_resolution_is_an_organisations_paper(lexicon) -> None:
    found = cues(lexicon, ["HỘI ĐỒNG QL QUỸ KHUYẾN HỌC", "Số: 01/NQ-HĐQLQ", "NGHỊ QUYẾT CỦA HỘI ĐỒNG QUẢN LÝ QUỸ"])
    assert {"NGHI_QUYET", "NGHI_QUYET_NUMBER"} <= found and "SO_KY_HIEU_CONG_VAN" not in found
    # a council's normative resolution carries the year; prose citing a resolution is no title
    assert "NORMATIVE_NUMBER" in cues(lexicon, ["Số: 12/2024/NQ-HĐND"])
    assert "NGHI_QUYET_NUMBER" not in cues(lexicon, ["Số: 12/2024/NQ-HĐND"])
    assert "NGHI_QUYET" not in cues(lexicon, ["Nghị quyết số 29-NQ/TW của Ban Chấp hành Trung ương"])


def test_an_industrial_property_title_is_a_granted_document(lexicon) -> None:
    assert "BANG_DOC_QUYEN" in cues(lexicon, ["CỤC SỞ HỮU TRÍ TUỆ", "BẰNG ĐỘC QUYỀN", "SÁNG CHẾ"])
    # the owner's caption on the same page is no title
    assert "BANG_DOC_QUYEN" not in cues(lexicon, ["Chủ Bằng độc quyền: CÔNG TY CỔ PHẦN A"])


def test_a_decision_numbered_with_its_year_is_normative_a_permit_may_be_numbered_so(lexicon) -> None:
    assert {"NORMATIVE_NUMBER", "NORMATIVE_DECISION_NUMBER"} <= cues(lexicon, ["Số: 3 /2025/QĐ-UBND"])
    permit = cues(lexicon, ["Số: 15/2021/GCNĐĐK-SYT"])
    assert "NORMATIVE_NUMBER" in permit and "NORMATIVE_DECISION_NUMBER" not in permit
    # a court's and a company's decisions have their own codes
    assert "NORMATIVE_DECISION_NUMBER" not in cues(lexicon, ["Số: 10/2021/QĐST-HNGĐ"])
    assert "NORMATIVE_DECISION_NUMBER" not in cues(lexicon, ["Số: 89/2026/QĐ-CT"])
    assert "NORMATIVE_DECISION_NUMBER" in cues(lexicon, ["Số: 01/2025/QĐ-TTg"])


def test_a_forms_model_states_the_papers_size_an_issued_paper_never_does(lexicon) -> None:
    assert "FORM_MODEL_SPEC" in cues(lexicon, [], ["Mặt ngoài: Kích thước: 190 mm x 130 mm"])
    assert "FORM_MODEL_SPEC" in cues(lexicon, [], ["Mặt trong - kích thước 190 x 130"])
    assert "FORM_MODEL_SPEC" not in cues(lexicon, [], ["Kích thước lô đất: 5 m x 20 m"])


def test_general_decisions_and_annexes_of_normative_texts(lexicon) -> None:
    assert "GENERAL_DECISION" in cues(lexicon, ["QUYẾT ĐỊNH", "Ban hành Quy chế làm việc của Ủy ban nhân dân"])
    assert "GENERAL_DECISION" in cues(lexicon, ["QUYẾT ĐỊNH", "Về việc ban hành Quy định quản lý"])
    # a form's "(Ban hành kèm theo Thông tư…)" and an individual decision are no such summary
    assert "GENERAL_DECISION" not in cues(lexicon, ["Mẫu số 01", "(Ban hành kèm theo Thông tư số 85/2019/TT-BTC)"])
    assert "GENERAL_DECISION" not in cues(lexicon, ["QUYẾT ĐỊNH", "Về việc cấp giấy phép xây dựng"])
    # prose wrapped onto a new line: "…Nghị quyết số 30c/NQ-CP của Chính phủ / ban hành Chương trình…"
    assert "GENERAL_DECISION" not in cues(lexicon, ["Thực hiện Nghị quyết của Chính phủ", "ban hành Chương trình"])
    annex = cues(lexicon, ["Phụ lục III", "MẪU TRÌNH BÀY VĂN BẢN", "(Kèm theo Nghị định số 30/2020/NĐ-CP"])
    assert {"NORMATIVE_ANNEX_TITLE", "NORMATIVE_ANNEX_REF"} <= annex
    # an annex of an individual decision: its number has no year
    assert "NORMATIVE_ANNEX_REF" not in cues(lexicon, ["PHỤ LỤC", "(Kèm theo Quyết định số 125/QĐ-UBND)"])


@pytest.mark.parametrize("line", ["DỰ THẢO", "(Dự thảo)", "Dự thảo lần 2", "DU THAO 3", "[DỰ THẢO]"])
def test_a_draft_mark_stands_on_its_own_line(lexicon, line: str) -> None:
    assert "DRAFT_MARK" in cues(lexicon, ["ỦY BAN NHÂN DÂN", line, "QUYẾT ĐỊNH"])


@pytest.mark.parametrize(
    "line", ["Dự thảo Quyết định phê duyệt Điều lệ", "Sở Nội vụ trình dự thảo", "- Dự thảo văn bản;"]
)
def test_a_draft_mentioned_in_prose_is_no_mark(lexicon, line: str) -> None:
    assert "DRAFT_MARK" not in cues(lexicon, [], [line])


def test_signing_block_only_counts_in_the_signing_zone(lexicon) -> None:
    assert "SIGNING_PREFIX" in cues(lexicon, [], signing=["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
    assert "SIGNING_PREFIX" not in cues(lexicon, ["KT. CHỦ TỊCH"])


@pytest.mark.parametrize("line", ["KT CHỦ TỊCH", "TM ỦY BAN NHÂN DÂN", "KT, GIÁM ĐỐC", "TL.CHỦ TỊCH"])
def test_a_signing_prefix_whose_dot_ocr_lost_still_counts(lexicon, line: str) -> None:
    assert "SIGNING_PREFIX" in cues(lexicon, [], signing=[line])


@pytest.mark.parametrize("line", ["KTCHỦ TỊCH", "TMS GIÁM ĐỐC", "KTS. NGUYỄN VĂN A"])
def test_a_signing_prefix_is_a_word_of_its_own(lexicon, line: str) -> None:
    assert "SIGNING_PREFIX" not in cues(lexicon, [], signing=[line])


# What a state body gives its own units and staff: (summary line, Article 1)
INTERNAL_ACTIONS = [
    ("Về việc phân công nhiệm vụ đối với công chức Văn phòng - Thống kê", "Điều 1: Phân công nhiệm vụ cụ thể"),
    ("Về việc giao chỉ tiêu phát triển người tham gia bảo hiểm y tế", "Điều 1. Giao chỉ tiêu cho các ấp"),
    ("V/v giao dự toán ngân sách năm 2025", "Điều 1. Giao dự toán thu, chi ngân sách"),
    ("Về việc kiện toàn Ban Chỉ đạo chuyển đổi số", "Điều 1. Kiện toàn Ban Chỉ đạo"),
    ("Thành lập Tổ công tác rà soát thủ tục hành chính", "Điều 1. Thành lập Tổ công tác"),
    ("Về việc thành lập Đoàn kiểm tra công tác cải cách hành chính", "Điều 1. Thành lập Đoàn kiểm tra"),
    ("Về việc thành lập Hội đồng thẩm định hồ sơ", "Điều 1. Thành lập Hội đồng thẩm định"),
    ("Về việc điều động công chức", "Điều 1. Điều động ông Nguyễn Văn A, công chức Địa chính"),
    ("Về việc cử cán bộ đi học", "Điều 1. Cử cán bộ, công chức có tên sau"),
    ("Về việc công nhận tỉnh Đồng Tháp hoàn thành nhiệm vụ", "Điều 1. Công nhận xã Thống Nhất đạt chuẩn"),
    ("VỀ việc giới thiệu chức danh và chữ ký", "Điều 1. Giới thiệu chữ ký của Phó Giám đốc Sở"),
    ("Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc", "Điều 1. Kết luận tại cuộc họp giao ban"),
    ("Về việc nâng bậc lương thường xuyên", "Điều 1. Nâng lương đối với công chức có tên sau"),
]


@pytest.mark.parametrize(("summary", "article"), INTERNAL_ACTIONS)
def test_a_bodys_management_of_its_own_work_by_summary_or_article_one(lexicon, summary: str, article: str) -> None:
    assert "INTERNAL_SUMMARY" in cues(lexicon, ["QUYẾT ĐỊNH", summary])
    assert "INTERNAL_ARTICLE" in cues(lexicon, ["QUYẾT ĐỊNH"], [article])


@pytest.mark.parametrize(
    "line",
    [
        "Về việc giao đất cho hộ ông Nguyễn Văn A",  # a grant to an applicant
        "Về việc cho phép thành lập Hội Cựu giáo chức huyện",  # an association founded on its members' dossier
        "Về việc bổ nhiệm công chứng viên",  # a procedure's outcome for the notary
        "Về việc công nhận Ban quản trị nhà chung cư",
        "Về việc công nhận quân nhân hoàn thành nghĩa vụ",
        "Điều 2. Giao Phòng Văn hóa - Xã hội chủ trì",  # who carries out a decision, not what it decides
        "Theo đề nghị của Tổ công tác, phân công nhiệm vụ",
        "Kết luận nội dung tố cáo đối với ông Nguyễn Văn A",  # the outcome of a denunciation's handling
        "Kết luận của Thanh tra tỉnh về việc giải quyết khiếu nại",
    ],
)
def test_an_applicants_grant_is_no_management_of_own_work(lexicon, line: str) -> None:
    found = cues(lexicon, ["QUYẾT ĐỊNH", line], [line])
    assert not found & {"INTERNAL_SUMMARY", "INTERNAL_ARTICLE"}


def test_shared_word_tails_are_not_matches(lexicon) -> None:
    # "…công nhận hộ kinh doanh" must not read as the certificate field "Mã số hộ kinh doanh"
    assert "HKD_FIELDS" not in cues(lexicon, [], ["Về việc công nhận hộ kinh doanh"])


def test_process_forms_and_id_cards(lexicon) -> None:
    assert "PROCESS_FORM" in cues(lexicon, ["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"])
    assert {"CCCD", "MRZ"} <= cues(lexicon, [], ["CĂN CƯỚC CÔNG DÂN", "IDVNM0123456789<<<<<<"])


def test_scores_title_cues_of_one_side_do_not_add_up(lexicon) -> None:
    evidence = find_cues(zones_from_lines(["GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT"]), lexicon)
    assert {h.cue.id for h in evidence.hits} >= {"GCN_QSDD", "GIAY_CHUNG_NHAN"}
    assert evidence.result == 4.0


def test_a_bad_lexicon_is_refused(tmp_path) -> None:
    bad = tmp_path / "lex.toml"
    bad.write_text(
        'version = "x"\ncues = [{ id = "A", side = "maybe", zone = "any", weight = 1.0, label = "a" }]\n'
        "[match]\n[decide]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError):
        Lexicon.load(bad)
    bad.write_text(
        'version = "x"\ncues = [{ id = "A", side = "result", zone = "any", weight = 1.0, label = "a", '
        "regex = 'so {{missing}}' }]\n[match]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="missing"):
        Lexicon.load(bad)


def test_any_citizen_letter_title_is_an_application(lexicon) -> None:
    for title in ("ĐƠN KHIẾU NẠI", "ĐƠN TỐ CÁO", "DON XIN XAC NHAN", "ĐƠN ĐỀ NGHỊ CẤP ĐỔI"):
        assert "DON_TITLE" in cues(lexicon, [title]), title
    # an issuing police post (ĐỒN folds like ĐƠN), a unit or a price list is not a letter
    for title in ("ĐỒN CÔNG AN XÃ TÂN LẬP", "ĐƠN VỊ THIẾT KẾ", "ĐƠN GIÁ BỒI THƯỜNG", "Đơn khiếu nại của bà Lan"):
        assert "DON_TITLE" not in cues(lexicon, [title]), title


def test_issuing_number_must_lead_its_line(lexicon) -> None:
    assert "SO_KY_HIEU_CONG_VAN" in cues(lexicon, ["Số: 1502/QLĐT-XD"])
    assert "SO_KY_HIEU_CONG_VAN" in cues(lexicon, ["| Số: 2214/STP-LLTP"])
    # a complaint that cites the decision it disputes has not issued it
    quoted = ["Tôi khiếu nại Quyết định số 318/QĐ-UBND ngày 02/4/2025 của Chủ tịch UBND xã"]
    assert not {"SO_KY_HIEU_QD", "SO_KY_HIEU_CONG_VAN"} & cues(lexicon, quoted)


def test_first_person_applicant_language(lexicon) -> None:
    assert "FIRST_PERSON" in cues(lexicon, [], ["Tôi tên là: Lâm Văn Sang, sinh năm 1979"])
    assert "FIRST_PERSON" in cues(lexicon, [], ["Sau khi nhận được quyết định, tôi khiếu nại như sau:"])
    assert "APPLICANT_CAPTION" in cues(lexicon, [], signing=["Người khiếu nại"])
    assert "FIRST_PERSON" not in cues(lexicon, [], ["Công nhận ông Lê Văn Tới là chủ hộ"])


def test_validity_line_of_a_licence_is_not_an_id_card(lexicon) -> None:
    assert "CCCD" not in cues(lexicon, [], ["Giấy phép có giá trị đến ngày 03 tháng 3 năm 2030."])
    assert "CCCD" in cues(lexicon, ["CĂN CƯỚC", "IDENTITY CARD"])


def test_documents_addressed_to_everyone(lexicon) -> None:
    directive = cues(lexicon, ["ỦY BAN NHÂN DÂN", "Số: 4 /CT-UBND", "CHỈ THỊ"])
    assert {"GENERAL_TITLE", "GENERAL_NUMBER"} <= directive and "SO_KY_HIEU_CONG_VAN" not in directive
    assert "TTHC_LIST" in cues(lexicon, ["QUYẾT ĐỊNH", "Về việc công bố Danh mục thủ tục hành chính mới ban hành"])
    assert "GENERAL_NUMBER" not in cues(lexicon, ["Số: 125/QĐ-UBND"])


def test_a_longer_type_name_is_not_a_second_sign(lexicon) -> None:
    assert find_cues(zones_from_lines(["GIẤY PHÉP XÂY DỰNG", "File mẫu"]), lexicon).result_signs == 1
    assert find_cues(zones_from_lines(["ỦY BAN NHÂN DÂN", "GIẤY PHÉP XÂY DỰNG"]), lexicon).result_signs == 2
