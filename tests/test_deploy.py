"""deploy/ for real: scrapyd-deploy uploads the egg to a scrapyd started here, which crawls the replica; the
cron line runs twice at once (flock: one crawls, one exits 75); the systemd units pass systemd-analyze.

The deploy files are used as shipped, with their paths moved into a temp dir (/opt/newsmon -> this checkout,
/var/lib/newsmon, /var/log/newsmon and /etc/newsmon -> tmp) and the crawl pointed at the replica.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsmon.schema import record_errors
from newsmon.state.lock import EXIT_LOCKED
from tests.crawl_helpers import ROOT, read_jsonl
from tests.replica.server import ReplicaServer

pytestmark = pytest.mark.crawl

DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
USERNAME, PASSWORD = "newsmon-ops", "s3cret-Pa55word-for-test"
# The replica needs neither the browser tier nor politeness delays.
CRAWL_SETTINGS = {"NEWSMON_TIERS_ENABLED": "False", "AUTOTHROTTLE_ENABLED": "False"}


def require(*tools: str) -> None:
    """Skip when a tool is missing, except in CI (NEWSMON_CI), where a missing tool fails the suite."""
    missing = [t for t in tools if not shutil.which(t) and not (VENV_BIN / t).exists()]
    if missing:
        message = (
            f"needs {', '.join(missing)} (pip install -e '.[dev]'; apt-get install util-linux curl logrotate)"
        )
        if os.environ.get("NEWSMON_CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class CronTab:
    env: dict[str, str]
    jobs: list[str]  # commands of the active lines
    disabled: list[str]  # commands of commented-out job lines (the alternatives)


CRON_JOB = re.compile(r"^(?P<off>#)?(?:[\d*/,-]+\s+){5}newsmon\s+(?P<command>.+)$")
CRON_ENV = re.compile(r"^(?P<name>[A-Z_][A-Z0-9_]*)=(?P<value>.*)$")


def parse_cron(text: str) -> CronTab:
    tab = CronTab(env={}, jobs=[], disabled=[])
    for line in text.splitlines():
        if job := CRON_JOB.match(line):
            (tab.disabled if job["off"] else tab.jobs).append(job["command"])
        elif env := CRON_ENV.match(line):
            tab.env[env["name"]] = env["value"]
    return tab


def localise(text: str, tmp: Path) -> str:
    """The deploy files' system paths moved into tmp; /opt/newsmon (code and venv) is this checkout."""
    for system, here in (
        ("/opt/newsmon/.venv/bin/", f"{VENV_BIN}/"),
        ("/opt/newsmon", str(ROOT)),
        ("/var/lib/newsmon", str(tmp / "lib")),
        ("/var/log/newsmon", str(tmp / "log")),
        ("/etc/newsmon", str(tmp / "etc")),
        (" .venv/bin/", f" {VENV_BIN}/"),  # the cron line's, relative to /opt/newsmon
    ):
        text = text.replace(system, here)
    return text


def with_crawl_args(command: str, base_url: str) -> str:
    """The cron crawl command pointed at the replica."""
    extra = " ".join(f"-s {k}={v}" for k, v in CRAWL_SETTINGS.items())
    assert command.count("crawl euromaidan") == 1, command
    return command.replace("crawl euromaidan", f"crawl euromaidan -a base_url={base_url} {extra}")


def check_records(records: list[dict[str, Any]], replica: ReplicaServer) -> None:
    """Every article the replica expects exactly once, each schema-valid."""
    paths = [urlsplit(r["canonical_url"]).path for r in records]
    assert sorted(paths) == sorted(replica.site.expected_by_path())
    for record in records:
        assert record_errors(record) == [], record["url"]
        assert record["url"].startswith(replica.base_url + "/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def auth_header(username: str = USERNAME, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def http_post(url: str, data: dict[str, str], headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# --- cron -----------------------------------------------------------------------------------------------


def test_cron_line_twice_in_parallel_one_crawls_one_exits(tmp_path: Path) -> None:
    require("flock", "sh")
    tab = parse_cron((DEPLOY / "cron" / "newsmon.cron").read_text(encoding="utf-8"))
    (command,) = tab.jobs
    assert "flock -n" in command and "crawl euromaidan" in command
    for name in ("lib", "log"):
        (tmp_path / name).mkdir()
    # cron's own environment: only what the crontab sets
    env = {name: localise(value, tmp_path) for name, value in tab.env.items()}
    with ReplicaServer(delay=0.2) as replica:  # slow enough that the runs overlap
        line = with_crawl_args(localise(command, tmp_path), replica.base_url)
        started = time.monotonic()
        procs = [subprocess.Popen(["sh", "-c", line], env=env, cwd=tmp_path) for _ in range(2)]
        ended: dict[int, tuple[int, float]] = {}
        while len(ended) < 2 and time.monotonic() - started < 120:
            for i, proc in enumerate(procs):
                if i not in ended and proc.poll() is not None:
                    ended[i] = (proc.returncode, time.monotonic() - started)
            time.sleep(0.05)
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        (loser_rc, loser_time), (winner_rc, winner_time) = sorted(ended.values(), key=lambda e: e[1])
        log = (tmp_path / "log" / "euromaidan.log").read_text(encoding="utf-8")
        assert (loser_rc, winner_rc) == (EXIT_LOCKED, 0), log[-3000:]
        # the second one gave up at once, while the first was still crawling
        assert loser_time < 5 and winner_time - loser_time > 1, (loser_time, winner_time)
        # one run in the log, nothing from the other; state and records where the crontab's environment says
        assert log.count("Spider closed (finished)") == 1
        assert "another newsmon run" not in log
        assert (tmp_path / "lib" / "state" / "euromaidan.sqlite3").exists()
        (output,) = (tmp_path / "lib" / "output" / "euromaidan").iterdir()
        assert output.suffix == ".jsonl"
        check_records(read_jsonl(output), replica)


# --- systemd, logrotate ------------------------------------------------------------------------------------


def test_systemd_units_are_hardened_and_run_the_cron_command(tmp_path: Path) -> None:
    units = DEPLOY / "systemd"
    service = (units / "newsmon-crawl.service").read_text(encoding="utf-8")
    timer = (units / "newsmon-crawl.timer").read_text(encoding="utf-8")
    for line in (
        "User=newsmon",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/newsmon /var/log/newsmon",
        "SuccessExitStatus=75",
    ):
        assert line in service.splitlines(), line
    assert "OnCalendar=hourly" in timer.splitlines() and "Persistent=true" in timer.splitlines()
    # the same crawl and the same state and output locations as the cron line ("%%" is "%" in a unit)
    tab = parse_cron((DEPLOY / "cron" / "newsmon.cron").read_text(encoding="utf-8"))
    exec_start = re.search(r"^ExecStart=/opt/newsmon/(\S+) (.+)$", service, re.MULTILINE)
    assert exec_start is not None and f"{exec_start[1]} {exec_start[2]}" in tab.jobs[0]
    for name in ("NEWSMON_STATE_DIR", "NEWSMON_OUTPUT_URI"):
        assert f"Environment={name}={tab.env[name].replace('%', '%%')}" in service.splitlines(), name
    # scrapyd only through the wrapper that refuses to start it without credentials, and no restart loop then
    scrapyd_unit = (units / "scrapyd.service").read_text(encoding="utf-8").splitlines()
    assert "ExecStart=/opt/newsmon/deploy/scrapyd-start /opt/newsmon/scrapyd-venv/bin/scrapyd" in scrapyd_unit
    assert "RestartPreventExitStatus=78" in scrapyd_unit
    assert "EnvironmentFile=/etc/newsmon/scrapyd.env" in scrapyd_unit
    assert os.access(DEPLOY / "scrapyd-start", os.X_OK), "deploy/scrapyd-start: git mode must be 755"
    if not shutil.which("systemd-analyze"):
        return
    for unit in units.iterdir():  # verify wants the binaries the units start to exist
        text = unit.read_text(encoding="utf-8").replace("/opt/newsmon", str(tmp_path / "opt"))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    for binary in (".venv/bin/scrapy", "scrapyd-venv/bin/scrapyd", "deploy/scrapyd-start"):
        path = tmp_path / "opt" / binary
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n", encoding="utf-8")
        path.chmod(0o755)
    proc = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / u.name) for u in units.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [line for line in proc.stderr.splitlines() if str(tmp_path) in line]
    assert proc.returncode == 0 and problems == [], proc.stderr


def test_logrotate_rotates_the_cron_log(tmp_path: Path) -> None:
    require("logrotate")
    log = tmp_path / "log" / "euromaidan.log"
    log.parent.mkdir()
    log.write_text("a run\n", encoding="utf-8")
    me = f"{os.getuid()} {os.getgid()}"  # the newsmon user here
    config = localise((DEPLOY / "logrotate" / "newsmon").read_text(encoding="utf-8"), tmp_path)
    config = config.replace("su newsmon newsmon", f"su {me}").replace("0640 newsmon newsmon", f"0640 {me}")
    (tmp_path / "newsmon").write_text(config, encoding="utf-8")
    proc = subprocess.run(
        ["logrotate", "--force", "--verbose", "--state", str(tmp_path / "status"), str(tmp_path / "newsmon")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0 and "error" not in proc.stderr.lower(), proc.stderr
    # rotated, left uncompressed until the next rotation (delaycompress), a fresh file for the next run
    assert (tmp_path / "log" / "euromaidan.log.1").read_text(encoding="utf-8") == "a run\n"
    assert log.read_text(encoding="utf-8") == ""
    assert log.stat().st_mode & 0o777 == 0o640


# --- scrapyd ---------------------------------------------------------------------------------------------


def deps_only_python(where: Path) -> Path:
    """A venv with this one's packages but not newsmon (as deploy/README.md sets up scrapyd's): the jobs can
    only import newsmon from the deployed egg. A .pth path line adds this venv's site-packages without
    running its .pth files, so newsmon's editable-install finder is not installed there."""
    venv.create(where, with_pip=False)
    python = where / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (Path(site) / "newsmon-deps.pth").write_text("\n".join(paths) + "\n", encoding="utf-8")
    probe = (
        "import scrapy, scrapyd, feedparser, trafilatura\ntry:\n import newsmon\nexcept ImportError: pass\n"
    )
    probe += "else: raise SystemExit('newsmon importable outside the egg: ' + newsmon.__file__)"
    subprocess.run([python, "-c", probe], check=True, cwd=where)
    return python


def scrapyd_conf(tmp: Path, port: int) -> str:
    """deploy/scrapyd.conf with its paths in tmp, on a free port, polling often."""
    text = localise((DEPLOY / "scrapyd.conf").read_text(encoding="utf-8"), tmp)
    for key, value in (("http_port", str(port)), ("poll_interval", "0.5")):
        text, n = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.MULTILINE)
        assert n == 1, key
    return text


def copy_project(dest: Path) -> Path:
    """The checkout as a developer has it (tests, bench and all), minus caches, venv and build output."""
    shutil.copytree(
        ROOT,
        dest,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "output", ".newsmon", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    return dest


def loopback_only_listeners(port: int) -> list[str]:
    """Local addresses listening on this TCP port, from /proc/net/tcp and tcp6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text(encoding="ascii").splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


@dataclass
class ScrapydRun:
    url: str
    port: int
    tmp: Path
    egg: Path
    job: str
    locked_job: str  # scheduled at the same time, refused by the run lock
    job_log: str
    daemon_log: str
    records: list[dict[str, Any]]
    outputs: list[Path]
    replica: ReplicaServer


@pytest.fixture(scope="module")
def scrapyd_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScrapydRun]:
    require("scrapyd", "scrapyd-deploy", "curl")
    tmp = tmp_path_factory.mktemp("scrapyd")
    for name in ("lib", "log", "etc", "home", "daemon"):
        (tmp / name).mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    python = deps_only_python(tmp / "venv")
    (tmp / "daemon" / "scrapyd.conf").write_text(scrapyd_conf(tmp, port), encoding="utf-8")
    clean_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("NEWSMON_", "SCRAPY", "PYTHON", "XDG_"))
    }
    # as the systemd unit sets it: credentials, and the jobs' state and output locations
    daemon_env = {
        **clean_env,
        "HOME": str(tmp / "home"),
        "SCRAPYD_USERNAME": USERNAME,
        "SCRAPYD_PASSWORD": PASSWORD,
        "NEWSMON_STATE_DIR": str(tmp / "lib" / "state"),
        "NEWSMON_OUTPUT_URI": f"{tmp / 'lib' / 'output'}/%(name)s/%(time)s.jsonl",
    }
    daemon_out = (tmp / "scrapyd.out").open("wb")
    daemon = subprocess.Popen(  # as the systemd unit starts it: through the credentials check
        ["sh", DEPLOY / "scrapyd-start", python, "-m", "scrapyd"],
        cwd=tmp / "daemon",
        env=daemon_env,
        stdout=daemon_out,
        stderr=daemon_out,
    )
    replica = ReplicaServer(delay=0.05).start()  # the two jobs overlap
    try:
        deadline = time.monotonic() + 30
        while True:
            assert daemon.poll() is None, (tmp / "scrapyd.out").read_text(encoding="utf-8")
            try:
                if http_get(url + "daemonstatus.json", auth_header())[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "scrapyd did not start"
            time.sleep(0.2)

        # scrapyd-deploy from a copy of the checkout to its default target, the URL from the environment
        # (scrapy.cfg: url = ${NEWSMON_SCRAPYD_URL}); the credentials (netrc) in a temp HOME
        project = copy_project(tmp / "project")
        home = tmp / "home"
        home.mkdir(parents=True, exist_ok=True)
        netrc = f"machine 127.0.0.1 login {USERNAME} password {PASSWORD}\n"
        for path in (home / ".netrc", tmp / "etc" / "scrapyd.netrc"):
            path.write_text(netrc, encoding="utf-8")
            path.chmod(0o600)  # netrc files readable by others are refused
        deploy = subprocess.run(
            [VENV_BIN / "scrapyd-deploy", "--version", "r1"],
            cwd=project,
            env={**clean_env, "HOME": str(home), "NEWSMON_SCRAPYD_URL": url},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert deploy.returncode == 0, deploy.stderr + deploy.stdout
        assert json.loads(deploy.stdout)["spiders"] >= 2, deploy.stdout

        # schedule with the cron file's alternative line (curl, netrc), pointed at the replica
        tab = parse_cron((DEPLOY / "cron" / "newsmon.cron").read_text(encoding="utf-8"))
        (schedule,) = [c for c in tab.disabled if "schedule.json" in c]
        schedule = localise(schedule, tmp).replace("http://127.0.0.1:6800/", url)
        extra = " ".join(f"-d setting={k}={v}" for k, v in CRAWL_SETTINGS.items())
        schedule = schedule.replace(
            "-d spider=euromaidan", f"-d spider=euromaidan -d base_url={replica.base_url} {extra}"
        )
        # twice: scrapyd runs both jobs at once (max_proc = 2), and newsmon's run lock lets one crawl
        for _ in range(2):
            proc = subprocess.run(["sh", "-c", schedule], env=clean_env, timeout=60)
            assert proc.returncode == 0, (tmp / "log" / "schedule.log").read_text(encoding="utf-8")
        schedule_log = (tmp / "log" / "schedule.log").read_text(encoding="utf-8")
        jobs = [json.loads(line)["jobid"] for line in schedule_log.splitlines()]

        deadline = time.monotonic() + 90
        while True:
            status, body = http_get(url + "listjobs.json?project=newsmon", auth_header())
            assert status == 200, body
            if set(jobs) <= {j["id"] for j in json.loads(body)["finished"]}:
                break
            assert time.monotonic() < deadline, f"jobs {jobs} not finished: {body!r}"
            time.sleep(0.5)
        logs = tmp / "log" / "scrapyd" / "newsmon" / "euromaidan"
        (job,) = [j for j in jobs if (logs / f"{j}.log").exists()]  # the locked job left no log
        (locked,) = set(jobs) - {job}
        job_log = (logs / f"{job}.log").read_text(encoding="utf-8")
        outputs = sorted((tmp / "lib" / "output" / "euromaidan").glob("*"))
        yield ScrapydRun(
            url=url,
            port=port,
            tmp=tmp,
            egg=tmp / "lib" / "scrapyd" / "eggs" / "newsmon" / "r1.egg",
            job=job,
            locked_job=locked,
            job_log=job_log,
            daemon_log=(tmp / "scrapyd.out").read_text(encoding="utf-8"),
            records=[r for path in outputs for r in read_jsonl(path)],
            outputs=outputs,
            replica=replica,
        )
    finally:
        replica.stop()
        daemon.terminate()
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        daemon_out.close()


def test_scrapyd_egg_holds_the_packages_and_their_data_and_nothing_else(scrapyd_run: ScrapydRun) -> None:
    with zipfile.ZipFile(scrapyd_run.egg) as egg:
        names = egg.namelist()
        entry_points = egg.read("EGG-INFO/entry_points.txt").decode()
    assert {name.split("/")[0] for name in names} == {"EGG-INFO", "newsmon", "spiders"}
    # every module of the checkout, in a regular package: zipimport cannot import a namespace package (a
    # directory without __init__.py) from the egg, though setuptools packs its modules
    for package in ("newsmon", "spiders"):
        for module in sorted((ROOT / package).rglob("*.py")):
            name = module.relative_to(ROOT).as_posix()
            assert name in names, f"{name} is not in the egg"
            init = f"{module.parent.relative_to(ROOT).as_posix()}/__init__.py"
            assert init in names, f"{init} is missing: {name} cannot be imported from the egg"
    for name in (
        "newsmon/settings.py",
        "newsmon/schema/record.schema.json",
        "newsmon/sites/euromaidan.toml",
        "newsmon/spiders/euromaidan.py",
        "newsmon/spiders/news.py",
        "spiders/__init__.py",  # the checkout's own spiders package (for site spiders): not in the wheel
    ):
        assert name in names, name
    assert re.search(r"^\[scrapy\]\nsettings = newsmon\.settings$", entry_points, re.MULTILINE)


def test_scrapyd_job_crawls_the_replica_into_the_per_run_file(scrapyd_run: ScrapydRun) -> None:
    run = scrapyd_run
    assert f"Process finished: project='newsmon' spider='euromaidan' job='{run.job}'" in run.daemon_log
    assert "Spider closed (finished)" in run.job_log, run.job_log[-3000:] + run.daemon_log[-3000:]
    assert "Traceback" not in run.job_log
    # the egg's settings module (found through its entry point), in a venv without newsmon installed
    assert "(bot: newsmon)" in run.job_log
    # no scrapyd items file (items_dir is empty): newsmon's atomic per-run file, at NEWSMON_OUTPUT_URI
    assert [p.suffix for p in run.outputs] == [".jsonl"]
    check_records(run.records, run.replica)
    assert (run.tmp / "lib" / "state" / "euromaidan.sqlite3").exists()


def test_scrapyd_job_of_a_running_spider_exits_75(scrapyd_run: ScrapydRun) -> None:
    # newsmon's crawl command (COMMANDS_MODULE) runs under scrapyd.runner too: the lock, exit status 75
    job = f"project='newsmon' spider='euromaidan' job='{scrapyd_run.locked_job}'"
    died = re.search(rf"Process died: exitstatus=(\d+) {job}", scrapyd_run.daemon_log)
    assert died is not None and int(died[1]) == EXIT_LOCKED, scrapyd_run.daemon_log[-3000:]
    assert "another newsmon run holds" in scrapyd_run.daemon_log


def test_scrapyd_refuses_requests_without_the_credentials(scrapyd_run: ScrapydRun) -> None:
    for headers in ({}, auth_header(password="wrong")):
        status, _ = http_get(scrapyd_run.url + "daemonstatus.json", headers)
        assert status == 401
        status, _ = http_get(scrapyd_run.url + "listjobs.json?project=newsmon", headers)
        assert status == 401
    # nor can anyone schedule a job (what a page in the browser tier could post) or upload an egg
    form = {"project": "newsmon", "spider": "euromaidan", "setting": "NEWSMON_SSRF_GUARD=False"}
    for headers in ({}, auth_header(password="wrong"), auth_header(username="", password="")):
        assert http_post(scrapyd_run.url + "schedule.json", form, headers)[0] == 401
        egg = {"project": "x", "version": "1"}
        assert http_post(scrapyd_run.url + "addversion.json", egg, headers)[0] == 401
    assert http_get(scrapyd_run.url + "daemonstatus.json", auth_header())[0] == 200
    status, body = http_get(scrapyd_run.url + "listjobs.json?project=newsmon", auth_header())
    listed = json.loads(body)
    jobs = {j["id"] for state in ("pending", "running", "finished") for j in listed[state]}
    assert status == 200 and jobs == {scrapyd_run.job, scrapyd_run.locked_job}, listed
    # the password is in no log and no record
    for text in (scrapyd_run.job_log, scrapyd_run.daemon_log, json.dumps(scrapyd_run.records)):
        assert PASSWORD not in text


def test_scrapyd_listens_on_loopback_only(scrapyd_run: ScrapydRun) -> None:
    assert loopback_only_listeners(scrapyd_run.port) == ["0100007F"]  # 127.0.0.1, little-endian hex
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):  # not 0.0.0.0: 127.0.0.2 is refused
        sock.settimeout(5)
        sock.connect(("127.0.0.2", scrapyd_run.port))


# --- scrapyd without credentials -------------------------------------------------------------------------


def start_scrapyd(command: list[Any], tmp: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """scrapyd (or its wrapper) with deploy/scrapyd.conf on `port`, in tmp, with only `env` set."""
    daemon_dir = tmp / "daemon"
    for name in ("lib", "log", "home"):
        (tmp / name).mkdir(exist_ok=True)
    daemon_dir.mkdir(exist_ok=True)
    (daemon_dir / "scrapyd.conf").write_text(scrapyd_conf(tmp, port), encoding="utf-8")
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp / "home")}
    return subprocess.Popen(
        command, cwd=daemon_dir, env={**base, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def wait_listening(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, proc.communicate()
        try:
            http_get(url + "daemonstatus.json")
            return
        except OSError:
            pass
        assert time.monotonic() < deadline, "scrapyd did not start"
        time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes]) -> bytes:
    """Terminate and wait; what it wrote (stdout and stderr)."""
    proc.terminate()
    try:
        out, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return out + err


def test_scrapyd_without_credentials_would_be_open(tmp_path: Path) -> None:
    """Why the wrapper exists: scrapyd 1.6 itself starts with an empty password, and its API is open."""
    require("scrapyd")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {"SCRAPYD_USERNAME": USERNAME, "SCRAPYD_PASSWORD": ""}
    proc = start_scrapyd([sys.executable, "-m", "scrapyd"], tmp_path, port, env)
    try:
        wait_listening(url, proc)
        assert http_get(url + "daemonstatus.json")[0] == 200  # no credentials asked for
    finally:
        log = stop(proc)
    assert b"Basic authentication disabled" in log


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({}, "must both be set"),
        ({"SCRAPYD_USERNAME": USERNAME, "SCRAPYD_PASSWORD": ""}, "must both be set"),
        ({"SCRAPYD_USERNAME": "", "SCRAPYD_PASSWORD": PASSWORD}, "must both be set"),
        ({"SCRAPYD_USERNAME": USERNAME, "SCRAPYD_PASSWORD": "short-pw"}, "shorter than 12 characters"),
        (
            {"SCRAPYD_USERNAME": USERNAME, "SCRAPYD_PASSWORD": PASSWORD, "SCRAPYD_BIND_ADDRESS": "0.0.0.0"},
            "not a loopback address",
        ),
    ],
    ids=["unset", "empty-password", "empty-username", "short-password", "public-bind"],
)
def test_scrapyd_start_refuses_without_credentials(tmp_path: Path, env: dict[str, str], reason: str) -> None:
    require("scrapyd", "sh")
    port = free_port()
    command = ["sh", str(DEPLOY / "scrapyd-start"), sys.executable, "-m", "scrapyd"]
    proc = start_scrapyd(command, tmp_path, port, env)
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            stop(proc)
    lines = err.decode().splitlines()
    assert proc.returncode == 78, err
    assert len(lines) == 1 and lines[0].startswith("scrapyd-start: ") and reason in lines[0], lines
    assert "not starting scrapyd" in lines[0] and PASSWORD not in lines[0]
    assert out == b""
    # nothing was started: no listener on the port, no scrapyd files
    assert loopback_only_listeners(port) == []
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.settimeout(5)
        sock.connect(("127.0.0.1", port))
    assert not (tmp_path / "lib" / "scrapyd").exists()


CREDENTIALS = {"SCRAPYD_USERNAME": USERNAME, "SCRAPYD_PASSWORD": PASSWORD}


@pytest.mark.parametrize(
    ("env", "conf", "home_conf", "reason"),
    [
        ({**CREDENTIALS, "SCRAPYD_PASSWORD": " " * 12}, {}, "", "(SCRAPYD_PASSWORD) is blank"),
        ({**CREDENTIALS, "SCRAPYD_PASSWORD": "  short-pw   "}, {}, "", "shorter than 12 characters"),
        (
            {**CREDENTIALS, "SCRAPYD_BIND_ADDRESS": "127.evil.example"},
            {},
            "",
            "bind address '127.evil.example' (SCRAPYD_BIND_ADDRESS) is not a loopback address",
        ),
        ({**CREDENTIALS, "SCRAPYD_BIND_ADDRESS": "localhost"}, {}, "", "'localhost' (SCRAPYD_BIND_ADDRESS)"),
        (CREDENTIALS, {"bind_address": "0.0.0.0"}, "", "bind address '0.0.0.0' ('bind_address' in "),
        (CREDENTIALS, {}, "[scrapyd]\nbind_address = ::\n", "'::' ('bind_address' in "),
        ({}, {"username": USERNAME, "password": " " * 14}, "", "(empty: 'password' in "),
    ],
    ids=[
        "blank-password",
        "padded-short",
        "name-bind",
        "localhost",
        "cwd-conf-bind",
        "home-conf-bind",
        "conf-blank",
    ],
)
def test_scrapyd_start_checks_the_configuration_scrapyd_reads(
    tmp_path: Path, env: dict[str, str], conf: dict[str, str], home_conf: str, reason: str
) -> None:
    """Issue 20 case 6: a scrapyd.conf in the working directory with bind_address = 0.0.0.0 (scrapyd reads
    it after /etc/scrapyd), a password of 12 spaces and a bind address 127.evil.example were accepted."""
    require("scrapyd", "sh")
    port = free_port()
    daemon = tmp_path / "daemon"
    daemon.mkdir()
    text = scrapyd_conf(tmp_path, port)
    for key, value in conf.items():
        text, n = re.subn(rf"^{key} =.*$", f"{key} = {value}", text, flags=re.MULTILINE)
        if not n:
            text = text.replace("[scrapyd]\n", f"[scrapyd]\n{key} = {value}\n", 1)
    (tmp_path / "home").mkdir()
    if home_conf:
        (tmp_path / "home" / ".scrapyd.conf").write_text(home_conf, encoding="utf-8")
    command = ["sh", str(DEPLOY / "scrapyd-start"), sys.executable, "-m", "scrapyd"]
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path / "home")}
    (daemon / "scrapyd.conf").write_text(text, encoding="utf-8")
    for name in ("lib", "log"):
        (tmp_path / name).mkdir(exist_ok=True)
    proc = subprocess.Popen(
        command, cwd=daemon, env={**base, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            stop(proc)
    lines = err.decode().splitlines()
    assert proc.returncode == 78, err
    assert len(lines) == 1 and lines[0].startswith("scrapyd-start: ") and reason in lines[0], lines
    assert PASSWORD not in lines[0] and out == b""
    assert loopback_only_listeners(port) == []
