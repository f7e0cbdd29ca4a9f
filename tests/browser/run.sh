#!/usr/bin/env bash
# Runs the explorer's browser tests (explorer.test.mjs) in headless Debian
# chromium against LINEAGED_ENDPOINT. Installs playwright-core from
# package-lock.json (never a browser: Debian's /usr/bin/chromium is used).
# Skips (exit 0) without LINEAGED_ENDPOINT; exits non-zero when a test fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
source "$here/../../scripts/lib/common.sh"
# shellcheck source=scripts/lib/deps.sh
source "$ROOT/scripts/lib/deps.sh"

if [[ -z ${LINEAGED_ENDPOINT:-} ]]; then
    echo "browser tests: skipped: LINEAGED_ENDPOINT is not set"
    exit 0
fi
apt_install "${BROWSER_PACKAGES[@]}"
# Node may come from elsewhere than Debian (its npm then ships inside nodejs).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
fi
if [[ ! -f $here/node_modules/playwright-core/package.json ]]; then
    echo "browser tests: installing playwright-core into $here"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
fi

cd "$here"
exec node --test --test-reporter=spec --test-concurrency=1 explorer.test.mjs
