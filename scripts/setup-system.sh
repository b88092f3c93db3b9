#!/usr/bin/env bash
# Install the system programs Lectern's stages and tests need, only when missing.
# Fast when everything is there (a few `command -v` checks); uses apt-get as root,
# and prints the exact command otherwise.
set -euo pipefail

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-impress)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)  # the code check's sandbox
command -v node >/dev/null 2>&1 || missing+=(nodejs)  # JavaScript examples run
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation2 ] || missing+=(fonts-liberation2)
[ -e /usr/share/dict/words ] || missing+=(wamerican)  # the pronunciation review's word list

[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "Lectern needs these system packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get update && sudo $cmd" >&2
    exit 1
fi
echo "installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd -qq >/dev/null
