#!/usr/bin/env bash
# Install the Debian packages the suite and the demo need, when missing. One list for `make install` and
# CI: make and python3-venv (the venv), chromium (STEALTHY tier), redis-server (distributed-mode tests),
# util-linux, curl and logrotate (the deploy tests: cron's flock, scrapyd's curl line, log rotation),
# nginx (`make bench`: the plain-crawl benchmark serves its static replica with it), postgresql (the
# PostgreSQL sink's tests start a throwaway server from its binaries).
# Needs root or passwordless sudo; otherwise it says what to install (the tests that need it are skipped).
# --strict (CI): a package that cannot be installed is an error.
set -euo pipefail
strict=false
[ "${1:-}" = "--strict" ] && strict=true

have() {
  case "$1" in
    python3-venv) python3 -c 'import venv, ensurepip' >/dev/null 2>&1 ;;
    util-linux) command -v flock >/dev/null 2>&1 ;;
    nginx) [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 ;;
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for package in make python3-venv chromium redis-server util-linux curl logrotate nginx postgresql; do
  have "$package" || missing+=("$package")
done
((${#missing[@]})) || exit 0

if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && { $strict || sudo -n true 2>/dev/null; }; then
  sudo="sudo"
  $strict || sudo="sudo -n"
else
  echo "newsmon: please install: apt-get install -y ${missing[*]} (tests that need them are skipped)" >&2
  $strict && exit 1
  exit 0
fi
echo "newsmon: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
