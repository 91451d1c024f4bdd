"""The Bass S-curve and the weights of a grid of S-curves given the weeks so far."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import overload

import numpy as np

# A date later than HORIZON_PERIODS after the last period is no date.
HORIZON_PERIODS = 260  # five years of weeks


@overload
def bass_cdf(t: float, p: float, q: float) -> float: ...
@overload
def bass_cdf(t: np.ndarray, p: float, q: float) -> np.ndarray: ...
def bass_cdf(t: float | np.ndarray, p: float, q: float) -> float | np.ndarray:
    """Share of eventual adopters by time t: F(t) = (1 - e^(-(p+q)t)) / (1 + (q/p) e^(-(p+q)t))."""
    decay = np.exp(-(p + q) * np.asarray(t, dtype=float))
    share: np.ndarray = (1 - decay) / (1 + (q / p) * decay)
    return share


def bass_peak_time(p: float, q: float) -> float:
    """When adoption grows fastest: t* = ln(q/p) / (p + q)."""
    return math.log(q / p) / (p + q)


# The S-curve grid: p from 0.0001 (a long flat start) to 0.6 (concave from the first
# period), q from 0 (no imitation) to 1.5 per period, both log-spaced; LEVELS eventual
# levels on each side of the target.
_P_GRID = np.geomspace(1e-4, 0.6, 48)
_Q_GRID = np.concatenate([[0.0], np.geomspace(0.01, 1.5, 47)])
_P, _Q = (axis.ravel() for axis in np.meshgrid(_P_GRID, _Q_GRID, indexing="ij"))
LEVELS = 24


@lru_cache(maxsize=64)
def _bass_basis(n: int) -> np.ndarray:
    """F(t; p, q) for t = 1..n at every grid point: a (grid, n) array."""
    t = np.arange(1, n + 1, dtype=float)
    decay = np.exp(-np.outer(_P + _Q, t))
    basis: np.ndarray = (1 - decay) / (1 + (_Q / _P)[:, None] * decay)
    basis.setflags(write=False)
    return basis


@dataclass(frozen=True)
class Posterior:
    chance: float  # posterior share of fits reaching the target within the horizon
    times: np.ndarray  # period index (0 = first) where each reaching fit gets there
    weights: np.ndarray  # their posterior weights
    level: float  # posterior mean of the eventual level


def s_curve_posterior(y: np.ndarray, target: float, cap: float) -> Posterior:
    """Weights of the S-curves ``y = b + (L - b) F(t; p, q)`` on a grid, given the data.

    t = 1 is the first period. Every (p, q, L) cell is a curve: (p, q) from
    the log-spaced grid, each cell equally likely beforehand; the eventual
    level L on ``LEVELS`` steps below the target and as many above it, up to
    ``cap``, so that half the prior weight is on each side (when the weeks so
    far cannot tell, neither answer is favoured). The baseline b, between
    min(0, lowest value) and L, is fitted by least squares in closed form (the
    curve is linear in it), and the unknown noise SD is integrated out with
    the Jeffreys prior, so a cell weighs SSE^(-(n-1)/2). A small floor on the
    SSE keeps a noise-free series finite. (A baseline curve with b = L F(s) is
    exactly a Bass curve seen from period s on, so a series that starts mid-
    rollout is covered.)
    """
    n = len(y)
    basis = _bass_basis(n)
    rest = 1 - basis
    low = min(0.0, float(y.min()))
    levels = np.concatenate(
        [np.linspace(low, target, LEVELS + 1)[1:], np.linspace(target, cap, LEVELS + 1)[1:]]
    )[None, :]
    s_yf, s_ff = basis @ y, np.einsum("gt,gt->g", basis, basis)[:, None]
    s_uy, s_uf = rest @ y, np.einsum("gt,gt->g", rest, basis)[:, None]
    s_uu = np.maximum(np.einsum("gt,gt->g", rest, rest), 1e-12)[:, None]
    s_uz = s_uy[:, None] - levels * s_uf  # z = y - L F; the residual is z - b (1 - F)
    b = np.clip(s_uz / s_uu, low, levels)
    s_zz = float(y @ y) - 2 * levels * s_yf[:, None] + levels**2 * s_ff
    sse = s_zz - 2 * b * s_uz + b * b * s_uu
    scale = max(float(np.ptp(y)), abs(target), 1e-9)
    sse = np.maximum(sse, 0.0) + n * (1e-3 * scale) ** 2
    log_weight = -(n - 1) / 2 * np.log(sse)
    weight = np.exp(log_weight - log_weight.max())
    weight /= weight.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (target - b) / (levels - b)
        reaches = (levels > target) & (share < 1)
        share = np.clip(np.where(reaches, share, 0.5), 1e-12, 1 - 1e-12)
        p, q = _P[:, None], _Q[:, None]
        times = -np.log((1 - share) / (1 + share * q / p)) / (p + q) - 1
    reaches &= times <= n - 1 + HORIZON_PERIODS
    return Posterior(
        float(weight[reaches].sum()),
        np.maximum(times[reaches], n),  # not before the next period
        weight[reaches],
        float((weight * levels).sum()),
    )
