#!/usr/bin/env bash
# Installs the heavy tools that tests and `npm start` need but that do not belong in node_modules:
# Node 24 (for code-server and the conformance runner), the VS Code server build from code-server,
# and Debian's Chromium. Everything lands in a cache outside the repo, so repeated runs are fast and a
# fresh machine still succeeds from nothing. Prints nothing but progress; safe to run concurrently-ish
# (a lock file serialises it).
set -euo pipefail

TOOLS_DIR="${MCP_TOOLS_DIR:-$HOME/.cache/mcp-connections-tools}"
NODE24_VERSION="24.9.0"
CODE_SERVER_VERSION="4.139.1"
CONFORMANCE_VERSION="0.1.16"
mkdir -p "$TOOLS_DIR"
exec 9>"$TOOLS_DIR/.lock"
flock 9

say() { echo "[install-tools] $*"; }

# Run from an npm script, this shell inherits the outer npm's npm_* variables; nested installs would
# take them as config (code-server's postinstall reads npm_config_user_agent and sees the outer Node).
while IFS='=' read -r name _; do
  case "$name" in npm_*) unset "$name" ;; esac
done < <(env)
want="${1:-all}"   # all | node24 | conformance | vscode

node24="$TOOLS_DIR/node24/node_modules/node/bin/node"
if [ ! -x "$node24" ] || [ "$("$node24" --version)" != "v$NODE24_VERSION" ]; then
  say "installing Node $NODE24_VERSION from the npm registry"
  npm install --prefix "$TOOLS_DIR/node24" --no-save --no-audit --no-fund "node@$NODE24_VERSION" >/dev/null
fi
NODE24_BIN="$(dirname "$(readlink -f "$node24")")"
export PATH="$NODE24_BIN:$PATH"

if [ "$want" = all ] || [ "$want" = conformance ]; then
  if [ ! -f "$TOOLS_DIR/conformance/node_modules/@modelcontextprotocol/conformance/package.json" ] ||
     ! grep -q "\"version\": \"$CONFORMANCE_VERSION\"" "$TOOLS_DIR/conformance/node_modules/@modelcontextprotocol/conformance/package.json"; then
    say "installing @modelcontextprotocol/conformance@$CONFORMANCE_VERSION"
    npm install --prefix "$TOOLS_DIR/conformance" --no-save --no-audit --no-fund "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" >/dev/null
  fi
fi

if [ "$want" = all ] || [ "$want" = vscode ]; then
  if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
    say "installing Debian packages: chromium libkrb5-dev"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium libkrb5-dev >/dev/null
  fi
  cs="$TOOLS_DIR/code-server/node_modules/code-server"
  if [ ! -f "$cs/lib/vscode/out/server-main.js" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$cs/package.json"; then
    say "installing code-server $CODE_SERVER_VERSION (builds native modules; about 5 minutes on 2 cores)"
    npm install --prefix "$TOOLS_DIR/code-server" --no-save --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >/dev/null
  fi
fi
say "tools ready in $TOOLS_DIR"
