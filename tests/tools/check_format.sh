#!/usr/bin/env bash
# check_format.sh: are the C++ sources formatted as .clang-format says?
#   tests/tools/check_format.sh          list the files clang-format would change; exit 1 if any
#   tests/tools/check_format.sh --fix    reformat those files in place (what `./spe format` runs)
# Files: every tracked *.cpp and *.h under src/ and tests/ (git ls-files; without a
# git checkout, every such file on disk), except node_modules/ and third_party/.
# The style is clang-format 14's (Debian 12); another major version may format a
# few constructs differently, so the check says which version it ran.
# Exit: 0 formatted (or fixed), 1 files differ, 2 clang-format missing or failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLANG_FORMAT="${CLANG_FORMAT:-clang-format}"
cd "$ROOT"

fix=0
case "${1:-}" in
  "") ;;
  --fix) fix=1 ;;
  *) echo "usage: $0 [--fix]" >&2; exit 2 ;;
esac

if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
  echo "check_format: $CLANG_FORMAT is not installed (Debian: apt-get install clang-format, or ./spe setup)" >&2
  exit 2
fi
version="$("$CLANG_FORMAT" --version)"
if [[ ! "$version" =~ version\ 14\. ]]; then
  echo "check_format: note: the style is set for clang-format 14 (Debian 12); this is: $version" >&2
fi

sources() {
  if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$ROOT" ls-files -z -- 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h'
  else
    find src tests -type f \( -name '*.cpp' -o -name '*.h' \) -print0
  fi | tr '\0' '\n' | { grep -v -E '(^|/)(node_modules|third_party)/' || true; } | while IFS= read -r f; do
    if [[ -f "$f" ]]; then printf '%s\0' "$f"; fi  # tracked but deleted in the work tree: skip
  done
}

# clang-format --dry-run --Werror reports each difference as
# "FILE:LINE:COL: error: code should be clang-formatted"; keep the file names.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
sources | xargs -0 -r -n 50 "$CLANG_FORMAT" --style=file --dry-run --Werror >/dev/null 2>"$log" || status=$?
mapfile -t differ < <(sed -n 's/^\(.*\):[0-9][0-9]*:[0-9][0-9]*: error: code should be clang-formatted.*/\1/p' "$log" | sort -u)
if [[ $status -ne 0 && ${#differ[@]} -eq 0 ]]; then
  cat "$log" >&2
  echo "check_format: $CLANG_FORMAT failed (exit $status)" >&2
  exit 2
fi

if [[ ${#differ[@]} -eq 0 ]]; then
  [[ $fix -eq 1 ]] && echo "check_format: every file is formatted already" >&2
  exit 0
fi

if [[ $fix -eq 1 ]]; then
  # Only the files that differ: the others keep their timestamps (no rebuild).
  "$CLANG_FORMAT" --style=file -i "${differ[@]}"
  echo "check_format: reformatted ${#differ[@]} file(s):" >&2
  printf '  %s\n' "${differ[@]}" >&2
  exit 0
fi

echo "check_format: ${#differ[@]} file(s) are not formatted as .clang-format says:" >&2
printf '  %s\n' "${differ[@]}" >&2
echo "Fix: ./spe format   (runs clang-format -i on these files; see one with: clang-format --dry-run FILE)" >&2
exit 1
