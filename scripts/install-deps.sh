#!/usr/bin/env bash
# Installs orgsim's build and test dependencies (Debian 12 packages only) with apt-get.
# Idempotent and quiet: prints nothing and touches nothing when every package is present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libtbb-dev
  libhdf5-dev hdf5-tools libdeflate-dev zlib1g-dev
  librandom123-dev
  libboost-dev libboost-math-dev libboost-random-dev
  libtomlplusplus-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-h5py python3-pandas python3-numpy
  pybind11-dev python3-dev python3-xarray python3-h5netcdf python3-sklearn python3-matplotlib
  python3-nbclient python3-nbformat python3-ipykernel r-cran-hdf5r
  gnuplot-nox nlohmann-json3-dev graphviz
  libxlsxwriter-dev python3-openpyxl
  clang-format
  chromium poppler-utils
  libopenmpi-dev openmpi-bin libboost-mpi-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "orgsim: installing missing packages: ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "orgsim: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
