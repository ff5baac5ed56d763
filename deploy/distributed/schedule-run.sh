#!/usr/bin/env bash
# Schedule one distributed newsmon run on every scrapyd node: the same spider, the same NEWSMON_RUN_ID.
#
#   deploy/distributed/schedule-run.sh euromaidan                 # run id: the current UTC hour
#   NEWSMON_RUN_ID=20260301T07-retry deploy/distributed/schedule-run.sh euromaidan
#
# NODES: the scrapyd API of each node, here through SSH tunnels opened beforehand
#   (ssh -fNL 6801:127.0.0.1:6800 node-a; ssh -fNL 6802:127.0.0.1:6800 node-b).
# NETRC: curl's credentials file with the scrapyd user and password of the nodes (mode 0600).
set -euo pipefail

spider=${1:?usage: schedule-run.sh SPIDER}
run_id=${NEWSMON_RUN_ID:-$(date -u +%Y%m%dT%H)}
nodes=(${NODES:-http://127.0.0.1:6801 http://127.0.0.1:6802})
netrc=${NETRC:-/etc/newsmon/scrapyd.netrc}

for node in "${nodes[@]}"; do
  echo "run $run_id of $spider on $node:"
  curl -fsS --netrc-file "$netrc" "$node/schedule.json" \
    -d project=newsmon -d spider="$spider" \
    -d setting=NEWSMON_BACKEND=redis \
    -d setting=NEWSMON_RUN_ID="$run_id"
  echo
done
