#!/usr/bin/env bash
# Pack what a lent GPU machine (the device tool; nothing can be fetched there) lacks to run the command
# line's GPU benches: this machine's Node.js, the packages the engine and the command line load at run
# time, and Vulkan's loader with the GL libraries NVIDIA's Vulkan driver needs. Writes .device-kit/kit.tar.xz
# (git-ignored, about 43 MiB: the device tool carries at most 64 MiB). Run it here after `npm ci`; then
# bench/device/run.sh runs on the device machine with `carry: [".device-kit"]`.
set -euo pipefail
cd "$(dirname "$0")/../.."
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/node_modules" "$stage/debs"
cp "$(command -v node)" "$stage/bin/"
# bin/wedgelab.js runs the TypeScript through tsx; the engine and io need webgpu (Dawn), onnxruntime-web,
# fflate, zarrita and fzstd (OME-Zarr): those and every package they depend on that npm installed here.
roots=(tsx webgpu onnxruntime-web fflate zarrita fzstd)
packages=$(node -e '
  const fs = require("fs"), seen = new Set();
  const visit = (n) => {
    if (seen.has(n) || !fs.existsSync(`node_modules/${n}/package.json`)) return;
    seen.add(n);
    const p = JSON.parse(fs.readFileSync(`node_modules/${n}/package.json`, "utf8"));
    for (const d of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) visit(d);
  };
  process.argv.slice(1).forEach(visit);
  console.log([...seen].join("\n"));' "${roots[@]}")
for p in $packages; do
  mkdir -p "$stage/node_modules/$(dirname "$p")"
  cp -r "node_modules/$p" "$stage/node_modules/$p"
done
# Only what loads on linux-x64 under `onnxruntime-web/webgpu`: no other platforms' Dawn, no source maps,
# no wasm builds but the asyncify one.
rm -rf "$stage"/node_modules/webgpu/dist/{darwin-universal,linux-arm64,win32-arm64,win32-x64}
find "$stage/node_modules/onnxruntime-web/dist" \( -name '*.map' -o \( -name '*.wasm' ! -name '*.asyncify.wasm' \) \) -delete
(cd "$stage/debs" && apt-get download libvulkan1 libglvnd0 libegl1 libgl1 libglx0 libopengl0 libgles2 2>/dev/null)
mkdir -p .device-kit
tar -C "$stage" -cJf .device-kit/kit.tar.xz .
du -h .device-kit/kit.tar.xz
