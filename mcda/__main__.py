"""``python -m mcda``: ``serve`` (the app; see :mod:`mcda.server`) and ``analyze`` (the CLI)."""

from __future__ import annotations

import argparse
import os
import sys

# The servers already use many threads; multithreaded BLAS on top of that made the SMAA
# path slower, not faster (docs/performance.md). Must be set before numpy is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "analyze":
        from .analyze_cli import main as analyze_main

        return analyze_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m mcda", description="Vägval")
    sub = parser.add_subparsers(dest="command", required=True)
    from .server import SERVERS, default_workers

    serve = sub.add_parser("serve", help="Starta Vägval / start the app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument(
        "--server", choices=SERVERS, default="auto",
        help="auto: gunicorn på Linux/macOS, annars waitress / gunicorn on POSIX, else waitress",
    )
    serve.add_argument(
        "--workers", type=int, default=default_workers(),
        help="processer (gunicorn) / worker processes (default: one per core, at most 4)",
    )
    serve.add_argument(
        "--threads", type=int, default=None,
        help="trådar per process / threads per process (default 8 gunicorn, 16 waitress)",
    )
    serve.add_argument(
        "--demo", action="store_true",
        help="Ladda exempeldata och skapa inloggningar för en demo-processledare och kansliet",
    )
    sub.add_parser("analyze", help="Kör analysen på en JSON-fil (se docs/analysis-format.md)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    return 2


def _serve(args: argparse.Namespace) -> int:
    from .server import choose_server, serve
    from .web import create_app

    app = create_app()
    if args.demo:
        from .cli import demo_secretariat_login, load_demo_and_login

        with app.app_context():
            email, password = load_demo_and_login(app)
            sec_email, sec_password = demo_secretariat_login(app)
        print("\n  Vägval – exempeldata laddad (påhittad / invented example data)")
        print(f"  Processledare: {email}")
        print(f"  Lösenord:      {password}   (visas bara nu / shown only now)")
        print(f"  Kansliet:      {sec_email}")
        print(f"  Lösenord:      {sec_password}   (visas bara nu / shown only now)\n")
    # Import the analysis (pymcdm: ~1-5 s holding the GIL) now, not in the first projector
    # poll of a workshop, where it would stall every tablet's request.
    from .core import analysis  # noqa: F401

    server = choose_server(args.server)
    workers = max(1, args.workers) if server == "gunicorn" else 1
    threads = args.threads or (8 if server == "gunicorn" else 16)
    print(f"  Server: {server}, {workers} × {threads} trådar / threads")
    print(f"  Öppna http://{args.host}:{args.port}/\n", flush=True)
    serve(app, server=server, host=args.host, port=args.port, workers=workers, threads=threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
