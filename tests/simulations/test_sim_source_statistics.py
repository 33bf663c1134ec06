"""linear-hard's sufficient-statistics sampler and balanced heads (simulations/settings/linear_hard.py).

The sampler must have the exact joint law of (X'X, X'y, y'y): checked through statistics whose law is known
(the OLS residual sum of squares is sigma^2 chi2_{n-d}, the OLS error in the design's metric is sigma^2 chi2_d,
the means n Sigma, n Sigma theta, n (theta' Sigma theta + sigma^2)), and against the samples path by two-sample
Kolmogorov-Smirnov tests.  Fixed seeds; the decision rule is p > 1e-4 (a correct sampler fails a given test
with probability 1e-4).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as sps

from simulations import make_learner, make_setting, run_monte_carlo
from simulations.montecarlo import least_squares_objective
from simulations.settings.linear_hard import balanced_heads, gaussian_source_statistics, head_imbalance
from simulations.seeding import generator

D, N, SIGMA = 4, 30, 0.7
SCALES = np.array([0.5, 0.5, 1.0, 1.0])
THETA = np.array([0.3, -1.0, 0.8, 0.2])


def _draws(count=4000, seed=0):
    rng = generator(np.random.SeedSequence(seed))
    return gaussian_source_statistics(rng, np.tile(THETA, (count, 1)), N, SCALES, SIGMA)


def test_ols_residual_and_error_have_their_chi_square_laws():
    st = _draws()
    theta_hat = np.linalg.solve(st.gram, st.cross[:, :, None])[:, :, 0]
    rss = st.energy - np.einsum("ti,ti->t", st.cross, theta_hat)
    assert sps.kstest(rss / SIGMA ** 2, sps.chi2(N - D).cdf).pvalue > 1e-4
    err = theta_hat - THETA
    metric = np.einsum("ti,tij,tj->t", err, st.gram, err) / SIGMA ** 2
    assert sps.kstest(metric, sps.chi2(D).cdf).pvalue > 1e-4


def test_means_are_n_sigma_n_sigma_theta_and_n_energy():
    st = _draws()
    Sigma = np.diag(SCALES ** 2)
    for got, want in [(st.gram.reshape(len(st.energy), -1), (N * Sigma).ravel()),
                      (st.cross, N * Sigma @ THETA), (st.energy[:, None], [N * (THETA @ Sigma @ THETA + SIGMA ** 2)])]:
        mean, se = got.mean(axis=0), got.std(axis=0, ddof=1) / np.sqrt(got.shape[0])
        z = np.abs(mean - np.asarray(want)) / np.maximum(se, 1e-12)
        assert np.all(z < 4.5), z


def test_statistics_and_samples_paths_have_the_same_law():
    rng = generator(np.random.SeedSequence(1))
    count = 3000
    X = rng.standard_normal((count, N, D)) * SCALES
    y = X @ THETA + SIGMA * rng.standard_normal((count, N))
    st = _draws(count, seed=2)
    pairs = {
        "energy": (np.einsum("tn,tn->t", y, y), st.energy),
        "cross_0": (np.einsum("tn,tn->t", X[:, :, 0], y), st.cross[:, 0]),
        "gram_23": (np.einsum("tn,tn->t", X[:, :, 2], X[:, :, 3]), st.gram[:, 2, 3]),
        "rss": (np.einsum("tn,tn->t", y, y) - np.einsum("ti,ti->t", np.einsum("tni,tn->ti", X, y),
                np.linalg.solve(np.einsum("tni,tnj->tij", X, X), np.einsum("tni,tn->ti", X, y)[:, :, None])[:, :, 0]),
                st.energy - np.einsum("ti,ti->t", st.cross, np.linalg.solve(st.gram, st.cross[:, :, None])[:, :, 0])),
    }
    for name, (a, b) in pairs.items():
        assert sps.ks_2samp(a, b).pvalue > 1e-4, name


def test_the_sampler_refuses_n_below_d_and_the_statistics_have_no_samples():
    with pytest.raises(ValueError, match="parameter 'n' must be >= d"):
        gaussian_source_statistics(np.random.default_rng(0), np.zeros((2, 5)), 3, np.ones(5), 1.0)
    st = _draws(3)
    assert (st.n_tasks, st.n_samples, st.dim) == (3, N, D)
    with pytest.raises(ValueError, match="source_data='statistics'"):
        st.X


def test_a_learner_that_needs_samples_refuses_statistics_with_a_clear_error():
    setting = make_setting("linear-hard", dict(d=5, k=2, T=4, n=100, m=10, source_data="statistics"))
    truth, sources = setting.draw_sources(generator(np.random.SeedSequence(0)))
    with pytest.raises(ValueError, match="source_data='samples'"):
        make_learner("maml", setting, truth).fit(sources)


def test_balanced_heads_are_exactly_balanced_and_refuse_other_T():
    u, v = balanced_heads(np.random.default_rng(0), 12, 3)
    assert np.allclose(np.linalg.norm(u, axis=1), 1) and np.allclose(np.linalg.norm(v, axis=1), 1)
    assert np.allclose(u.T @ u, 4 * np.eye(3)) and np.allclose(v.T @ v, 4 * np.eye(3))
    assert np.allclose(u.T @ v, 0, atol=1e-14)
    with pytest.raises(ValueError, match="parameter 'T' must be a multiple of 2k = 6"):
        make_setting("linear-hard", dict(d=7, k=3, T=9, n=20, m=10, heads="balanced"))


def test_head_imbalance_column_is_zero_for_balanced_and_positive_for_random_heads():
    df = run_monte_carlo("linear-hard", ["frozenrep"], dict(d=5, k=2, T=8, n=40, m=10, heads="balanced"), reps=2)
    assert np.all(df["head_imbalance"] < 1e-12)
    df = run_monte_carlo("linear-hard", ["frozenrep"], dict(d=5, k=2, T=8, n=40, m=10), reps=2)
    assert np.all(df["head_imbalance"] > 1e-3)


def test_frame_learners_give_the_same_objective_on_samples_and_on_their_statistics():
    """The objective recomputed from sufficient statistics equals the one from the samples (one draw, two views)."""
    setting = make_setting("linear-hard", dict(d=5, k=2, T=8, n=40, m=10))
    truth, sources = setting.draw_sources(generator(np.random.SeedSequence(3)))
    from simulations.settings.base import SourceStatistics
    stats = SourceStatistics(gram=sources.gram, cross=sources.cross, energy=sources.energy, n=sources.n_samples)
    a = make_learner("frozenrep", setting, truth).fit(sources)
    b = make_learner("frozenrep", setting, truth).fit(stats)
    assert np.allclose(a.representation_, b.representation_)
    direct = float(np.mean((sources.y - np.einsum("tnd,td->tn", sources.X, truth.thetas)) ** 2))
    assert least_squares_objective(stats, truth.thetas) == pytest.approx(direct, rel=1e-10)


def test_samples_too_large_to_hold_are_refused_before_any_draw():
    with pytest.raises(ValueError, match="parameter 'n' must be at most .*source_data='statistics'"):
        make_setting("linear-hard", dict(d=10, k=2, T=20, n=10 ** 9, m=10))
    make_setting("linear-hard", dict(d=10, k=2, T=20, n=10 ** 9, m=10, source_data="statistics"))
