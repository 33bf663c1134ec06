"""Exact and iterative solvers used by the learners.

* :mod:`.trust_region` -- ball-constrained and norm-penalised convex quadratics
  (the trust-region subproblem), batched, and a certified single-instance
  fast path for PSD matrices (Lanczos start, Cholesky Newton).
* :mod:`.finetune` -- the ADAPTREP fine-tuning step over ``(w, delta)`` for a
  fixed frame, on sufficient statistics.
* :mod:`.shared_frame` -- alternating exact block minimisation of the
  multi-task source objectives (ADAPTREP and FROZENREP).
* :mod:`.task_spectra` -- the source fit's constrained step from one
  eigendecomposition per task (Woodbury in the frame, warm-started Newton on
  the multiplier).
* :mod:`.spectral` -- spectral initialisations of the shared frame.
* :mod:`.logistic_finetune` -- the logistic fine-tuning step (two ball
  constraints), by the certified per-task Newton method of
  :mod:`.logistic_ball`, with the log-barrier method as fallback.
* :mod:`.reference` -- cvxpy formulations that the fast solvers are tested
  against.
"""
