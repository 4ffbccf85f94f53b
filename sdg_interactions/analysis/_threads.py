"""One BLAS thread for the batched linear algebra, so shared cores never thrash.

numpy's OpenBLAS runs a batched ``solve`` of many small matrices on every core it sees; when the cores
are shared (a facilitator's laptop in a meeting, a report batch with ``--jobs 2``, a Voilà server with
ten kernels) its threads wait for each other and one call that takes 0.3 s idle took 71 s under load
(issue 24). The matrices here are small (at most a few hundred nodes), so one thread per call loses
nothing idle (bench/bench_metrics.py: "1 BLAS thread" columns) and keeps the time steady under load.
:func:`one_blas_thread` limits OpenBLAS/MKL through threadpoolctl for the duration of a block; the
controller is built once per process.
"""

from __future__ import annotations

import contextlib
import threading

__all__ = ["one_blas_thread"]

_LOCK = threading.Lock()
_CONTROLLER = None


def _controller():
    global _CONTROLLER
    with _LOCK:
        if _CONTROLLER is None:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER = ThreadpoolController()
        return _CONTROLLER


@contextlib.contextmanager
def one_blas_thread():
    """Run the block with the BLAS libraries numpy uses limited to one thread, then restore them.

    Examples
    --------
    >>> import numpy as np
    >>> with one_blas_thread():
    ...     x = np.linalg.solve(np.eye(3) * 2, np.ones(3))
    >>> x.tolist()
    [0.5, 0.5, 0.5]
    """
    with _controller().limit(limits=1, user_api="blas"):
        yield
