"""Opening a user's file can fail for reasons that are the file's, not the caller's:
permission denied, a disk error, a file deleted or moved while the batch runs, a path too
long, a name the file system's encoding cannot hold. Each becomes that file's verdict
(`unreadable`, FILE_NOT_READABLE or FILE_MISSING), never an exception that stops a batch.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import InputError, MissingFileError
from .messages import reason
from .models import Category, FileVerdict

#: the OS reason in plain Vietnamese words (the users' language), by errno
WHY_VI: dict[int, str] = {
    errno.EACCES: "không có quyền đọc tệp",
    errno.EPERM: "hệ điều hành không cho phép đọc tệp",
    errno.EIO: "lỗi đọc ổ đĩa (lỗi vào/ra)",
    errno.ENOENT: "tệp đã bị xoá hoặc chuyển đi trong khi kiểm tra",
    errno.ENOTDIR: "một thư mục trên đường dẫn không còn",
    errno.ENAMETOOLONG: "đường dẫn hoặc tên tệp quá dài",
    errno.ELOOP: "liên kết tượng trưng lặp vòng",
    errno.EISDIR: "là thư mục, không phải tệp",
    errno.ESTALE: "ổ đĩa mạng không còn truy cập được",
    errno.ENXIO: "thiết bị không còn",
    errno.ETIMEDOUT: "ổ đĩa mạng không trả lời",
    errno.EMFILE: "mở quá nhiều tệp cùng lúc",
}
UNDECODABLE_NAME = "tên tệp có ký tự không hợp lệ trong bảng mã của hệ thống tệp"

FileError = (OSError, ValueError)  # ValueError: UnicodeEncodeError, an embedded NUL in the name


def why(exc: BaseException) -> str:
    if isinstance(exc, ValueError):
        return UNDECODABLE_NAME
    if isinstance(exc, OSError) and exc.errno in WHY_VI:
        return WHY_VI[exc.errno]
    text = os.strerror(exc.errno) if isinstance(exc, OSError) and exc.errno else type(exc).__name__
    return f"lỗi hệ điều hành: {text}"


def code_of(exc: BaseException) -> str:
    missing = isinstance(exc, OSError) and exc.errno in (errno.ENOENT, errno.ENOTDIR)
    return "FILE_MISSING" if missing else "FILE_NOT_READABLE"


def display_name(path: str | os.PathLike[str]) -> str:
    """A printable name even when the bytes are not valid UTF-8 (surrogate escapes shown as �)."""
    return os.fsdecode(path).encode("utf-8", "replace").decode("utf-8")


def unreadable_file(
    display: str,
    exc: BaseException,
    versions: dict[str, str],
    *,
    size: int = 0,
    sha256: str = "",
    elapsed_ms: float = 0.0,
) -> FileVerdict:
    """The verdict on a file the OS would not let us read."""
    name = display_name(display)
    code = code_of(exc)
    note = (
        reason(code, "access", path=name)
        if code == "FILE_MISSING"
        else reason(code, "access", path=name, why=why(exc), data={"errno": getattr(exc, "errno", None)})
    )
    return FileVerdict(
        path=name,
        sha256=sha256,
        size=size,
        mime="",
        category=Category.UNREADABLE,
        confidence=1.0,
        reasons=(note,),
        versions=versions,
        elapsed_ms=elapsed_ms,
    )


def probe(path: str | Path) -> BaseException | None:
    """None when `path` is a regular file we may try to read; the OS error otherwise.

    Raises MissingFileError when nothing is there and InputError for a folder or a device:
    that is the caller's mistake, not the file's.
    """
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise MissingFileError(f"không tìm thấy tệp / no such file: {display_name(path)}") from None
    except FileError as exc:
        return exc
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"không phải là tệp / not a file: {display_name(path)}")
    return None


def admit(source: object, name: str | None, versions: dict[str, str]) -> FileVerdict | None:
    """None when `source` may be checked; the `unreadable` verdict of a path the OS will not let us read.

    Raises InputError for a source that is neither a path nor bytes, or names a folder or a device,
    and MissingFileError (an InputError) for a path with nothing there: the caller's mistakes.
    """
    if not isinstance(source, (str, Path, bytes, bytearray, memoryview)):
        raise InputError(f"expected a path or bytes, got {type(source).__name__}")
    if isinstance(source, (str, Path)) and (problem := probe(source)) is not None:
        return unreadable_file(name or str(source), problem, versions)
    return None
