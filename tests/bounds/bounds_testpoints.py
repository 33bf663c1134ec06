"""One valid set of constants per registered bound, shared by the bounds tests.

A plain module (not conftest) so test modules can import it at collection
time; its name is unique because the test folders are not packages.
"""

from __future__ import annotations

import math

#: A valid point for every registered bound (hand values in test_bounds_values.py).
VALID: dict[str, dict[str, float]] = {
    "finetune-step": dict(d=4, k=1, m=16, delta0=0.5, L=1, b=1, c_w=1, R=2, fail_prob=0.5),
    "gd-radius": dict(d=4, k=1, m=16, eta=0.1, s=5, G=1, L=1, b=1, c_w=1, R=2,
                      fail_prob=0.5),
    "finetune-linear": dict(d=100, k=5, m=50, sigma=1, delta0=0.1),
    "adaptrep-linear": dict(d=25, k=2, m=100, sigma=2, delta0=0.5, rep_error=0.5),
    "adaptrep-linear-rate": dict(d=10, k=2, n=5, T=4, m=20, nu=0.5, sigma=1, delta0=0.3),
    "frozenrep-shared": dict(d=10, k=2, n=5, T=4, m=20, sigma=1),
    "frozenrep-shared-e2e": dict(d=10, k=2, T=100, n=2000, m=100, sigma=0.5, nu=0.5, fail_prob=0.05,
                                 head_scale=1.0),
    "adaptrep-linear-e2e": dict(d=10, k=2, T=100, n=2000, m=100, sigma=0.5, nu=0.5, delta0=0.02, fail_prob=0.05,
                                head_scale=1.0),
    "adaptrep-logistic-e2e": dict(d=4, k=1, T=20, n=40000, m=100000, nu=1.0, delta0=0.02, c_w=1.2, R=2.0,
                                  fail_prob=0.05, head_scale=1.0),
    "target-only": dict(d=10, m=21, sigma=2),
    "oracle-head": dict(k=3, m=14, sigma=1),
    "frozen-lower-bias": dict(eps=0.2),
    "frozen-lower-bayes": dict(d=12, k=2, m=20, eps=0.5, sigma=1, tau2=1),
    "target-only-bayes": dict(d=5, m=10, sigma=1, tau2=0.5),
    "adaptrep-logistic": dict(d=16, k=4, n=4, T=4, m=16, nu=0.5, delta0=0.5,
                              fail_prob=2 * math.exp(-4)),
    "network-finetune": dict(m=16, width=4, delta0=0.5, L=1, b=1, c_w=1, R=1, R_phi=2,
                             fail_prob=0.5),
    "adaptrep-network-rate": dict(d=16, k=4, n=4, T=4, m=16, nu=0.5, delta0=0.5,
                                  fail_prob=2 * math.exp(-4)),
    "network-head-exact": dict(expected_insample=0.25),
    "network-head-exact-test": dict(expected_excess=0.4),
    "finetune-logistic": dict(d=4, k=1, m=16, delta0=0.5, c_w=1, R=2, fail_prob=0.5),
    "gd-radius-observed": dict(d=4, k=1, m=16, L=1, c_w=1, R=2, fail_prob=0.5, gd_radius=0.3,
                               empirical_gap=0.1, b0=0.7, r_min=0.01, J=10),
    "logistic-erm-certificate": dict(cert_gnorm2=0.04, cert_fisher=1.5, cert_u=0.8, cert_um=0.5,
                                     cert_vi=0.01),
    "logistic-gap-certificate": dict(cert_gnorm2=0.04, cert_fisher=1.5, cert_u=0.8, cert_um=0.5,
                                     empirical_gap=-0.01),
    "head-only-exact": dict(k=2, m=13, sigma=1, head_bias=0.5),
    "head-only-insample": dict(k=2, m=10, sigma=1, head_bias=0.5),
    "smoother-conditional": dict(expected_excess=0.3),
    "smoother-conditional-insample": dict(expected_insample=0.2),
    "class-bias": dict(class_bias=0.45),
    "frozen-lower-e2e": dict(d=10, k=2, T=20, n=10**10, sigma=1.0, delta0=1.0, fail_prob=0.05),
}


