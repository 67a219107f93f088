"""Rendering and writing the outputs to redo, batch by batch, over the machine's cores.

Each batch of outputs is rendered, then written in one go (its folders created once).
With ``jobs`` above 1 and enough outputs to pay for it, the batches go to a pool of
forked processes: a fork inherits the catalogue, the templates and every output's render
function as they are, so nothing crosses between processes but a batch's bounds and its
counts. An output is rendered by the same function whichever process runs it: the files
are the bytes a single-process build writes (tests/test_build.py compares them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from diskio import write_atomically

from .context import Output
from .urls import output_file

BATCH = 250  # outputs per batch, and how often the progress line moves
PARALLEL_FROM = 2 * BATCH  # below this, starting processes costs more than it saves


@dataclass(frozen=True)
class Job:
    outputs: list[Output]
    out_dir: Path


def run(job: Job, jobs: int, progress: Callable[[int], None]) -> tuple[int, int]:
    """Render and write every output of the job; (written, unchanged: same bytes on disk).

    progress(n) is called in the calling process after each batch of n outputs.
    """
    count = len(job.outputs)
    batches = [range(start, min(start + BATCH, count)) for start in range(0, count, BATCH)]
    written = 0
    if jobs > 1 and count >= PARALLEL_FROM:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        pool = context.Pool(min(jobs, len(batches)), initializer=_adopt, initargs=(job,))
        try:
            for size, changed in pool.imap_unordered(_pooled_batch, batches):
                written += changed
                progress(size)
        except BaseException:
            pool.terminate()
            raise
        else:
            pool.close()
        finally:
            pool.join()
    else:
        for bounds in batches:
            size, changed = _batch(job, bounds)
            written += changed
            progress(size)
    return written, count - written


_adopted: Job | None = None  # in a pool's process: the job inherited through the fork


def _adopt(job: Job) -> None:
    global _adopted
    _adopted = job


def _pooled_batch(bounds: range) -> tuple[int, int]:
    assert _adopted is not None, "a pool process starts with _adopt"
    return _batch(_adopted, bounds)


def _batch(job: Job, bounds: range) -> tuple[int, int]:
    """(outputs, files written) of one batch: rendered first, then written together."""
    rendered = [
        (job.out_dir / output_file(output.url), output.render())
        for output in job.outputs[bounds.start : bounds.stop]
    ]
    made: set[Path] = set()
    written = sum(_write_if_changed(target, content, made) for target, content in rendered)
    return len(rendered), written


def _write_if_changed(target: Path, content: str | bytes, made: set[Path]) -> bool:
    """Write an output unless the file already holds these bytes.

    ``made`` remembers the folders already created during a batch: on some disks even a
    mkdir of an existing folder costs as much as writing a small file. No fsync: site/ is
    made again from content/ by the next build, and thousands of fsyncs would slow each one.
    """
    data = content.encode() if isinstance(content, str) else content
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    write_atomically(target, [data], sync=False)
    return True
