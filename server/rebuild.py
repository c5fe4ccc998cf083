"""Index rebuilds started over HTTP: one at a time, in a background thread."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from index import BuildCancelledError, BuildInProgressError, IndexError_, IndexSettings, build_index
from server.state import IndexHolder

log = logging.getLogger("server")


@dataclass
class BuildJob:
    """The state of one rebuild."""

    job_id: str
    state: str  # running, succeeded, failed or cancelled
    started_at: float
    finished_at: float | None = None
    error: str = ""
    version: str = ""
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0

    def public(self) -> dict[str, Any]:
        """The job as the API shows it."""
        return asdict(self)


class Rebuilder:
    """Runs at most one build at a time and remembers the last one."""

    def __init__(
        self, settings: IndexSettings, holder: IndexHolder, on_finished: Callable[[BuildJob], None] | None = None
    ) -> None:
        self.settings = settings
        self.holder = holder
        self.on_finished = on_finished
        self.last: BuildJob | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> BuildJob:
        """Start a build in the background, or raise BuildInProgressError if one is running."""
        with self._lock:
            if self.last and self.last.state == "running":
                raise BuildInProgressError(f"build {self.last.job_id} is still running")
            job = BuildJob(job_id=uuid.uuid4().hex[:12], state="running", started_at=time.time())
            self.last = job
            self._thread = threading.Thread(target=self._run, args=(job,), name=f"build-{job.job_id}", daemon=True)
            self._thread.start()
        return job

    def stop(self, timeout_s: float) -> None:
        """Stop a running build after its current batch, and wait up to `timeout_s` for it to end.

        The server calls this before it closes the model, which a build still embedding would
        otherwise find gone mid-batch, and fail with a traceback.
        """
        self._stopping.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _stop_if_asked(self, _embedded: int) -> None:
        if self._stopping.is_set():
            raise BuildCancelledError("the server shut down during the build; the live index is unchanged")

    def _run(self, job: BuildJob) -> None:
        settings = self.settings
        try:
            report = build_index(
                settings.corpus_dir,
                settings.index_dir,
                self.holder.embedder,
                settings.model_name,
                on_progress=self._stop_if_asked,
                index_type=settings.index_type,
                max_document_bytes=settings.max_document_bytes,
            )
            job.version, job.embedded, job.reused, job.seconds = (
                report.version,
                report.embedded,
                report.reused,
                round(report.seconds, 3),
            )
            self.holder.refresh()
            job.state = "succeeded"
        except BuildCancelledError as exc:
            job.state, job.error = "cancelled", str(exc)
            log.warning("build %s cancelled: %s", job.job_id, exc)
        except IndexError_ as exc:
            job.state, job.error = "failed", str(exc)
            log.error("build %s failed: %s", job.job_id, exc)
        except Exception as exc:  # a background thread must record every failure, not die silently
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
            log.exception("build %s failed", job.job_id)
        finally:
            job.finished_at = time.time()
            if self.on_finished:
                self.on_finished(job)
