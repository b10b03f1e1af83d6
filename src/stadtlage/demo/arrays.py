"""Small helpers for column tables (dicts of equally long numpy arrays)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Table = dict[str, npt.NDArray[Any]]


def take(table: Table, index: npt.NDArray[np.integer[Any]] | npt.NDArray[np.bool_]) -> Table:
    return {key: values[index] for key, values in table.items()}


def concat(*tables: Table) -> Table:
    present = [t for t in tables if t]
    if not present:
        return {}
    return {key: np.concatenate([t[key] for t in present]) for key in present[0]}


def size(table: Table) -> int:
    return len(next(iter(table.values()))) if table else 0


def choose_rows(
    rng: np.random.Generator, probabilities: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """One category per row from a (rows, k) matrix of probabilities (rows sum to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(len(probabilities)) * cumulative[:, -1]
    index = (u[:, None] >= cumulative).sum(axis=1)
    return np.minimum(index, probabilities.shape[1] - 1).astype(np.int64)


def choose(
    rng: np.random.Generator, values: tuple[Any, ...], weights: tuple[float, ...], n: int
) -> npt.NDArray[Any]:
    return np.asarray(values)[rng.choice(len(values), size=n, p=np.asarray(weights) / sum(weights))]
