"""Seeds derived from the identity of a replicate, never from a schedule."""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["as_seed_sequence", "child_seed", "generator"]

SeedLike = int | Sequence[int] | np.random.SeedSequence


def as_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Return ``seed`` as a :class:`numpy.random.SeedSequence`."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, (bool, float)) or seed is None:
        raise ValueError(f"parameter 'seed' must be a non-negative integer or a sequence of them; got {seed!r}")
    try:
        return np.random.SeedSequence(seed)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"parameter 'seed' must be a non-negative integer or a sequence of them; got {seed!r}") from exc


def child_seed(parent: np.random.SeedSequence, *index: int) -> np.random.SeedSequence:
    """The child of ``parent`` at ``index``, without mutating ``parent``.

    Equal to ``parent.spawn(i + 1)[i]`` for a fresh ``parent`` and a single
    index, but independent of how many children were spawned before.
    """
    return np.random.SeedSequence(
        entropy=parent.entropy,
        spawn_key=tuple(parent.spawn_key) + tuple(int(i) for i in index),
        pool_size=parent.pool_size,
    )


def generator(seed: np.random.SeedSequence) -> np.random.Generator:
    """A fresh PCG64 generator for ``seed``."""
    return np.random.Generator(np.random.PCG64(seed))
