#!/bin/sh
# Sanitizer reports of a ctest run in a sanitizer build (CTestCustom.cmake,
# written by cmake/Sanitizers.cmake, runs this before and after the tests).
#
#   check_reports.sh clear REPORT_DIR         before: an empty REPORT_DIR
#   check_reports.sh check REPORT_DIR TEST_LOG_DIR   after: print every report, fail if any
#
# The test presets send ASan, LSan and TSan reports to files in REPORT_DIR
# (log_path), so a report of a child process (spe-instance under the
# supervisor test, whose stderr only reaches the host's log, or a leak found
# when it exits after a stop, which fails no test by itself) fails the run
# like one of a test process. UBSan (GCC's runtime) ignores log_path and
# writes to stderr: a test's output (ctest's LastTest log, which includes
# passing tests and the host's copy of its children's stderr) is searched for
# its "runtime error:" lines.
set -u
mode=$1 dir=$2
case $mode in
  clear)
    rm -rf "$dir" && mkdir -p "$dir" ;;
  check)
    found=0
    for f in "$dir"/*; do
      [ -f "$f" ] || continue
      found=1
      echo "==== sanitizer report: $f"
      cat "$f"
    done
    # ctest writes the running log as LastTest*.log.tmp and renames it when
    # it ends, after this check (LastTest.log is the previous run's).
    for log in "${3:-/nonexistent}"/LastTest*.log.tmp; do
      [ -f "$log" ] || continue
      if grep -q ': runtime error: ' "$log"; then
        found=1
        echo "==== UBSan reports in $log:"
        grep -n -A3 ': runtime error: ' "$log" | head -n 200
      fi
    done
    if [ $found -ne 0 ]; then
      echo "check_reports.sh: sanitizer reports above (also in $dir); the run fails." >&2
      exit 1
    fi ;;
  *) echo "usage: check_reports.sh clear|check DIR [TEST_LOG_DIR]" >&2; exit 2 ;;
esac
