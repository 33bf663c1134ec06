"""Extension points: register_setting / register_learner / register_bound, the entry-point groups, plugin code in
the store key, and runtime registrations on process workers.  Every test runs on a fresh registry, so nothing
registered here leaks into other tests."""

from __future__ import annotations

import sys
import textwrap
import warnings

import numpy as np
import pytest

import bounds.registry as bound_registry
import simulations.registry as registry
from bounds import Bound
from bounds.catalog import ALL
from bounds.named_table import NamedTable
from simulations import run_monte_carlo
from simulations.learners import TargetOnly
from simulations.parameters import Parameter, validate_float
from simulations.settings import LinearSetting


@pytest.fixture
def fresh(monkeypatch):
    """A registry with only the built-in classes, and entry points not read yet."""
    monkeypatch.setattr(registry, "_REGISTRY", registry._Registry())
    monkeypatch.setattr(bound_registry, "BOUNDS", NamedTable(Bound, "bound", bound_registry.ENTRY_POINT_GROUP,
                                                             bound_registry.BoundPluginWarning, ALL))
    monkeypatch.delenv(registry.NO_PLUGINS_ENV, raising=False)
    return registry._REGISTRY


class Shrunk(TargetOnly):
    """Least squares shrunk towards 0 by a factor: a learner of one's own."""

    name = "shrunk-ols"
    FAMILIES = ("linear",)
    HYPERPARAMETERS = {"factor": Parameter("shrinkage factor, a real in [0, 1]", 0.5, validate_float(0.0, 1.0))}

    def __init__(self, factor=0.5):
        self.factor = factor

    def adapt(self, target):
        super().adapt(target)
        self.theta_ = self._validated()["factor"] * self.theta_
        return self


class Noisier(LinearSetting):
    name = "noisier-linear"


def test_registered_classes_run_like_built_in_ones(fresh):
    assert registry.register_learner(Shrunk) is Shrunk
    registry.register_setting(Noisier)
    assert "shrunk-ols" in registry.LEARNERS and "noisier-linear" in registry.SETTINGS
    assert registry.get_learner("shrunk-ols", "linear-hard") is Shrunk          # the linear family
    with pytest.raises(ValueError, match="does not support setting 'logistic'"):
        registry.get_learner("shrunk-ols", "logistic")
    frame = run_monte_carlo("noisier-linear", ["shrunk-ols", "target-only"], dict(d=4, k=2, T=2, n=4, m=20),
                            reps=2, seed=0)
    risk = frame.pivot(index="rep", columns="learner", values="excess_risk")
    assert np.all(np.isfinite(risk.to_numpy())) and not np.allclose(risk["shrunk-ols"], risk["target-only"])
    registry.register_learner(Shrunk)                       # the same class again: nothing happens
    assert [r[:2] for r in registry.runtime_registrations()] == [("learner", Shrunk), ("setting", Noisier)]


def test_registration_errors_name_what_is_wrong(fresh):
    class Taken(TargetOnly):
        name = "adaptrep"

    class BadName(TargetOnly):
        name = "Bad Name"

    class Undeclared(TargetOnly):
        name = "undeclared"

        def __init__(self, alpha=1.0):
            self.alpha = alpha

    class NoFit(registry.Learner):
        name = "no-fit"

    with pytest.raises(ValueError, match="'adaptrep' is already registered for family 'linear'"):
        registry.register_learner(Taken)
    with pytest.raises(ValueError, match="lower-case name"):
        registry.register_learner(BadName)
    with pytest.raises(ValueError, match="constructor argument 'alpha' .* not declared in HYPERPARAMETERS"):
        registry.register_learner(Undeclared)
    with pytest.raises(TypeError, match="does not define fit"):
        registry.register_learner(NoFit)
    with pytest.raises(TypeError, match="subclass of simulations.learners.Learner"):
        registry.register_learner(Noisier)
    with pytest.raises(ValueError, match="'families' .* non-empty sequence"):
        registry.register_learner(Shrunk, families="linear")
    with pytest.raises(ValueError, match="setting 'linear' is already registered"):
        registry.register_setting(type("Again", (LinearSetting,), {}))
    assert "undeclared" not in registry.LEARNERS and not registry.runtime_registrations()


def _fake_distribution(root, name, entry_points: str, modules: dict[str, str]) -> None:
    info = root / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    for module, source in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(source))


PLUGIN_MODULE = '''
    from simulations.learners import TargetOnly
    from simulations.settings import LinearSetting
    from bounds import Bound

    class PluginOLS(TargetOnly):
        name = "plugin-ols"

    class PluginSetting(LinearSetting):
        name = "plugin-linear"

    BOUND = Bound.from_string("plugin-bound", "2*sigma**2*d/(m - d - 1)",
                              kind="upper", conditions=("m > d + 1",))
'''


def test_entry_points_are_read_once_on_first_use(fresh, tmp_path, monkeypatch):
    _fake_distribution(tmp_path, "fake-plugin", """
        [metabound.learners]
        plugin-ols = fake_plugin_mod:PluginOLS
        broken = fake_plugin_missing:Nothing
        [metabound.settings]
        plugin-linear = fake_plugin_mod:PluginSetting
        [metabound.bounds]
        plugin-bound = fake_plugin_mod:BOUND
    """, {"fake_plugin_mod": PLUGIN_MODULE})
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.warns(registry.PluginWarning, match="entry point 'broken'.*fake-plugin.*ModuleNotFoundError"):
        assert "plugin-ols" in registry.LEARNERS
    assert "plugin-linear" in registry.SETTINGS
    records = {r.name: r for r in registry.load_plugins()}
    assert records["plugin-ols"].registered == ("learner:plugin-ols@linear",)
    assert records["plugin-ols"].distribution == "fake-plugin" and records["plugin-ols"].version == "1.0"
    assert records["broken"].error.startswith("ModuleNotFoundError")
    with pytest.raises(ValueError, match="unknown learner 'nothing'.*not loaded: entry point 'broken'"):
        registry.get_learner("nothing")
    bound = bound_registry.get_bound("plugin-bound")
    assert float(bound.evaluate(d=10, m=21, sigma=1.0)) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="m > d \\+ 1"):
        bound.evaluate(d=10, m=5, sigma=1.0)
    assert not registry.runtime_registrations()             # entry points are not runtime registrations
    from verification import Claim, verify
    claim = Claim(id="plugin-claim", setting="plugin-linear", learner="plugin-ols", check="upper-mean",
                  bound="plugin-bound", params=dict(d=5, k=2, T=2, n=5), sweep=dict(m=[40, 60]), reps=100)
    result = verify([claim], backend="serial", store=None)       # plugin setting, learner and bound by name
    assert result.statuses() == {"plugin-claim": "pass"}, result.failures()
    assert result.claims[0]["bound_name"] == "plugin-bound"
    from verification.plugins import plugin_provenance
    groups = {(p["group"], p["name"]) for p in plugin_provenance()}
    assert {("metabound.learners", "plugin-ols"), ("metabound.settings", "plugin-linear"),
            ("metabound.bounds", "plugin-bound")} <= groups


def test_no_plugins_environment_variable_skips_entry_points(fresh, tmp_path, monkeypatch):
    _fake_distribution(tmp_path, "fake-plugin-2", "[metabound.learners]\nplugin-ols = fake_plugin_mod2:PluginOLS\n",
                       {"fake_plugin_mod2": PLUGIN_MODULE})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(registry.NO_PLUGINS_ENV, "1")
    assert "plugin-ols" not in registry.LEARNERS and registry.load_plugins() == ()


def test_register_bound(fresh):
    bound = Bound.from_string("my-bound", "sigma**2*d/m", kind="upper")
    assert bound_registry.register_bound(bound) is bound
    bound_registry.register_bound(bound)                        # the same object again: nothing happens
    assert bound_registry.get_bound("my-bound") is bound
    with pytest.raises(ValueError, match="'target-only' is already registered"):
        bound_registry.register_bound(Bound.from_string("target-only", "sigma", kind="upper"))
    with pytest.raises(TypeError, match="expected a bounds.Bound"):
        bound_registry.register_bound("sigma**2")


def test_plugin_code_enters_the_store_key(fresh, tmp_path, monkeypatch):
    from verification.runner import plugin_code

    assert plugin_code("linear", ["adaptrep", "target-only"]) == {}            # built-in points keep their keys
    module = tmp_path / "keyed_plugin.py"
    module.write_text("from simulations.learners import TargetOnly\n\nclass Keyed(TargetOnly):\n    name = 'keyed'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import keyed_plugin

    registry.register_learner(keyed_plugin.Keyed)
    first = plugin_code("linear", ["keyed"])
    assert set(first) == {"learner:keyed"} and first["learner:keyed"]["class"] == "keyed_plugin.Keyed"
    from verification import Claim, verify

    claim = Claim(id="keyed-exact", setting="linear", learner="keyed", check="exact", bound="target-only",
                  params=dict(d=3, k=1, T=2, n=4), sweep=dict(m=[10, 14, 18]), reps=20)
    store = tmp_path / "store.sqlite"

    def run() -> dict:
        execution: dict = {}
        verify([claim], backend="serial", store=store, resume=True, execution=execution)
        return execution

    assert run()["replicates_computed"] == 60
    assert run()["replicates_reused"] == 60                   # unchanged plugin: stored replicates reused
    module.write_text(module.read_text() + "# an edit\n")
    assert plugin_code("linear", ["keyed"])["learner:keyed"]["digest"] != first["learner:keyed"]["digest"]
    again = run()
    assert again["replicates_computed"] == 60 and again["replicates_reused"] == 0   # edited plugin: recomputed
    sys.modules.pop("keyed_plugin", None)


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_runtime_registrations_reach_workers(fresh, tmp_path, monkeypatch, backend):
    """A learner registered in the main process (not an entry point) runs on forkserver and Dask workers."""
    if backend == "dask":
        pytest.importorskip("distributed")
    from verification import Claim, verify

    (tmp_path / "worker_plugin.py").write_text(textwrap.dedent('''
        from simulations.learners import TargetOnly

        class WorkerOLS(TargetOnly):
            name = "worker-ols"
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    import worker_plugin

    registry.register_learner(worker_plugin.WorkerOLS)
    claim = Claim(id="worker-ols-exact", setting="linear", learner="worker-ols", check="exact",
                  bound="target-only", params=dict(d=5, k=2, T=2, n=5), sweep=dict(m=[12, 20]), reps=200)
    result = verify([claim], backend=backend, workers=2, store=None)
    assert result.statuses() == {"worker-ols-exact": "pass"}, result.failures()
    sys.modules.pop("worker_plugin", None)
