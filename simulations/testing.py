"""A public battery of checks for learners and settings (in the spirit of scikit-learn's
``check_estimator``), usable from a third party's own tests.

>>> from simulations.testing import check_learner
>>> check_learner("adaptrep", "linear")                      # doctest: +SKIP
>>> check_learner(MyLearner, "linear", params=dict(d=8))     # a class that is not registered

Each check raises ``AssertionError`` naming the learner, the setting and what
failed; :func:`check_learner` runs them all.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any, Callable, Mapping

import numpy as np

from .learners import Learner, NotFittedError
from .registry import build_learner, get_learner, make_setting
from .seeding import generator
from .settings import TargetData

__all__ = ["check_learner", "invalid_candidates", "LEARNER_CHECKS"]

#: Small instances of each setting, for the battery.
SMALL = {
    "linear": dict(d=10, k=2, T=12, n=30, m=15, delta0=0.3),
    "linear-hard": dict(d=11, k=2, T=12, n=30, m=15, delta0=1.0),
    "logistic": dict(d=10, k=2, T=12, n=30, m=15, delta0=0.3),
    "network": dict(d=6, k=2, T=8, n=40, m=15, delta0=0.3, test_size=500),
    "network-hard": dict(d=6, k=2, T=8, n=40, m=15, delta0=0.3, test_size=500),
}

#: Values tried for every hyper-parameter: each must be accepted or refused with a
#: ``ValueError`` naming the parameter (never another exception, never silently odd).
_CANDIDATES = ("bogus", -1, 0, -0.5, 0.5, 2.5, float("nan"), float("inf"), -float("inf"), True, None)


def invalid_candidates() -> tuple:
    """The values :func:`check_learner` tries for every hyper-parameter."""
    return _CANDIDATES


class _Problem:
    """One small instance of the setting, drawn once; the learner fitted and adapted on it once."""

    def __init__(self, setting: str, params: Mapping[str, Any] | None, seed: int) -> None:
        self.setting = make_setting(setting, dict(SMALL.get(setting, {}), **(params or {})))
        self.truth, self.sources = self.setting.draw_sources(generator(np.random.SeedSequence(seed)))
        self.target, self.data = self.setting.draw_target(generator(np.random.SeedSequence(seed + 1000)),
                                                          self.truth, None)
        self._fitted: dict = {}

    def new(self, cls: type[Learner], hyper: Mapping[str, Any] | None = None) -> Learner:
        return build_learner(cls, self.setting, self.truth, hyper)

    def fitted(self, cls: type[Learner]) -> Learner:
        """A copy of the learner fitted on the sources and adapted on the target (computed once)."""
        if cls not in self._fitted:
            self._fitted[cls] = self.new(cls).fit(self.sources).adapt(self.data)
        return copy.deepcopy(self._fitted[cls])


def _cls(learner: str | type[Learner], setting: str) -> type[Learner]:
    return get_learner(learner, setting) if isinstance(learner, str) else learner


def _who(cls: type[Learner], setting: str) -> str:
    return f"learner {cls.__name__} ({cls.name!r}) on setting {setting!r}"


def check_params_round_trip(cls, setting, problem) -> None:
    learner = cls()
    params = learner.get_params()
    assert set(params) == set(cls._param_names()), f"{_who(cls, setting)}: get_params misses constructor arguments"
    learner.set_params(**params)
    assert learner.get_params().keys() == params.keys(), f"{_who(cls, setting)}: set_params changed the names"
    try:
        learner.set_params(bogus_parameter_name=1)
    except ValueError as exc:
        assert "bogus_parameter_name" in str(exc), f"{_who(cls, setting)}: the error does not name the parameter"
    else:
        raise AssertionError(f"{_who(cls, setting)}: set_params accepted an unknown name")


def check_fit_adapt_predict(cls, setting, problem) -> None:
    learner = problem.new(cls)
    who = _who(cls, setting)
    assert learner.fit(problem.sources) is learner, f"{who}: fit does not return self"
    rep = learner.representation_
    if rep is not None:
        p = problem.setting.params
        assert np.all(np.isfinite(rep)), f"{who}: non-finite representation"
        if problem.setting.family == "network":
            assert rep.shape == (p["k"], p["d"]), f"{who}: first layer of shape {rep.shape}"
        else:
            assert rep.shape == (p["d"], p["k"]) and np.allclose(rep.T @ rep, np.eye(p["k"]), atol=1e-10), \
                f"{who}: the frame is not an orthonormal d x k matrix"
    assert isinstance(learner.converged_, bool), f"{who}: converged_ is not a bool"
    assert learner.adapt(problem.data) is learner, f"{who}: adapt does not return self"
    pred = learner.predict(problem.data.X)
    assert np.shape(pred) == (problem.data.X.shape[0],), f"{who}: predict has shape {np.shape(pred)}"
    assert np.all(np.isfinite(pred)), f"{who}: non-finite predictions"
    if problem.setting.family != "network":
        theta = learner.theta_
        assert np.shape(theta) == (problem.setting.params["d"],) and np.all(np.isfinite(theta)), \
            f"{who}: theta_ is not a finite vector of length d"
    obj = learner.target_objective_
    assert np.isfinite(obj) and obj >= 0, f"{who}: target_objective_ = {obj}"


def check_not_fitted(cls, setting, problem) -> None:
    learner = problem.new(cls)
    for step in (lambda: learner.adapt(problem.data), lambda: learner.predict(problem.data.X)):
        try:
            step()
        except NotFittedError:
            continue
        raise AssertionError(f"{_who(cls, setting)}: adapt/predict before fit did not raise NotFittedError")


def check_deterministic(cls, setting, problem) -> None:
    again = problem.new(cls).fit(problem.sources).adapt(problem.data)
    assert np.array_equal(again.predict(problem.data.X), problem.fitted(cls).predict(problem.data.X)), \
        f"{_who(cls, setting)}: two fits on the same data differ"


def check_risk_finite_nonnegative(cls, setting, problem) -> None:
    learner = problem.fitted(cls)
    target, data = problem.setting.draw_target(generator(np.random.SeedSequence(7)), problem.truth,
                                               learner.representation_)
    learner.adapt(data)
    row = problem.setting.evaluate(problem.truth, target, data, learner)
    for col in ("excess_risk", "insample_risk"):
        assert np.isfinite(row[col]) and row[col] >= 0, f"{_who(cls, setting)}: {col} = {row[col]}"


def check_refit_forgets(cls, setting, problem) -> None:
    """A new fit forgets the previous target (no predictor survives it); a new adapt forgets the
    previous target's attributes; an adapt that fails half-way leaves no predictor; refitting on the
    same sources gives the same predictor."""
    who = _who(cls, setting)
    learner = problem.fitted(cls)
    first = learner.predict(problem.data.X)
    learner.stale_target_attr_ = "left by the previous adapt"
    learner.fit(problem.sources)
    assert not hasattr(learner, "stale_target_attr_"), f"{who}: a new fit kept a learned attribute"
    try:
        learner.predict(problem.data.X)
    except NotFittedError:
        pass
    else:
        raise AssertionError(f"{who}: a new fit kept the previous target's predictor")
    learner.adapt(problem.data)
    learner.stale_target_attr_ = "left by the previous adapt"
    learner.adapt(problem.data)
    assert not hasattr(learner, "stale_target_attr_"), f"{who}: a new adapt kept the previous target's state"
    assert hasattr(learner, "representation_"), f"{who}: a new adapt dropped the source state"
    assert np.array_equal(learner.predict(problem.data.X), first), f"{who}: refit changed the result"
    bad = TargetData(X=np.ones((3, problem.setting.params["d"])), y=np.zeros(2))      # y does not match X
    try:
        learner.adapt(bad)
    except Exception:             # noqa: BLE001 - any error; what matters is the state it leaves
        pass
    try:
        learner.predict(problem.data.X)
    except NotFittedError:
        return
    raise AssertionError(f"{who}: an adapt that failed left a predictor behind")


def check_pickle(cls, setting, problem) -> None:
    learner = problem.fitted(cls)
    try:
        clone = pickle.loads(pickle.dumps(learner))
    except Exception as exc:   # noqa: BLE001 - workers receive learners' results by pickling
        raise AssertionError(f"{_who(cls, setting)}: a fitted learner does not pickle: {exc}") from None
    assert np.array_equal(clone.predict(problem.data.X), learner.predict(problem.data.X)), \
        f"{_who(cls, setting)}: a pickled copy predicts differently"


def check_invalid_hyperparameters(cls, setting, problem) -> None:
    """Every candidate value of every hyper-parameter is accepted or refused by a ValueError naming it
    by the learner's parameter validation (``HYPERPARAMETERS``, what ``fit`` and ``adapt`` run before any
    work); each hyper-parameter refuses at least one candidate."""
    defaults = problem.new(cls).get_params()
    for name in cls.HYPERPARAMETERS:
        refused = 0
        for value in _CANDIDATES:
            if value is None:
                continue
            learner = problem.new(cls, {**defaults, name: value})
            try:
                learner._validated()                 # noqa: SLF001 - the validation fit starts with
            except ValueError as exc:
                assert f"'{name}'" in str(exc), \
                    f"{_who(cls, setting)}: {name} = {value!r} refused without naming {name!r}: {exc}"
                refused += 1
            except Exception as exc:   # noqa: BLE001 - the point of the check
                raise AssertionError(f"{_who(cls, setting)}: {name} = {value!r} raised "
                                     f"{type(exc).__name__}: {exc} instead of a ValueError") from None
        assert refused, f"{_who(cls, setting)}: no invalid value of {name!r} is refused ({_CANDIDATES})"


#: The checks of :func:`check_learner`, in order.
LEARNER_CHECKS: tuple[Callable, ...] = (check_params_round_trip, check_not_fitted, check_fit_adapt_predict,
                                        check_deterministic, check_risk_finite_nonnegative,
                                        check_refit_forgets, check_pickle, check_invalid_hyperparameters)


def check_learner(learner: str | type[Learner], setting: str = "linear", params: Mapping[str, Any] | None = None,
                  seed: int = 0, skip: tuple[str, ...] = ()) -> None:
    """Run the battery on a learner (a registered name or any :class:`Learner` subclass).

    Parameters
    ----------
    learner : str or Learner subclass
    setting : str
        A registered setting; its small instance (:data:`SMALL`) is updated with ``params``.
    params : mapping, optional
        Setting parameters.
    seed : int
    skip : tuple of str
        Names of checks to skip (e.g. ``("check_invalid_hyperparameters",)``).

    Raises
    ------
    AssertionError
        The first check that fails, naming the learner, the setting and what is wrong.
    """
    cls = _cls(learner, setting)
    if not (isinstance(cls, type) and issubclass(cls, Learner)):
        raise TypeError(f"learner must be a registered name or a Learner subclass, got {learner!r}")
    problem = _Problem(setting, params, seed)
    for check in LEARNER_CHECKS:
        if check.__name__ not in skip:
            check(cls, setting, problem)
