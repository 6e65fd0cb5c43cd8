"""Every reason code resultcheck emits, with its Vietnamese message (the users' language).

Codes are stable English identifiers; messages may be reworded freely.
"""

from __future__ import annotations

from typing import Any

from .models import Reason

CATEGORY_VI: dict[str, str] = {
    "blank": "tệp trắng",
    "archive": "tệp nén",
    "input_component": "thành phần hồ sơ đầu vào",
    "result": "kết quả",
    "unreadable": "không đọc được",
    "unsupported": "định dạng không hỗ trợ",
    "other": "tài liệu khác (không phải kết quả hay thành phần hồ sơ)",
}

MESSAGES: dict[str, str] = {
    # file type
    "EMPTY_FILE": "Tệp rỗng (0 byte), không có nội dung.",
    "ARCHIVE": "Tệp nén {format} ({count} tệp bên trong{sample}), không phải văn bản kết quả.",
    "ARCHIVE_ENCRYPTED": "Tệp nén có đặt mật khẩu, không xem được nội dung bên trong.",
    "ARCHIVE_NESTED": "Tệp nén chứa tệp nén khác: {names}.",
    "ARCHIVE_POLYGLOT": "Tệp trông như {lead} nhưng có gắn kèm một tệp nén ZIP ở cuối.",
    "ARCHIVE_UNLISTABLE": "Là tệp nén {format} nhưng không đọc được danh sách tệp bên trong.",
    "ARCHIVE_VOLUME": "Phần {part} của tệp nén {format} chia nhiều phần, không phải văn bản kết quả.",
    "ARCHIVE_SFX": "Tệp chương trình tự giải nén chứa tệp nén {format}, không phải văn bản kết quả.",
    "UNSUPPORTED_TYPE": "Định dạng {mime} không thuộc loại được kiểm tra (PDF, ảnh, DOCX/ODT).",
    "UNSUPPORTED_LEGACY_WORD": "Tệp Word cũ (.doc) chưa được hỗ trợ; đề nghị lưu lại dưới dạng PDF hoặc DOCX.",
    "UNSUPPORTED_OFFICE_TYPE": "Tệp văn phòng dạng {format} (bảng tính/trình chiếu) không phải loại văn bản được kiểm tra.",
    # unreadable
    "PDF_CORRUPT": "Tệp PDF bị hỏng, không mở được ({detail}).",
    "PDF_TRUNCATED": "Tệp PDF bị cắt cụt (tải lên không hết), không mở được.",
    "PDF_ENCRYPTED": "Tệp PDF có đặt mật khẩu, không mở được để kiểm tra.",
    "PDF_NO_PAGES": "Tệp PDF không có trang nào.",
    "PDF_DAMAGED": "Tệp PDF bị hỏng cấu trúc ({detail}); chỉ mở được một phần nhờ sửa lỗi, cần người kiểm tra.",
    "PDF_HEADER_LATE": "Dấu hiệu PDF nằm sau {offset} byte dữ liệu lạ ở đầu tệp; trình đọc PDF không mở được.",
    "IMAGE_CORRUPT": "Tệp ảnh bị hỏng, không giải mã được ({detail}).",
    "IMAGE_TRUNCATED": "Tệp ảnh bị cắt cụt, không giải mã được hết.",
    "OFFICE_CORRUPT": "Tệp văn bản {format} bị hỏng ({detail}).",
    "OFFICE_ENCRYPTED": "Tệp văn bản có đặt mật khẩu, không mở được để kiểm tra.",
    "INTERNAL_ERROR": "Lỗi khi kiểm tra tệp ({detail}); cần người kiểm tra.",
    # limits
    "LIMIT_FILE_SIZE": "Tệp lớn hơn giới hạn {limit} byte nên không được kiểm tra.",
    "LIMIT_PAGES": "Chỉ kiểm tra {limit} trang đầu trong tổng số {count} trang.",
    "LIMIT_PIXELS": "Ảnh/trang quá lớn ({detail}), vượt giới hạn số điểm ảnh.",
    "LIMIT_ARCHIVE_MEMBERS": "Tệp nén có quá nhiều tệp bên trong; chỉ liệt kê {limit} tệp đầu.",
    "LIMIT_ARCHIVE_SIZE": "Tệp nén khai báo {declared} byte khi giải nén, vượt giới hạn {limit} byte (nghi “bom nén”).",
    "LIMIT_FILE_TIME": "Kiểm tra tệp vượt quá {limit} giây nên đã dừng; cần người kiểm tra.",
    "LIMIT_REQUEST_TIME": "Yêu cầu kiểm tra vượt quá {limit} giây; cần người kiểm tra lại sau.",
    "LIMIT_MEMORY": "Kiểm tra tệp cần quá {limit} byte bộ nhớ nên đã dừng.",
    "PARSER_CRASHED": "Bộ đọc tệp bị lỗi nghiêm trọng khi mở tệp này ({detail}); tệp có thể bị hỏng hoặc độc hại.",
    # blankness
    "BLANK_FILE": "Tất cả {pages} trang đều trắng, không có nội dung văn bản.",
    "BLANK_DOCUMENT": "Văn bản không có chữ hay hình ảnh nào.",
    "BLANK_EMPTY_PAGE": "Trang {page} trắng hoàn toàn.",
    "BLANK_NOISE_ONLY": "Trang {page} chỉ có vết bẩn/nhiễu máy quét, không có nội dung.",
    "BLANK_SHOW_THROUGH": "Trang {page} trắng, chỉ có vết hằn mờ của mặt sau tờ giấy.",
    "BLANK_PAGE_NUMBER_ONLY": "Trang {page} trắng, chỉ có số trang.",
    "BLANK_SCAN_ARTEFACTS": (
        "Trang {page} trắng: chỉ có vết của máy quét và tờ giấy (vệt trống mực, mép giấy, lỗ bấm/lỗ đóng gáy), "
        "không có dòng chữ nào."
    ),
    "BLANK_SOME_PAGES": "Có {count} trang trắng (trang {pages}) nhưng tệp vẫn có nội dung.",
    "PAGES_NOT_READ": "Không đọc kỹ trang {pages}: các trang này không mở đầu một văn bản được ban hành "
    "(không có tên cơ quan bên cạnh Quốc hiệu, hay tên loại văn bản kết quả ở đầu trang).",
    "CONTENT_TEXT_LAYER": "Trang {page} có chữ trong lớp văn bản ({letters} chữ cái).",
    "CONTENT_INK": "Trang {page} có nội dung (khoảng {ink_mm2} mm² nét mực).",
    "CONTENT_TEXT_LINES": "Trang {page} có nội dung ({lines} dòng chữ ở phần đầu trang).",
    "CONTENT_DOCUMENT": "Văn bản có nội dung ({letters} chữ cái{images}).",
    "CONTENT_PICTURE": "Trang {page} là hình ảnh (ảnh chụp, tranh), không phải trang giấy trắng.",
    "IMAGE_TOO_SMALL": "Ảnh chỉ có {width}×{height} điểm ảnh, quá nhỏ để là bản quét một trang văn bản "
    "(tối thiểu {minimum}): biểu tượng hoặc ảnh thu nhỏ.",
    "IMAGE_ANIMATED": "Ảnh động ({frames} khung hình), không phải bản quét hay ảnh chụp một trang văn bản.",
    "IMAGE_PAGE_THUMBNAIL": "Ảnh chỉ có {width}×{height} điểm ảnh: hình thu nhỏ của một trang giấy, quá nhỏ để đọc "
    "(tối thiểu {minimum}); cần người kiểm tra.",
    # classification
    "RESULT_EVIDENCE": "Văn bản kết quả: {found}.",
    "INPUT_EVIDENCE": "Thành phần hồ sơ đầu vào, không phải kết quả: {found}.",
    "PROCESS_FORM": "Phiếu của bộ phận một cửa (không phải kết quả giải quyết): {found}.",
    "NO_RESULT_STRUCTURE": "Đọc được quốc hiệu, tiêu ngữ nhưng không thấy cấu trúc của văn bản ban hành (số ký hiệu, "
    "tên loại văn bản, khối ký của cơ quan): có thể là thành phần hồ sơ; cần người kiểm tra.",
    "THIN_EVIDENCE": "Ít dấu hiệu để phân loại ({found}); cần người kiểm tra.",
    "NORMATIVE_DOCUMENT": "Văn bản quy phạm pháp luật hoặc văn bản áp dụng chung ({found}), không phải kết quả "
    "giải quyết hồ sơ của công dân, tổ chức.",
    "RESULT_UNIDENTIFIED": "Có dấu hiệu của văn bản do cơ quan ban hành ({found}) nhưng không đọc được tên loại "
    "hay số ký hiệu của văn bản; cần người kiểm tra.",
    "RESULT_ONE_SIGN": "Chỉ thấy một dấu hiệu của văn bản ban hành ({found}), không thấy cơ quan ban hành, số ký hiệu, "
    "khối ký hay dấu: có thể là trang bìa, tệp mẫu hoặc ảnh cắt; cần người kiểm tra.",
    "AGENCY_LETTER": "Văn bản gửi cơ quan nhà nước hoặc gửi nhiều nơi ({to}), dù có cấu trúc văn bản ban hành ({found}): "
    "văn bản trao đổi giữa các cơ quan, không phải kết quả trả cho người nộp hồ sơ; cần người kiểm tra.",
    "AGENCY_SUBMISSION": "Văn bản trình cơ quan có thẩm quyền ({to}; {found}): bước xử lý hồ sơ giữa các cơ quan, "
    "không phải kết quả trả cho người nộp; cần người kiểm tra.",
    "DRAFT_DOCUMENT": "Bản dự thảo (có dòng 'DỰ THẢO'): văn bản trong quá trình giải quyết, chưa phải kết quả "
    "đã ban hành, dù có cấu trúc văn bản ban hành ({found}).",
    "PUBLIC_NOTICE": "Thông báo chung mời mọi đối tượng có nhu cầu ({invitation}), dù có cấu trúc văn bản ban hành "
    "({found}): không phải kết quả trả cho một người nộp hồ sơ; cần người kiểm tra.",
    "INPUT_TYPE_NAMED": "Tên loại văn bản là giấy tờ của hồ sơ ({named}), dù có cấu trúc văn bản ban hành ({found}): "
    "bước xử lý hồ sơ của cơ quan, hoặc văn bản chung không gắn với hồ sơ; cần người kiểm tra.",
    "UNISSUED_DOCUMENT": "Văn bản có cấu trúc văn bản ban hành ({found}) nhưng chưa ghi số và ngày ban hành: "
    "bản dự thảo, tệp mẫu hoặc bản Word trước khi ký; cần người kiểm tra bản đã ban hành.",
    "INTERNAL_DOCUMENT": "Văn bản điều hành nội bộ của cơ quan nhà nước ({found}): giao việc, chỉ tiêu cho đơn vị, "
    "cán bộ của mình, lập tổ công tác, nhân sự, kết luận cuộc họp; không phải kết quả giải quyết hồ sơ của công dân, tổ chức.",
    "PRIVATE_ISSUER": "Văn bản do doanh nghiệp ban hành ({found}), không phải kết quả giải quyết thủ tục hành chính.",
    "PICTURE": "Hình ảnh/ảnh chụp, không phải văn bản giấy tờ (nền giấy chiếm {paper}% trang, độ màu {colour}).",
    "FOREIGN_DOCUMENT": "Tài liệu không viết bằng tiếng Việt ({words} từ, {share}% có dấu tiếng Việt), không phải văn bản của hồ sơ.",
    "NO_DOSSIER_EVIDENCE": "Có nội dung nhưng không có dấu hiệu của văn bản kết quả hay thành phần hồ sơ "
    "({words} từ đọc được); cần người kiểm tra.",
    "CONFLICTING_EVIDENCE": "Dấu hiệu trái ngược: của văn bản kết quả ({result}) và của hồ sơ đầu vào ({input}); cần người kiểm tra.",
    "MERGED_RESULT": "Trang {page} là văn bản kết quả; các trang trước là thành phần hồ sơ ghép chung tệp.",
    "CUE": "Thấy {label}: “{text}”.",
    "SEAL_FOUND": "Có dấu đỏ tròn (đường kính khoảng {diameter} mm) ở trang {page}.",
    "DIGITAL_SIGNATURE": "Tệp PDF có chữ ký số của cá nhân hoặc doanh nghiệp (người ký: {signer}); "
    "chữ ký này không chứng minh là văn bản do cơ quan nhà nước ban hành.",
    "DIGITAL_SIGNATURE_ORGANISATION": "Tệp PDF có chữ ký số của cơ quan nhà nước (người ký: {signer}).",
    "OCR_USED": "Trang {page}: nhận dạng chữ (OCR) được {words} từ trong {seconds} giây.",
    "LIMIT_OCR_PAGE_TIME": "Trang {page}: nhận dạng chữ vượt quá {limit} giây, kết quả có thể thiếu.",
    "OCR_UNAVAILABLE": "Không nhận dạng chữ được ({detail}); chỉ dùng lớp văn bản có sẵn.",
    "OCR_DISABLED": "Trang {page} là ảnh quét; nhận dạng chữ (OCR) đang tắt nên ít dấu hiệu.",
    "PAGE_ROTATED": "Trang {page} bị quét xoay {degrees}°; đã xoay lại để đọc.",
    "LIMIT_OCR_TIME": "Đã dùng hết {limit} giây nhận dạng chữ cho tệp này; phần còn lại không được đọc.",
    "LIMIT_TIME": "Xử lý tệp vượt quá thời gian cho phép ({detail}).",
    # dossiers
    "NO_RESULT_ATTACHED": "Hồ sơ không có tệp kết quả nào được đính kèm.",
    "RESULT_NOT_GENUINE": "Có {count} tệp đính kèm ở phần kết quả nhưng không tệp nào là văn bản kết quả ({details}).",
    "RESULT_FOUND": "Có văn bản kết quả: {name}{kind}.",
    "NEEDS_REVIEW": "Chưa đủ chắc chắn để kết luận, cần người kiểm tra ({details}).",
    "DUPLICATE_OF_INPUT": "Tệp kết quả chính là thành phần hồ sơ đầu vào “{input}” ({how}).",
    "CERTIFIED_COPY_IS_RESULT": "Thủ tục chứng thực: bản sao có lời chứng thực là kết quả giải quyết.",
    "PROCEDURE_PROFILE": "Áp dụng quy tắc riêng của thủ tục: {profile}.",
    "FILE_MISSING": "Không tìm thấy tệp “{path}”.",
    "WORKER_FAILED": "Máy kiểm tra báo lỗi khi xử lý hồ sơ này ({detail}); cần người kiểm tra.",
    "WORKER_CRASHED": "Tiến trình kiểm tra bị dừng đột ngột {attempts} lần khi xử lý hồ sơ này; cần người kiểm tra.",
    "PATH_REFUSED": "Đường dẫn “{path}” nằm ngoài thư mục hồ sơ nên không được đọc.",
    # file access and batch faults
    "FILE_NOT_READABLE": "Không đọc được tệp “{path}”: {why}.",
}


def reason(code: str, detector: str, page: int | None = None, data: dict[str, Any] | None = None, **fmt: Any) -> Reason:
    """Build a Reason from the catalogue; `fmt` fills the message, `data` is kept for machines."""
    template = MESSAGES[code]
    message = template.format(page=page, **fmt) if fmt or "{page}" in template else template
    return Reason(code=code, detector=detector, message=message, page=page, data=data)
