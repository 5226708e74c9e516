#!/usr/bin/env bash
# Cross-builds the Windows release of Yuva on Linux and makes its installer:
#   target/windows/yuva.exe and target/windows/yuva-setup-<version>.exe
# Debian's Rust (rustc-web 1.96 with its standard-library source) builds the standard library
# for x86_64-pc-windows-gnu (-Zbuild-std; rustup has no Windows target here), mingw-w64 links,
# makensis packs the installer. See shared/windows.md for the measured recipe.
# YUVA_WINDOWS_FEATURES=highs builds the fast solver, HiGHS, into yuva.exe: CMake cross-builds
# it with packaging/windows/mingw-toolchain.cmake (mingw's POSIX-thread g++), bindgen reads its
# C header with the build machine's libclang, and its C++ runtime is linked statically. It is
# not the default yet: under Wine 8 that yuva.exe crashed in a solve with unplaced children's
# hints (a page fault outside Yuva's code) — to be checked on real Windows before the officers
# get it. The default installer has the pure-Rust solver.
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64
  g++-mingw-w64-x86-64-posix cmake libclang-dev nsis)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "build.sh: install first: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
out=target/windows
mkdir -p "$out"
# The static C++ runtime of mingw's POSIX-thread compiler, alone in a folder that build.rs puts
# first on the linker's search path (see build.rs): yuva.exe needs no libstdc++-6.dll.
static_libs="$(realpath "$out")/static-libs"
mkdir -p "$static_libs"
cp "$(x86_64-w64-mingw32-g++-posix -print-file-name=libstdc++.a)" "$static_libs/"
export YUVA_WINDOWS_STATIC_LIBS="$static_libs"
started=$(date +%s)
# Debian's cargo and rustc (not rustup's); -Zbuild-std needs RUSTC_BOOTSTRAP on a stable
# compiler. A separate target folder keeps the Linux build warm.
PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 CARGO_PROFILE_RELEASE_STRIP=true \
  CARGO_TARGET_DIR="$out/cargo" \
  CMAKE_TOOLCHAIN_FILE_x86_64_pc_windows_gnu="$(realpath packaging/windows/mingw-toolchain.cmake)" \
  CXX_x86_64_pc_windows_gnu=x86_64-w64-mingw32-g++-posix \
  cargo build --release --locked --target x86_64-pc-windows-gnu \
  --no-default-features --features "ui${YUVA_WINDOWS_FEATURES:+,$YUVA_WINDOWS_FEATURES}" \
  -Zbuild-std=std,panic_abort \
  --config 'target.x86_64-pc-windows-gnu.linker="x86_64-w64-mingw32-gcc-posix"'
cp "$out/cargo/x86_64-pc-windows-gnu/release/yuva.exe" "$out/yuva.exe"
# Only Windows' own DLLs: nothing of mingw's may be needed beside the .exe.
if x86_64-w64-mingw32-objdump -p "$out/yuva.exe" | grep -E "DLL Name: (libstdc|libgcc|libwinpthread)"; then
  echo "build.sh: yuva.exe depends on a mingw DLL" >&2
  exit 1
fi
echo "build.sh: yuva.exe cross-built in $(( $(date +%s) - started )) s, $(du -h "$out/yuva.exe" | cut -f1)"

makensis -V2 -DVERSION="$version" -DEXE="$(realpath "$out/yuva.exe")" \
  -DOUTFILE="$(realpath "$out")/yuva-setup-$version.exe" packaging/windows/yuva.nsi
echo "build.sh: installer $out/yuva-setup-$version.exe, $(du -h "$out/yuva-setup-$version.exe" | cut -f1)"
