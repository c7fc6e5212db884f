#!/usr/bin/env bash
# A real single-node Slurm (munge + slurmctld + slurmd from Debian's packages) for the tests.
#
#   bash tools/ci/slurm.sh install     apt-get install slurm-wlm munge (root; nothing if present)
#   bash tools/ci/slurm.sh up [DIR]    start it (installed before): munged (unless one answers),
#                                      slurmctld and slurmd with DIR/slurm.conf; waits until the
#                                      node is idle; the last line is SLURM_CONF=DIR/slurm.conf
#   bash tools/ci/slurm.sh down [DIR]  stop what `up` started (by the pids it recorded in DIR)
#   bash tools/ci/slurm.sh status [DIR]
#
# DIR (state, spool, logs, pid files, slurm.conf) defaults to $SLURM_SCRATCH or
# /tmp/attn_plugins_slurm. Clients (sbatch, squeue, srun) need SLURM_CONF=DIR/slurm.conf in their
# environment. One partition, $PARTITION (default "debug"), with this machine's CPUs and no GPUs.
# Exit codes: 0 ok, 2 usage, 3 Slurm cannot be installed or started here (the reason is printed).
# The configuration follows ../shared/ENVIRONMENT.md: no cgroups, no accounting, root everywhere.
set -uo pipefail
CMD=${1:-}
DIR=${2:-${SLURM_SCRATCH:-/tmp/attn_plugins_slurm}}
PARTITION=${PARTITION:-debug}
say() { printf '[slurm] %s\n' "$*"; }
fail() { printf '[slurm] cannot start Slurm: %s\n' "$*" >&2; exit 3; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_of() { [ -f "$1" ] && cat "$1" 2>/dev/null; }

install() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null; then
    say "slurm-wlm and munge are installed"
    return 0
  fi
  [ "$(id -u)" = 0 ] || fail "slurm-wlm/munge are not installed and this is not root (sudo bash $0 install)"
  command -v apt-get >/dev/null || fail "slurm-wlm/munge are not installed and there is no apt-get"
  say "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed"
  apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 || fail "apt-get install slurm-wlm munge failed"
  say "installed: $(slurmctld -V 2>/dev/null)"
}

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
  if munge_ok; then
    say "munge: a daemon answers already (left as it is)"
    return 0
  fi
  local key=/etc/munge/munge.key
  for d in /etc/munge /run/munge /var/log/munge /var/lib/munge; do
    mkdir -p "$d" && chown munge:munge "$d"
  done
  chmod 700 /etc/munge /var/log/munge /var/lib/munge
  chmod 755 /run/munge
  if [ ! -s "$key" ]; then
    dd if=/dev/urandom of="$key" bs=1024 count=1 status=none || fail "cannot write $key"
    say "munge: new key $key"
  fi
  chown munge:munge "$key" && chmod 400 "$key"
  runuser -u munge -- munged || fail "munged did not start (see /var/log/munge/munged.log)"
  for _ in $(seq 20); do munge_ok && break; sleep 0.5; done
  munge_ok || fail "munge -n | unmunge fails after starting munged"
  pid_of /run/munge/munged.pid >"$DIR/munged.started"
  say "munge: munged started (pid $(cat "$DIR/munged.started"))"
}

write_conf() {
  local host mem
  host=$(hostname -s)
  mem=$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)
  mkdir -p "$DIR/state" "$DIR/spool"
  cat >"$DIR/slurm.conf" <<CONF
# written by tools/ci/slurm.sh: single node, no cgroups, no accounting
ClusterName=attnplugins
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

node_state() { SLURM_CONF="$DIR/slurm.conf" sinfo -h -N -o %T 2>/dev/null | head -n1; }

up() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null \
    || fail "slurm-wlm/munge are not installed (as root: bash $0 install)"
  [ "$(id -u)" = 0 ] || fail "the daemons run as root in this set-up and this is not root"
  mkdir -p "$DIR" || fail "cannot create $DIR"
  if alive "$(pid_of "$DIR/slurmctld.pid")" && alive "$(pid_of "$DIR/slurmd.pid")"; then
    say "already up ($DIR)"
  else
    start_munge
    write_conf
    export SLURM_CONF="$DIR/slurm.conf"
    slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start (see $DIR/slurmctld.log)"
    slurmd -f "$SLURM_CONF" || fail "slurmd did not start (see $DIR/slurmd.log)"
    touch "$DIR/daemons.started"
  fi
  local state=""
  for _ in $(seq 60); do
    state=$(node_state)
    case "$state" in
      idle*|mix*|alloc*) break ;;
      down*|drain*) SLURM_CONF="$DIR/slurm.conf" scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 ;;
    esac
    sleep 0.5
  done
  case "$state" in
    idle*|mix*|alloc*) ;;
    *) fail "the node is '${state:-unknown}' after 30 s (see $DIR/slurmctld.log, $DIR/slurmd.log)" ;;
  esac
  say "up: partition $PARTITION, node $(hostname -s) $state, $(nproc) CPUs"
  echo "SLURM_CONF=$DIR/slurm.conf"
}

stop_pid() {  # stop_pid NAME PIDFILE
  local pid
  pid=$(pid_of "$2")
  if alive "$pid"; then
    kill "$pid"
    for _ in $(seq 40); do alive "$pid" || break; sleep 0.25; done
    alive "$pid" && kill -9 "$pid"
    say "stopped $1 (pid $pid)"
  fi
}

down() {
  if [ -f "$DIR/daemons.started" ]; then
    stop_pid slurmd "$DIR/slurmd.pid"
    stop_pid slurmctld "$DIR/slurmctld.pid"
    rm -f "$DIR/daemons.started"
  fi
  if [ -f "$DIR/munged.started" ]; then
    stop_pid munged "$DIR/munged.started"
    rm -f "$DIR/munged.started"
  fi
  say "down ($DIR)"
}

status() {
  for d in slurmctld slurmd; do
    if alive "$(pid_of "$DIR/$d.pid")"; then say "$d running (pid $(pid_of "$DIR/$d.pid"))"; else say "$d not running"; fi
  done
  if munge_ok; then say "munge answers"; else say "munge does not answer"; fi
  [ -f "$DIR/slurm.conf" ] && say "node: $(node_state)"
}

case "$CMD" in
  install) install ;;
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: bash $0 install|up|down|status [DIR]" >&2; exit 2 ;;
esac
