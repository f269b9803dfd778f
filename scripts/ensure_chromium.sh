#!/usr/bin/env bash
# Make sure Debian's headless-capable Chromium is installed: the backtest report test
# opens the HTML page in it. Idempotent: does nothing when `chromium` is already on PATH.
# Installing needs root (or sudo) and the Debian package mirrors.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    echo "chromium is installed: $(chromium --version 2>/dev/null || echo 'version unknown')"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "chromium is missing and this user cannot install packages: run 'apt-get install -y chromium' as root." >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing and apt-get is not available: install Chromium with your system's package manager." >&2
    exit 1
fi

echo "==> Installing chromium with apt-get (for the headless backtest report test)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium installed: $(chromium --version 2>/dev/null || echo 'version unknown')"
