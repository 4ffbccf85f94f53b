"""The fast batch's kernels: long-lived Jupyter kernels that run one report after another.

A fresh kernel per notebook costs seconds. :class:`Kernel` starts one kernel with the heavy imports
warmed; before each report :meth:`Kernel.reset` clears the namespace (``InteractiveShell.reset(
new_session=True)``: every user variable and the output history go, the execution counter restarts at
1) and checks that it holds only the names a fresh kernel holds. :func:`execute` runs the template
through :func:`papermill.execute_notebook` on such a kernel (a papermill engine registered once), so
the notebook is what plain papermill makes. papermill and jupyter_client are imported lazily.

papermill writes the notebook as it runs; :func:`execute` has it write to a temporary name beside the
final one and renames it when the run ends (failed or not), so a killed run never leaves a half-written
notebook under a report's name. Kernels die with the process that started them, also when it is killed
with SIGKILL: jupyter_client gives each kernel ``JPY_PARENT_PID``, which ipykernel polls every second,
and the long-lived kernels here also run their own watch (:data:`_WATCH_CODE`: exit as soon as the parent
process is gone).
"""

from __future__ import annotations

from pathlib import Path

from sdg_interactions.errors import ReportError, tr
from sdg_interactions.textfile import replacing

__all__ = ["CELL_TIMEOUT", "KERNEL_NAME", "Kernel", "execute", "fresh_kernel"]

#: The name of the kernel the template runs on.
KERNEL_NAME = "python3"
#: Seconds a cell may run before the report fails.
CELL_TIMEOUT = 600
_WARM_CODE = """\
import datetime, html, json
import numpy, pandas, xarray, networkx
import IPython.display
import sdg_interactions, sdg_interactions.io, sdg_interactions.analysis
import sdg_interactions.report.sections, sdg_interactions.report.page
sdg_interactions.frameworks.kommuner(); sdg_interactions.frameworks.bundled_matrices()
sdg_interactions.texts.catalogue()
"""
# A parent-liveness check of our own in each long-lived kernel: exit once the process that started it is gone.
_WATCH_CODE = """\
import os as _os, threading as _threading, time as _time
def _sdg_watch(parent=_os.getppid()):
    while _os.getppid() == parent:
        _time.sleep(0.5)
    _os._exit(1)
_threading.Thread(target=_sdg_watch, name="sdg-parent-watch", daemon=True).start()
del _os, _threading, _time, _sdg_watch
"""
_WARM_CHARTS_CODE = """\
import altair, pandas
import sdg_interactions.plots
sdg_interactions.plots.to_svg(altair.Chart(pandas.DataFrame({"x": [1]})).mark_point().encode(x="x"))
"""
# The kernel's own log goes to the stderr it inherits: the terminal of ``sdg-interactions report``, or the
# output of the notebook cell that makes a report (ipykernel forwards its process's stderr into the cell).
# Only CRITICAL: at start it warns "Kernel is running over TCP without encryption" (a WARNING; the kernel
# listens on 127.0.0.1 only), and jupyter_client interrupts a kernel before it shuts it down, which it logs
# as "ERROR | KeyboardInterrupt caught in kernel". Neither is news to a reader; a report that fails still
# says why through the kernel protocol (papermill's error), not through this log.
_KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL",)
_RESET_CODE = """\
import warnings as _warnings
_warnings.onceregistry.clear()
getattr(_warnings, "_filters_mutated", lambda: None)()
get_ipython().reset(new_session=True)
"""
_NAMES = {"names": "sorted(get_ipython().user_ns)"}  # evaluated after the code, adding no name


class Kernel:
    """A long-lived kernel with the heavy imports warmed, owned by one thread."""

    def __init__(self, kernel_name: str = KERNEL_NAME, startup_timeout: float = 60, *, charts: bool = True):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run_sync = run_sync
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        # the arguments nbclient gives a kernel it starts itself
        arguments = [*_KERNEL_ARGUMENTS, "--HistoryManager.hist_file=:memory:"]
        run_sync(self.km.start_kernel)(extra_arguments=arguments)
        self.kc = self.km.client()
        try:
            self.kc.start_channels()
            run_sync(self.kc.wait_for_ready)(timeout=startup_timeout)
            self._execute(_WATCH_CODE + _WARM_CODE + (_WARM_CHARTS_CODE if charts else ""))
            self.baseline = self._reset()
        except BaseException:
            self.shutdown()
            raise

    def _execute(self, code: str, **kwargs) -> dict:
        reply = self._run_sync(self.kc.execute_interactive)(code, store_history=False, timeout=CELL_TIMEOUT,
                                                            output_hook=lambda msg: None, **kwargs)
        if reply["content"]["status"] != "ok":
            raise ReportError(tr("error.report.kernel_failed", reason=reply["content"].get("evalue", "")))
        return reply

    def _reset(self) -> str:
        reply = self._execute(_RESET_CODE, user_expressions=_NAMES)
        return reply["content"]["user_expressions"]["names"]["data"]["text/plain"]

    def alive(self) -> bool:
        return bool(self._run_sync(self.km.is_alive)())

    def reset(self) -> None:
        """Clear everything the last report left; raise :class:`ReportError` if the namespace is not clean."""
        if self._reset() != self.baseline:
            raise ReportError(tr("error.report.kernel_kept_names"))

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
            self._run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:
            pass


def fresh_kernel(kernel: Kernel | None, *, charts: bool) -> Kernel:
    """A clean kernel for the next report: ``kernel`` reset, or a new one if it died or stayed dirty."""
    if kernel is not None:
        try:
            if kernel.alive():
                kernel.reset()
                return kernel
        except ReportError:
            pass
        kernel.shutdown()
    return Kernel(charts=charts)


def _pooled_engine():
    """papermill's nbclient engine, run on a given kernel manager and client (registered once)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    if _ENGINE[0]:
        return

    class PooledEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, *,
                                     pooled_kernel, **kwargs):
            # the same arguments as NBClientEngine.execute_managed_notebook, plus a running kernel
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, km=pooled_kernel.km, **final)
            client.kc = pooled_kernel.kc  # not owned: nbclient neither stops nor shuts it down
            return client.execute()

    papermill_engines.register("sdg_pooled", PooledEngine)
    _ENGINE[0] = True


_ENGINE = [False]  # registered with papermill yet?


def execute(template: Path, parameters: dict, output: Path, kernel: Kernel | None):
    """Run the template for one report with papermill: on ``kernel`` if given, else in a fresh kernel."""
    import papermill

    options = {"parameters": parameters, "progress_bar": False, "request_save_on_cell_execute": False,
               "kernel_name": KERNEL_NAME, "execution_timeout": CELL_TIMEOUT,
               "extra_arguments": list(_KERNEL_ARGUMENTS)}
    if kernel is not None:
        _pooled_engine()
        options.update(engine_name="sdg_pooled", pooled_kernel=kernel)
    failure, nb = None, None
    with replacing(output) as temporary:
        try:
            nb = papermill.execute_notebook(str(template), str(temporary), **options)
        except papermill.PapermillExecutionError as error:  # the failed notebook is kept: it shows the error
            last = str(error.evalue).splitlines()[0] if error.evalue else ""
            failure = ReportError(f"{output.name}: the notebook failed in cell {error.exec_count}: "
                                  f"{error.ename}: {last}")
        _name_output(temporary, output)
    if failure is not None:
        raise failure
    nb.setdefault("metadata", {}).setdefault("papermill", {})["output_path"] = str(output)
    return nb


def _name_output(temporary: Path, output: Path) -> None:
    """Put the final name, not the temporary one, in the notebook's ``metadata.papermill.output_path``."""
    import nbformat

    if not temporary.exists():
        return
    nb = nbformat.read(str(temporary), as_version=4)
    nb.setdefault("metadata", {}).setdefault("papermill", {})["output_path"] = str(output)
    nbformat.write(nb, str(temporary))
