#!/usr/bin/env bash
# Man pages generated from each binary's own --help (docs/production.md): cms(1), cms-lint(1), nxr-sim(1), cmsd(8),
# and cms-<command>(1) for every cms subcommand. Usage: scripts/man.sh BUILD_DIR OUT_DIR
set -euo pipefail
bin=${1:?build folder}
out=${2:?output folder}
version=$("$bin/cms" --version)
date=$(date -u +%Y-%m-%d)
mkdir -p "$out/man1" "$out/man8"

# roff from a --help text: NAME from the abstract, the rest as sections (ALL-CAPS lines ending in ':').
render() { # name section help-text-file
  local name=$1 section=$2 file=$3
  python3 - "$name" "$section" "$version" "$date" "$file" <<'PY'
import re, sys
name, section, version, date, path = sys.argv[1:]
text = open(path, encoding="utf-8").read().rstrip("\n").split("\n")
def esc(line):
    line = line.replace("\\", "\\e")
    return ("\\&" + line) if line.startswith((".", "'")) else line
abstract = text[0].removeprefix("OVERVIEW: ").strip() if text else ""
out = [f'.TH "{name.upper()}" "{section}" "{date}" "cms {version}" "cms manual"', ".SH NAME", f"{name} \\- {esc(abstract)}"]
body = text[1:]
for line in body:
    heading = re.fullmatch(r"([A-Z][A-Z ()-]+):\s*(.*)", line)
    if heading and line == line.lstrip():
        out.append(f".SH {heading.group(1)}")
        if heading.group(2):
            out.append(esc(heading.group(2)))
        out.append(".nf")
        continue
    out.append(esc(line) if line.strip() else ".sp")
print("\n".join(out))
PY
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for tool in cms cms-lint nxr-sim; do
  "$bin/$tool" --help > "$tmp/help"
  render "$tool" 1 "$tmp/help" > "$out/man1/$tool.1"
done
"$bin/cmsd" --help > "$tmp/help"
render cmsd 8 "$tmp/help" > "$out/man8/cmsd.8"

# Every cms subcommand, walked through the SUBCOMMANDS sections of the help texts.
walk() { # path...
  local help
  help=$("$bin/cms" "$@" --help)
  printf '%s\n' "$help" | awk '/^SUBCOMMANDS:/{on=1;next} on && /^[^ ]/{on=0} on && /^  [a-z]/{print $1}' |
    while read -r name; do
      [ "$name" = help ] && continue
      echo "$* $name" | sed 's/^ //'
      walk "$@" "$name"
    done
}
walk | while read -r path; do
  # shellcheck disable=SC2086
  "$bin/cms" $path --help > "$tmp/help"
  render "cms-${path// /-}" 1 "$tmp/help" > "$out/man1/cms-${path// /-}.1"
done
echo "man: $(ls "$out/man1" | wc -l) pages in man1, $(ls "$out/man8" | wc -l) in man8"
