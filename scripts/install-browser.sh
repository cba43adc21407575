#!/usr/bin/env bash
# Install the headless browser of the browser tests (tests/test_browser.py): Debian's
# chromium package, and poppler-utils (pdfinfo, pdftotext, pdfimages) with which the
# print test reads the PDF Chromium prints; nothing downloaded from elsewhere.
# Idempotent: does nothing when both are already there ($CHROMIUM, else
# /usr/bin/chromium; pdfinfo on the PATH).
#
#   bash scripts/install-browser.sh          # as root: apt-get update && apt-get install
#   CHROMIUM=/path/to/chromium bash ...      # use another binary, install nothing
#
# Without root (and without sudo that needs no password) it prints the command to run
# and exits 0: the browser tests are then skipped, with their reason.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ] && command -v pdfinfo >/dev/null 2>&1; then
    echo "install-browser: Chromium ($CHROMIUM) and poppler-utils already installed"
    exit 0
fi
PACKAGES=()
[ -x "$CHROMIUM" ] || PACKAGES+=(chromium)
command -v pdfinfo >/dev/null 2>&1 || PACKAGES+=(poppler-utils)

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get on this machine; install Chromium yourself and set" \
         "CHROMIUM=/path/to/chromium (browser tests are skipped until then)" >&2
    exit 0
fi

run_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 10
    fi
}

export DEBIAN_FRONTEND=noninteractive
if run_as_root true; then
    echo "install-browser: installing Debian's ${PACKAGES[*]}"
    run_as_root apt-get update -qq
    run_as_root apt-get install -y -qq "${PACKAGES[@]}" >/dev/null
    if [ -x "$CHROMIUM" ]; then
        echo "install-browser: $("$CHROMIUM" --version 2>/dev/null | tail -n 1)"
        exit 0
    fi
    echo "install-browser: chromium installed but $CHROMIUM is missing" >&2
    exit 1
fi

echo "install-browser: not root; to run the browser tests, run as root:" >&2
echo "    apt-get update && apt-get install -y ${PACKAGES[*]}" >&2
exit 0
