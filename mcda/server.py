"""Serving the app: gunicorn (gthread, several processes) on Linux/macOS, waitress elsewhere.

A room of 500 tablets is CPU-bound Python: one process holds one core through the GIL, however
many threads it has. ``bench/load.py`` measured the README's server at 9.7 s for 500 tablets
with one waitress process against 6.2 s with two gunicorn worker processes on the same 2-core
machine (docs/performance.md). Waitress stays the server on Windows (no ``fork``) and can be
chosen everywhere with ``--server waitress``.

Several processes are safe: SQLite in WAL mode with every write in ``BEGIN IMMEDIATE`` and a
10 s busy timeout; throttling counters live in the database; each worker keeps its own
analysis cache (a cache, nothing more).
"""

from __future__ import annotations

import importlib.util
import os
import signal
from typing import Any

from flask import Flask

SERVERS = ("auto", "gunicorn", "waitress")

# Each tablet keeps a keep-alive connection; waitress's default limit (100) stalled the 101st.
CONNECTION_LIMIT = 1000
# Slow requests (an export with SMAA, a plan-stability run) must not look like a hung worker.
WORKER_TIMEOUT_S = 300
# Browsers reuse an idle connection for about a minute; closing after 2 s (gunicorn's
# default) made every tablet action pay a new TCP connection.
KEEPALIVE_S = 75


def default_workers() -> int:
    """One worker process per core, at most 4 (each keeps its own analysis cache)."""
    return max(1, min(4, os.cpu_count() or 1))


def choose_server(requested: str) -> str:
    """``auto``: gunicorn where it can run (POSIX with gunicorn installed), else waitress."""
    if requested != "auto":
        return requested
    if os.name == "posix" and importlib.util.find_spec("gunicorn") is not None:
        return "gunicorn"
    return "waitress"


def serve(app: Flask, *, server: str, host: str, port: int, workers: int, threads: int) -> None:
    """Run ``app`` until interrupted (Ctrl-C / SIGTERM)."""
    if server == "gunicorn":
        _gunicorn(app, host=host, port=port, workers=workers, threads=threads)
        return
    from waitress import serve as waitress_serve

    # A server started as a background job (`… &` in a script) inherits SIGINT as ignored, and
    # Python then installs no KeyboardInterrupt handler: Ctrl-C / SIGINT would not stop it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    waitress_serve(app, host=host, port=port, threads=threads,
                   connection_limit=CONNECTION_LIMIT, ident="Vagval", **waitress_proxy_options(app))


def waitress_proxy_options(app: Flask) -> dict[str, Any]:
    """Waitress drops X-Forwarded-* headers unless told to trust a proxy; with the app's
    ``TRUSTED_PROXIES`` = N it trusts N hops from ``TRUSTED_PROXY_ADDRESS`` for the client
    address and the scheme (so cookies are Secure behind a TLS proxy), like ProxyFix does
    under gunicorn."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count <= 0:
        return {}
    return {
        "trusted_proxy": str(app.config.get("TRUSTED_PROXY_ADDRESS") or "127.0.0.1"),
        "trusted_proxy_count": count,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


def _stop_signals_only_set_a_flag(worker: Any) -> None:
    """Worker hook: SIGINT, SIGQUIT and SIGTERM only clear ``worker.alive``.

    gunicorn's gthread worker shuts its thread pool down inside the signal handler; when the
    signal lands while the main thread is inside the pool's ``submit`` (holding the same lock),
    the worker deadlocks and stays behind as an orphan holding the port (seen after Ctrl-C
    under load in ``bench/load.py``). With only the flag, the worker leaves its event loop
    within a second and shuts down the normal way: in-flight requests (votes) finish.
    """
    import signal

    def stop(_sig: int, _frame: Any) -> None:
        worker.alive = False

    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM):
        signal.signal(sig, stop)
        signal.siginterrupt(sig, False)


def _gunicorn(app: Flask, *, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    options: dict[str, Any] = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "worker_connections": CONNECTION_LIMIT,
        "keepalive": KEEPALIVE_S,
        "timeout": WORKER_TIMEOUT_S,
        "graceful_timeout": 10,
        # The app (and pymcdm, ~1 s to import) is loaded once and shared by fork.
        "preload_app": True,
        # No control socket file in the user's home directory.
        "control_socket_disable": True,
        "proc_name": "vagval",
        "loglevel": "warning",
        "post_worker_init": _stop_signals_only_set_a_flag,
    }

    class _App(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    _App().run()
