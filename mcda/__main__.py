"""``python -m mcda COMMAND``: Vägval's one command line (the commands are in :mod:`mcda.cli`)."""

from __future__ import annotations

import os
import sys

# The servers already use many threads; multithreaded BLAS on top of that made the SMAA
# path slower, not faster (docs/performance.md). Must be set before numpy is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m mcda`` with ``argv`` (default: the process's); the exit status."""
    import click

    from .cli import main as cli

    try:
        code = cli.main(args=argv, prog_name="python -m mcda", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("Avbrutet / aborted.", err=True)
        return 1
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
