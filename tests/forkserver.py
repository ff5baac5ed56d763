"""A fork server ("zygote") for the suite's `python -m scrapy|newsmon.cli ...` commands: less start-up.

Every crawl test used to pay for a fresh interpreter importing Scrapy, Twisted, Playwright, trafilatura and
newsmon (about a CPU-second each, several seconds of wall time on a loaded machine). The fork server is a
process of its own, started once per pytest worker, that imports all of that once and then forks one child
per command. The child runs the very command line the test asked for (`runpy` on the module's __main__,
as `python -m` does), with the test's cwd, environment, stdout and stderr, so exit statuses, the run
lock, LOG_FILE, signal handling and the shutdown watchdog are what cron gets: nothing is reimplemented.

Why a fork server rather than a crawl in the pytest process: a run holds its lock until its process ends,
Scrapy configures logging and signal handlers per process, the Twisted reactor cannot restart, and newsmon
keeps process-wide state (the browser slots, the log dispatcher): one process per crawl is the contract
the command is written to, and the fork keeps it at a fraction of the cost.

The server itself must stay single-threaded with no reactor, no event loop and no open connection, so that
each child starts clean: it imports modules only (checked at start, else the suite falls back to plain
subprocesses). Each request is served by a small monitor process (fork of the server) that forks the
command's process, waits for it and reports its exit status; the pytest side kills the command's process
on timeout as `subprocess.run` would. `NEWSMON_TEST_FORKSERVER=0` runs every command as a plain subprocess.

Protocol (one Unix-socket connection per command): the client sends one JSON line {module, argv, cwd, env,
stdout, stderr, start_new_session}; the monitor answers {"pid": N} at once and {"returncode": N} when the
command ended (-SIG when a signal killed it, as subprocess reports).

`run_python` is `subprocess.run`; `start_python` is the part of `subprocess.Popen` the tests that stop,
fault or watch a running crawl use (pid, poll, wait, kill, send_signal; output to files), so that those
crawls too skip the interpreter start. The command's process is a child of its monitor, not of pytest: a
test that checks the process tree relative to pytest, or signals pytest's process group, keeps Popen.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import locale
import os
import runpy
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FORKABLE_MODULES = ("scrapy", "newsmon.cli")  # `python -m` entry points the fork server runs
ENABLE_ENV = "NEWSMON_TEST_FORKSERVER"  # "0": plain subprocesses (to compare, or to debug a crawl)

# What a crawl imports: loaded once in the server, shared copy-on-write by every child.
PRELOAD_PACKAGES = ("newsmon", "spiders", "scrapy.commands")  # Scrapy's command line loads every command
PRELOAD_MODULES = (
    "scrapy.cmdline",
    "scrapy.crawler",
    "scrapy.commands.crawl",
    "scrapy.core.engine",
    "scrapy.core.scheduler",
    "scrapy.core.downloader.handlers.http11",
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.httpcompression",
    "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.redirect",
    "scrapy.downloadermiddlewares.cookies",
    "scrapy.extensions.feedexport",
    "scrapy.extensions.closespider",
    "scrapy.extensions.logstats",
    "scrapy.extensions.memusage",
    "scrapy.pipelines",
    "scrapy.robotstxt",
    "twisted.internet.asyncioreactor",
    "scrapy.exporters",
    "scrapy.logformatter",
    "scrapy.pqueues",
    "scrapy.squeues",
    "scrapy.utils.serialize",
    # Scrapy's default components, loaded by name in every crawl (remote_control imports aiohttp: a
    # third of a CPU-second per crawl when each child imported it)
    "scrapy.extensions.corestats",
    "scrapy.extensions.logcount",
    "scrapy.extensions.memdebug",
    "scrapy.extensions.periodic_log",
    "scrapy.extensions.remote_control",
    "scrapy.extensions.spiderstate",
    "scrapy.extensions.telnet",
    "scrapy.extensions.throttle",
    "scrapy.downloadermiddlewares.defaultheaders",
    "scrapy.downloadermiddlewares.downloadtimeout",
    "scrapy.downloadermiddlewares.httpauth",
    "scrapy.downloadermiddlewares.httpcache",
    "scrapy.downloadermiddlewares.httpproxy",
    "scrapy.downloadermiddlewares.offsite",
    "scrapy.downloadermiddlewares.stats",
    "scrapy.downloadermiddlewares.useragent",
    "scrapy.spidermiddlewares.depth",
    "scrapy.spidermiddlewares.metacopy",
    "scrapy.spidermiddlewares.start",
    "scrapy.spidermiddlewares.urllength",
    "scrapy.core.downloader.handlers.datauri",
    "scrapy.core.downloader.handlers.file",
    "scrapy.core.downloader.handlers.ftp",
    "scrapy.core.downloader.handlers.s3",
    "scrapy_playwright.handler",
    "scrapy_playwright.provider",
    "playwright.async_api",
    "trafilatura",
    "protego",
)


# --- server side ---------------------------------------------------------------------------------------


def preload() -> None:
    """Import what every crawl imports; refuse to serve if that started a reactor, a loop or a thread."""
    import importlib

    from scrapy.utils.misc import walk_modules_iter

    for name in PRELOAD_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    for package in PRELOAD_PACKAGES:
        with contextlib.suppress(ImportError):
            for _ in walk_modules_iter(package):
                pass
    warm_up()
    problems = []
    if "twisted.internet.reactor" in sys.modules:
        problems.append("a module installed the Twisted reactor at import")
    if threading.active_count() != 1:
        problems.append(f"imports started threads: {threading.enumerate()}")
    if problems:
        raise RuntimeError("fork server: " + "; ".join(problems))


def warm_up() -> None:
    """What every crawl with the browser tier asks first and newsmon keeps per process: Chromium's version
    (`chromium --version`, a third of a second each time; newsmon.fetch.browser caches it)."""
    with contextlib.suppress(ImportError):
        from newsmon.fetch.browser import chromium_major_version, find_chromium

        path = find_chromium()
        if path is not None:
            chromium_major_version(path)


def exit_code(exc: SystemExit) -> int:
    """The status the interpreter gives `sys.exit(code)`."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def run_command(request: dict[str, Any]) -> None:
    """In the forked child: become `python -m <module> <argv>` in the request's cwd and environment."""
    if request.get("start_new_session"):
        os.setsid()
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, fd)
        os.close(out)
    os.close(stdin)
    sys.argv = ["-m", *request["argv"]]  # runpy puts the module's file in argv[0], as `python -m` does
    sys.path[0] = request["cwd"]  # `python -m` looks in the working directory first
    code = 0
    try:
        # a preloaded module is run afresh as __main__, as `python -m` does; for a package that is its
        # __main__ submodule (runpy warns when it finds that one imported already)
        module = request["module"]
        preloaded = sys.modules.get(module)
        sys.modules.pop(f"{module}.__main__" if hasattr(preloaded, "__path__") else module, None)
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exit_code(exc)
    except BaseException:
        traceback.print_exc()
        code = 1
    try:  # what interpreter shutdown does: join non-daemon threads, run atexit hooks, flush
        shutdown = getattr(threading, "_shutdown", None)
        if shutdown is not None:
            shutdown()
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def monitor(conn: socket.socket) -> None:
    """In a fork of the server: start one command, report its pid, then its exit status."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    code = 1
    try:
        with conn, conn.makefile("rb") as reader:
            request = json.loads(reader.readline())
            pid = os.fork()
            if pid == 0:
                conn.close()
                run_command(request)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
            _, status = os.waitpid(pid, 0)
            with contextlib.suppress(OSError):  # the client gave up (its timeout): nobody to tell
                conn.sendall(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
            code = 0
    finally:
        os._exit(code)


def serve(path: str) -> None:
    """Accept commands until the pytest worker closes our stdin (it ended, however it ended)."""
    preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # monitors are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        for key, _ in selector.select():
            if key.fileobj != listener:
                if not os.read(sys.stdin.fileno(), 1024):
                    return
                continue
            conn, _ = listener.accept()
            if os.fork() == 0:
                selector.close()
                listener.close()
                monitor(conn)
            conn.close()


# --- pytest side -------------------------------------------------------------------------------------


class ForkServer:
    """The pytest worker's handle on a fork server (started on first use, ended with the worker): by
    default this interpreter running `-m tests.forkserver` from the checkout; ``python``, ``launch`` (its
    arguments before the socket's path), ``cwd`` and ``env`` run another (test_packaging: the wheel's
    venv)."""

    def __init__(
        self,
        python: str = sys.executable,
        launch: tuple[str, ...] = ("-m", "tests.forkserver"),
        *,
        cwd: Path = ROOT,
        env: dict[str, str] | None = None,
    ) -> None:
        self.python, self._launch, self._cwd = python, launch, cwd
        self._env = env if env is not None else {**os.environ, "PYTHONPATH": str(ROOT)}
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None
        self._broken = False
        self._startup_env: dict[str, str] = {}  # PYTHON* variables the server's interpreter started with

    def _start(self) -> bool:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return True
            if self._broken:
                return False
            self._dir = Path(tempfile.mkdtemp(prefix="newsmon-forkserver-"))
            self._startup_env = startup_variables(self._env)
            self._proc = subprocess.Popen(
                [self.python, *self._launch, str(self._dir / "socket")],
                cwd=self._cwd,
                env=self._env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            assert self._proc.stdout is not None
            if self._proc.stdout.readline() != b"ready\n":  # it failed to preload: say so, run plainly
                self._proc.wait()
                self._broken = True
                sys.stderr.write("newsmon tests: the fork server did not start; using plain subprocesses\n")
                return False
            atexit.register(self.close)
            return True

    def close(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._proc = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def usable(self, env: dict[str, str]) -> bool:
        """Started (or startable), and env starts an interpreter as the server's started."""
        return self._start() and startup_variables(env) == self._startup_env

    def start(
        self,
        argv: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        stdout: Path,
        stderr: Path,
        new_session: bool,
    ) -> ForkedProcess | None:
        """The command forked, or None when the server cannot take it (gone: run it plainly)."""
        assert self._dir is not None
        request = {"module": argv[2], "argv": argv[3:], "cwd": str(cwd), "env": env}
        request |= {"stdout": str(stdout), "stderr": str(stderr), "start_new_session": new_session}
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(str(self._dir / "socket"))
        except OSError:
            conn.close()
            return None
        conn.sendall(json.dumps(request).encode() + b"\n")
        return ForkedProcess(argv, conn)

    def run(
        self, argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float | None
    ) -> subprocess.CompletedProcess[str]:
        """Like subprocess.run(argv, cwd=, env=, timeout=, capture_output=True, text=True)."""
        if not self.usable(env):
            # the interpreter would start otherwise (another PYTHONPATH hides a module...): a fresh one
            return plain_run(argv, cwd=cwd, env=env, timeout=timeout)
        assert self._dir is not None
        stem = self._dir / uuid.uuid4().hex
        out, err = stem.with_suffix(".out"), stem.with_suffix(".err")  # the command's process creates them
        try:
            proc = self.start(argv, cwd=cwd, env=env, stdout=out, stderr=err, new_session=False)
            if proc is None:  # the server is gone (killed from outside): this command runs plainly
                return plain_run(argv, cwd=cwd, env=env, timeout=timeout)
            try:
                returncode = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(30)
                raise subprocess.TimeoutExpired(
                    argv, timeout or 0, output=read_text(out), stderr=read_text(err)
                ) from None
            return subprocess.CompletedProcess(argv, returncode, read_text(out), read_text(err))
        finally:
            out.unlink(missing_ok=True)
            err.unlink(missing_ok=True)


def startup_variables(env: dict[str, str]) -> dict[str, str]:
    """The variables that shape an interpreter as it starts, before any module runs (sys.path, flags)."""
    return {k: v for k, v in env.items() if k.startswith("PYTHON")}


def read_text(path: Path) -> str:
    """A captured stream decoded as `subprocess.run(text=True)` decodes it (universal newlines)."""
    if not path.exists():
        return ""
    with path.open(encoding=locale.getpreferredencoding(False)) as stream:
        return stream.read()


def plain_run(
    argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float | None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, timeout=timeout, capture_output=True, text=True)


class ForkedProcess:
    """A command the fork server started, as much of `subprocess.Popen` as the tests use."""

    def __init__(self, args: list[str], conn: socket.socket) -> None:
        self.args = args
        self._conn = conn
        self._buffer = b""
        self.returncode: int | None = None
        self.pid: int = int(self._message(None)["pid"])

    def _message(self, timeout: float | None) -> dict[str, Any]:
        """The monitor's next line (TimeoutError when none came in timeout seconds)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self._conn], [], [], left)[0]:
                raise TimeoutError
            chunk = self._conn.recv(4096)
            if not chunk:
                raise ConnectionError("the fork server's monitor went away")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return dict(json.loads(line))

    def poll(self) -> int | None:
        if self.returncode is None:
            with contextlib.suppress(TimeoutError):
                self._finished(self._message(0))
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            try:
                self._finished(self._message(timeout))
            except TimeoutError:
                raise subprocess.TimeoutExpired(self.args, timeout or 0) from None
        assert self.returncode is not None
        return self.returncode

    def _finished(self, message: dict[str, Any]) -> None:
        self.returncode = int(message["returncode"])
        self._conn.close()

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


Started = ForkedProcess | subprocess.Popen[bytes]  # what start_python gives
_SERVER = ForkServer()


def run_python(
    argv: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Like subprocess.run(argv, cwd=, env=, timeout=, capture_output=True, text=True): `[sys.executable,
    "-m", M, ...]` for M in FORKABLE_MODULES runs through the fork server, anything else plainly."""
    env = dict(os.environ if env is None else env)
    cwd = Path.cwd() if cwd is None else cwd
    if not forkable(argv):
        return plain_run(argv, cwd=cwd, env=env, timeout=timeout)
    return _SERVER.run(argv, cwd=cwd, env=env, timeout=timeout)


def forkable(argv: list[str]) -> bool:
    """`[sys.executable, "-m", M, ...]` for M in FORKABLE_MODULES, unless the fork server is turned off."""
    return (
        argv[:2] == [sys.executable, "-m"]
        and len(argv) > 2
        and argv[2] in FORKABLE_MODULES
        and os.environ.get(ENABLE_ENV, "1") != "0"
    )


def start_python(
    argv: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdout: Path | None = None,
    stderr: Path | None = None,
    start_new_session: bool = False,
) -> Started:
    """Like subprocess.Popen(argv, cwd=, env=, start_new_session=) with stdout and stderr written to these
    files (None: /dev/null): forked from the fork server as run_python forks, else a plain Popen."""
    env = dict(os.environ if env is None else env)
    cwd = Path.cwd() if cwd is None else cwd
    if forkable(argv) and _SERVER.usable(env):
        forked = _SERVER.start(
            argv,
            cwd=cwd,
            env=env,
            stdout=stdout or Path(os.devnull),
            stderr=stderr or Path(os.devnull),
            new_session=start_new_session,
        )
        if forked is not None:
            return forked
    with contextlib.ExitStack() as files:
        out, err = (
            files.enter_context(path.open("wb")) if path is not None else subprocess.DEVNULL
            for path in (stdout, stderr)
        )
        return subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=start_new_session
        )


if __name__ == "__main__":
    serve(sys.argv[1])
