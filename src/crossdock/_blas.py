"""One BLAS thread for a run: the same numbers on any machine and for any shard count.

The parties value stock, lost sales and cases received with matrix × vector products
(``units @ unit_cost``). On large chains OpenBLAS splits such a product across its threads, and
the split changes the order of the additions, so a store's money figures would move in their
last bits with the machine's number of cores, and a sharded run (whose Ray actors use one
thread) would differ from the whole run. A run therefore holds BLAS to one thread; the products
are a small part of a day's work.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

__all__ = ["one_blas_thread"]


def one_blas_thread() -> AbstractContextManager[Any]:
    """A context in which BLAS libraries (OpenBLAS, MKL, ...) use one thread."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")
