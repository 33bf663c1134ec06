"""ADAPTREP source fit at d=100, k=5, T=100, n=100 against the floor of any exact method.

The floor is forming all :math:`X_t^\\top X_t` in one batched matrix product
(``numpy.matmul`` on the (T, n, d) array): every exact method pays it.  The
fit is ``AdaptRep().fit(sources)`` on freshly drawn sources (so it includes
the sufficient statistics, the spectral initial frames and the alternating
sweeps), constrained form with radius ``delta0 = sqrt(k/d)``; its parts are
timed too.  Target: fit / floor <= 20.

Run: ``pytest tests/benchmarks/test_bench_adaptrep.py --benchmark-only -s``.
"""

import math

import numpy as np
from threadpoolctl import threadpool_limits

from bench_support import median_time, report

D, K, T, N = 100, 5, 100, 100


def test_adaptrep_source_fit_vs_gram_floor(benchmark):
    from simulations import make_learner, make_setting
    from simulations.seeding import generator
    from simulations.risk import sin_theta_max
    from simulations.solvers.finetune import finetune_step
    from simulations.solvers.shared_frame import fit_shared_frame
    from simulations.solvers.spectral import initial_frames
    from simulations.solvers.task_spectra import ConstrainedStepper, task_spectra

    setting = make_setting("linear", dict(d=D, k=K, T=T, n=N, m=100,
                                          delta0=math.sqrt(K / D)))
    truth, _ = setting.draw_sources(generator(np.random.SeedSequence(0)))

    def fresh_sources():
        return setting.draw_sources(generator(np.random.SeedSequence(0)))[1]

    sources = fresh_sources()
    X = sources.X

    def fit():
        learner = make_learner("adaptrep", setting, truth)
        return learner.fit(fresh_sources())

    def draw():
        return fresh_sources()

    with threadpool_limits(limits=1, user_api="blas"):
        learner = benchmark.pedantic(fit, rounds=3, iterations=1, warmup_rounds=0)
    assert learner.converged_

    floor = median_time(lambda: np.matmul(X.transpose(0, 2, 1), X), repeat=21, number=3)
    t_fit = median_time(fit, repeat=3, warmup=0)
    t_draw = median_time(draw, repeat=5)
    S, g, yy = sources.gram, sources.cross, sources.energy
    r = math.sqrt(K / D)
    t_spectra = median_time(lambda: task_spectra(S), repeat=5)
    spectra = task_spectra(S)
    t_init = median_time(lambda: initial_frames(S, g, K, N, "spectral", spectra=spectra), repeat=5)
    inits = initial_frames(S, g, K, N, "spectral", spectra=spectra)
    t_sweeps = median_time(lambda: fit_shared_frame(S, g, yy, N, inits, radius=r, spectra=spectra),
                           repeat=3, warmup=0)
    # The sweeps' step for the learned frame: on the spectra vs from scratch.
    frame = learner.representation_
    stepper = ConstrainedStepper(S, g, yy, N, r, spectra)
    t_step = median_time(lambda: stepper(frame), repeat=7)
    t_step_scratch = median_time(lambda: finetune_step(S, g, yy, frame, N, radius=r), repeat=7)
    # The method before this work: alternating sweeps to the end, every step from scratch; and
    # the same sweeps on the spectra.  Their objectives show where each method stops.
    t_before = median_time(lambda: fit_shared_frame(S, g, yy, N, inits, radius=r, steps="scratch",
                                                    method="alternating"), repeat=1, warmup=0)
    fits = {}

    def alternating_fit():
        fits["alternating"] = fit_shared_frame(S, g, yy, N, inits, radius=r, spectra=spectra,
                                               method="alternating")

    t_alternating = median_time(alternating_fit, repeat=3, warmup=0)
    alternating = fits["alternating"]
    report(benchmark, "adaptrep source fit d=100 k=5 T=100 n=100",
           floor_s=floor, fit_s=t_fit - t_draw, ratio=(t_fit - t_draw) / floor,
           spectra_s=t_spectra, init_frames_s=t_init, outer_s=t_sweeps,
           iterations=int(learner.n_iter_), step_s=t_step, step_scratch_s=t_step_scratch,
           step_speedup=t_step_scratch / t_step, alternating_s=t_alternating,
           before_s=t_before,
           objective=learner.objective_, objective_alternating=alternating.objective,
           sin_truth=float(sin_theta_max(learner.representation_, truth.frame)),
           sin_truth_alternating=float(sin_theta_max(alternating.frame, truth.frame)))
