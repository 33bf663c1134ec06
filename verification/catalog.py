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
                   resolve=_resolver(simulations), hyperparameters=hyper, replicate_names=replicate)
