#!/usr/bin/env bash
# Installs the Debian packages apdocs needs and lacks. Usage: system-packages.sh run|test
#   run:  LibreOffice (Writer, no GUI) with the UNO bridge and metric-compatible fonts; Node.js + npm
#   test: the same, plus the PostgreSQL and Redis servers the test suite runs against, and Debian's Chromium with its
#         chromedriver for the real-browser suite (tests/browser: Selenium drives them; no browser is downloaded)
# Installs with apt-get only when something is missing and we are root; otherwise says what to install.
set -euo pipefail
mode="${1:-run}"
packages=(libreoffice-writer-nogui python3-uno fonts-crosextra-carlito fonts-crosextra-caladea
          fonts-liberation2 fonts-dejavu-core fonts-symbola nodejs npm)
if [ "$mode" = "test" ]; then
  packages+=(postgresql redis-server poppler-utils chromium chromium-driver)
fi
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    # node and npm may come from elsewhere than Debian (nvm, NodeSource): accept them on PATH
    case "$package" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "apdocs needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  # Tests must never run without them; serving can start (documents will not convert until installed).
  [ "$mode" = "test" ] && exit 1
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
