"""The plugin's own tests: the suite's public batteries on its learner and setting."""

import pytest

from simulations import get_learner, get_setting
from simulations.testing import check_learner, check_setting

SMALL = dict(d=10, k=2, T=12, n=30, m=15, delta0=0.3)


def test_the_entry_points_registered_both():
    assert get_setting("drifting-subspaces").__module__ == "metabound_spectral.setting"
    assert get_learner("spectral", "drifting-subspaces").__module__ == "metabound_spectral.learner"


def test_setting_passes_the_battery():
    check_setting("drifting-subspaces", params=SMALL)


@pytest.mark.parametrize("setting", ["drifting-subspaces", "linear", "linear-hard"])
def test_learner_passes_the_battery(setting):
    check_learner("spectral", setting, params=SMALL)


def test_learner_passes_with_the_finetune_step():
    check_learner(get_learner("spectral"), "drifting-subspaces", params=SMALL, skip=("check_invalid_hyperparameters",))
