"""The Monte Carlo runner: tidy frame, seeding, common random numbers, validation."""

import numpy as np
import pandas as pd
import pytest

from simulations import DIAGNOSTIC_COLUMNS, RISK_COLUMNS, run_monte_carlo, run_replicate, make_setting
from simulations.seeding import child_seed

PARAMS = dict(d=8, k=2, T=6, n=20, m=12, delta0=0.2)


def test_tidy_frame_columns_and_rows():
    df = run_monte_carlo("linear", ["adaptrep", "target-only"], PARAMS, reps=3, seed=1)
    assert len(df) == 6
    for col in ("rep", "setting", "learner", *PARAMS, "sigma", "head_scale", *RISK_COLUMNS, *DIAGNOSTIC_COLUMNS):
        assert col in df.columns, col
    assert set(df.learner) == {"adaptrep", "target-only"}
    assert (df.excess_risk >= 0).all() and df.excess_risk.notna().all()
    assert df.loc[df.learner == "target-only", "rep_error"].isna().all()
    assert (df.loc[df.learner == "adaptrep", "rep_error"] >= 0).all()


def test_same_seed_same_frame_different_seed_different_frame():
    a = run_monte_carlo("linear", "adaptrep", PARAMS, reps=3, seed=7)
    b = run_monte_carlo("linear", "adaptrep", PARAMS, reps=3, seed=7)
    c = run_monte_carlo("linear", "adaptrep", PARAMS, reps=3, seed=8)
    cols = ["excess_risk", "insample_risk", "objective"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert not np.allclose(a.excess_risk, c.excess_risk)


def test_replicates_do_not_depend_on_order_or_count():
    full = run_monte_carlo("linear", "adaptrep", PARAMS, reps=5, seed=11)
    setting = make_setting("linear", PARAMS)
    root = np.random.SeedSequence(11)
    # replicate 3 alone, computed out of order, equals row 3 of the full run
    alone = run_replicate(setting, ["adaptrep"], child_seed(root, 3), rep=3)[0]
    assert alone["excess_risk"] == full.loc[3, "excess_risk"]
    # and equals the spawn() convention documented in docs/architecture.md
    assert child_seed(root, 3).spawn_key == np.random.SeedSequence(11).spawn(5)[3].spawn_key
    shorter = run_monte_carlo("linear", "adaptrep", PARAMS, reps=2, seed=11)
    np.testing.assert_array_equal(shorter.excess_risk, full.excess_risk[:2])


def test_common_random_numbers_across_learners():
    # oracle with radius 0 and frozenrep head step on the true frame see the same target data:
    # target-only's risk is identical whether run alone or next to others.
    both = run_monte_carlo("linear", ["oracle", "target-only"], PARAMS, reps=3, seed=2)
    alone = run_monte_carlo("linear", ["target-only"], PARAMS, reps=3, seed=2)
    np.testing.assert_array_equal(both.loc[both.learner == "target-only", "excess_risk"].to_numpy(), alone.excess_risk.to_numpy())


def test_invalid_runner_inputs():
    with pytest.raises(ValueError, match="'reps'"):
        run_monte_carlo("linear", "adaptrep", PARAMS, reps=0)
    with pytest.raises(ValueError, match="unknown learner 'maml2'"):
        run_monte_carlo("linear", "maml2", PARAMS, reps=1)
    with pytest.raises(ValueError, match="unknown setting"):
        run_monte_carlo("quadratic", "adaptrep", PARAMS, reps=1)
    with pytest.raises(ValueError, match="'seed'"):
        run_monte_carlo("linear", "adaptrep", PARAMS, reps=1, seed=-3)
    with pytest.raises(ValueError, match="learner_params"):
        run_monte_carlo("linear", "adaptrep", PARAMS, reps=1, learner_params={"oracle": {}})


def test_learner_params_are_passed():
    a = run_monte_carlo("linear", "adaptrep", PARAMS, reps=2, seed=3, learner_params={"adaptrep": {"radius": 0.0}})
    f = run_monte_carlo("linear", "frozenrep", PARAMS, reps=2, seed=3)
    np.testing.assert_allclose(a.objective, f.objective, rtol=1e-8)
