"""A run holds BLAS to one thread, so its money figures do not depend on the machine's cores."""

from __future__ import annotations

from threadpoolctl import threadpool_info, threadpool_limits

from crossdock import simulate
from crossdock.scenario import compile_scenario, generate_spec


def _blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_a_run_uses_one_blas_thread_and_gives_the_rest_back() -> None:
    spec = generate_spec(
        n_stores=4, n_skus=12, n_platforms=1, horizon_days=5, warm_up_days=0, seed=1
    )
    seen: list[set[int]] = []
    with threadpool_limits(limits=2, user_api="blas"):  # as on a machine with two cores
        before = _blas_threads()
        simulate(
            compile_scenario(spec),
            mode="traditional",
            on_day=lambda _: seen.append(_blas_threads()),
        )
        after = _blas_threads()
    assert before == {2}
    assert seen and all(threads == {1} for threads in seen)
    assert after == before
