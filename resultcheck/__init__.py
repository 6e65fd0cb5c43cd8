"""resultcheck: checks the result files attached to Vietnamese administrative dossiers."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("resultcheck")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

from .config import Config, Limits, Rules
from .dossier import Attachment, Dossier, DossierVerdict, Status
from .errors import ConfigError, InputError, MissingDependencyError, ResultcheckError
from .models import Category, FileVerdict, Reason
from .pipeline import Checker, check_dossier, check_file

__all__ = [
    "Attachment",
    "Category",
    "Checker",
    "Config",
    "ConfigError",
    "Dossier",
    "DossierVerdict",
    "FileVerdict",
    "InputError",
    "Limits",
    "MissingDependencyError",
    "Reason",
    "ResultcheckError",
    "Rules",
    "Status",
    "__version__",
    "check_dossier",
    "check_file",
]
