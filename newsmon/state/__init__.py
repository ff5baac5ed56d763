"""Incremental, crash-safe runs: the SQLite state store and the components around it (see the README).

store.py (SQLite), config.py (settings), lock.py (one run at a time), storage.py (durable/atomic feed files),
recovery.py (crashed outputs, rebuild), extension.py (lifecycle, durability ordering), skip.py (skip before
download), conditional.py (hub conditional GET); the cross-run dedupe is newsmon/pipelines/cross_run.py.
protocol.py is what every store offers, redis_store.py the distributed one, backend.py chooses between them.
"""
