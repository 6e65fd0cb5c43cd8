"""The one loader of rule files: partial overrides, refused keys and types, versions that follow content."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from resultcheck import Checker, Config, ConfigError, Rules
from resultcheck.config import load_lexicon, load_profiles
from resultcheck.store import rules_key

BUILTIN = Rules.load()
EXE = Path(sys.executable).with_name("resultcheck")
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "blank" / "empty.pdf"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_rules_file_names_only_what_it_changes(tmp_path) -> None:
    rules = Rules.load(write(tmp_path, "r.toml", 'version = "2026.12-tinh"\n[dossier]\npass_min_confidence = 0.8\n'))
    assert rules.section("dossier")["pass_min_confidence"] == 0.8
    assert rules.section("dossier")["fail_min_confidence"] == BUILTIN.section("dossier")["fail_min_confidence"]
    assert rules.section("blank") == BUILTIN.section("blank")
    assert rules.version.startswith("2026.12-tinh+") and len(rules.version) == len("2026.12-tinh+") + 8


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('version = "x"\n[dossier]\npass_min_confidnce = 0.8\n', "unknown key 'dossier.pass_min_confidnce'"),
        ('version = "x"\n[dosier]\n', "unknown key 'dosier'"),
        ('version = "x"\n[dossier]\npass_min_confidence = "high"\n', "'dossier.pass_min_confidence' must be a number"),
        ('version = "x"\ndossier = 1\n', "'dossier' must be a table"),
        ('version = "x"\n[classify]\ntitle_zone = [0.4]\n', "'classify.title_zone' must be a number"),
        ('version = "x"\n[classify]\nmax_classified_pages = true\n', "must be a number"),
        ("[dossier]\npass_min_confidence = 0.8\n", "no 'version' key"),
        ("not = [valid", "not valid TOML"),
    ],
)
def test_a_bad_rules_file_is_refused_at_load(tmp_path, text, message) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        Rules.load(write(tmp_path, "r.toml", text))


def test_a_number_may_be_written_as_an_integer(tmp_path) -> None:
    rules = Rules.load(write(tmp_path, "r.toml", 'version = "x"\n[dossier]\npass_min_confidence = 1\n'))
    assert rules.section("dossier")["pass_min_confidence"] == 1


def test_editing_a_file_without_bumping_its_version_changes_the_stamp_and_the_cache_key(tmp_path) -> None:
    path = write(tmp_path, "r.toml", 'version = "x"\n[dossier]\npass_min_confidence = 0.8\n')
    before = Config.from_files([str(path)], isolate=False)
    path.write_text('version = "x"\n[dossier]\npass_min_confidence = 0.9\n', encoding="utf-8")
    after = Config.from_files([str(path)], isolate=False)
    assert before.rules.version != after.rules.version
    assert rules_key(Checker(before).versions) != rules_key(Checker(after).versions)


def test_built_in_files_keep_their_declared_versions() -> None:
    config = Config()
    assert "+" not in config.rules.version + config.lexicon.version + config.profiles.version


def test_rules_lexicon_and_procedures_files_are_told_apart_by_content(tmp_path) -> None:
    lexicon = write(tmp_path, "lex.toml", resources.files("resultcheck").joinpath("rules/lexicon.toml").read_text())
    procedures = write(
        tmp_path, "proc.toml", resources.files("resultcheck").joinpath("rules/procedures.toml").read_text()
    )
    rules = write(tmp_path, "r.toml", 'version = "r1"\n')
    config = Config.from_files([str(procedures), str(rules), str(lexicon)])
    assert config.rules.version.startswith("r1+")
    assert config.lexicon.version.startswith(load_lexicon().version + "+")
    assert config.profiles.version.startswith(load_profiles().version + "+")
    assert config.lexicon.cues == load_lexicon().cues
    with pytest.raises(ConfigError, match="two rules files"):
        Config.from_files([str(rules), str(rules)])


def test_a_malformed_lexicon_or_procedures_file_is_a_config_error(tmp_path) -> None:
    bad_cue = 'version = "x"\ncues = [{ id = "A", side = "maybe", zone = "any", weight = 1.0, label = "a" }]\n[match]\n'
    with pytest.raises(ConfigError, match="bad side or zone"):
        load_lexicon(write(tmp_path, "lex.toml", bad_cue))
    with pytest.raises(ConfigError, match="KeyError"):
        load_profiles(write(tmp_path, "p.toml", 'version = "x"\n[[profiles]]\nid = "a"\n'))


def test_the_cli_takes_a_lexicon_through_rules_and_stamps_its_version(tmp_path) -> None:
    text = resources.files("resultcheck").joinpath("rules/lexicon.toml").read_text()
    lexicon = write(tmp_path, "lex.toml", text.replace('version = "', 'version = "tinh-', 1))
    out = subprocess.run(
        [str(EXE), "--rules", str(lexicon), "check", "--json", str(SAMPLE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert '"lexicon": "tinh-' in out.stdout
    bad = write(tmp_path, "r.toml", 'version = "x"\n[blank]\nink_mm2 = "many"\n')
    out = subprocess.run(
        [str(EXE), "--rules", str(bad), "check", str(SAMPLE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and "unknown key 'blank.ink_mm2'" in out.stderr and "Traceback" not in out.stderr
