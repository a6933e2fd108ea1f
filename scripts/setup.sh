#!/usr/bin/env bash
# Installs the Debian packages cms needs to build and test, only when missing.
# Idempotent: safe to run before every `make test`.
set -euo pipefail

PKGS=(
  pkg-config
  curl               # demo talks to the simulator's control API
  libssh2-1-dev      # NETCONF client transport (DESIGN §4)
  libgit2-dev        # git source for cms-lint --rev and cmsd
  libxml2-dev        # hardened XML for NETCONF
  libsqlite3-dev     # event log / state store (GRDB)
  openssh-server     # real sshd peer in tests
  openssh-client
  netconfd           # yuma123 NETCONF server peer in tests
  libyang2-tools     # yanglint for schemas/nxr.yang
  python3-ncclient   # independent NETCONF client checking nxr-sim
  python3-jsonschema # independent JSON Schema validator for schemas/
  python3-yaml
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: system packages ready"
