"""Vietnamese keyword and layout evidence: which cues of a result or an input a page shows.

Text is folded (lower case, no diacritics, đ→d) one character for one character, so a match
in the folded line maps back to the original words for the explanation. Phrases match
fuzzily (OCR confuses letters and drops tone marks); type names must lead a line written in
capitals, the way Decree 30 sets them, which keeps "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG" an
application and not a permit.
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

NAME = "keywords"
SIDES = (
    "result",
    "input",
    "process",
    "certified",
    "layout",
    "normative",
    "internal",
    "private",
    "admin",
    "draft",
    "addressee",
    "submission",
    "unfilled",
    "public",
)
ZONES = ("head", "title", "signing", "any")


@functools.cache
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


def fold(text: str) -> str:
    """Lower case without diacritics, same length as `text` (positions map back)."""
    return "".join(_fold_char(ch) for ch in unicodedata.normalize("NFC", text))


def is_upper_line(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters)


@dataclass(frozen=True, slots=True)
class Cue:
    id: str
    side: str
    zone: str
    weight: float
    label: str
    where: str = "within"
    upper: bool = False
    capital: bool = False  # the line starts with a capital letter (a summary line, not wrapped prose)
    joins_next: bool = False  # the cue may run on to the next line ("Kính gửi:" above "- Sở Tài chính;")
    type: str | None = None
    identifies: bool = False  # says what the document is, as type names do: an issuing number, a certificate's fields
    phrases: tuple[str, ...] = ()  # folded
    regex: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Lexicon:
    version: str
    cues: tuple[Cue, ...]
    match: dict[str, Any]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Lexicon:
        raw = (
            Path(path).read_bytes()
            if path
            else resources.files("resultcheck").joinpath("rules/lexicon.toml").read_bytes()
        )
        data = tomllib.loads(raw.decode("utf-8"))
        return cls.from_data(data, str(data["version"]))

    @classmethod
    def from_data(cls, data: dict[str, Any], version: str) -> Lexicon:
        """The lexicon from a parsed lexicon.toml; ValueError or KeyError when it is malformed."""
        cues = []
        fragments = data.get("fragments", {})
        for c in data["cues"]:
            if c["side"] not in SIDES or c["zone"] not in ZONES:
                raise ValueError(f"lexicon cue {c['id']}: bad side or zone")
            cues.append(
                Cue(
                    id=c["id"],
                    side=c["side"],
                    zone=c["zone"],
                    weight=float(c["weight"]),
                    label=c["label"],
                    where=c.get("where", "within"),
                    upper=bool(c.get("upper", False)),
                    capital=bool(c.get("capital", False)),
                    joins_next=bool(c.get("joins_next", False)),
                    type=c.get("type"),
                    identifies=bool(c.get("identifies", False)),
                    phrases=tuple(fold(p) for p in c.get("phrases", ())),
                    regex=re.compile(_with_fragments(c["regex"], fragments, c["id"])) if "regex" in c else None,
                )
            )
        return cls(version, tuple(cues), data["match"])


def _with_fragments(regex: str, fragments: dict[str, str], cue: str) -> str:
    """The cue's regex with each {{name}} replaced by the lexicon's shared fragment of that name."""

    def fragment(m: re.Match[str]) -> str:
        if m.group(1) not in fragments:
            raise ValueError(f"lexicon cue {cue}: no fragment {m.group(1)!r}")
        return fragments[m.group(1)]

    return re.sub(r"\{\{(\w+)\}\}", fragment, regex)


@dataclass(frozen=True, slots=True)
class Hit:
    cue: Cue
    text: str  # the original words that matched
    zone: str  # where they were found: title | body | signing

    @property
    def type_title(self) -> bool:
        """A type name in the title zone: of one side, only the strongest counts."""
        return self.cue.zone in ("head", "title") and self.cue.type is not None


@dataclass(frozen=True, slots=True)
class KeywordEvidence:
    hits: tuple[Hit, ...]
    scores: dict[str, float] = field(default_factory=dict)  # result / input / process

    def score(self, side: str) -> float:
        return self.scores.get(side, 0.0)

    @property
    def result(self) -> float:
        return self.scores.get("result", 0.0)

    @property
    def result_type_weight(self) -> float:
        """Weight of the strongest result type name read (QUYẾT ĐỊNH, GIẤY PHÉP…), 0 without one."""
        return max((h.cue.weight for h in self.hits if h.cue.side == "result" and h.cue.type), default=0.0)

    @property
    def names_an_input_only(self) -> bool:
        """The title zone names an input's type (TỜ TRÌNH, BIÊN BẢN, ĐƠN…) and no result's."""
        return self.result_type_weight == 0 and any(h.type_title and h.cue.side == "input" for h in self.hits)

    @property
    def identified(self) -> bool:
        """A result cue says what the document is: its type name, its issuing number, or fields
        printed only on one kind of document (an issuer, a seal or "Nơi nhận" do not)."""
        return any(h.cue.side == "result" and (h.cue.type is not None or h.cue.identifies) for h in self.hits)

    @property
    def result_signs(self) -> int:
        """How many distinct signs of an issued document were read (its type names count once,
        as their scores do: GIẤY PHÉP XÂY DỰNG is also a GIẤY PHÉP)."""
        hits = [h for h in self.hits if h.cue.side == "result"]
        titles = [h for h in hits if h.type_title]
        return bool(titles) + len(hits) - len(titles)

    @property
    def agency_addressee(self) -> str | None:
        """The state body the letter is addressed to ("Kính gửi: Cục…"), None for an applicant."""
        return next((h.text for h in self.hits if h.cue.side == "addressee"), None)

    @property
    def submission(self) -> bool:
        """The letter submits something to the body that decides ("V/v trình hồ sơ…")."""
        return any(h.cue.side == "submission" for h in self.hits)

    @property
    def unfilled(self) -> bool:
        """Both the number and the date of issue are left blank (a draft or a template)."""
        return len({h.cue.id for h in self.hits if h.cue.side == "unfilled"}) >= 2

    @property
    def public_invitation(self) -> str | None:
        """The invitation to everyone who wishes that makes a paper a public notice, None without one."""
        return next((h.text for h in self.hits if h.cue.side == "public"), None)

    @property
    def header_read(self) -> bool:
        """The national motto was recognised: the page's header was legibly read."""
        return any(h.cue.side == "layout" for h in self.hits)

    @property
    def against(self) -> float:
        """Evidence that the file is not a result: input components and process forms."""
        return self.scores.get("input", 0.0) + self.scores.get("process", 0.0)

    def document_type(self, side: str) -> str | None:
        sides = ("input", "process") if side == "input" else (side,)
        typed = [h for h in self.hits if h.cue.side in sides and h.cue.type]
        return max(typed, key=lambda h: (h.cue.zone == "title", h.cue.weight)).cue.type if typed else None

    def labels(self, sides: Sequence[str], limit: int = 4) -> list[str]:
        hits = [h for h in self.hits if h.cue.side in sides]
        titles = [h for h in hits if h.type_title]
        if titles:  # only the strongest type name counts (find_cues), so only it is named
            strongest = max(titles, key=lambda h: h.cue.weight)
            hits = [h for h in hits if h is strongest or h not in titles]
        chosen = sorted(hits, key=lambda h: -h.cue.weight)[:limit]
        return [f"{h.cue.label} ({h.text})" if h.cue.regex is not None else h.cue.label for h in chosen]


HEAD_LINES = 4  # the issuing body leads the page (with the national motto beside it)


@dataclass(frozen=True, slots=True)
class Zones:
    """Lines of a page by region: title (top), signing (lower half); `all` has every line once.
    The head is the first lines of the title zone, where the issuing body stands."""

    title: tuple[str, ...]
    signing: tuple[str, ...]
    all: tuple[str, ...]

    @property
    def head(self) -> tuple[str, ...]:
        return self.title[:HEAD_LINES]


# What may precede a line's first word: list marks, numbering, OCR'd table rules, and the quotes
# and strokes OCR makes of a photo's border or a guilloche frame.
LEADING_NOISE = " -–—•*.:,;0123456789)(|_[]\"'`‘’“”~¬=/\\"


def _match_phrase(cue: Cue, line: str, folded: str, lexicon: Lexicon) -> str | None:
    m = lexicon.match
    for phrase in cue.phrases:
        threshold = m["min_ratio_short"] if len(phrase) <= 12 else m["min_ratio_long"]
        if cue.where == "start":
            body = folded.lstrip(LEADING_NOISE)
            offset = len(folded) - len(body)
            if cue.zone == "title" and cue.upper and len(body) > len(phrase) + m["max_title_line_extra"]:
                continue
            # a centred title may follow specks that OCR read as a letter or two (a seal's edge, a
            # photo's border): "š Ệ GIẤY PHÉP", "VI Nà GIẤY PHÉP"; a real word before it ("ĐƠN XIN",
            # "BẢN SAO") keeps the title from leading its line
            specks = cue.upper and cue.zone == "title"
            for start in itertools.chain((0,), _after_specks(body) if specks else ()):
                end = _match_at(phrase, body[start:], threshold)
                if end:
                    return line[offset + start : offset + start + end]
        else:
            if len(phrase) <= 6:
                at = folded.find(phrase)
                if at >= 0:
                    return line[at : at + len(phrase)]
            elif len(folded) >= len(phrase) * 0.8:
                align = fuzz.partial_ratio_alignment(phrase, folded, score_cutoff=threshold)
                if align is not None:
                    start, end = _widen_to_words(folded, align.dest_start, align.dest_end)
                    if fuzz.ratio(phrase, folded[start:end]) >= threshold:  # whole words, not shared tails
                        return line[start:end]
    return None


def _match_at(phrase: str, text: str, threshold: float) -> int:
    """The end of a match of `phrase` at the start of `text`, else 0."""
    if len(phrase) <= 4:
        return len(phrase) if text.startswith(phrase) else 0
    if fuzz.ratio(phrase, text[: len(phrase)]) >= threshold:
        return len(phrase)
    if " " in phrase:  # OCR ran the words together: "GIẤYCHỨNGNHẬN"
        return _spaceless_match(phrase, text, threshold)
    return 0


MAX_SPECK_WORDS = 2  # words of at most two letters each, ≤ 8 characters in all
MAX_SPECK_CHARS = 8


def _after_specks(body: str) -> Iterator[int]:
    """Where a word starts after nothing but OCR specks: up to two 'words' of at most two letters
    (and any marks), at most eight characters."""
    for word in re.finditer(r"\S+", body):
        prefix = body[: word.start()].split()
        lettered = [w for w in prefix if any(ch.isalpha() for ch in w)]
        if (
            len(lettered) > MAX_SPECK_WORDS
            or any(sum(ch.isalpha() for ch in w) > 2 for w in lettered)
            or sum(map(len, prefix)) > MAX_SPECK_CHARS
        ):
            break
        if prefix:
            yield word.start()


def _spaceless_match(phrase: str, body: str, threshold: float) -> int:
    """The end in `body` of a match of `phrase` with the spaces of both left out, else 0."""
    letters = phrase.replace(" ", "")
    taken, end = 0, 0
    while end < len(body) and taken < len(letters):
        taken += body[end] != " "
        end += 1
    return end if fuzz.ratio(letters, body[:end].replace(" ", "")) >= threshold else 0


def _widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _match(cue: Cue, line: str, folded: str, lexicon: Lexicon) -> str | None:
    if cue.upper and not is_upper_line(line):
        return None
    if cue.capital and not next((ch.isupper() for ch in line if ch.isalpha()), False):
        return None
    if cue.regex is not None:
        if cue.where == "start":  # the line leads with it (an issuing number, a caption), not a mention in prose
            body = folded.lstrip(LEADING_NOISE)
            found = cue.regex.match(body)
            offset = len(folded) - len(body)
            return line[offset + found.start() : offset + found.end()] if found else None
        found = cue.regex.search(folded)
        return line[found.start() : found.end()] if found else None
    return _match_phrase(cue, line, folded, lexicon)


def find_cues(zones: Zones, lexicon: Lexicon) -> KeywordEvidence:
    """Each cue counts once, at its first match; title cues of one side do not add up."""
    by_zone = {"head": zones.head, "title": zones.title, "signing": zones.signing, "any": zones.all}
    folded_cache: dict[str, str] = {}
    hits: list[Hit] = []
    for cue in lexicon.cues:
        lines = by_zone[cue.zone]
        if cue.joins_next:
            lines = tuple(f"{line} {after}" for line, after in zip(lines, (*lines[1:], ""), strict=False))
        for line in lines:
            folded = folded_cache.setdefault(line, fold(line))
            text = _match(cue, line, folded, lexicon)
            if text is not None:
                zone = cue.zone if cue.zone != "any" else ("title" if line in zones.title else "body")
                hits.append(Hit(cue, text.strip(), zone))
                break
    scores: dict[str, float] = {}
    for side in SIDES:
        side_hits = [h for h in hits if h.cue.side == side]
        titles = [h.cue.weight for h in side_hits if h.type_title]
        others = sum(h.cue.weight for h in side_hits if not h.type_title)
        scores[side] = (max(titles) if titles else 0.0) + others
    return KeywordEvidence(tuple(hits), scores)


def zones_from_lines(lines: Sequence[str], title_lines: int = 14, signing_lines: int = 18) -> Zones:
    """For text without geometry (DOCX, RTF): the first lines are the title zone, the last the signing."""
    clean = tuple(line.strip() for line in lines if line.strip())
    return Zones(clean[:title_lines], clean[-signing_lines:], clean)
