#!/usr/bin/env bash
# Set up everything the tests need on a bare machine, then run the whole suite.
#   - system packages (Debian's Chromium for the browser tests, Noto CJK fonts for PDFs and charts):
#     installed when running as root, else the apt-get line to run is printed;
#   - PostgreSQL (127.0.0.1:5432): started when it is installed but down;
#   - the Python dependencies (pip install -e '.[test]');
#   - then pytest on two workers. Extra arguments go to pytest (e.g. scripts/test.sh tests/test_jobs.py).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
has_package() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || has_package fonts-noto-cjk || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The tests need these system packages. Install them (as root), then run this again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "installing ${need[*]} …"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
    echo "starting PostgreSQL …"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 60); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && [ -z "${KECHUANG_TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432 and KECHUANG_TEST_POSTGRES_URL is not set." >&2
  echo "Start it, point KECHUANG_TEST_POSTGRES_URL at a server, or run SQLite only:" >&2
  echo "  KECHUANG_TEST_BACKENDS=sqlite scripts/test.sh" >&2
  [ "${KECHUANG_TEST_BACKENDS:-}" = "sqlite" ] || exit 1
fi

python -m pip install -q -e '.[test]'
exec python -m pytest -n 2 "$@"
