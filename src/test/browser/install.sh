#!/usr/bin/env bash
# Puts the browser check (console-check.mjs) and its one npm package, playwright-core as pinned by package-lock.json,
# into target/browser. Idempotent: npm ci runs only when the lock file differs from the one last installed there.
# Playwright drives the system's chromium (Debian package "chromium"); it downloads no browser of its own.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${1:-$here/../../../target/browser}"
mkdir -p "$dest"
cp "$here/package.json" "$here/package-lock.json" "$here/console-check.mjs" "$dest/"
if ! command -v npm >/dev/null 2>&1; then
    echo "[browser] npm is missing: apt-get install nodejs npm (or skip the browser test with -Dcrossbank.browser.skip=true)" >&2
    exit 1
fi
if cmp -s "$here/package-lock.json" "$dest/node_modules/.crossbank-installed-lock" 2>/dev/null; then
    echo "[browser] playwright-core already installed in $dest"
    exit 0
fi
cd "$dest"
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json node_modules/.crossbank-installed-lock
echo "[browser] installed $(node -p 'require("playwright-core/package.json").version' 2>/dev/null || echo '?') playwright-core in $dest"
