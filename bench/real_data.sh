# Sourced by bench/real_cv.sh and bench/real_cv_trained.sh: the folder of the two small real tilt series they
# score (empiar_10009_128.mrc/.tlt and jason64.ali/.tlt, from the public test data of the Ettention project,
# github.com/c3di/ettention; not shipped here), from the first argument or WEDGELAB_REAL_DATA, made absolute in
# $data; a missing folder or file ends the script with exit 2 and a message naming it. Then the working folder is
# the repository root. Usage: source bench/real_data.sh "${1:-}"   (from a script in bench/, under bash)
script="bench/$(basename "$0")"
usage="usage: $script DIR (or WEDGELAB_REAL_DATA=DIR), DIR holding empiar_10009_128.mrc/.tlt and jason64.ali/.tlt"
data="${1:-${WEDGELAB_REAL_DATA:-}}"
if [ -z "$data" ]; then
  echo "$script: no data directory given. $usage" >&2
  exit 2
fi
[ -d "$data" ] || { echo "$script: $data is not a directory. $usage" >&2; exit 2; }
data="$(cd "$data" && pwd)" # absolute, as the scripts work from the repository root
for f in empiar_10009_128.mrc empiar_10009_128.tlt jason64.ali jason64.tlt; do
  [ -f "$data/$f" ] || { echo "$script: $data/$f is missing. $usage" >&2; exit 2; }
done
cd "$(dirname "$0")/.."
