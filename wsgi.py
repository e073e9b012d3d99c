"""WSGI entry point: ``waitress-serve wsgi:app`` or ``flask --app wsgi …``."""

import os

# One BLAS thread per process: the server's threads are the parallelism (docs/performance.md).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from mcda.web import create_app  # noqa: E402 - after the BLAS setting

app = create_app()
