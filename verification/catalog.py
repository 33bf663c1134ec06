"""What the verifier knows of the simulators: settings, their parameters, learners.

The default catalog is read from :mod:`simulations` (imported lazily, so the
rest of the verification layer can be imported and tested without it); tests
pass a hand-made :class:`Catalog`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

__all__ = ["REQUIRED", "Catalog", "default_catalog"]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: Marker for a setting parameter without a default.
REQUIRED = _Required()


@dataclass(frozen=True)
class Catalog:
    """Settings (name -> {parameter: default or REQUIRED}) and learner names."""

    settings: Mapping[str, Mapping[str, object]]
    learners: tuple[str, ...]
    #: ``resolve(setting, given) -> dict``: validate the given parameters and
    #: fill defaults (raising ``ValueError`` naming the parameter), or None.
    resolve: Callable[[str, Mapping[str, Any]], dict] | None = None
    #: Hyper-parameter names per learner (``learner_params`` validation), or
    #: None when unknown (names are then not checked).
    hyperparameters: Mapping[str, tuple[str, ...]] | None = None
    #: Per-replicate columns of the simulator that bounds and premises may use,
    #: or None (then :data:`verification.claims.REPLICATE_NAMES`).
    replicate_names: tuple[str, ...] | None = None
    #: ``check_learner(setting, learner, hyper)``: raise ``ValueError`` naming the
    #: parameter when the learner does not support the setting or a given
    #: hyper-parameter is unknown for the setting's family or out of range;
    #: None when unknown (then only the union of names is checked).
    check_learner: Callable[[str, str, Mapping[str, Any]], None] | None = None
    #: ``never_produced(setting, learner)``: per-replicate columns that are NaN in every replicate of
    #: this learner on this setting (a bound or premise using one is refused), or None.
    never_produced: Callable[[str, str], frozenset] | None = None

    def parameters(self, setting: str) -> Mapping[str, object]:
        return self.settings[setting]


def _default_of(param) -> object:
    """Default of a ``simulations`` Parameter, or REQUIRED."""
    return REQUIRED if param.required else param.default


def _resolver(simulations) -> Callable[[str, Mapping[str, Any]], dict]:
    def resolve(setting: str, given: Mapping[str, Any]) -> dict:
        cls = simulations.get_setting(setting)
        return dict(cls.from_params(**given).params)
    return resolve


def _learner_checker(simulations) -> Callable[[str, str, Mapping[str, Any]], None]:
    from simulations.parameters import resolve_parameters

    def check(setting: str, learner: str, hyper: Mapping[str, Any]) -> None:
        cls = simulations.get_learner(learner, setting)          # the pair must be implemented
        table = cls.HYPERPARAMETERS
        unknown = sorted(set(hyper) - set(table))
        if unknown:
            family = simulations.get_setting(setting).family
            raise ValueError(f"unknown hyper-parameter {unknown[0]!r} of learner {learner!r} on setting "
                             f"{setting!r} ({family} family); known: {', '.join(table) or '(none)'}")
        resolve_parameters(table, dict(hyper), owner=f"learner {learner!r} on setting {setting!r}")
    return check


def default_catalog() -> Catalog:
    """Build the catalog from the installed :mod:`simulations` package."""
    import simulations  # lazy: simulations may be absent while developing

    settings = {}
    for name in simulations.SETTINGS:
        params = simulations.get_setting(name).PARAMETERS
        settings[name] = {p: _default_of(spec) for p, spec in params.items()}
    hyper = {name: tuple(cls.HYPERPARAMETERS) for name, cls in simulations.LEARNERS.items()}
    replicate = ("rep_error", "nu", "sin_theta_max", "converged") + tuple(simulations.EXTRA_COLUMNS)
    return Catalog(settings=settings, learners=tuple(simulations.LEARNERS),
                   resolve=_resolver(simulations), hyperparameters=hyper, replicate_names=replicate,
                   check_learner=_learner_checker(simulations),
                   never_produced=lambda setting, learner: frozenset(
                       simulations.get_learner(learner, setting).NEVER_PRODUCES))
