#!/usr/bin/env bash
# Smoke test of the Windows installer under Wine in Xvfb (run by .ci/run after build.sh):
# install silently per user, start the installed Yuva on a demo registry, check that the
# window is alive, not blank and answers a click, solve an instance with yuva.exe and compare
# the plan's objective with the Linux build's, upgrade in place (the data stays), uninstall.
# Prints the time from installer start to first frame. Screenshots go to target/windows/.
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=(wine wine64 xvfb xdotool imagemagick gcc-mingw-w64-x86-64 python3)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
out=$(realpath target/windows)
setup="$out/yuva-setup-$version.exe"
linux_yuva=${LINUX_YUVA:-target/debug/yuva}
[ -f "$setup" ] || { echo "smoke-test: $setup missing: run packaging/windows/build.sh" >&2; exit 1; }
[ -x "$linux_yuva" ] || cargo build --locked
work=$(mktemp -d)
# The registry's passphrase and the administrator's password (synthetic; Wine passes the
# environment to yuva.exe).
export YUVA_PASSPHRASE="smoke-test passphrase" YUVA_USER=admin YUVA_PASSWORD="smoke-test-password"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64
export DISPLAY=:${SMOKE_DISPLAY:-97}
cleanup() {
  pkill -f "yuva.exe" 2> /dev/null || true
  wineserver -k 2> /dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "smoke-test: FAILED: $*" >&2; exit 1; }

Xvfb "$DISPLAY" -screen 0 1400x900x24 > /dev/null 2>&1 &
xvfb_pid=$!
wine wineboot --init > /dev/null 2>&1
wineserver -w
# Wine 8 lacks ProcessPrng (real Windows 10/11 have it): a test-only stand-in DLL.
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" \
  packaging/windows/wine/process_prng.c packaging/windows/wine/bcryptprimitives.def -lbcrypt
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
export WINEDLLOVERRIDES="bcryptprimitives=n,b"

user_dir=$(ls -d "$WINEPREFIX/drive_c/users/"*/ | grep -v Public | head -1)
installed="$user_dir/AppData/Local/Programs/Yuva"

# Install silently, per user (no administrator).
started=$(date +%s.%N)
wine "$setup" /S
wineserver -w
[ -f "$installed/yuva.exe" ] || fail "yuva.exe is not in $installed"
[ -f "$installed/uninstall.exe" ] || fail "no uninstaller"
ls "$user_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/" | grep -q "Yuva (" \
  || fail "no safe-graphics shortcut"

# A demo registry, made by the installed yuva.exe itself, in the user's data folder.
wine "$installed/yuva.exe" demo --date 2026-03-15 > /dev/null 2>&1 || fail "yuva.exe demo"
wineserver -w
db=$(find "$user_dir/AppData/Roaming" -name yuva.db | head -1)
[ -n "$db" ] || fail "the demo registry is not in AppData"
python3 - "$db" <<'PY' || fail "the registry written by yuva.exe is not encrypted"
import sys
head = open(sys.argv[1], "rb").read(16)
assert head != b"SQLite format 3\0", head
PY

# Start the window (software renderer: wgpu's DX12 path does not work under Wine 8).
ICED_BACKEND=tiny-skia wine "$installed/yuva.exe" > "$work/app.log" 2>&1 &
app=$!
window=$(timeout 120 xdotool search --sync --name "Yuva" | head -1) || fail "no window"
first_frame=$(date +%s.%N)
sleep 8
kill -0 "$app" 2> /dev/null || fail "yuva.exe died: $(cat "$work/app.log")"
# The window opens at the sign-in screen, the login field focused: sign in as a person would.
import -window root "$out/smoke-sign-in.png"
xdotool windowactivate --sync "$window" 2> /dev/null || xdotool windowfocus "$window" || true
xdotool type --delay 40 "admin"
xdotool key Tab
xdotool type --delay 40 "$YUVA_PASSWORD"
xdotool key Return
sleep 6
import -window root "$out/smoke-dashboard.png"
signed_in=$(compare -metric AE "$out/smoke-sign-in.png" "$out/smoke-dashboard.png" null: 2>&1 || true)
[ "${signed_in%%.*}" -gt 1000 ] || fail "signing in did not open the registry ($signed_in pixels changed)"
colours=$(convert "$out/smoke-dashboard.png" -format %k info:)
[ "$colours" -gt 100 ] || fail "the window looks blank ($colours colours)"
# A click on the second tab (Children) changes the screen.
eval "$(xdotool getwindowgeometry --shell "$window")"
xdotool mousemove $((X + 230)) $((Y + 25)) click 1
sleep 4
import -window root "$out/smoke-children.png"
difference=$(compare -metric AE "$out/smoke-dashboard.png" "$out/smoke-children.png" null: 2>&1 || true)
[ "${difference%%.*}" -gt 1000 ] || fail "the window did not answer a click ($difference pixels changed)"
kill -0 "$app" 2> /dev/null || fail "yuva.exe died after a click"
kill "$app" 2> /dev/null || true
pkill -f "yuva.exe" 2> /dev/null || true
wineserver -w || true

# The same instance solved on Windows and on Linux: the same objective.
"$linux_yuva" export-instance --db "$db" --date 2026-03-15 --output "$work/instance.json" 2> /dev/null
"$linux_yuva" match "$work/instance.json" --output "$work/plan-linux.json" 2> /dev/null
wine "$installed/yuva.exe" match 'Z:'"$(echo "$work/instance.json" | tr / '\\')" \
  --output 'Z:'"$(echo "$work/plan-windows.json" | tr / '\\')" > /dev/null 2>&1 || fail "yuva.exe match"
python3 - "$work/plan-linux.json" "$work/plan-windows.json" <<'PY' || fail "the plans differ"
import json, os, sys
linux, windows = (json.load(open(p)) for p in sys.argv[1:3])
# Both plans are proven optimal: the same objective (the placements may differ where several
# plans are worth the same, e.g. when the Linux build uses HiGHS).
assert linux["proven_optimal"] and windows["proven_optimal"]
# The installed yuva.exe solves with the solver it was built with (build.sh's
# YUVA_WINDOWS_FEATURES=highs, or the pure-Rust one).
expected = "highs" if "highs" in os.environ.get("YUVA_WINDOWS_FEATURES", "") else "microlp"
assert windows["solver"] == expected, (windows["solver"], expected)
assert abs(linux["objective"] - windows["objective"]) < 1e-3, (linux["objective"], windows["objective"])
print(f"smoke-test: plan objective {windows['objective']:.2f} on Windows ({windows['solver']}) "
      f"and Linux ({linux['solver']}), {len(windows['placements'])} placements")
PY

# Upgrade in place: the registry stays; then uninstall: the program goes, the data stays.
wine "$setup" /S
wineserver -w
[ -f "$db" ] || fail "the upgrade lost the registry"
wine "$installed/uninstall.exe" /S
wineserver -w
sleep 2
[ ! -f "$installed/yuva.exe" ] || fail "uninstall left yuva.exe"
[ -f "$db" ] || fail "uninstall removed the registry"

python3 -c "print(f'smoke-test: installer start to first frame {float($first_frame) - float($started):.1f} s (install, demo registry, start)')"
echo "smoke-test: installer $(du -h "$setup" | cut -f1); screenshots in $out"
echo "smoke-test: passed"
