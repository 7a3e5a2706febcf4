#!/usr/bin/env bash
# Real SMTP servers on loopback for the mail cases of the DNS test bed.
#
#   mta.sh up DIR     DIR is a bed made by `scripts/testbed/testbed.sh up DIR`: for each row of
#                     DIR/mail/cases.tsv starts a Postfix instance on ADDRESS port 25 (its own
#                     config, queue, data and log directories under DIR/mta/NAME, the
#                     certificate of DIR/mail/certs/NAME, STARTTLS on or off), or for a
#                     `strip:BACKEND` row the STARTTLS-stripping proxy
#                     (scripts/testbed/strip-starttls.py) in front of BACKEND's instance;
#                     writes DIR/mta/instances.tsv and DIR/mta/env
#   mta.sh down DIR   stops every process started by `up DIR`, by the PIDs it recorded
#
# Each instance accepts mail for its row's DOMAIN only (any local part; relaying is refused
# by reject_unauth_destination) and delivers it with Postfix's virtual(8) agent to the mbox
# file DIR/mta/NAME/mail/mbox, where a test can find it. Nothing is ever sent on: every
# outgoing transport is error(8). Logs: DIR/mta/NAME/log/maillog, DIR/mta/NAME.proxy.log.
#
# Run as root (port 25, and the postfix command runs only as root). `up` is idempotent: it
# first stops what an earlier `up DIR` left running; on any failure it stops what it
# started, prints the logs and exits non-zero.
set -euo pipefail

usage() {
  echo "usage: $0 up DIR | down DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action=$1
case $action in up | down) ;; *) usage ;; esac
[ -d "$2" ] || { echo "mta: no directory $2 (run scripts/testbed/testbed.sh up first)" >&2; exit 1; }
dir=$(cd "$2" && pwd)
mta=$dir/mta
run=$mta/run
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The PID in PIDFILE if that process is still one of ours (Postfix's master or the proxy).
live_pid() { # PIDFILE
  local pid
  pid=$(tr -dc '0-9' <"$1" 2>/dev/null || true)
  [ -n "$pid" ] && [ -d "/proc/$pid" ] &&
    grep -qaE '(postfix/sbin/master|strip-starttls)' "/proc/$pid/cmdline" 2>/dev/null &&
    echo "$pid"
  return 0
}

# The PIDs of the processes in process group PGID (a Postfix master leads its own group, and
# its children stay in it).
group_pids() { # PGID
  ps -e -o pid=,pgid= | awk -v g="$1" '$2 == g { print $1 }'
}

# Every recorded process is asked to stop at once (a master takes its children with it:
# it signals its process group on SIGTERM); any left after five seconds is killed.
down() {
  local f pid groups=() i left
  [ -d "$run" ] || return 0
  for f in "$run"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(live_pid "$f")
    if [ -n "$pid" ]; then
      kill -TERM "$pid" 2>/dev/null || true
      groups+=("$pid")
    fi
  done
  for i in $(seq 50); do
    left=()
    for pid in "${groups[@]}"; do
      [ -n "$(group_pids "$pid")" ] && left+=("$pid")
    done
    groups=("${left[@]}")
    [ ${#groups[@]} -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${groups[@]}"; do
    for i in $(group_pids "$pid"); do
      echo "mta: PID $i (group $pid) did not stop in 5 s; killing it" >&2
      kill -KILL "$i" 2>/dev/null || true
    done
  done
  rm -f "$run"/*.pid
}

if [ "$action" = down ]; then
  down
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "mta: must run as root (port 25; the postfix command runs only as root)" >&2
  exit 1
fi
for tool in postfix postconf python3 ss; do
  command -v "$tool" >/dev/null || {
    echo "mta: $tool not found (scripts/install-deps.sh installs it)" >&2
    exit 1
  }
done
cases=$dir/mail/cases.tsv
[ -s "$cases" ] || { echo "mta: no $cases (run scripts/testbed/testbed.sh up $dir first)" >&2; exit 1; }

down

rows=()
while IFS=$'\t' read -r name addr host domain _ server _ _; do
  [[ $name == '#'* ]] && continue
  rows+=("$name $addr $host $domain $server")
done <"$cases"

busy=$(ss -Hlnt 2>/dev/null | awk '{print $4}' | grep -E ':25$' || true)
for row in "${rows[@]}"; do
  read -r _ addr _ _ _ <<<"$row"
  for ip in "$addr" 0.0.0.0 '*'; do
    if grep -qxF "$ip:25" <<<"$busy"; then
      echo "mta: something already listens on $ip port 25 (another bed? set" \
        "DANE_TESTBED_NET to another 127.x block when making the bed)" >&2
      exit 1
    fi
  done
done

rm -rf "$mta"
mkdir -p "$run"

finished=0
cleanup() {
  local rc=$?
  [ "$finished" = 1 ] && return 0
  echo "mta: bring-up failed (status $rc); stopping what was started" >&2
  local log
  for log in "$mta"/*/log/maillog "$mta"/*.proxy.log "$mta"/*/start.log; do
    grep -qiE 'fatal|error|warning|traceback' "$log" 2>/dev/null || continue
    echo "--- $log" >&2
    tail -n 20 "$log" >&2
  done
  down
  exit $((rc == 0 ? 1 : rc))
}
trap cleanup EXIT

# Mail is written as nobody, in a directory only it (and root) can enter.
mail_uid=$(id -u nobody)
mail_gid=$(id -g nobody)
postfix_user=postfix

# The services a private instance needs; nothing runs chrooted (no copies of /etc needed).
master_cf() { # ADDRESS
  echo "$1:25 inet n - n - - smtpd"
  cat <<'MASTER'
pickup     unix       n - n 60    1 pickup
cleanup    unix       n - n -     0 cleanup
qmgr       unix       n - n 300   1 qmgr
tlsmgr     unix       - - n 1000? 1 tlsmgr
rewrite    unix       - - n -     - trivial-rewrite
bounce     unix       - - n -     0 bounce
defer      unix       - - n -     0 bounce
trace      unix       - - n -     0 bounce
verify     unix       - - n -     1 verify
flush      unix       n - n 1000? 0 flush
proxymap   unix       - - n -     - proxymap
showq      unix       n - n -     - showq
error      unix       - - n -     - error
retry      unix       - - n -     - error
discard    unix       - - n -     - discard
virtual    unix       - n n -     - virtual
anvil      unix       - - n -     1 anvil
scache     unix       - - n -     1 scache
postlog    unix-dgram n - n -     1 postlogd
MASTER
}

main_cf() { # INSTANCE-DIR ADDRESS HOST DOMAIN STARTTLS CERTNAME
  local d=$1
  cat <<MAIN
# Written by scripts/testbed/mta.sh: a private Postfix instance for the dane test bed.
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
mail_owner = $postfix_user
setgid_group = postdrop
# Postfix logs to syslog unless told otherwise; its own file must be under one of these.
maillog_file = $d/log/maillog
maillog_file_prefixes = $d/log
# The listener's address is in master.cf: Postfix would refuse a 127.x address that no
# interface carries as inet_interfaces, though Linux routes all of 127/8 to loopback.
inet_interfaces = all
inet_protocols = ipv4
myhostname = ${3%.}
mydomain = ${4%.}
myorigin = \$myhostname
mydestination =
mynetworks =
relay_domains =
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions =
virtual_mailbox_domains = ${4%.}
virtual_mailbox_base = $d/mail
virtual_mailbox_maps = static:mbox
virtual_uid_maps = static:$mail_uid
virtual_gid_maps = static:$mail_gid
# Nothing leaves this server.
default_transport = error:5.7.1 the dane test bed sends no mail
relay_transport = error:5.7.1 the dane test bed sends no mail
local_transport = error:5.7.1 the dane test bed has no local users
alias_maps =
alias_database =
biff = no
smtpd_banner = \$myhostname ESMTP dane test bed
smtpd_tls_security_level = $([ "$5" = on ] && echo may || echo none)
smtpd_tls_chain_files = $dir/mail/certs/$6.key, $dir/mail/certs/$6.chain
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
MAIN
}

printf '# name\taddress\tkind\tmailbox\tlog\n' >"$mta/instances.tsv"
start_jobs=()
for row in "${rows[@]}"; do
  read -r name addr host domain server <<<"$row"
  case $server in strip:*) continue ;; esac
  d=$mta/$name
  mkdir -p "$d/etc" "$d/queue" "$d/data" "$d/log" "$d/mail"
  chown "$postfix_user" "$d/data"
  chown "$mail_uid:$mail_gid" "$d/mail"
  chmod 700 "$d/mail"
  main_cf "$d" "$addr" "$host" "$domain" "$server" "$name" >"$d/etc/main.cf"
  master_cf "$addr" >"$d/etc/master.cf"
  printf '%s\t%s\tpostfix\t%s\t%s\n' "$name" "$addr" "$d/mail/mbox" "$d/log/maillog" \
    >>"$mta/instances.tsv"
  # Without a terminal the postfix command reports its fatal errors only to the maillog,
  # so its output and the maillog are both kept for cleanup to show.
  (postfix -c "$d/etc" start </dev/null >"$d/start.log" 2>&1) &
  start_jobs+=("$!")
done
status=0
for job in "${start_jobs[@]}"; do wait "$job" || status=1; done
# `postfix start` returns once its master runs (master -w) and has written its PID file:
# recorded now, so that cleanup stops the instances that did start when another failed.
for row in "${rows[@]}"; do
  read -r name _ _ _ server <<<"$row"
  [[ $server == strip:* ]] && continue
  cp "$mta/$name/queue/pid/master.pid" "$run/postfix-$name.pid" 2>/dev/null || true
done
[ "$status" = 0 ] || { echo "mta: postfix start failed" >&2; exit 1; }

for row in "${rows[@]}"; do
  read -r name addr host domain server <<<"$row"
  case $server in strip:*) ;; *) continue ;; esac
  backend=${server#strip:}
  backend_addr=$(awk -F'\t' -v n="$backend" '$1 == n { print $2 }' "$cases")
  [ -n "$backend_addr" ] || { echo "mta: $name: no row $backend" >&2; exit 1; }
  setsid python3 "$here/strip-starttls.py" "$addr" "$backend_addr" "$run/proxy-$name.pid" \
    </dev/null >/dev/null 2>"$mta/$name.proxy.log" &
  printf '%s\t%s\tstrip:%s\t%s\t%s\n' "$name" "$addr" "$backend" "-" "$mta/$name.proxy.log" \
    >>"$mta/instances.tsv"
done

# Ready when every server greets on its address; the masters' PIDs are then recorded.
greets() { # ADDRESS
  timeout 2 python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection((sys.argv[1], 25), timeout=1)
line = s.makefile("rb").readline()
s.sendall(b"QUIT\r\n")
sys.exit(0 if line.startswith(b"220") else 1)
PY
}
# A loaded machine (a parallel build, a niced run) can take many seconds to start a master
# and its smtpd: up to 30 seconds per server are allowed.
for row in "${rows[@]}"; do
  read -r name addr _ _ server <<<"$row"
  ok=0
  deadline=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if greets "$addr"; then ok=1 && break; fi
    sleep 0.05
  done
  [ "$ok" = 1 ] || { echo "mta: $name does not greet on $addr:25" >&2; exit 1; }
  pidfile=$run/postfix-$name.pid
  [[ $server == strip:* ]] && pidfile=$run/proxy-$name.pid
  if [ -z "$(live_pid "$pidfile")" ]; then
    echo "mta: $name is not running under the PID in $pidfile" >&2
    exit 1
  fi
done

cat >"$mta/env" <<ENV
# Written by scripts/testbed/mta.sh up; shell syntax.
MTA_DIR=$mta
MTA_INSTANCES=$mta/instances.tsv
MTA_PIDFILES="$(printf '%s ' "$run"/*.pid | sed 's/ $//')"
ENV
finished=1
echo "mta: up in $mta ($(grep -vc '^#' "$mta/instances.tsv") servers)"
