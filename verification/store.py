"""The results store: completed replicates in an embedded SQLite database.

Every completed replicate of a sweep point of a claim is stored as the list of
its tidy rows (one per learner, as :func:`simulations.run_replicate` returns
them), under a key that is a content hash of everything that determines those
rows: the simulator (engine), the package version, a digest of the
``simulations`` sources, the numpy version, the setting and its resolved
parameters, the learners and their hyper-parameters, and the replicate's seed
(entropy and spawn key).  A resumed run looks its replicates up by key and
computes only the missing ones; since a replicate's seed derives from its
identity, stored and recomputed rows are interchangeable.

Rows are stored as JSON: Python's ``float.__repr__`` is the shortest string
that reads back to the same double, so every finite float (and ``-0.0``,
``nan``, ``inf``) round-trips exactly; :func:`encode_rows` checks this on every
write.

Safety: writes are transactions (one per batch of replicates) in WAL mode, so
a killed process loses only the batches it had not committed.  A file that
is not an SQLite database, an SQLite database without this store's metadata
(a foreign database), a store of another schema version and a corrupt
database raise :class:`StoreError` before anything is written; the file is
left untouched.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import math
import sqlite3
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import numpy as np

__all__ = [
    "SCHEMA_VERSION", "StoreError", "ResultsStore", "StoredReplicate",
    "encode_rows", "decode_rows", "rows_identical", "point_identity", "point_key",
    "replicate_key", "code_digest",
]

#: Version of the database layout; a store of another version is refused.
SCHEMA_VERSION = 1
#: ``PRAGMA application_id`` of a metabound store ("mbsd").
APPLICATION_ID = 0x6D627364
_FORMAT = "metabound-results-store"
_SQLITE_HEADER = b"SQLite format 3\x00"
_CHUNK = 500  # keys per SELECT ... IN (...)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS points (
    key      TEXT PRIMARY KEY,   -- sha256 of the canonical identity below
    identity TEXT NOT NULL       -- canonical JSON: what determines the point's replicates
);
CREATE TABLE IF NOT EXISTS replicates (
    key       TEXT PRIMARY KEY,  -- sha256 of (point key, replicate index)
    point_key TEXT NOT NULL REFERENCES points(key),
    claim     TEXT NOT NULL,     -- informational: id of the claim that computed it
    point     INTEGER NOT NULL,  -- informational: sweep point index in that claim
    rep       INTEGER NOT NULL,
    rows      TEXT NOT NULL,     -- JSON list of the replicate's row dicts
    created   TEXT NOT NULL
);
"""


class StoreError(Exception):
    """The results store cannot be used (not ours, corrupt, wrong version, I/O)."""


# --------------------------------------------------------------------- encoding
def _plain(value: Any) -> Any:
    """``value`` with numpy scalars replaced by the equal Python scalar."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _same(a: Any, b: Any) -> bool:
    """Bitwise equality of decoded values (NaN equals NaN; 0.0 differs from -0.0)."""
    if isinstance(a, float) or isinstance(b, float):
        if not (isinstance(a, (float, int)) and isinstance(b, (float, int))):
            return False
        if isinstance(a, bool) or isinstance(b, bool) or type(a) is not type(b):
            return False
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def rows_identical(a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]]) -> bool:
    """Whether two lists of row dicts are identical, float bits included.

    Parameters
    ----------
    a, b : sequence of mapping
        Rows (numpy scalars compare as the equal Python scalars).

    Returns
    -------
    bool
        True when both have the same keys in the same order and every value
        is equal (NaN equal to NaN, ``0.0`` different from ``-0.0``).
    """
    return _same(_plain(list(a)), _plain(list(b)))


def encode_rows(rows: Sequence[Mapping[str, Any]]) -> str:
    """JSON text of a replicate's rows, checked to decode to the same values.

    Parameters
    ----------
    rows : sequence of mapping
        The rows of one replicate (str keys; values None, bool, int, float,
        str, or lists/dicts of them; numpy scalars are converted).

    Returns
    -------
    str

    Raises
    ------
    StoreError
        When a value cannot be stored exactly (e.g. an array or an object).
    """
    plain = _plain(list(rows))
    try:
        text = json.dumps(plain, separators=(",", ":"), allow_nan=True)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"cannot store replicate rows: {exc}") from None
    if not _same(decode_rows(text), plain):
        raise StoreError("cannot store replicate rows exactly: a value does not "
                         "round-trip through JSON")
    return text


def decode_rows(text: str) -> list[dict[str, Any]]:
    """Inverse of :func:`encode_rows`."""
    return json.loads(text)


# ------------------------------------------------------------------------ keys
def code_digest(package: str = "simulations") -> str:
    """SHA-256 of the Python sources of ``package`` (paths and contents).

    Part of every key: a change to the simulator's code invalidates stored
    replicates even when the package version was not bumped.  Computed anew
    on every call (a few milliseconds), so a long-lived process sees edits.
    ``package`` may also be a single module (a plugin's ``my_learner.py``):
    then its file alone is digested.  A module without a source file (one
    defined interactively) gets a random digest, so nothing computed with it
    is ever reused.
    """
    import importlib
    import secrets

    mod = importlib.import_module(package)
    source = getattr(mod, "__file__", None)
    if source is None:
        return "unreusable-" + secrets.token_hex(16)
    source = Path(source).resolve()
    is_package = hasattr(mod, "__path__")
    root = source.parent
    h = hashlib.sha256()
    for path in (sorted(root.rglob("*.py")) if is_package else [source]):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def _package_version() -> str | None:
    try:
        return metadata.version("metabound")
    except metadata.PackageNotFoundError:
        return None


def _canonical(obj: Any) -> str:
    return json.dumps(_plain(obj), sort_keys=True, separators=(",", ":"), allow_nan=True,
                      default=repr)


def point_identity(*, engine: str, setting: str, params: Mapping[str, Any],
                   learners: Sequence[str], learner_params: Mapping[str, Any] | None,
                   seed: np.random.SeedSequence, blas_threads: int | None = 1,
                   digest: str | None = None, plugins: Mapping[str, Any] | None = None) -> dict:
    """Everything that determines the replicates of one sweep point.

    Parameters
    ----------
    engine : str
        The simulator (``"simulations.run_replicate"`` or the qualified name
        of an injected Monte Carlo callable).
    setting : str
        Setting name.
    params : mapping
        Resolved setting parameters.
    learners : sequence of str
        Learner names, in the order they run.
    learner_params : mapping or None
        Hyper-parameters per learner.
    seed : numpy.random.SeedSequence
        The point's seed; replicate ``r`` uses its child ``r``.
    blas_threads : int or None
        BLAS threads the replicates run with.
    digest : str, optional
        :func:`code_digest` of ``simulations`` (computed when not given).
    plugins : mapping, optional
        The code of plugin settings and learners the point runs
        (:func:`verification.runner.plugin_code`); absent from the identity
        when empty, so built-in points keep their keys.

    Returns
    -------
    dict
        JSON-serialisable; with the package version, the digest of the
        ``simulations`` sources and the numpy version added.
    """
    if digest is None:
        try:
            digest = code_digest("simulations")
        except ImportError:
            digest = None
    identity = {
        "engine": engine,
        "package_version": _package_version(),
        "simulations_digest": digest,
        "numpy": np.__version__,
        "setting": setting,
        "params": _plain(dict(params)),
        "learners": list(learners),
        "learner_params": _plain(dict(learner_params or {})),
        "seed": {"entropy": _plain(seed.entropy), "spawn_key": [int(i) for i in seed.spawn_key],
                 "pool_size": int(seed.pool_size)},
        "blas_threads": blas_threads,
    }
    if plugins:
        identity["plugins"] = _plain(dict(plugins))
    return identity


def point_key(identity: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of a point identity."""
    return hashlib.sha256(_canonical(identity).encode()).hexdigest()


def replicate_key(point: str, rep: int) -> str:
    """Key of replicate ``rep`` of the point with key ``point``.

    The replicate's seed is child ``rep`` of the point's seed, so the point's
    key and ``rep`` determine it.
    """
    return hashlib.sha256(f"{point}/{int(rep)}".encode()).hexdigest()


# ----------------------------------------------------------------------- store
class StoredReplicate(NamedTuple):
    """One replicate to store (see :meth:`ResultsStore.put`)."""

    point_key: str
    identity: Mapping[str, Any]
    claim: str
    point: int
    rep: int
    rows: Sequence[Mapping[str, Any]]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class ResultsStore:
    """An SQLite database of completed replicates.

    Parameters
    ----------
    path : str or pathlib.Path
        Database file.  Created (with its parent directories) if it does not
        exist or is empty; otherwise it must be a metabound store of
        :data:`SCHEMA_VERSION`.

    Raises
    ------
    StoreError
        The file is not an SQLite database, is a foreign SQLite database, was
        written by another schema version, is corrupt, or cannot be opened.
        Nothing is written to the file in these cases.

    Notes
    -----
    The database runs in WAL mode with ``synchronous=NORMAL``: a committed
    batch survives the death of the process (not necessarily a power cut).
    Several processes may use one store; writers wait up to 60 s for a lock.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        existing = self.path.exists() and self.path.stat().st_size > 0
        if existing:
            self._check_existing()
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create results store {self.path}: {exc}") from None
        try:
            self._conn = sqlite3.connect(str(self.path), timeout=60.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open results store {self.path}: {exc}") from None
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            if not existing:
                self._initialise()
        except sqlite3.Error as exc:
            self._conn.close()
            raise StoreError(f"cannot use results store {self.path}: {exc}") from None

    # ------------------------------------------------------------ validation
    def _check_existing(self) -> None:
        """Refuse anything but a healthy store of our schema, read-only.

        SQLite may create ``-wal``/``-shm`` companions even for a read-only
        look at a file in WAL mode; those it created for a file that is then
        refused are removed, so a refusal leaves the directory as it was.
        """
        companions = [Path(f"{self.path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]
        present = {c for c in companions if c.exists()}
        try:
            self._check_existing_file()
        except StoreError:
            for c in companions:
                if c not in present:
                    try:
                        c.unlink()
                    except OSError:
                        pass
            raise

    def _check_existing_file(self) -> None:
        where = str(self.path)
        try:
            with open(self.path, "rb") as fh:
                header = fh.read(len(_SQLITE_HEADER))
        except OSError as exc:
            raise StoreError(f"cannot read results store {where}: {exc}") from None
        if header != _SQLITE_HEADER:
            raise StoreError(f"{where} is not a metabound results store (not an SQLite "
                             "database); choose another --store or remove the file")
        try:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=60.0)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open results store {where}: {exc}") from None
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise StoreError(f"results store {where} is corrupt (SQLite quick_check: "
                                 f"{check[0] if check else 'no answer'}); choose another "
                                 "--store or remove the file")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if app_id != APPLICATION_ID or not {"meta", "points", "replicates"} <= tables:
                raise StoreError(f"{where} is an SQLite database but not a metabound results "
                                 "store; choose another --store or remove the file")
            meta = dict(conn.execute("SELECT name, value FROM meta").fetchall())
            if meta.get("format") != _FORMAT:
                raise StoreError(f"{where} is an SQLite database but not a metabound results "
                                 "store; choose another --store or remove the file")
            version = meta.get("schema_version")
            if version != str(SCHEMA_VERSION):
                raise StoreError(f"results store {where} has schema version {version}; this "
                                 f"metabound reads version {SCHEMA_VERSION}: choose another "
                                 "--store")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"results store {where} is corrupt or unreadable ({exc}); choose "
                             "another --store or remove the file") from None
        finally:
            conn.close()

    def _initialise(self) -> None:
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            c.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    c.execute(statement)
            c.executemany("INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)",
                          [("format", _FORMAT), ("schema_version", str(SCHEMA_VERSION)),
                           ("created", _now()),
                           ("created_by", f"metabound {_package_version()}")])
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    # ----------------------------------------------------------------- access
    def _fail(self, exc: sqlite3.Error) -> StoreError:
        return StoreError(f"results store {self.path}: {exc}")

    def get(self, keys: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Stored rows of the replicates among ``keys`` (missing keys are absent).

        Parameters
        ----------
        keys : iterable of str
            Replicate keys (:func:`replicate_key`).

        Returns
        -------
        dict
            ``{key: rows}``.
        """
        keys = list(keys)
        out: dict[str, list[dict[str, Any]]] = {}
        try:
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i:i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, text in self._conn.execute(
                        f"SELECT key, rows FROM replicates WHERE key IN ({marks})", chunk):
                    out[key] = decode_rows(text)
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        return out

    def put(self, replicates: Iterable[StoredReplicate]) -> int:
        """Store replicates in one transaction (replacing equal keys).

        Parameters
        ----------
        replicates : iterable of StoredReplicate

        Returns
        -------
        int
            Number of replicates written.
        """
        points: dict[str, str] = {}
        records = []
        now = _now()
        for pkey, identity, claim, point, rep, rows in replicates:
            if pkey not in points:
                points[pkey] = _canonical(identity)
            records.append((replicate_key(pkey, rep), pkey, claim, int(point), int(rep),
                            encode_rows(rows), now))
        if not records:
            return 0
        c = self._conn
        try:
            c.execute("BEGIN IMMEDIATE")
            try:
                c.executemany("INSERT OR IGNORE INTO points (key, identity) VALUES (?, ?)",
                              list(points.items()))
                c.executemany("INSERT OR REPLACE INTO replicates (key, point_key, claim, point, "
                              "rep, rows, created) VALUES (?, ?, ?, ?, ?, ?, ?)", records)
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        return len(records)

    def __len__(self) -> int:
        try:
            return int(self._conn.execute("SELECT COUNT(*) FROM replicates").fetchone()[0])
        except sqlite3.Error as exc:
            raise self._fail(exc) from None

    def close(self) -> None:
        """Close the connection (idempotent)."""
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
            self._conn = None

    def __enter__(self) -> "ResultsStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.path)!r})"
