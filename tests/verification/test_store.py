"""The results store: exact rows, keys, transactions, refusal of foreign files."""

import json
import math
import sqlite3
import struct

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from verification.cli import main
from verification.store import (ResultsStore, StoredReplicate, StoreError, decode_rows,
                                encode_rows, point_identity, point_key, replicate_key,
                                rows_identical)

CLAIMS = """
[[claim]]
id = "ols"
setting = "linear"
learner = "target-only"
check = "upper-mean"
bound = "1.5*sigma**2*d/(m - d - 1)"
reps = 40
[claim.params]
d = 4
k = 2
T = 3
n = 10
[claim.sweep]
m = [12, 24]
"""


def bits(x: float) -> int:
    return struct.unpack("<q", struct.pack("<d", x))[0]


# ----------------------------------------------------------------- encoding
@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=20))
def test_floats_round_trip_bit_for_bit(values):
    rows = [{"rep": 0, "learner": "x", **{f"c{i}": v for i, v in enumerate(values)}}]
    back = decode_rows(encode_rows(rows))
    for i, v in enumerate(values):
        w = back[0][f"c{i}"]
        assert isinstance(w, float)
        assert (math.isnan(v) and math.isnan(w)) or bits(v) == bits(w)


def test_row_types_survive_and_numpy_scalars_become_python():
    rows = [{"rep": 3, "setting": "linear", "learner": "adaptrep", "d": np.int64(10),
             "sigma": np.float64(0.1), "converged": np.bool_(True), "flag": False,
             "eps": None, "neg0": -0.0, "tiny": 5e-324, "nan": float("nan")}]
    back = decode_rows(encode_rows(rows))
    assert rows_identical(rows, back)
    assert type(back[0]["d"]) is int and type(back[0]["converged"]) is bool
    assert list(back[0]) == list(rows[0])                      # column order kept
    assert math.copysign(1.0, back[0]["neg0"]) == -1.0


def test_rows_identical_is_strict():
    assert not rows_identical([{"a": 0.0}], [{"a": -0.0}])
    assert not rows_identical([{"a": 1}], [{"a": 1.0}])
    assert not rows_identical([{"a": 1.0, "b": 2}], [{"b": 2, "a": 1.0}])
    assert rows_identical([{"a": float("nan")}], [{"a": float("nan")}])


def test_values_that_cannot_round_trip_are_refused():
    with pytest.raises(StoreError):
        encode_rows([{"a": np.zeros(2)}])
    with pytest.raises(StoreError):
        encode_rows([{"a": object()}])


# ---------------------------------------------------------------------- keys
def identity(**kw):
    base = dict(engine="simulations.run_replicate", setting="linear",
                params={"d": 4, "k": 2, "m": 12, "sigma": 1.0}, learners=("adaptrep",),
                learner_params={}, seed=np.random.SeedSequence(0, spawn_key=(7, 1)))
    base.update(kw)
    return point_identity(**base)


def test_keys_depend_on_everything_that_determines_the_rows():
    ref = point_key(identity())
    assert point_key(identity()) == ref
    variants = [
        identity(engine="toy.mc"), identity(setting="linear-hard"),
        identity(params={"d": 4, "k": 2, "m": 13, "sigma": 1.0}),
        identity(params={"d": 4, "k": 2, "m": 12, "sigma": 1.0 + 1e-16 * 2}),
        identity(learners=("frozenrep",)), identity(learners=("adaptrep", "frozenrep")),
        identity(learner_params={"adaptrep": {"form": "penalized"}}),
        identity(seed=np.random.SeedSequence(1, spawn_key=(7, 1))),
        identity(seed=np.random.SeedSequence(0, spawn_key=(7, 2))),
        identity(blas_threads=None),
    ]
    keys = {point_key(v) for v in variants}
    assert ref not in keys and len(keys) == len(variants)
    ident = identity()
    assert {"package_version", "simulations_digest", "numpy"} <= set(ident)
    assert replicate_key(ref, 0) != replicate_key(ref, 1)
    # parameter order does not matter
    assert point_key(identity(params={"sigma": 1.0, "m": 12, "k": 2, "d": 4})) == ref


# --------------------------------------------------------------------- store
def entry(rep, value, pkey="p" * 64):
    return StoredReplicate(pkey, {"x": 1}, "claim", 0, rep,
                           [{"rep": rep, "learner": "a", "excess_risk": value}])


def test_put_get_and_reopen(tmp_path):
    path = tmp_path / "sub" / "s.sqlite"
    with ResultsStore(path) as store:
        assert store.put([entry(0, 0.1), entry(1, 1 / 3)]) == 2
        assert len(store) == 2
    with ResultsStore(path) as store:
        got = store.get([replicate_key("p" * 64, r) for r in range(3)])
    assert len(got) == 2
    assert got[replicate_key("p" * 64, 1)][0]["excess_risk"] == 1 / 3


def test_a_failed_batch_writes_nothing(tmp_path):
    with ResultsStore(tmp_path / "s.sqlite") as store:
        store.put([entry(0, 0.5)])
        with pytest.raises(StoreError):
            store.put([entry(1, 0.25), StoredReplicate("p" * 64, {}, "c", 0, 2,
                                                       [{"a": object()}])])
        assert len(store) == 1           # all or nothing


def original(path):
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["text", "foreign-sqlite", "other-version", "corrupt"])
def test_unusable_files_are_refused_and_left_untouched(tmp_path, kind):
    path = tmp_path / "s.sqlite"
    if kind == "text":
        path.write_text("these are my notes, not a database\n")
        expected = "not an SQLite database"
    elif kind == "foreign-sqlite":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE accounts (id INTEGER, balance REAL)")
        con.execute("INSERT INTO accounts VALUES (1, 2.5)")
        con.commit()
        con.close()
        expected = "not a metabound results store"
    elif kind == "other-version":
        with ResultsStore(path) as store:
            store.put([entry(0, 0.5)])
        con = sqlite3.connect(path)
        con.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
        con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        expected = "schema version 99"
    else:
        with ResultsStore(path) as store:
            store.put([entry(r, r / 7) for r in range(200)])
        con = sqlite3.connect(path)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        raw = bytearray(path.read_bytes())
        page = 4096
        raw[2 * page:3 * page] = b"\xa5" * page           # garble a b-tree page
        path.write_bytes(bytes(raw))
        expected = "corrupt"
    before = original(path)
    with pytest.raises(StoreError) as info:
        ResultsStore(path)
    assert expected in str(info.value) and str(path) in str(info.value)
    assert original(path) == before


def test_cli_reports_a_bad_store_on_one_line_and_exits_2(tmp_path, write_claims, capsys):
    claims = write_claims(CLAIMS, "c.toml")
    store = tmp_path / "s.sqlite"
    store.write_bytes(b"\x00\x01garbage" * 100)
    before = store.read_bytes()
    rc = main(["verify", "--claims-file", str(claims), "--out", str(tmp_path / "o"),
               "--store", str(store), "--backend", "serial", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("metabound: error:") and err.count("\n") == 1
    assert "not a metabound results store" in err
    assert store.read_bytes() == before
    assert not (tmp_path / "o").exists()


def test_cli_stores_then_resumes_without_computing(tmp_path, write_claims, capsys):
    claims = write_claims(CLAIMS, "c.toml")
    store = tmp_path / "s.sqlite"
    common = ["verify", "--claims-file", str(claims), "--store", str(store),
              "--backend", "serial"]
    assert main(common + ["--out", str(tmp_path / "a")]) == 0
    assert "0 replicates reused, 80 computed" in capsys.readouterr().out
    assert main(common + ["--out", str(tmp_path / "b"), "--resume"]) == 0
    assert "80 replicates reused, 0 computed" in capsys.readouterr().out
    a = json.loads((tmp_path / "a" / "results.json").read_text())
    b = json.loads((tmp_path / "b" / "results.json").read_text())
    assert a["claims"][0]["points"] == b["claims"][0]["points"]   # timings included
    # default store: beside --out
    assert main(["verify", "--claims-file", str(claims), "--out", str(tmp_path / "r" / "x"),
                 "--backend", "serial", "--quiet"]) == 0
    assert (tmp_path / "r" / "metabound.sqlite").exists()
    assert main(common + ["--out", str(tmp_path / "c"), "--store", "none", "--resume"]) == 2
