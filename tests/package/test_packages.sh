#!/usr/bin/env bash
# The Debian packages, installed for real (docs/packages.md "Test"):
#
#  1. cpack builds the packages from the build directory;
#  2. debootstrap makes a clean Debian 12 root from Debian's mirror (the
#     host's apt source), with systemd, python3 and curl;
#  3. apt, in a chroot, fetches what the packages depend on (nothing is
#     installed yet: the container has no network of its own);
#  4. systemd-nspawn --boot starts the root with systemd as PID 1 and a
#     private network (loopback only: no port of the host is taken);
#     --register=no --keep-unit because the host itself runs no systemd;
#  5. inside: apt install ./*.deb (the maintainer scripts run with systemd
#     up: users, directories, configuration, pairing, units started), the
#     three units active with their sandboxing, /health of each role, the
#     e2e smoke test (tests/e2e/smoke.py), systemctl reload, then apt remove
#     and apt purge and what each leaves.
#
# Needs root, debootstrap and systemd-nspawn (./spe setup installs them);
# without them it says why and exits 77 (ctest: skipped).
#   test_packages.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

BUILD="$(realpath "$1")"
SRC="$(realpath "$2")"
WORK="$(mktemp -d /var/tmp/spe-package-test.XXXXXX)"
ROOTFS="$WORK/root"
NSPAWN_PID=""
say() { printf 'package test: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

if [[ $(id -u) -ne 0 ]]; then say "skipped: needs root (debootstrap, systemd-nspawn)"; exit 77; fi
for tool in debootstrap systemd-nspawn nsenter cpack; do
  command -v "$tool" >/dev/null || { say "skipped: $tool is missing (./spe setup installs it)"; exit 77; }
done

cleanup() {
  local status=$?
  if [[ -n "$NSPAWN_PID" ]] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
    container systemctl poweroff >/dev/null 2>&1 || true
    for _ in $(seq 1 60); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL "$NSPAWN_PID" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -f "$WORK/nspawn.log" ]]; then
    say "the container's console (last lines):"
    tail -n 40 "$WORK/nspawn.log" >&2 || true
  fi
  if [[ -z "${SPE_KEEP_TEST_DIRS:-}" ]]; then rm -rf "$WORK"; else say "kept $WORK"; fi
}
trap cleanup EXIT

# A command in the running container (its PID 1's namespaces).
container() { nsenter --target "$CONTAINER_INIT" --all -- env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

say "building the packages (cpack)"
rm -rf "$BUILD/../packages"
(cd "$BUILD" && cpack -G DEB >"$WORK/cpack.log" 2>&1) || { tail -n 40 "$WORK/cpack.log" >&2; fail "cpack"; }
mapfile -t DEBS < <(ls "$BUILD/../packages/"*.deb)
[[ ${#DEBS[@]} -eq 5 ]] || fail "expected 5 packages, got: ${DEBS[*]}"
for name in spe spe-management spe-instancehost spe-cas spe-cli; do
  ls "$BUILD/../packages/${name}_"*.deb >/dev/null 2>&1 || fail "no package $name"
done
VERSION="$(dpkg-deb -f "$(ls "$BUILD/../packages/spe-management_"*.deb)" Version)"
say "packages of version $VERSION: $(cd "$BUILD/../packages" && echo *.deb)"
# Library dependencies come from dpkg-shlibdeps, not from a list of ours.
dpkg-deb -f "$(ls "$BUILD/../packages/spe-instancehost_"*.deb)" Depends | grep -q libxapian \
  || fail "spe-instancehost does not depend on Debian's Xapian library"

MIRROR="$( { sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources; awk '$1 == "deb" { print $2 }' /etc/apt/sources.list; } \
  2>/dev/null | tr ' ' '\n' | grep -E '^https?://.*/debian/?$' | head -n 1 || true)"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
# SPE_PACKAGE_TEST_CACHE (a directory; for repeated runs by hand): the
# debootstrap result is kept there as a tar and used again.
CACHE_TAR="${SPE_PACKAGE_TEST_CACHE:+$SPE_PACKAGE_TEST_CACHE/bookworm-minbase.tar}"
if [[ -n "$CACHE_TAR" && -f "$CACHE_TAR" ]]; then
  say "the Debian root from $CACHE_TAR"
  mkdir -p "$ROOTFS" && tar -xf "$CACHE_TAR" -C "$ROOTFS"
else
  say "debootstrap bookworm from $MIRROR"
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,python3,curl,ca-certificates,iproute2 \
    bookworm "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || { tail -n 30 "$WORK/debootstrap.log" >&2; fail "debootstrap"; }
  if [[ -n "$CACHE_TAR" ]]; then mkdir -p "$SPE_PACKAGE_TEST_CACHE" && tar -cf "$CACHE_TAR" -C "$ROOTFS" .; fi
fi

# A machine whose sandbox forbids containers cannot run this test: said, and skipped.
if ! systemd-nspawn --register=no --keep-unit --quiet -D "$ROOTFS" /bin/true >"$WORK/nspawn-probe.log" 2>&1; then
  say "skipped: systemd-nspawn cannot start a container on this machine: $(tail -n 1 "$WORK/nspawn-probe.log")"
  exit 77
fi
mkdir -p "$ROOTFS/root/packages" "$ROOTFS/root/smoke"
cp "${DEBS[@]}" "$ROOTFS/root/packages/"
cp "$SRC/tests/e2e/smoke.py" "$SRC/tests/e2e/harness.py" "$SRC/tests/e2e/mailgen.py" "$ROOTFS/root/smoke/"
echo "spe-package-test" >"$ROOTFS/etc/hostname"
# What Debian's installer writes and debootstrap does not: localhost resolves.
printf '127.0.0.1\tlocalhost\n127.0.1.1\tspe-package-test\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOTFS/etc/hosts"

say "fetching the packages' dependencies (chroot, network of the host)"
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
chroot "$ROOTFS" apt-get update -q >"$WORK/apt-update.log" 2>&1 || { tail -n 20 "$WORK/apt-update.log" >&2; fail "apt-get update"; }
chroot "$ROOTFS" sh -c 'apt-get install -y -q --download-only /root/packages/*.deb' >"$WORK/apt-download.log" 2>&1 \
  || { tail -n 30 "$WORK/apt-download.log" >&2; fail "apt-get --download-only"; }

say "booting the root (systemd-nspawn --boot, private network)"
systemd-nspawn --register=no --keep-unit --private-network --quiet --boot -D "$ROOTFS" >"$WORK/nspawn.log" 2>&1 &
NSPAWN_PID=$!
CONTAINER_INIT=""
for _ in $(seq 1 120); do
  # systemd is nspawn's child, or its grandchild (depending on nspawn's options).
  CONTAINER_INIT="$(pgrep -P "$NSPAWN_PID" -x systemd | head -n 1 || true)"
  for inner in $(pgrep -P "$NSPAWN_PID" || true); do
    [[ -n "$CONTAINER_INIT" ]] || CONTAINER_INIT="$(pgrep -P "$inner" -x systemd | head -n 1 || true)"
  done
  [[ -n "$CONTAINER_INIT" ]] && break
  sleep 1
done
[[ -n "$CONTAINER_INIT" ]] || fail "the container's systemd did not start"
for _ in $(seq 1 120); do
  state="$(container systemctl is-system-running 2>/dev/null || true)"
  [[ "$state" == running || "$state" == degraded ]] && break
  sleep 1
done
say "container up ($state), systemd is PID $CONTAINER_INIT on the host"

say "apt install ./build/packages/*.deb (inside, no network)"
container sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q /root/packages/*.deb' \
  >"$WORK/install.log" 2>&1 || { tail -n 60 "$WORK/install.log" >&2; fail "apt install"; }
grep -q "SPE runs in single server mode" "$WORK/install.log" || { cat "$WORK/install.log" >&2; fail "no words from the spe package"; }
grep -q "initial-admin-password" "$WORK/install.log" || fail "the install did not say where the password is"

for unit in spe-management spe-instancehost spe-cas; do
  for _ in $(seq 1 60); do
    [[ "$(container systemctl is-active "$unit" || true)" == active ]] && break
    sleep 1
  done
  [[ "$(container systemctl is-active "$unit" || true)" == active ]] \
    || { container journalctl -u "$unit" --no-pager -n 40 >&2 || true; fail "$unit is not active"; }
  user="$(container systemctl show -p User --value "$unit")"
  [[ "$user" == "$unit" ]] || fail "$unit runs as '$user'"
  pid="$(container systemctl show -p MainPID --value "$unit")"
  owner="$(container stat -c %U "/proc/$pid")"
  [[ "$owner" == "$unit" ]] || fail "$unit's process $pid belongs to '$owner'"
  [[ "$(container systemctl show -p Type --value "$unit")" == notify ]] || fail "$unit is not Type=notify"
  [[ "$(container systemctl show -p NoNewPrivileges --value "$unit")" == yes ]] || fail "$unit may gain privileges"
  [[ "$(container systemctl show -p ProtectSystem --value "$unit")" == strict ]] || fail "$unit: ProtectSystem"
done
caps="$(container systemctl show -p CapabilityBoundingSet --value spe-cas)"
[[ "$caps" == cap_net_bind_service ]] || fail "spe-cas's capabilities: '$caps'"
caps="$(container systemctl show -p CapabilityBoundingSet --value spe-management)"
[[ -z "$caps" ]] || fail "spe-management's capabilities: '$caps'"
# The CAS, not root, holds 443.
container ss -ltnpH 'sport = :443' | grep -q spe-cas || fail "nothing of spe-cas listens on 443"
say "three units active as their own users, sandboxed; the CAS on 443 with CAP_NET_BIND_SERVICE only"

for port in 9470 9472 9473; do
  for _ in $(seq 1 60); do
    body="$(container curl -sk "https://127.0.0.1:$port/health" || true)"
    [[ "$body" == *'"status":"ok"'* ]] && break
    sleep 1
  done
  [[ "$body" == *'"status":"ok"'* ]] || fail "/health on $port: $body"
done
say "/health ok on 9470, 9472, 9473"

say "the e2e smoke test, inside"
container sh -c "cd /root/smoke && python3 smoke.py --password-file /var/lib/spe/management/initial-admin-password --version $VERSION" \
  || { container journalctl -u spe-instancehost -u spe-cas --no-pager -n 60 >&2 || true; fail "smoke test"; }

say "systemctl reload"
pid_before="$(container systemctl show -p MainPID --value spe-cas)"
container systemctl reload spe-cas
[[ "$(container systemctl is-active spe-cas)" == active ]] || fail "spe-cas after reload"
[[ "$(container systemctl show -p MainPID --value spe-cas)" == "$pid_before" ]] || fail "reload restarted spe-cas"
for _ in $(seq 1 30); do
  container journalctl -u spe-cas --no-pager | grep -q "reload: log level" && break
  sleep 1
done
container journalctl -u spe-cas --no-pager | grep -q "reload: log level" || fail "spe-cas did not reload"

say "apt remove, then apt purge"
container apt-get remove -y -q spe spe-management spe-instancehost spe-cas spe-cli >"$WORK/remove.log" 2>&1 \
  || { tail -n 30 "$WORK/remove.log" >&2; fail "apt remove"; }
for unit in spe-management spe-instancehost spe-cas; do
  [[ "$(container systemctl is-active "$unit" || true)" != active ]] || fail "$unit still runs after remove"
done
container test -f /etc/spe/cas.json || fail "remove took the configuration"
# spe and spe-cli have nothing left to purge after remove (no configuration of theirs).
container apt-get purge -y -q spe-management spe-instancehost spe-cas >"$WORK/purge.log" 2>&1 \
  || { tail -n 30 "$WORK/purge.log" >&2; fail "apt purge"; }
if container test -e /etc/spe; then fail "purge left /etc/spe"; fi
if container test -e /lib/systemd/system/spe-cas.service; then fail "purge left the unit"; fi
container test -d /var/lib/spe/instances/smoke || fail "purge took the archives (they stay: docs/packages.md)"
say "PASSED"
