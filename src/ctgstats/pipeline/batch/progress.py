"""What each running territory is doing, for the parent's progress bar.

Workers (other processes, possibly other machines sharing the output folder) write their
current step to ``<output_dir>/.ctgstats-progression/<slug>`` (:func:`note_progress`);
the parent reads them (:func:`current_steps`) to show each territory's current notebook.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

PROGRESS_DIR = ".ctgstats-progression"


def _progress_file(output_dir: str | Path, slug: str) -> Path:
    return Path(output_dir) / PROGRESS_DIR / slug


def note_progress(output_dir: str | Path, slug: str, message: str) -> None:
    """Record what a worker is doing for ``slug`` (read by the parent's progress bar)."""
    path = _progress_file(output_dir, slug)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(message, encoding="utf-8")
    except OSError:  # progress is best effort: never fail a territory for it
        pass


def current_steps(output_dir: str | Path, slugs: Iterable[str]) -> dict[str, str]:
    """What each running territory is doing (e.g. "exécution de 02_….ipynb")."""
    steps = {}
    for slug in slugs:
        try:
            steps[slug] = _progress_file(output_dir, slug).read_text(encoding="utf-8")
        except OSError:
            steps[slug] = ""
    return steps


class BatchProgress:
    """The parent's tqdm bar: territories done, and what each running one is doing.

    With ``enabled`` False (tests, ``--no-progress``) nothing is shown.
    """

    def __init__(self, output_dir: Path, *, total: int, done: int, enabled: bool) -> None:
        self.output_dir = output_dir
        self.enabled = enabled
        self.running: set[str] = set()
        self.bar: Any = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc="Lot", unit="territoire", dynamic_ncols=True)
            self.bar.update(done)

    def say(self, message: str) -> None:
        """A line above the bar."""
        if self.bar is not None:
            self.bar.write(message)

    def describe(self) -> str:
        """``en cours : epci-… (02_….ipynb), …``."""
        steps = current_steps(self.output_dir, sorted(self.running))
        return "en cours : " + ", ".join(
            f"{slug} ({step.removeprefix('exécution de ')})" if step else slug
            for slug, step in steps.items()
        )

    def started(self, task: Any) -> None:
        """A task handed to a worker."""
        self.running.add(task.item.slug)
        if self.bar is not None:
            self.bar.set_postfix_str(self.describe(), refresh=True)

    def tick(self) -> None:
        """Refresh the running territories' steps."""
        if self.bar is not None and self.running:
            self.bar.set_postfix_str(self.describe(), refresh=True)

    def finished(self, slug: str) -> None:
        """A territory done."""
        self.running.discard(slug)
        if self.bar is not None:
            self.bar.set_postfix_str(
                self.describe() if self.running else f"dernier : {slug}", refresh=False
            )
            self.bar.update(1)

    def close(self) -> None:
        """Close the bar."""
        if self.bar is not None:
            self.bar.close()
