"""One BLAS thread for a run: belt and braces for the same numbers on any machine.

The parties' money figures were BLAS products (``units @ unit_cost``) until 2026-12-04, and
OpenBLAS split large ones across its threads, so their last bits moved with the machine's
number of cores. They are now summed by NumPy's own loops (``crossdock._kernels.dot`` and
``row_dot``), the same whatever the threads or the CPU; a run still holds BLAS to one thread,
so that any product left to BLAS (or added later) cannot bring that back.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

__all__ = ["one_blas_thread"]


def one_blas_thread() -> AbstractContextManager[Any]:
    """A context in which BLAS libraries (OpenBLAS, MKL, ...) use one thread."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")
