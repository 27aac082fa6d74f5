"""The ``pcg64`` streams' day in one compiled pass, drawn by NumPy's own routines.

A store's ``pcg64`` demand is gamma draws from one stream and Poisson draws from another
(:class:`~crossdock.demand.DemandModel`), each a NumPy ``Generator`` call over the store's
SKUs. Made store by store, that is about ten NumPy calls and temporaries a store-day, each
holding Python's interpreter lock between them. A shard's stores are drawn ahead in a thread
beside the main thread's work (:mod:`crossdock._shard_worker`), and the two then hand the
lock back and forth thousands of times a second: on the 2-core machine we measure on, two
threads drawing this way took 20–60% more CPU each than one alone (processes: 0–15%), and
120 days in two in-process shards 1.4–1.5 times the CPU of the same shards drawn on the day.

Here the whole day of a block of stores is one Numba call that never holds the lock: the
means and shapes are made cell by cell as the model makes them, and each draw calls NumPy's
own C routines, ``random_standard_gamma`` and ``random_poisson`` (the functions of
``numpy/random/c_distributions.pxd`` that ``Generator.standard_gamma`` and
``Generator.poisson`` run), on each store's own bit generators, found by their addresses
(``BitGenerator.ctypes``): the same numbers, the streams left in the same state, and no
copy of NumPy's code. NumPy's own example of calling its distributions from Numba does the
same (``numpy/random/_examples/numba``). Where NumPy's extension does not export the two
routines (another platform or build), :func:`routines` is ``None`` and the model keeps its
NumPy calls; ``tests/demand/test_pcg64.py`` holds the two ways to the same numbers.

The routines are called through their addresses, passed as arguments (an intrinsic casts an
address to the function), so that the kernel holds no pointer of this process and Numba can
cache it on disk like every other kernel.
"""

from __future__ import annotations

import ctypes
from functools import cache
from types import SimpleNamespace
from typing import Any

import numpy as np

from crossdock._kernels import INT32_MAX
from crossdock.demand._counter import joined_promotions

__all__ = ["DRAWN", "FALLBACK", "POISSON_BY_NUMPY", "TOO_LARGE", "compiled", "routines"]

#: what :func:`draw_stores` left for the caller at the store it returns (``info[0]``)
DRAWN, FALLBACK, POISSON_BY_NUMPY, TOO_LARGE = 0, 1, 2, 3

#: The largest Poisson mean drawn here: above it (or not a number ≥ 0) the caller draws the
#: store's counts with ``Generator.poisson`` itself, which raises what it raises, and checks
#: them (a count that could pass ``INT32_MAX`` is drawn there too).
LARGEST_MEAN = 2.0e9


@cache
def routines() -> tuple[int, int] | None:
    """The addresses of NumPy's ``random_standard_gamma`` and ``random_poisson``, or None."""
    try:
        import numpy.random._generator as generator

        library = ctypes.CDLL(generator.__file__)
        gamma = ctypes.cast(library.random_standard_gamma, ctypes.c_void_p).value
        poisson = ctypes.cast(library.random_poisson, ctypes.c_void_p).value
    except (AttributeError, OSError, ImportError):  # not exported by this NumPy's build
        return None
    if not gamma or not poisson:
        return None
    return gamma, poisson


def address(generator: np.random.Generator) -> int:
    """The address of a generator's ``bitgen_t`` (what NumPy's C routines draw from)."""
    value = generator.bit_generator.ctypes.bit_generator.value
    assert value is not None
    return int(value)


def standard_gamma(function: Any, state: Any, shape: float) -> float:
    """``random_standard_gamma(state, shape)`` at ``function``'s address (compiled: a call)."""
    kind = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_void_p, ctypes.c_double)
    return float(kind(int(function))(ctypes.c_void_p(int(state)), float(shape)))


def poisson(function: Any, state: Any, mean: float) -> int:
    """``random_poisson(state, mean)`` at ``function``'s address (compiled: a call)."""
    kind = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_void_p, ctypes.c_double)
    return int(kind(int(function))(ctypes.c_void_p(int(state)), float(mean)))


def draw_stores(
    gamma_function: Any,
    poisson_function: Any,
    gammas: np.ndarray,
    counts: np.ndarray,
    first: int,
    size: np.ndarray,
    rate: np.ndarray,
    shared: np.ndarray,
    promotion: np.ndarray,
    member: np.ndarray,
    dispersion: float,
    slow_below: float,
    slow_dispersion: float,
    means: np.ndarray,
    out: np.ndarray,
    info: np.ndarray,
) -> int:
    """Draw stores ``first``… of ``out`` (int32 ``[s, k]``); -1, or a store left to the caller.

    Store ``s`` draws from the bit generators at ``gammas[s]`` and ``counts[s]`` (uint64
    addresses). Its means are :func:`crossdock.demand._counter.draw_stores`' (``shared[k]
    × (size[s] × rate[k])`` times the promotions it joins, in order); its shapes are
    ``dispersion``, or ``slow_dispersion`` where that is smaller and ``0 < size[s] ×
    rate[k] < slow_below``. As the model's NumPy path: with a finite ``dispersion`` every
    cell's mean becomes ``(mean × G) / shape``, ``G`` a standard gamma of the cell's shape;
    with an infinite one, only the slow cells draw, and become ``mean × (G / shape)``; then
    each cell's count is a Poisson draw around its mean. The gamma draws of a store all come
    before its Poisson draws (separate streams: the same numbers as NumPy's two array calls).

    A store whose shapes NumPy would refuse (negative, not a number) is returned before any
    draw, ``info[0] = FALLBACK``; one with a mean above :data:`LARGEST_MEAN` or not a number
    ≥ 0, after its gamma draws, its means in ``means``, ``info[0] = POISSON_BY_NUMPY``; one
    whose count passes ``INT32_MAX`` after all its draws, ``info[0] = TOO_LARGE`` and its
    largest count in ``info[1]``. The caller finishes that store and calls again from the
    next.
    """
    n = rate.shape[0]
    slow = slow_dispersion < dispersion
    mixing = np.isfinite(dispersion)
    if (mixing or slow) and not (dispersion >= 0.0 and slow_dispersion >= 0.0):
        info[0] = FALLBACK  # shapes NumPy refuses: no store is drawn here
        return first if first < out.shape[0] else -1
    joined = np.empty(promotion.shape[0], dtype=np.int64)
    for s in range(first, out.shape[0]):
        info[0] = DRAWN
        joins = joined_promotions(member, s, joined)
        for k in range(n):
            base = size[s] * rate[k]
            m = shared[k] * base
            for q in range(joins):
                m *= promotion[joined[q], k]
            if slow and 0.0 < base < slow_below:
                shape = slow_dispersion
                if mixing:
                    m = (m * standard_gamma(gamma_function, gammas[s], shape)) / shape
                else:
                    m = m * (standard_gamma(gamma_function, gammas[s], shape) / shape)
            elif mixing:
                m = (m * standard_gamma(gamma_function, gammas[s], dispersion)) / dispersion
            means[k] = m
        valid = True
        for k in range(n):
            valid &= 0.0 <= means[k] <= LARGEST_MEAN
        if not valid:
            info[0] = POISSON_BY_NUMPY
            return s
        largest = 0
        for k in range(n):
            count = poisson(poisson_function, counts[s], means[k])
            largest = max(largest, count)
            out[s, k] = count
        if largest > INT32_MAX:
            info[0] = TOO_LARGE
            info[1] = largest
            return s
    return -1


def _natives() -> None:
    """Compile :func:`standard_gamma` and :func:`poisson` as calls to the addresses given."""
    from llvmlite import ir
    from numba.core import types
    from numba.extending import intrinsic, overload

    def caller(returns: Any, native: ir.Type) -> Any:
        @intrinsic
        def call(typingctx, function, state, value):  # type: ignore[no-untyped-def]
            def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
                where, at, argument = args
                pointer = ir.IntType(8).as_pointer()
                kind = ir.FunctionType(native, [pointer, ir.DoubleType()])
                routine = builder.inttoptr(where, kind.as_pointer())
                return builder.call(routine, [builder.inttoptr(at, pointer), argument])

            return returns(types.uint64, types.uint64, types.float64), codegen

        return call

    call_gamma = caller(types.float64, ir.DoubleType())
    call_poisson = caller(types.int64, ir.IntType(64))

    @overload(standard_gamma)
    def _gamma_native(function, state, shape):  # type: ignore[no-untyped-def]
        return lambda function, state, shape: call_gamma(
            np.uint64(function), np.uint64(state), np.float64(shape)
        )

    @overload(poisson)
    def _poisson_native(function, state, mean):  # type: ignore[no-untyped-def]
        return lambda function, state, mean: call_poisson(
            np.uint64(function), np.uint64(state), np.float64(mean)
        )


@cache
def compiled() -> SimpleNamespace:
    """The compiled kernel (Numba, cached on disk where it can be)."""
    from crossdock._fused import compile_kernels

    _natives()
    return compile_kernels((joined_promotions,), (draw_stores,))
