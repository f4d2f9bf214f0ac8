#!/usr/bin/env bash
# A single-node Slurm on this machine, for the Slurm tests (CI) and for trying deploy/slurm by hand:
#   bash scripts/slurm-local.sh start   installs slurm-wlm + munge when missing, writes a minimal slurm.conf
#                                       (one node with this machine's cores), starts munged, slurmctld, slurmd
#   bash scripts/slurm-local.sh stop    stops the daemons it started, by their PIDs
# Needs root (it writes /etc/slurm and /etc/munge). Leaves a Slurm that is already running alone.
set -euo pipefail
state=/tmp/structurereps-slurm
cmd=${1:-}
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"

stop() {
  [ -d "$state" ] || { echo "slurm-local: nothing started here"; return 0; }
  for name in slurmd slurmctld munged; do
    [ -f "$state/$name.pid" ] || continue
    pid=$(cat "$state/$name.pid")
    $sudo kill "$pid" 2>/dev/null && echo "slurm-local: stopped $name ($pid)" || true
    rm -f "$state/$name.pid"
  done
}

start() {
  if sinfo -h >/dev/null 2>&1; then echo "slurm-local: a Slurm controller already answers; leaving it"; return 0; fi
  missing=()
  for p in slurm-wlm munge; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "slurm-local: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  mkdir -p "$state"
  host=$(hostname -s)
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
  $sudo mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge
  $sudo tee /etc/slurm/slurm.conf >/dev/null <<CONF
ClusterName=structurereps-ci
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmUser=root
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  if [ ! -s /etc/munge/munge.key ]; then
    $sudo dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  $sudo chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
  $sudo chmod 400 /etc/munge/munge.key
  $sudo -u munge /usr/sbin/munged --pid-file=/run/munge/munged.pid 2>/dev/null || $sudo runuser -u munge -- /usr/sbin/munged
  cat /run/munge/munged.pid > "$state/munged.pid"
  $sudo /usr/sbin/slurmctld -i
  $sudo /usr/sbin/slurmd
  for _ in $(seq 60); do
    if sinfo -h -o %t 2>/dev/null | grep -qE '^idle'; then
      echo "slurm-local: node $host idle ($(nproc) CPUs, ${mem} MB); stop with: bash scripts/slurm-local.sh stop"
      return 0
    fi
    sleep 1
  done
  echo "slurm-local: the node did not come up; see /var/log/slurm/"; sinfo || true; return 1
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: bash scripts/slurm-local.sh start|stop"; exit 2 ;;
esac
