"""The learner protocol, in the spirit of scikit-learn estimators.

* Hyper-parameters are keyword arguments of the constructor, stored exactly as
  given; they are validated when work starts (:meth:`fit`), against the
  class's declared ``HYPERPARAMETERS`` table.
* :meth:`fit` learns from the source tasks and returns ``self``;
  :meth:`adapt` learns the target predictor and returns ``self``.
* Learned state carries a trailing underscore: ``representation_`` (d x k
  frame, or ``None`` for learners without one), ``theta_`` (target
  predictor), ``objective_``, ``n_iter_``, ``converged_`` (source fit) and
  ``target_objective_``, ``constraint_active_`` (target step).
  ``constraint_active_`` says whether the fine-tuning constraint binds: in the
  constrained form ``||delta_|| = radius`` (always true for radius 0, e.g.
  head-only steps); in the penalised form ``delta_ = 0`` (the penalty holds
  the perturbation at the kink); false for learners without a constraint.
* ``SETTING_DEFAULTS`` names the hyper-parameters that the Monte Carlo runner
  fills from the setting when they are left at ``None`` (``k`` from the
  setting's rank, ``radius`` from ``delta0``, ``frame`` from the true frame).
* The constructor is generated from ``HYPERPARAMETERS`` (keyword-only
  arguments in the table's order, defaults from each ``Parameter``), so a
  hyper-parameter and its default are stated once; a class that writes its
  own ``__init__`` keeps it (then every argument must be declared, which
  :func:`~simulations.registry.register_learner` checks).
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

import numpy as np

from ..parameters import Parameter, resolve_parameters
from ..settings.base import SourceData, TargetData
from ..solvers.linalg import orthonormal_frame

__all__ = ["Learner", "NotFittedError", "FineTuningClass", "target_statistics"]


@dataclass(frozen=True)
class FineTuningClass:
    r"""The set a learner declares its target predictor to lie in, and how it picks a member.

    The class is :math:`\{\hat B w + \delta : \|w\| \le c_w,\ \|\delta\| \le r\}`
    (linear and logistic families; for networks :math:`w^\top\operatorname{relu}((\hat W + \Delta)x)`
    with :math:`\|\Delta\|_F \le r`).  It is what the bounds' premises refer to:
    the simulator checks per replicate that the learned predictor lies in it
    (``delta_norm <= ft_radius``, ``head_norm <= ft_head_bound``) and, for
    ``estimator="erm"``, that it is the exact empirical minimiser over it
    (``fw_gap``), with code independent of the learner's solver.

    Attributes
    ----------
    frame : ndarray or None
        The representation (d x k frame, or the k x d first layer); ``None``
        for learners without one, whose class is the ball
        :math:`\|\theta\| \le r` (``r = inf``: all of :math:`\mathbb{R}^d`).
    head_bound : float
        :math:`c_w` (``inf``: unconstrained head).
    radius : float
        :math:`r` (``inf``: unconstrained perturbation).
    estimator : str
        ``"erm"``: exact empirical risk minimiser over the class;
        ``"gd"``: gradient steps from the head fit (not a minimiser; the
        radius is then what gradient descent reached, see ``gd_radius``);
        ``"penalized"``: a penalised form (the class is not a constraint).
    """

    frame: np.ndarray | None
    head_bound: float = float("inf")
    radius: float = float("inf")
    estimator: str = "erm"


def target_statistics(target: TargetData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The target's sufficient statistics as a batch of one: (S, g, y'y)."""
    return target.gram[None], target.cross[None], np.array([target.energy])


class NotFittedError(RuntimeError):
    """Raised when ``adapt`` is called before ``fit``."""


def _generated_init(cls: type) -> Any:
    """A constructor taking the hyper-parameters of ``cls.HYPERPARAMETERS`` as keyword arguments.

    Each is stored unchanged (validation happens when work starts, as in
    scikit-learn); omitted ones take their ``Parameter.default``.
    """
    table = dict(cls.HYPERPARAMETERS)

    def __init__(self, **params: Any) -> None:
        unknown = [k for k in params if k not in table]
        if unknown:
            raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {unknown[0]!r}; "
                            f"hyper-parameters: {', '.join(table) or '(none)'}")
        for key, spec in table.items():
            setattr(self, key, params[key] if key in params else spec.default)

    required = [k for k, spec in table.items() if spec.required]
    if required:
        raise TypeError(f"{cls.__name__}: hyper-parameter {required[0]!r} has no default; every "
                        "hyper-parameter of a learner needs one")
    __init__.__signature__ = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=spec.default) for k, spec in table.items()])
    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__doc__ = f"Hyper-parameters of {cls.__name__} (keyword only): " + (
        "; ".join(f"{k} = {spec.default!r}: {spec.doc}" for k, spec in table.items()) or "none") + "."
    return __init__


class Learner:
    """Base class of all learners."""

    name: ClassVar[str] = ""
    HYPERPARAMETERS: ClassVar[Mapping[str, Parameter]] = {}
    SETTING_DEFAULTS: ClassVar[Mapping[str, str]] = {}
    #: Optional columns (:data:`simulations.columns.OPTIONAL_COLUMNS`) this learner never produces in any
    #: setting (NaN in every replicate): what a bound or premise may not use with it, checked before work.
    NEVER_PRODUCES: ClassVar[frozenset[str]] = frozenset(
        {"gd_radius", "grad_bound", "displacement", "gd_steps"})
    #: Whether ``objective_`` is the least-squares source objective (1/(T n)) sum_t ||y_t - X_t theta_t||^2 at the
    #: fitted source predictors (then ``source_fit_excess`` is reported).
    SOURCE_OBJECTIVE_IS_LEAST_SQUARES: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Wrap a subclass's ``fit`` and ``adapt`` so that learned state never survives them.

        ``fit`` first removes every learned attribute (trailing underscore);
        ``adapt`` removes every learned attribute that ``fit`` did not set (the
        previous target's ``theta_``, ``head_``, ...).  So a refit on other
        sources, or an adaptation that fails half-way, cannot leave a stale
        predictor behind.
        """
        super().__init_subclass__(**kwargs)
        if "__init__" not in cls.__dict__:
            cls.__init__ = _generated_init(cls)
        for name, reset in (("fit", "_forget_learned"), ("adapt", "_forget_target")):
            method = getattr(cls, name, None)           # from the MRO: mixins define some of them
            if method is None or getattr(method, "_resets_state", False) \
                    or method is getattr(Learner, name, None):
                continue

            def wrapped(self, data, *args, _method=method, _reset=reset, **kw):
                if self.__dict__.get("_in_protocol"):       # a fit/adapt calling another: reset once
                    return _method(self, data, *args, **kw)
                getattr(self, _reset)()
                self.__dict__["_in_protocol"] = True
                try:
                    return _method(self, data, *args, **kw)
                finally:
                    self.__dict__.pop("_in_protocol", None)

            wrapped = functools.wraps(method)(wrapped)
            wrapped._resets_state = True
            setattr(cls, name, wrapped)

    @staticmethod
    def _is_learned(name: str) -> bool:
        return name.endswith("_") and not name.startswith("_")

    def _forget_learned(self) -> None:
        for name in [n for n in vars(self) if self._is_learned(n)]:
            delattr(self, name)
        self.__dict__.pop("_source_state", None)

    def _forget_target(self) -> None:
        source = self.__dict__.get("_source_state")
        if source is None:        # first adapt after fit: what is learned now is the source state
            source = frozenset(n for n in vars(self) if self._is_learned(n))
            self.__dict__["_source_state"] = source
        for name in [n for n in vars(self) if self._is_learned(n) and n not in source]:
            delattr(self, name)

    # -- parameters -------------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self) -> dict[str, Any]:
        """Hyper-parameters exactly as given to the constructor."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> "Learner":
        names = set(self._param_names())
        for key, value in params.items():
            if key not in names:
                raise ValueError(f"unknown hyper-parameter {key!r} for learner {self.name!r}; allowed: {', '.join(sorted(names))}")
            setattr(self, key, value)
        return self

    def _validated(self) -> dict[str, Any]:
        given = {k: v for k, v in self.get_params().items() if v is not None}
        return resolve_parameters(self.HYPERPARAMETERS, given, owner=f"learner {self.name!r}")

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items() if not isinstance(v, np.ndarray))
        return f"{type(self).__name__}({args})"

    # -- protocol -----------------------------------------------------------
    def fit(self, sources: SourceData) -> "Learner":  # pragma: no cover - abstract
        raise NotImplementedError

    def adapt(self, target: TargetData) -> "Learner":  # pragma: no cover - abstract
        raise NotImplementedError

    def source_objective_is_least_squares(self) -> bool:
        """Whether ``objective_`` is the plain least-squares source objective (see the class attribute)."""
        return bool(self.SOURCE_OBJECTIVE_IS_LEAST_SQUARES)

    def diagnostics(self) -> dict[str, Any]:
        """Extra per-replicate columns of this learner (e.g. ``head_constraint_active``); none by default."""
        return {}

    def fine_tuning_class(self) -> FineTuningClass:
        """The class the target predictor lies in (see :class:`FineTuningClass`); learners override.

        The default: no representation, an unconstrained exact minimiser.
        """
        self._check_fitted()
        return FineTuningClass(frame=None)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions ``X @ theta_`` of the adapted target predictor."""
        self._check_adapted()
        return np.asarray(X) @ self.theta_

    # -- helpers ------------------------------------------------------------
    def _set_target_solution(self, sol) -> None:
        """Store a batch-of-one :class:`~simulations.solvers.finetune.FineTuneSolution`."""
        self.head_ = sol.w[0]
        self.delta_ = sol.delta[0]
        self.theta_ = sol.theta[0]
        self.target_objective_ = float(sol.objective[0])
        self.constraint_active_ = bool(sol.on_boundary[0])

    def _need(self, p: dict[str, Any], *names: str) -> None:
        """Raise ``ValueError`` naming the first of ``names`` left at ``None`` in the validated parameters ``p``."""
        for name in names:
            if p.get(name) is None:
                raise ValueError(f"learner {self.name!r}: parameter {name!r} must be set ({self.HYPERPARAMETERS[name].doc})")

    def _check_rank(self, k: int | None, d: int) -> None:
        """Check that the representation dimension ``k`` is set and in ``[1, d]``.

        Parameters
        ----------
        k : int or None
            Validated hyper-parameter ``k`` (already known to be >= 1 when set).
        d : int
            Input dimension of the source data.
        """
        if k is None:
            raise ValueError(f"learner {self.name!r}: parameter 'k' must be set (an integer >= 1)")
        if k > d:
            raise ValueError(f"learner {self.name!r}: parameter 'k' must be in [1, d] = [1, {d}]; got {k}")

    def _true_frame(self, frame: np.ndarray, d: int) -> np.ndarray:
        """Orthonormal basis of the given true frame :math:`B^*` after checking that it is a d x k matrix."""
        if frame.ndim != 2 or frame.shape[0] != d:
            raise ValueError(f"learner {self.name!r}: parameter 'frame' must be a d x k matrix with d = {d}; got shape {frame.shape}")
        return orthonormal_frame(frame)

    def _set_source_fit(self, representation: np.ndarray, fit: Any) -> None:
        """Store the source-step state of a fitted shared representation.

        Parameters
        ----------
        representation : ndarray
            The learned frame (d x k) or first layer (k x d).
        fit : object
            Solver result with ``heads``, ``deltas``, ``objective``, ``n_iter`` and ``converged``.
        """
        self.representation_ = representation
        self.source_heads_ = fit.heads
        self.source_deltas_ = fit.deltas
        self.objective_ = fit.objective
        self.n_iter_ = fit.n_iter
        self.converged_ = bool(fit.converged)

    def _set_without_source_fit(self, representation: np.ndarray | None) -> None:
        """Store the source-step state of a learner that fits nothing on the sources.

        Parameters
        ----------
        representation : ndarray or None
            Given representation (the true frame or layer), ``None`` for none.
        """
        self.representation_ = representation
        self.objective_ = float("nan")
        self.n_iter_ = 0
        self.converged_ = True

    def _validated_for_target(self, target: TargetData) -> dict[str, Any]:
        """Start of ``adapt``: check that ``fit`` ran and the target's dimension, return the validated parameters."""
        self._check_fitted()
        p = self._validated()
        self._check_dim(target.X.shape[1], "target data")
        return p

    def _target_step_radius(self, p: dict[str, Any]) -> float:
        """Radius of a FROZENREP target step: 0 for ``target_step='head'``, the required ``radius`` for ``'finetune'``."""
        if p["target_step"] != "finetune":
            return 0.0
        self._need(p, "radius")
        return p["radius"]

    def _check_fitted(self) -> None:
        if not hasattr(self, "representation_"):
            raise NotFittedError(f"learner {self.name!r} must be fitted on sources (fit) before adapt")

    def _check_adapted(self) -> None:
        if not hasattr(self, "theta_"):
            raise NotFittedError(f"learner {self.name!r} must be adapted on the target (adapt) before predict")

    def _check_dim(self, d: int, what: str) -> None:
        rep = getattr(self, "representation_", None)
        if rep is not None and rep.shape[0] != d:
            raise ValueError(f"{what} has dimension {d} but the learner was fitted with d = {rep.shape[0]}")
