#!/usr/bin/env bash
# Installs what the Slurm integration test (SlurmClusterTest) needs: Debian's one-node Slurm and
# munge. Idempotent: does nothing when they are installed. The test itself writes a slurm.conf in
# a temp directory, starts munged/slurmctld/slurmd and stops them by pid; nothing here starts a
# daemon. Needs root (or passwordless sudo) and apt-get; elsewhere it says so and exits non-zero (the
# test then fails under CI=true and skips elsewhere).
set -euo pipefail
need=()
for f in /usr/sbin/slurmctld /usr/sbin/slurmd /usr/bin/sbatch /usr/sbin/munged; do
  [ -x "$f" ] || need+=("$f")
done
if [ ${#need[@]} -eq 0 ]; then
  echo "slurm-setup: Slurm and munge are installed"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "slurm-setup: no apt-get; install slurmctld, slurmd, slurm-client and munge by hand" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "slurm-setup: not root and no passwordless sudo; cannot install Slurm" >&2
    exit 1
  fi
fi
echo "slurm-setup: installing slurmctld slurmd slurm-client munge"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  slurmctld slurmd slurm-client munge >/dev/null
echo "slurm-setup: installed $(/usr/sbin/slurmctld -V)"
