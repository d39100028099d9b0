#!/usr/bin/env bash
# run_clang_tidy.sh: run clang-tidy (checks in .clang-tidy) over the build's sources.
#   tests/tools/run_clang_tidy.sh                 every C++ file of src/ and tests/ in the build
#   tests/tools/run_clang_tidy.sh src/index       only files whose path matches these regexes
# Environment: SPE_BUILD_DIR (./build/release, must be configured), TIDY_JOBS (1).
# The build's compile_commands.json cannot be used as is: its precompiled headers
# are GCC's (.gch, which clang refuses) and it passes GCC-only warning flags. This
# writes a copy without them to <build>/clang-tidy/ and runs run-clang-tidy on it.
# Slow: about 20 s a file on 2 cores, an hour for the tree at -j1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${SPE_BUILD_DIR:-$ROOT/build/release}"
[[ -f "$BUILD_DIR/compile_commands.json" ]] || {
  echo "run_clang_tidy: no $BUILD_DIR/compile_commands.json; configure first (./spe setup)" >&2
  exit 2
}
command -v run-clang-tidy >/dev/null 2>&1 || {
  echo "run_clang_tidy: run-clang-tidy is missing (Debian: apt-get install clang-tidy, or ./spe setup)" >&2
  exit 2
}

DB_DIR="$BUILD_DIR/clang-tidy"
mkdir -p "$DB_DIR"
python3 - "$BUILD_DIR/compile_commands.json" "$DB_DIR/compile_commands.json" "$ROOT" <<'EOF'
import json, shlex, sys
source, target, root = sys.argv[1], sys.argv[2], sys.argv[3]
gcc_only = {"-Winvalid-pch", "-Wno-maybe-uninitialized", "-Wno-mismatched-new-delete"}
out = []
for entry in json.load(open(source)):
    f = entry["file"]
    # Only the project's own sources; not CMake's PCH stubs nor generated files.
    if "cmake_pch" in f or not (f.startswith(root + "/src/") or f.startswith(root + "/tests/")):
        continue
    args = shlex.split(entry["command"]) if "command" in entry else entry["arguments"]
    kept, skip = [], False
    for i, a in enumerate(args):
        if skip:
            skip = False
        elif a == "-include" and i + 1 < len(args) and "cmake_pch" in args[i + 1]:
            skip = True  # -include <build>/.../cmake_pch.hxx: GCC's .gch beside it
        elif a not in gcc_only:
            kept.append(a)
    out.append({"directory": entry["directory"], "file": f, "command": shlex.join(kept)})
json.dump(out, open(target, "w"), indent=1)
EOF

if [[ $# -eq 0 ]]; then set -- "$ROOT/(src|tests)/"; fi
exec nice run-clang-tidy -quiet -p "$DB_DIR" -j "${TIDY_JOBS:-1}" "$@"
