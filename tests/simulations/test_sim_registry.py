"""Learner names are global; implementations depend on the setting's family."""

import math

import pytest

from simulations import EXTRA_COLUMNS, LEARNER_CLASSES, LEARNERS, SETTINGS, get_learner, run_monte_carlo


def test_families_and_names():
    assert set(SETTINGS) == {"linear", "linear-hard", "logistic", "network", "network-hard"}
    assert {cls.family for cls in SETTINGS.values()} == set(LEARNER_CLASSES) == {"linear", "logistic", "network"}
    assert list(LEARNERS) == ["adaptrep", "frozenrep", "target-only", "oracle", "gd-finetune", "maml"]
    for name, info in LEARNERS.items():
        assert set(info.families) == {f for f, classes in LEARNER_CLASSES.items() if name in classes}
        for cls in info.classes.values():
            assert cls.name == name and set(cls.HYPERPARAMETERS) <= set(info.HYPERPARAMETERS)


def test_get_learner_picks_the_family_class():
    assert get_learner("adaptrep", "logistic").__module__.endswith("learners.logistic")
    assert get_learner("adaptrep", "network-hard").__module__.endswith("learners.network")
    assert get_learner("adaptrep").__module__.endswith("learners.adaptrep")  # default: linear
    with pytest.raises(ValueError, match="unknown learner 'maml2'"):
        get_learner("maml2", "logistic")


def test_unsupported_pair_is_rejected_before_any_work(monkeypatch):
    # every family implements every name today; remove one implementation to exercise the error
    from simulations import registry

    classes = dict(registry.LEARNERS["oracle"].classes)
    classes.pop("network")
    info = registry.LearnerInfo("oracle", classes)
    monkeypatch.setattr(registry, "LEARNERS", {**registry.LEARNERS, "oracle": info})
    with pytest.raises(ValueError, match="learner 'oracle' does not support setting 'network'"):
        run_monte_carlo("network", ["oracle"], dict(d=4, k=2, T=2, n=4, m=4), reps=1)


def test_extra_columns_are_nan_where_not_produced():
    frame = run_monte_carlo("linear", ["oracle"], dict(d=4, k=2, T=2, n=4, m=8, delta0=0.1), reps=1)
    produced = {"head_norm", "delta_norm", "ft_radius", "ft_head_bound", "target_head_norm",
                "target_perturbation_norm", "baseline_excess", "baseline_insample", "head_bias", "class_bias",
                "resid_trace", "resid_op", "fw_gap"}
    assert all(math.isnan(frame.loc[0, col]) for col in EXTRA_COLUMNS if col not in produced)
    assert all(not math.isnan(frame.loc[0, col]) for col in produced)
    assert list(frame.columns[-len(EXTRA_COLUMNS):]) == list(EXTRA_COLUMNS)


def test_verification_catalog_reads_the_union_of_hyperparameters():
    from verification.catalog import default_catalog

    cat = default_catalog()
    assert set(cat.settings) == set(SETTINGS)
    assert "c_w" in cat.hyperparameters["adaptrep"] and "form" in cat.hyperparameters["adaptrep"]
    assert {"steps", "inner_steps", "order"} <= set(cat.hyperparameters["maml"])
    assert cat.parameters("logistic")["inputs"] == "gaussian"
