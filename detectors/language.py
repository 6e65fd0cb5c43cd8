"""Is the text Vietnamese? Evidence for telling a Vietnamese paper from a foreign or unrelated one.

Vietnamese writes nearly every other syllable with a letter outside ASCII (ă â đ ê ô ơ ư and
five tone marks), so the share of such words separates it from English, French or code at
once, on a text layer as on Tesseract's `vie` output. Old Vietnamese PDFs often carry a text
layer in a legacy 8-bit font encoding (TCVN3/ABC, VNI) that reads as Latin-1 garbage
("Céng hoµ x· héi"); such a layer says nothing about the language and must not be trusted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NAME = "language"

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, grave, acute, hook, tilde, dot
_VIETNAMESE_LETTERS = {unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy" for tone in _TONES} | {"đ"}
# Latin-1 characters that Unicode Vietnamese never uses, but that a TCVN3 (ABC) or VNI text
# layer shows in place of Vietnamese letters ("Céng hoµ x· héi", "COÄNG HOØA XAÕ HOÄI").
_LEGACY = set("µ¸¶·¹¨»¾¼½Æ©ÇË®ÐÎÏÑªÖ×ØÜÞßäå«æçëîïñöøûü÷þ¦§¡¢£¤¥")


@dataclass(frozen=True, slots=True)
class LanguageEvidence:
    words: int  # words of two letters or more
    vietnamese: float  # share of them written with a Vietnamese letter or tone mark
    legacy_encoding: bool  # the text looks like a TCVN3/VNI font encoding, not Unicode


def _is_vietnamese_word(word: str) -> bool:
    """At least one letter beyond ASCII, and every such letter one of Vietnamese's."""
    marked = [ch for ch in word.lower() if not ch.isascii()]
    return bool(marked) and all(ch in _VIETNAMESE_LETTERS for ch in marked)


def analyse(text: str) -> LanguageEvidence:
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    if not words:
        return LanguageEvidence(0, 0.0, False)
    vietnamese = sum(_is_vietnamese_word(w) for w in words) / len(words)
    letters = [ch for ch in text if ch.isalpha()]
    legacy_chars = sum(ch in _LEGACY for ch in text)
    legacy = legacy_chars >= max(5, 0.03 * len(letters))
    return LanguageEvidence(len(words), round(vietnamese, 3), legacy)
