# Source on a lent GPU machine, from the repository root, with the kit of bench/device/pack.sh carried:
#   source bench/device/env.sh && bench/coordnet_eval.sh 64,16,32
# Unpacks the kit and sets up what `node bin/wedgelab.js` needs there (run.sh sources it for the benches).
kit=/tmp/wedgelab-kit
# Once per machine (figures.sh sources this for every part): unpack the kit, then, by the device README's
# recipe, the Vulkan loader and GL libraries into /; then point the loader at NVIDIA's driver files.
if [ ! -e "$kit/unpacked" ]; then
  mkdir -p "$kit" && tar -C "$kit" -xJf .device-kit/kit.tar.xz
  for f in "$kit"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
  touch "$kit/unpacked"
fi
export VK_DRIVER_FILES="${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}"
export __EGL_VENDOR_LIBRARY_FILENAMES="${__EGL_VENDOR_LIBRARY_FILENAMES:-/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json}"
[ -e node_modules ] || ln -s "$kit/node_modules" node_modules
export PATH="$kit/bin:$PATH"
export WEDGELAB_PYTHON="${WEDGELAB_PYTHON:-$(command -v python3)}"  # scikit-image's iradon, the FBP reference
