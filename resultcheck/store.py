"""The resume store: an embedded SQLite database of finished work.

files:    one verdict per (file hash, rules key); a row is first *claimed* ('pending') by the
          worker that will check the file, so a file shared by several dossiers, or several
          workers, is checked once.
dossiers: one verdict per dossier id, committed before the JSONL line is written; the JSONL
          is repaired from here after a crash, so nothing is lost and nothing duplicated.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .lease import LEASE_SECONDS, FileCache, Renewer, cacheable
from .models import FileVerdict

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    key TEXT PRIMARY KEY, sha256 TEXT NOT NULL, state TEXT NOT NULL, verdict TEXT,
    owner INTEGER, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS dossiers (
    dossier_id TEXT PRIMARY KEY, status TEXT NOT NULL, verdict TEXT NOT NULL, rules_key TEXT NOT NULL,
    done REAL NOT NULL);
"""


def rules_key(versions: dict[str, str]) -> str:
    """What makes verdicts comparable: the engine and rule versions (not the libraries' patch level)."""
    keys = ("resultcheck", "rules", "lexicon", "procedures", "tesseract")
    return "|".join(f"{k}={versions.get(k, '')}" for k in keys)


class Store:
    def __init__(self, path: Path, *, timeout: float = 60.0) -> None:
        self.path = path
        self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)  # autocommit; explicit txns
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, never corrupt
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------ files

    def cached_check(
        self,
        sha256: str,
        key: str,
        check: Callable[[], FileVerdict],
        *,
        wait_seconds: float,
        poll: float = 0.05,
        lease: float = LEASE_SECONDS,
    ) -> FileVerdict:
        """The stored verdict for this file, or check it once (claiming it), or wait for its claimer.

        A claim holds while its owner lives and renews it (every lease/3 s): a claim whose owner
        died, or that was not renewed for `lease` seconds, is taken over. `wait_seconds` bounds
        the wait for a live but stuck owner.
        """
        row_key = f"{sha256}|{key}"
        deadline = time.monotonic() + wait_seconds
        while True:
            row = self.db.execute(
                "SELECT state, verdict, owner, updated FROM files WHERE key = ?", (row_key,)
            ).fetchone()
            if row and row[0] == "done":
                return FileVerdict.from_dict(json.loads(row[1]))
            stale = row is not None and (not _alive(row[2]) or time.time() - row[3] > lease)
            if row is None or stale or time.monotonic() > deadline:
                claimed = self.db.execute(
                    "INSERT INTO files(key, sha256, state, owner, updated) VALUES (?, ?, 'pending', ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET owner = excluded.owner, updated = excluded.updated "
                    "WHERE files.state = 'pending' AND files.owner = ? AND files.updated = ?",
                    (row_key, sha256, os.getpid(), time.time(), row[2] if row else -1, row[3] if row else -1),
                ).rowcount
                if claimed:
                    with Renewer(lambda: self._renew(row_key), every=lease / 3):
                        try:
                            verdict = check()
                        except BaseException:
                            self.db.execute("DELETE FROM files WHERE key = ? AND state = 'pending'", (row_key,))
                            raise
                    if cacheable(verdict):
                        self.db.execute(
                            "UPDATE files SET state = 'done', verdict = ?, updated = ? WHERE key = ?",
                            (verdict.to_json(), time.time(), row_key),
                        )
                    else:  # says where the file could not be reached, not what it is: never reused
                        self.db.execute("DELETE FROM files WHERE key = ?", (row_key,))
                    return verdict
            time.sleep(poll)

    def file_cache(self, key: str) -> FileCache:
        """This store's file verdicts under one rules key, as a FileCache."""
        return _StoreFiles(self, key)

    def _renew(self, row_key: str) -> None:
        db = sqlite3.connect(self.path, timeout=5)  # the renewing thread's own connection
        try:
            with db:
                db.execute(
                    "UPDATE files SET updated = ? WHERE key = ? AND state = 'pending' AND owner = ?",
                    (time.time(), row_key, os.getpid()),
                )
        finally:
            db.close()

    def forget_pending(self) -> int:
        """Claims left by a killed run (called once when a scan starts)."""
        return self.db.execute("DELETE FROM files WHERE state = 'pending'").rowcount

    # ------------------------------------------------------------ dossiers

    def record_dossier(self, dossier_id: str, status: str, verdict_json: str, key: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO dossiers(dossier_id, status, verdict, rules_key, done) VALUES (?, ?, ?, ?, ?)",
            (dossier_id, status, verdict_json, key, time.time()),
        )

    def done_dossiers(self, key: str) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT dossier_id FROM dossiers WHERE rules_key = ?", (key,))}

    def dossier_verdicts(self, key: str, ids: set[str] | None = None) -> Iterator[tuple[str, str]]:
        for dossier_id, verdict in self.db.execute(
            "SELECT dossier_id, verdict FROM dossiers WHERE rules_key = ? ORDER BY done", (key,)
        ):
            if ids is None or dossier_id in ids:
                yield dossier_id, verdict

    def counts(self, key: str) -> dict[str, int]:
        return dict(
            self.db.execute(
                "SELECT status, COUNT(*) FROM dossiers WHERE rules_key = ? GROUP BY status", (key,)
            ).fetchall()
        )


@dataclass(frozen=True, slots=True)
class _StoreFiles:
    store: Store
    key: str

    def cached_check(self, sha256: str, check: Callable[[], FileVerdict], *, wait_seconds: float) -> FileVerdict:
        return self.store.cached_check(sha256, self.key, check, wait_seconds=wait_seconds)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
