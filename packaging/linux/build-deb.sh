#!/usr/bin/env bash
# Builds target/yuva_<version>_amd64.deb: the release binary (with the HiGHS solver unless
# FEATURES is set otherwise, e.g. FEATURES= for the pure-Rust solver), a desktop entry
# with a "safe graphics" action, the icon and the licences of the bundled font and data.
# Needs dpkg-deb (Debian/Ubuntu) and, for the highs feature, cmake and libclang-dev.
set -euo pipefail
cd "$(dirname "$0")/../.."

features=${FEATURES-highs}
if [ -n "$features" ] && [ "$(id -u)" = 0 ] && ! command -v cmake > /dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends cmake libclang-dev
fi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cargo build --release --locked ${features:+--features "$features"}
stage=$(mktemp -d)
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT
install -Dm755 target/release/yuva "$stage/usr/bin/yuva"
strip "$stage/usr/bin/yuva" || true
install -Dm644 packaging/linux/yuva.desktop "$stage/usr/share/applications/yuva.desktop"
install -Dm644 assets/icons/yuva.png "$stage/usr/share/icons/hicolor/256x256/apps/yuva.png"
install -Dm644 assets/icons/yuva-64.png "$stage/usr/share/icons/hicolor/64x64/apps/yuva.png"
install -Dm644 assets/fonts/OFL.txt "$stage/usr/share/doc/yuva/fonts-OFL.txt"
install -Dm644 assets/gazetteer/NOTICE.md "$stage/usr/share/doc/yuva/gazetteer-NOTICE.md"
install -Dm644 README.md "$stage/usr/share/doc/yuva/README.md"
size=$(du -sk "$stage/usr" | cut -f1)
mkdir -p "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: yuva
Version: $version
Architecture: amd64
Maintainer: Yuva team <yuva@localhost>
Installed-Size: $size
Depends: libc6, libxkbcommon0, libwayland-client0 | libx11-6
Recommends: poppler-utils
Section: misc
Priority: optional
Description: Foster-care registry and placement matching (Azerbaijan pilot)
 Local registry of approved foster families and of children who need care,
 exact placement proposals that explain themselves rule by rule, placement
 panel sessions and decisions, and PDF assessment packs. Azerbaijani, Russian
 and English.
CONTROL
mkdir -p target
dpkg-deb --root-owner-group --build "$stage" "target/yuva_${version}_amd64.deb"
echo "built target/yuva_${version}_amd64.deb"
