"""The scrapyd JSON API over stdlib urllib: node state (daemonstatus.json, listjobs.json) and schedule.json.

Credentials come from the URL (`http://user:pass@host:6800/`), else `--auth-env VAR` (`user:pass`), else
the netrc file (as scrapyd-deploy and `curl --netrc` read it). They go only into the Authorization header:
every URL shown is the one without them, error texts are scrubbed of the password, and redirects are not
followed (urllib would resend the header to wherever a redirect points).
"""

from __future__ import annotations

import base64
import json
import netrc
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsmon.deadline import Deadline, open_url
from newsmon.scheduling.plan import Job, JobState, NodeState

MAX_BODY = 16 * 1024 * 1024  # a listjobs answer keeps finished_to_keep jobs: far below this


class NodeError(Exception):
    """A node that could not be reached or did not answer as scrapyd; the message is one line."""

    def __init__(self, message: str, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


@dataclass(frozen=True)
class Node:
    url: str  # base URL without credentials, ending in "/"
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.url

    def scrub(self, text: str) -> str:
        """The text without the password, should an error message ever quote it."""
        return text.replace(self.password, "***") if self.password else text


def parse_node(text: str, auth_env: tuple[str, str] | None = None, netrc_file: Path | None = None) -> Node:
    """`--scrapyd URL` with its credentials: the URL's own, else `auth_env`, else netrc (by host name)."""
    parts = urllib.parse.urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--scrapyd {redact_url(text)}: not an http(s)://host[:port]/ URL")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"--scrapyd {redact_url(text)}: {exc}") from None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{port}" if port is not None else "")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    url = urllib.parse.urlunsplit((parts.scheme, netloc, path, "", ""))
    if parts.username is not None or parts.password is not None:
        user = urllib.parse.unquote(parts.username or "")
        return Node(url, user, urllib.parse.unquote(parts.password or ""))
    if auth_env is not None:
        return Node(url, *auth_env)
    found = netrc_credentials(parts.hostname, netrc_file)
    return Node(url, *found) if found else Node(url)


def redact_url(text: str) -> str:
    """A URL as it may be shown: any `user:password@` replaced by `***@`."""
    parts = urllib.parse.urlsplit(text)
    if "@" not in parts.netloc:
        return text
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


def auth_from_env(name: str, environ: Mapping[str, str]) -> tuple[str, str]:
    """`--auth-env VAR`: the variable holds `user:password` (kept out of the command line and `ps`)."""
    value = environ.get(name)
    if not value:
        raise ValueError(f"--auth-env {name}: the environment variable is not set or empty")
    user, sep, password = value.partition(":")
    if not sep or not user:
        raise ValueError(f"--auth-env {name}: the variable must hold user:password")
    return user, password


def netrc_credentials(host: str, path: Path | None) -> tuple[str, str] | None:
    """(login, password) for the host from the netrc file (default ~/.netrc, skipped when absent)."""
    if path is None:
        default = Path.home() / ".netrc"
        if not default.is_file():
            return None
    try:
        entry = netrc.netrc(str(path) if path else None).authenticators(host)
    except netrc.NetrcParseError as exc:  # its message may quote a token of the file: not shown
        where = f"{exc.filename}, line {exc.lineno}"
        raise ValueError(f"netrc file {where}: cannot be read (bad syntax, or readable by others)") from None
    except OSError as exc:
        raise ValueError(f"netrc file {path}: {exc.strerror}") from None
    if entry is None:
        return None
    login, _account, password = entry
    return login or "", password or ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx is raised as an HTTPError: credentials are never sent on to another URL


def call(
    node: Node, endpoint: str, timeout: float, query: Mapping[str, str] | None = None,
    form: Sequence[tuple[str, str]] | None = None, deadline: Deadline | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One API call, GET with `query` or POST of `form`: the answer if its status is "ok", else NodeError.
    The whole call (connect, answer, body) takes at most `timeout` seconds, and ends by `deadline` (the
    command's) if that comes first."""
    within = (deadline or Deadline(None)).within(timeout)
    if within.passed:
        raise NodeError(f"{endpoint}: not sent, the command's time ({within.seconds:g} s) is spent")
    url = node.url + endpoint + (f"?{urllib.parse.urlencode(query)}" if query else "")
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if node.username is not None:
        token = base64.b64encode(f"{node.username}:{node.password or ''}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with open_url(request, within, _NoRedirects()) as response:
            body = response.read(MAX_BODY + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code in (401, 403):
            what = "the credentials" if node.username is not None else "a request without credentials"
            hint = (
                ""
                if node.username is not None
                else "; give them in netrc, --auth-env or user:pass@ in the URL"
            )
            raise NodeError(f"refused {what} (HTTP {exc.code}){hint}", refused=True) from None
        raise NodeError(f"{endpoint}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise NodeError(f"{endpoint}: no answer within {within.seconds:g} s") from None
        if isinstance(reason, OSError) and reason.strerror:
            reason = reason.strerror  # "Connection refused", without the errno
        raise NodeError(f"unreachable: {node.scrub(str(reason))}") from None
    except TimeoutError:
        raise NodeError(f"{endpoint}: no answer within {within.seconds:g} s") from None
    except OSError as exc:  # a connection reset mid-answer
        raise NodeError(f"{endpoint}: {node.scrub(exc.strerror or str(exc))}") from None
    if len(body) > MAX_BODY:
        raise NodeError(f"{endpoint}: answer larger than {MAX_BODY} bytes")
    try:
        answer = json.loads(body)
    except ValueError:
        raise NodeError(f"{endpoint}: the answer is not JSON (not a scrapyd API?)") from None
    if not isinstance(answer, dict):
        raise NodeError(f"{endpoint}: the answer is not a JSON object")
    if answer.get("status") != "ok":
        message = str(answer.get("message", "no message")).strip().splitlines()
        raise NodeError(f"{endpoint}: {node.scrub(message[0] if message else 'error')}")
    return answer


def node_state(
    node: Node, project: str, generic_spider: str, timeout: float, deadline: Deadline | None = None
) -> NodeState:
    """The node's load (daemonstatus.json, every project) and the project's jobs (listjobs.json)."""
    try:
        status = call(node, "daemonstatus.json", timeout, deadline=deadline)
        listed = call(node, "listjobs.json", timeout, query={"project": project}, deadline=deadline)
    except NodeError as exc:
        return NodeState(node.name, error=str(exc), refused=exc.refused)
    jobs: list[Job] = []
    states: tuple[JobState, ...] = ("pending", "running", "finished")
    for state in states:
        entries = listed.get(state)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                jobs.append(Job.from_listjobs(entry, state, generic_spider))
    return NodeState(
        node.name,
        pending=_count(status.get("pending")),
        running=_count(status.get("running")),
        jobs=tuple(jobs),
    )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def node_states(
    nodes: Sequence[Node], project: str, generic_spider: str, timeout: float, deadline: Deadline | None = None
) -> list[NodeState]:
    """Every node asked at once: a node that times out delays the round by one timeout, not one per node."""
    with ThreadPoolExecutor(max_workers=max(1, len(nodes))) as pool:
        return list(
            pool.map(lambda node: node_state(node, project, generic_spider, timeout, deadline), nodes)
        )


def schedule(
    node: Node, project: str, spider: str, job: str, arguments: Mapping[str, str],
    settings: Sequence[str], timeout: float, deadline: Deadline | None = None,
) -> str:  # fmt: skip
    """schedule.json: the job id scrapyd took (NodeError when it did not take the job)."""
    form = [("project", project), ("spider", spider), ("jobid", job), *arguments.items()]
    form += [("setting", setting) for setting in settings]
    answer = call(node, "schedule.json", timeout, form=form, deadline=deadline)
    return str(answer.get("jobid", job))
