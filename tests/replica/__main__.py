"""`python -m tests.replica`: serve the default replica until killed, announcing its URL on one flushed line."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from .model import FEED_MODES
from .server import ReplicaServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.replica", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default 0: any free port)")
    parser.add_argument("--feed-mode", default="ok", choices=FEED_MODES, help="how /feed/ answers")
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with ReplicaServer(feed_mode=args.feed_mode, host=args.host, port=args.port) as replica:
        print(f"replica serving at {replica.base_url}", flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
