"""A Vägval server in a process of its own, for tests that SIGKILL it and start it again.

``python -m tests.durability.serve_app --db PATH --port N``; the session secret comes from
``VAGVAL_TEST_SECRET`` (the same across restarts, so a tablet's cookie stays valid). waitress,
as ``python -m mcda serve --server waitress``; loopback only.
"""

from __future__ import annotations

import argparse
import logging
import os


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    from waitress import serve

    from mcda.web import create_app

    app = create_app({"DATABASE": args.db, "SECRET_KEY": os.environ["VAGVAL_TEST_SECRET"]})
    logging.getLogger("waitress").setLevel(logging.ERROR)
    serve(app, host="127.0.0.1", port=args.port, threads=4, _quiet=True)


if __name__ == "__main__":
    main()
