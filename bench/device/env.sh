# Source on a lent GPU machine, from the repository root, with the kit of bench/device/pack.sh carried:
#   source bench/device/env.sh && bench/coordnet_eval.sh 64,16,32
# Unpacks the kit and sets up what `node bin/wedgelab.js` needs there (run.sh sources it for the benches).
kit=/tmp/wedgelab-kit
mkdir -p "$kit" && tar -C "$kit" -xJf .device-kit/kit.tar.xz
# The device README's recipe: unpack the Vulkan loader and GL libraries into /, then point the loader
# at NVIDIA's driver files.
for f in "$kit"/debs/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES="${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}"
export __EGL_VENDOR_LIBRARY_FILENAMES="${__EGL_VENDOR_LIBRARY_FILENAMES:-/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json}"
[ -e node_modules ] || ln -s "$kit/node_modules" node_modules
export PATH="$kit/bin:$PATH"
export WEDGELAB_PYTHON="${WEDGELAB_PYTHON:-$(command -v python3)}"  # scikit-image's iradon, the FBP reference
