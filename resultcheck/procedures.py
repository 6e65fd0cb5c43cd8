"""Per-procedure profiles (rules/procedures.toml): only where the defaults are wrong."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .detectors.keywords import fold

if TYPE_CHECKING:
    from .dossier import Dossier


@dataclass(frozen=True, slots=True)
class Profile:
    """Where the defaults are wrong for a field or procedure (rules/procedures.toml)."""

    id: str
    description: str
    fields: tuple[str, ...] = ()
    procedure_codes: tuple[str, ...] = ()
    certification_is_result: bool = False  # the certified copy IS the result (chứng thực)
    duplicate_of_input_is_result: bool = False

    def matches(self, dossier: Dossier) -> bool:
        if dossier.procedure_code and dossier.procedure_code in self.procedure_codes:
            return True
        return bool(dossier.field) and fold(dossier.field).strip() in self.fields


@dataclass(frozen=True, slots=True)
class Profiles:
    version: str
    profiles: tuple[Profile, ...]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Profiles:
        raw = (
            Path(path).read_bytes()
            if path
            else resources.files("resultcheck").joinpath("rules/procedures.toml").read_bytes()
        )
        data = tomllib.loads(raw.decode("utf-8"))
        return cls.from_data(data, str(data["version"]))

    @classmethod
    def from_data(cls, data: dict[str, Any], version: str) -> Profiles:
        """The profiles from a parsed procedures.toml; KeyError or ValueError when malformed."""
        return cls(
            version,
            tuple(
                Profile(
                    id=p["id"],
                    description=p["description"],
                    fields=tuple(fold(f) for f in p.get("fields", ())),
                    procedure_codes=tuple(p.get("procedure_codes", ())),
                    certification_is_result=p.get("certification_is_result", False),
                    duplicate_of_input_is_result=p.get("duplicate_of_input_is_result", False),
                )
                for p in data.get("profiles", ())
            ),
        )

    def for_dossier(self, dossier: Dossier) -> Profile | None:
        return next((p for p in self.profiles if p.matches(dossier)), None)
