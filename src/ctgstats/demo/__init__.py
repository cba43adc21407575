"""Fictional demo territory: the Val-d'Exemple (département ``00``).

Every file under :data:`DATA_DIR` is FICTIONAL. The files copy the exact formats of
INSEE's distributions (census bases communales, Filosofi, COG) so that the whole pipeline
can be run and tested without real data, but no number in them describes a real place.
They are produced by :mod:`ctgstats.demo.generate` with a fixed seed and committed; the
test suite regenerates them and checks that they are byte-identical.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

__all__ = ["DATA_DIR"]


def write_files(output_dir: Path | str, files: dict[str, bytes]) -> list[Path]:
    """Write generated files (name → bytes) into ``output_dir``; returns their paths."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in files.items():
        path = output_dir / name
        path.write_bytes(content)
        paths.append(path)
    return paths


def generator_main(
    argv, *, description: str, default_dir: Path, default_seed: int, generate
) -> None:
    """Command line shared by the demo generators: ``[--output DIR] [--seed N]``."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--output",
        type=Path,
        default=default_dir,
        help="dossier de sortie (défaut : le dossier du paquet)",
    )
    parser.add_argument("--seed", type=int, default=default_seed, help="graine aléatoire")
    args = parser.parse_args(argv)
    for path in generate(args.output, seed=args.seed):
        print(path)
