# Scheduler of cron jobs on Docker, which has none of its own. POSIX sh (the
# images' /bin/sh is dash). platform/docker.ts places this text, a run_job
# function holding the job's script, and a call of cron_loop into the
# container's `sh -c` command; the schedule arrives in CRON_SCHEDULE.
#
# Schedules are the five fields of crontab(5), evaluated in UTC like a
# Kubernetes CronJob without a timeZone: numbers, "*", lists "a,b", ranges
# "a-b" and steps "*/n", "a-b/n", "a/n"; day of week 0-7 (0 and 7 are Sunday);
# when both day of month and day of week are restricted, either may match.
# Names (MON, JAN) and @-shortcuts are refused when the loop starts.
#
# Every run is logged; a failed run is logged loudly on stderr and recorded in
# CRON_STATUS_FILE ("ok <time>" or "failed <time> exit <code>"), which the
# container's healthcheck reads, so the container turns unhealthy until the
# next successful run.

# Strips one leading zero so that "08" is not read as an octal number.
cron_num() {
  case $1 in 0?*) echo "${1#0}" ;; *) echo "$1" ;; esac
}

# cron_field_ok SPEC MIN MAX: the field is well formed and within bounds.
cron_field_ok() (
  set -f
  IFS=,
  [ -n "$1" ] || exit 1
  for part in $1; do
    case $part in
      '' | */ | */*/*) exit 1 ;;
    esac
    range=${part%%/*}
    step=1
    case $part in */*) step=${part#*/} ;; esac
    case $step in '' | *[!0-9]*) exit 1 ;; esac
    [ "$(cron_num "$step")" -ge 1 ] || exit 1
    case $range in
      '*') continue ;;
      *[!0-9-]* | -* | *- | *-*-*) exit 1 ;;
    esac
    for n in $(echo "$range" | tr '-' ','); do
      n=$(cron_num "$n")
      [ "$n" -ge "$2" ] && [ "$n" -le "$3" ] || exit 1
    done
  done
)

# cron_field_matches SPEC VALUE MIN MAX
cron_field_matches() (
  set -f
  IFS=,
  value=$(cron_num "$2")
  for part in $1; do
    step=1
    case $part in */*) step=$(cron_num "${part#*/}"); part=${part%%/*} ;; esac
    case $part in
      '*') lo=$3 hi=$4 ;;
      *-*) lo=$(cron_num "${part%-*}") hi=$(cron_num "${part#*-}") ;;
      *) lo=$(cron_num "$part"); hi=$lo; [ "$step" -eq 1 ] || hi=$4 ;;
    esac
    if [ "$value" -ge "$lo" ] && [ "$value" -le "$hi" ] && [ $(((value - lo) % step)) -eq 0 ]; then
      exit 0
    fi
  done
  exit 1
)

# cron_check SCHEDULE: exit 0 when the schedule is five valid fields.
cron_check() (
  set -f
  # shellcheck disable=SC2086 # split the schedule into its fields
  set -- $1
  [ $# -eq 5 ] || exit 1
  cron_field_ok "$1" 0 59 && cron_field_ok "$2" 0 23 && cron_field_ok "$3" 1 31 &&
    cron_field_ok "$4" 1 12 && cron_field_ok "$5" 0 7
)

# cron_matches SCHEDULE MINUTE HOUR DAY_OF_MONTH MONTH DAY_OF_WEEK
cron_matches() (
  set -f
  sched=$1
  shift
  m=$1 h=$2 dom=$3 mon=$4 dow=$5
  # shellcheck disable=SC2086 # split the schedule into its fields
  set -- $sched
  cron_field_matches "$1" "$m" 0 59 || exit 1
  cron_field_matches "$2" "$h" 0 23 || exit 1
  cron_field_matches "$4" "$mon" 1 12 || exit 1
  day_ok=1 week_ok=1
  cron_field_matches "$3" "$dom" 1 31 || day_ok=0
  { cron_field_matches "$5" "$dow" 0 7 || { [ "$(cron_num "$dow")" -eq 0 ] && cron_field_matches "$5" 7 0 7; }; } || week_ok=0
  case "$3:$5" in
    '*'*:* | *:'*'*) [ $day_ok -eq 1 ] && [ $week_ok -eq 1 ] ;;
    *) [ $day_ok -eq 1 ] || [ $week_ok -eq 1 ] ;;
  esac
)

# cron_loop: runs run_job whenever the current UTC minute matches
# CRON_SCHEDULE, at most once a minute; never exits on a failed run.
cron_loop() {
  status_file=${CRON_STATUS_FILE:-/tmp/cron-status}
  if ! cron_check "${CRON_SCHEDULE:-}"; then
    echo "scheduler: CRON_SCHEDULE '${CRON_SCHEDULE:-}' is not a five-field cron schedule (numbers, *, lists, ranges, steps)" >&2
    exit 2
  fi
  echo "scheduler: runs on '$CRON_SCHEDULE' (UTC)"
  last=
  while :; do
    # shellcheck disable=SC2046 # five fields
    set -- $(date -u '+%Y%m%d%H%M %M %H %d %m %w')
    stamp=$1
    shift
    if [ "$stamp" != "$last" ] && cron_matches "$CRON_SCHEDULE" "$@"; then
      last=$stamp
      started=$(date -u '+%Y-%m-%dT%H:%M:%SZ')
      echo "scheduler: run started at $started"
      if (run_job); then
        echo "ok $started" >"$status_file"
        echo "scheduler: run of $started succeeded"
      else
        code=$?
        echo "failed $started exit $code" >"$status_file"
        echo "scheduler: RUN FAILED: the run of $started exited with code $code" >&2
      fi
    fi
    seconds=$(cron_num "$(date -u '+%S')")
    sleep $((60 - seconds))
  done
}
