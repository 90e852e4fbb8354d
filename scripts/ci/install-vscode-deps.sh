#!/usr/bin/env bash
# System packages the offline in-editor test launcher needs: Debian's chromium (the browser that
# hosts the VS Code workbench) and libkrb5-dev (code-server's install compiles a native module
# against it). Safe to run repeatedly: apt-get is only called when something is missing.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)

if [ "${#need[@]}" -eq 0 ]; then
  echo "install-vscode-deps: chromium and libkrb5-dev already present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${need[@]}"
