# shellcheck shell=bash disable=SC2034 # sourced; its variables are for the caller
# Installs what the build and the tests need, from Debian only, and only what
# is missing: a fresh machine (CI) has nothing installed by hand. Sourced.

BUILD_PACKAGES=(build-essential cmake pkg-config libevent-dev libcjson-dev libcriterion-dev
    libgraphviz-dev libpcre2-dev libssl-dev libpq-dev)
PG_PACKAGES=(postgresql-15 postgresql-client-15)
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev) # libFuzzer and the sanitizers for clang
BROWSER_PACKAGES=(chromium) # tests/browser: the headless browser playwright-core drives

APT_UPDATED=0

pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# apt_install PKG...: installs the missing ones; apt-get update runs once per
# script, only when something is missing. Non-interactive: CI has no terminal.
apt_install() {
    local missing=() p sudo=()
    for p in "$@"; do
        pkg_installed "$p" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    if ! is_root; then
        command -v sudo >/dev/null || die "missing packages: ${missing[*]} (install them as root)"
        sudo=(sudo)
    fi
    log "installing ${missing[*]}"
    if ((!APT_UPDATED)); then
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
        APT_UPDATED=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# ensure_python_boto3: makes `python3` on PATH one that imports boto3. The
# image's pyenv python has it; otherwise Debian's python3-boto3, with /usr/bin
# put first so the tests' own `python3` and `aws` calls agree with ours.
ensure_python_boto3() {
    apt_install python3
    if python3 -c 'import boto3' >/dev/null 2>&1; then
        return 0
    fi
    warn "$(command -v python3) cannot import boto3; using Debian's python3-boto3"
    apt_install python3-boto3
    PATH=/usr/bin:$PATH
    export PATH
    python3 -c 'import boto3' || die "python3 still cannot import boto3"
}

# ensure_aws_cli: the conformance tests drive the AWS CLI too.
ensure_aws_cli() {
    if aws --version >/dev/null 2>&1; then
        return 0
    fi
    apt_install awscli
    aws --version >/dev/null ||
        die "\`aws\` on PATH ($(command -v aws)) does not run, though /usr/bin/aws is installed"
}
