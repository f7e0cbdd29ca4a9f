#!/usr/bin/env bash
# Runs test_sdk_js.mjs (the experiment workflow through the AWS SDK for JavaScript v3)
# against LINEAGED_ENDPOINT. Installs @aws-sdk/client-sagemaker from js/package-lock.json
# into js/node_modules when it is missing. Installs Debian's nodejs and npm when
# missing. Skips (exit 0) without LINEAGED_ENDPOINT; exits non-zero when a test fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
js="$here/js"

if [[ -z ${LINEAGED_ENDPOINT:-} ]]; then
    echo "test_sdk_js: skipped: LINEAGED_ENDPOINT is not set"
    exit 0
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "test_sdk_js: installing Debian's nodejs and npm"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
fi

if [[ ! -f $js/node_modules/@aws-sdk/client-sagemaker/package.json ]]; then
    echo "test_sdk_js: installing @aws-sdk/client-sagemaker into $js"
    npm ci --prefix "$js" --no-audit --no-fund --loglevel=error
fi

cd "$here"
exec node --test-reporter=spec test_sdk_js.mjs
