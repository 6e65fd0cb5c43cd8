"""resultcheck: checks the result files attached to Vietnamese administrative dossiers."""

from __future__ import annotations

from ._version import __version__
from .checker import Checker, FileChecker, check_dossier, check_file
from .config import Config, Rules
from .dossier import Attachment, Dossier, DossierVerdict, Status
from .errors import ConfigError, InputError, MissingDependencyError, ResultcheckError
from .limits import Limits
from .models import Category, FileVerdict, Reason

__all__ = [
    "Attachment",
    "Category",
    "Checker",
    "Config",
    "ConfigError",
    "Dossier",
    "DossierVerdict",
    "FileChecker",
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
