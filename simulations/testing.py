"""A public battery of checks for learners and settings (in the spirit of scikit-learn's
``check_estimator``), usable from a third party's own tests.

>>> from simulations.testing import check_learner
>>> check_learner("adaptrep", "linear")                      # doctest: +SKIP
>>> check_learner(MyLearner, "linear", params=dict(d=8))     # a class that is not registered
>>> check_setting(MySetting, params=dict(d=8, k=2, T=6, n=20, m=10))   # doctest: +SKIP

Each check raises ``AssertionError`` naming the learner or setting and what
failed; :func:`check_learner` and :func:`check_setting` run them all.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any, Callable, Mapping

import numpy as np

from .learners import Learner, NotFittedError
from .registry import LEARNER_CLASSES, build_learner, get_learner, get_setting
from .seeding import generator
from .settings import Setting, TargetData

__all__ = ["check_learner", "check_setting", "invalid_candidates", "LEARNER_CHECKS", "SETTING_CHECKS"]

#: Small instances of each setting, for the battery.
SMALL = {
    "linear": dict(d=10, k=2, T=12, n=30, m=15, delta0=0.3),
    "linear-hard": dict(d=11, k=2, T=12, n=30, m=15, delta0=1.0),
    "logistic": dict(d=10, k=2, T=12, n=30, m=15, delta0=0.3),
    "network": dict(d=6, k=2, T=8, n=40, m=15, delta0=0.3, test_size=500),
    "network-hard": dict(d=6, k=2, T=8, n=40, m=40, delta0=0.3, test_size=500),   # m: inside the hard regime
}

#: Values tried for every hyper-parameter: each must be accepted or refused with a
#: ``ValueError`` naming the parameter (never another exception, never silently odd).
_CANDIDATES = ("bogus", -1, 0, -0.5, 0.5, 2.5, float("nan"), float("inf"), -float("inf"), True, None)


def invalid_candidates(spec: Any = None) -> tuple:
    """The values the batteries try on a parameter: the fixed candidates, and for a parameter whose validator
    is a :class:`~simulations.parameters.Constraint` the values it generates (which must all be refused)."""
    return _CANDIDATES + _generated(spec)


def _generated(spec: Any) -> tuple:
    from .parameters import Constraint

    validate = getattr(spec, "validate", None)
    return tuple(validate.invalid_values()) if isinstance(validate, Constraint) else ()


def _try_values(who: str, name: str, spec: Any, attempt: Callable[[Any], None]) -> None:
    """Each candidate is accepted or refused by a ValueError naming ``name``; each generated invalid value is
    refused; at least one value is refused."""
    refused = 0
    generated = _generated(spec)
    for value in _CANDIDATES + generated:
        if value is None:
            continue
        try:
            attempt(value)
        except ValueError as exc:
            assert f"'{name}'" in str(exc), f"{who}: {name} = {value!r} refused without naming {name!r}: {exc}"
            refused += 1
            continue
        except Exception as exc:   # noqa: BLE001 - the point of the check
            raise AssertionError(f"{who}: {name} = {value!r} raised {type(exc).__name__}: {exc} "
                                 "instead of a ValueError") from None
        if any(value is g for g in generated):
            raise AssertionError(f"{who}: {name} = {value!r} is accepted, but its constraint "
                                 f"({spec.validate.describe()}) must refuse it")
    assert refused, f"{who}: no invalid value of {name!r} is refused ({_CANDIDATES})"


class _Problem:
    """One small instance of the setting, drawn once; the learner fitted and adapted on it once."""

    def __init__(self, setting: str | type[Setting], params: Mapping[str, Any] | None, seed: int) -> None:
        cls = _setting_cls(setting)
        self.setting = cls.from_params(**dict(SMALL.get(cls.name, {}), **(params or {})))
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


def _cls(learner: str | type[Learner], setting: str | type[Setting]) -> type[Learner]:
    return get_learner(learner, _setting_cls(setting)) if isinstance(learner, str) else learner


def _setting_cls(setting: str | type[Setting]) -> type[Setting]:
    if isinstance(setting, str):
        return get_setting(setting)
    if isinstance(setting, type) and issubclass(setting, Setting):
        return setting
    raise TypeError(f"setting must be a registered name or a Setting subclass, got {setting!r}")


def _who(cls: type[Learner], setting: str | type[Setting]) -> str:
    label = setting if isinstance(setting, str) else setting.name
    return f"learner {cls.__name__} ({cls.name!r}) on setting {label!r}"


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
    work); every value its constraint generates (:meth:`~simulations.parameters.Constraint.invalid_values`)
    is refused; each hyper-parameter refuses at least one candidate."""
    defaults = problem.new(cls).get_params()
    for name, spec in cls.HYPERPARAMETERS.items():
        def attempt(value, name=name):
            problem.new(cls, {**defaults, name: value})._validated()      # noqa: SLF001 - what fit starts with
        _try_values(_who(cls, setting), name, spec, attempt)


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
    setting : str or Setting subclass
        A registered setting name or any setting class; its small instance
        (:data:`SMALL`, for the built-in ones) is updated with ``params``.
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
    if not isinstance(setting, str):
        setting = _setting_cls(setting)
    if not (isinstance(cls, type) and issubclass(cls, Learner)):
        raise TypeError(f"learner must be a registered name or a Learner subclass, got {learner!r}")
    problem = _Problem(setting, params, seed)
    for check in LEARNER_CHECKS:
        if check.__name__ not in skip:
            check(cls, setting, problem)


# ------------------------------------------------------------------ settings
def _who_setting(cls: type[Setting]) -> str:
    return f"setting {cls.__name__} ({cls.name!r})"


class _SettingProblem:
    """The setting built from the given parameters; its draws under two seeds."""

    def __init__(self, cls: type[Setting], params: Mapping[str, Any] | None, seed: int) -> None:
        self.cls = cls
        self.given = dict(SMALL.get(cls.name, {}), **(params or {}))
        self.seed = seed
        try:
            self.setting = cls.from_params(**self.given)
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"{_who_setting(cls)}: cannot be built from {self.given}: "
                                 f"{type(exc).__name__}: {exc}") from None

    def draw(self, seed: int):
        truth, sources = self.setting.draw_sources(generator(np.random.SeedSequence(seed)))
        target, data = self.setting.draw_target(generator(np.random.SeedSequence(seed + 1000)), truth, None)
        return truth, sources, target, data


def _arrays(obj: Any) -> dict[str, np.ndarray]:
    """The array fields of a data or truth dataclass (``None`` fields left out)."""
    return {k: np.asarray(v) for k, v in vars(obj).items() if isinstance(v, np.ndarray)}


def check_setting_parameters(cls, problem) -> None:
    """Every parameter is declared with a :class:`~simulations.parameters.Parameter`; the resolved
    parameters hold every declared name; leaving out a required one is refused naming it."""
    from .parameters import Parameter

    who = _who_setting(cls)
    for key, spec in cls.PARAMETERS.items():
        assert isinstance(spec, Parameter), f"{who}: parameter {key!r} is not a Parameter"
    assert set(problem.setting.params) >= set(cls.PARAMETERS), \
        f"{who}: resolved parameters miss {sorted(set(cls.PARAMETERS) - set(problem.setting.params))}"
    for key, spec in cls.PARAMETERS.items():
        if not spec.required:
            continue
        given = {k: v for k, v in problem.given.items() if k != key}
        try:
            cls.from_params(**given)
        except ValueError as exc:
            assert f"'{key}'" in str(exc), f"{who}: leaving out {key!r} is refused without naming it: {exc}"
        else:
            raise AssertionError(f"{who}: the required parameter {key!r} can be left out")
    try:
        cls.from_params(**problem.given, bogus_parameter_name=1)
    except ValueError as exc:
        assert "bogus_parameter_name" in str(exc), f"{who}: an unknown parameter is refused without naming it"
    else:
        raise AssertionError(f"{who}: an unknown parameter name is accepted")


def check_setting_invalid_parameters(cls, problem) -> None:
    """Every candidate value (:func:`invalid_candidates`) of every parameter is accepted or refused by a
    ``ValueError`` naming it, every value its constraint generates is refused, and every parameter refuses at
    least one of them."""
    for key, spec in cls.PARAMETERS.items():
        _try_values(_who_setting(cls), key, spec, lambda value, key=key: cls.from_params(**{**problem.given,
                                                                                           key: value}))


def check_setting_draws(cls, problem) -> None:
    """Shapes and finiteness of the draws: sources ``X`` (T, n, d) and ``y`` (T, n), target ``X`` (m, d) and
    ``y`` (m,); the same seed gives the same draws and another seed other draws."""
    who = _who_setting(cls)
    p = problem.setting.params
    truth, sources, target, data = problem.draw(problem.seed)
    d = sources.X.shape[-1]
    if "d" in p:
        assert d == p["d"], f"{who}: source inputs have dimension {d}, not d = {p['d']}"
    if {"T", "n"} <= set(p):
        assert sources.X.shape == (p["T"], p["n"], d), f"{who}: source X has shape {sources.X.shape}"
    assert sources.y.shape == sources.X.shape[:2], f"{who}: source y has shape {sources.y.shape}"
    if "m" in p:
        assert data.X.shape == (p["m"], d), f"{who}: target X has shape {data.X.shape}"
    assert data.y.shape == data.X.shape[:1], f"{who}: target y has shape {data.y.shape}"
    for what, obj in (("sources", sources), ("target data", data), ("source truth", truth), ("target truth", target)):
        for key, arr in _arrays(obj).items():
            assert np.all(np.isfinite(arr)), f"{who}: {what}.{key} is not finite"
    again = problem.draw(problem.seed)
    for what, a, b in zip(("source truth", "sources", "target truth", "target data"),
                          (truth, sources, target, data), again):
        for key, arr in _arrays(a).items():
            assert np.array_equal(arr, _arrays(b)[key]), f"{who}: two draws with one seed differ in {what}.{key}"
    other = problem.draw(problem.seed + 1)
    assert not np.array_equal(sources.y, other[1].y), f"{who}: two seeds give the same source data"


def check_setting_risks(cls, problem) -> None:
    """``evaluate`` gives finite, non-negative ``excess_risk`` and ``insample_risk`` for the family's
    target-only learner; for linear families, the true predictor has excess risk 0 and the zero predictor
    the positive risk ``theta' Sigma theta``."""
    who = _who_setting(cls)
    truth, sources, target, data = problem.draw(problem.seed)
    family = problem.setting.family
    learner_cls = LEARNER_CLASSES.get(family, {}).get("target-only")
    if learner_cls is None:
        return                         # a new family without a target-only learner: nothing to evaluate with
    learner = build_learner(learner_cls, problem.setting, truth).fit(sources).adapt(data)
    row = problem.setting.evaluate(truth, target, data, learner)
    for col in ("excess_risk", "insample_risk"):
        assert col in row and np.isfinite(row[col]) and row[col] >= 0, f"{who}: {col} = {row.get(col)}"
    if family != "linear":
        return
    theta = np.asarray(target.theta, float)
    scale = float(theta @ np.asarray(truth.covariance) @ theta)
    learner.theta_ = theta.copy()
    at_truth = problem.setting.evaluate(truth, target, data, learner)["excess_risk"]
    assert abs(at_truth) <= 1e-9 * max(1.0, scale), f"{who}: the true predictor has excess risk {at_truth}"
    learner.theta_ = np.zeros_like(theta)
    at_zero = problem.setting.evaluate(truth, target, data, learner)["excess_risk"]
    assert np.isclose(at_zero, scale, rtol=1e-9, atol=1e-12), \
        f"{who}: the zero predictor has excess risk {at_zero}, not theta' Sigma theta = {scale}"


def check_setting_pickle(cls, problem) -> None:
    """The setting and its draws pickle (workers receive them so) and compare equal after the round trip."""
    who = _who_setting(cls)
    truth, sources, *_ = problem.draw(problem.seed)
    try:
        setting, truth2, sources2 = pickle.loads(pickle.dumps((problem.setting, truth, sources)))
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(f"{who}: does not pickle: {exc}") from None
    assert type(setting) is cls, f"{who}: unpickles as {type(setting).__name__}"
    assert np.array_equal(sources2.y, sources.y), f"{who}: pickled source data differ"


#: The checks of :func:`check_setting`, in order.
SETTING_CHECKS: tuple[Callable, ...] = (check_setting_parameters, check_setting_invalid_parameters,
                                        check_setting_draws, check_setting_risks, check_setting_pickle)


def check_setting(setting: str | type[Setting], params: Mapping[str, Any] | None = None, seed: int = 0,
                  skip: tuple[str, ...] = ()) -> None:
    """Run the battery on a setting (a registered name or any :class:`Setting` subclass).

    Parameters
    ----------
    setting : str or Setting subclass
    params : mapping, optional
        Parameters of the instance checked (with the built-in settings'
        small instances, :data:`SMALL`, as defaults); must include the
        required ones of a new setting.
    seed : int
    skip : tuple of str
        Names of checks to skip.

    Raises
    ------
    AssertionError
        The first check that fails, naming the setting and what is wrong.
    """
    cls = _setting_cls(setting)
    problem = _SettingProblem(cls, params, seed)
    for check in SETTING_CHECKS:
        if check.__name__ not in skip:
            check(cls, problem)
