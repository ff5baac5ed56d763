#!/usr/bin/env bash
# Install the Debian packages the test suite and the demo need, when missing: chromium (STEALTHY tier),
# redis-server (the distributed-mode tests start their own).
# Needs root or passwordless sudo; otherwise it says what to install and leaves the decision to you.
set -euo pipefail

declare -A binary=([chromium]=chromium [redis-server]=redis-server)
missing=()
for package in "${!binary[@]}"; do
  command -v "${binary[$package]}" >/dev/null 2>&1 || missing+=("$package")
done
((${#missing[@]})) || exit 0

if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "newsmon: please install: apt-get install -y ${missing[*]} (browser and Redis tests are skipped without them)" >&2
  exit 0
fi
echo "newsmon: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
