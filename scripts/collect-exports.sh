#!/usr/bin/env bash
# collect-exports.sh: write, from your own AWS account, the folder of exports that ddb-lens reads.
#
#   scripts/collect-exports.sh --out DIR [--regions r1,r2 | --regions all] [--profile P]
#       [--since YYYY-MM-DD] [--jobs N]
#       [--cloudtrail-bucket B [--cloudtrail-prefix P] [--cloudtrail-org-id o-xxxx]]
#       [--config-bucket B [--config-prefix P]]
#
# Read-only by construction: every call to the AWS CLI goes through `aws_read`, which refuses
# any operation whose name does not start with list-, describe-, get-, batch-get- or select-,
# and allows `aws s3 sync` / `aws s3 cp` only from an s3:// source to a local destination.
# `grep -n 'command aws' scripts/collect-exports.sh` shows the one place the CLI is run.
#
# What it writes (docs/exports.md describes each file and which ddb-lens view uses it):
#   DIR/collector.json                                   what was collected, when, where
#   DIR/<account>/<region>/dynamodb/list-tables.json     and per table, tables/<TableName>/*.json
#   DIR/<account>/<region>/{application-autoscaling,lambda,kms,resourcegroupstaggingapi,backup,config}/...
#   DIR/cloudtrail/AWSLogs/...  DIR/config-deliveries/AWSLogs/...   (only with the bucket options)
#   DIR/collector-errors.log                             one line per call that failed (if any)
#
# A call that fails (AccessDenied, a service not enabled in a region, Config not recording...)
# is logged and the collection goes on. Exit status: 0 when anything was collected, 1 when
# nothing could be, 2 for bad usage. Works with AWS CLI v1 and v2, bash 4+ and POSIX tools.
# AWS_ENDPOINT_URL, when set, is passed as --endpoint-url (tests run this against a local mock).

set -euo pipefail

if [ -z "${BASH_VERSINFO:-}" ] || [ "${BASH_VERSINFO[0]}" -lt 4 ] \
  || { [ "${BASH_VERSINFO[0]}" = 4 ] && [ "${BASH_VERSINFO[1]}" -lt 4 ]; }; then
  printf 'collect-exports: needs bash 4.4 or later (this is %s)\n' "${BASH_VERSION:-not bash}" >&2
  exit 2
fi

readonly COLLECTOR_TOOL="ddb-lens collect-exports"
readonly COLLECTOR_VERSION=1
# Compliance results of every kind: without this filter Config leaves NOT_APPLICABLE out.
readonly COMPLIANCE_TYPES='["COMPLIANT","NON_COMPLIANT","NOT_APPLICABLE"]'

# ---- the read-only guard -----------------------------------------------------------------------

# Global CLI options every call gets (JSON output, the profile); set by main.
AWS_GLOBAL_ARGS=(--output json)
# The region of the calls being made; empty means the CLI's own default.
COLLECT_REGION=""

# aws_read SERVICE OPERATION [ARG...]: run `aws SERVICE OPERATION ARG...` if, and only if, it
# cannot change anything in the account. Returns 97 (and runs nothing) for anything else.
aws_read() {
  if [ "$#" -lt 2 ]; then
    printf 'aws_read: refused: needs a service and an operation\n' >&2
    return 97
  fi
  local service="$1" op="$2"
  shift 2
  case "$service" in
    s3)
      # Only copies from a bucket to this machine: SOURCE must be s3://, DEST a local path, and
      # no other argument may name a bucket (a second s3:// would be a write target).
      if { [ "$op" != sync ] && [ "$op" != cp ]; } || [ "$#" -lt 2 ] \
        || [[ "$1" != s3://?* ]] || [[ "$2" == s3://* ]] || [[ "$2" == -* ]] || [ -z "$2" ]; then
        printf 'aws_read: refused: s3 %s is allowed only as: s3 sync|cp s3://SOURCE LOCAL-DEST\n' "$op" >&2
        return 97
      fi
      local arg
      for arg in "${@:3}"; do
        if [[ "$arg" == *s3://* ]]; then
          printf 'aws_read: refused: s3 %s with a second bucket argument\n' "$op" >&2
          return 97
        fi
      done
      ;;
    configure)
      # `aws configure get` reads the CLI's own config file on this machine; it never calls AWS.
      if [ "$op" != get ]; then
        printf 'aws_read: refused: configure %s\n' "$op" >&2
        return 97
      fi
      ;;
    *)
      if ! [[ "$service" =~ ^[a-z0-9][a-z0-9-]*$ ]] \
        || ! [[ "$op" =~ ^(list|describe|get|batch-get|select)-[a-z0-9-]+$ ]]; then
        printf 'aws_read: refused: %s %s is not a read operation (list-, describe-, get-, batch-get-, select-)\n' \
          "$service" "$op" >&2
        return 97
      fi
      ;;
  esac
  local extra=()
  if [ -n "$COLLECT_REGION" ]; then extra+=(--region "$COLLECT_REGION"); fi
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then extra+=(--endpoint-url "$AWS_ENDPOINT_URL"); fi
  AWS_PAGER="" command aws "${AWS_GLOBAL_ARGS[@]}" "${extra[@]}" "$service" "$op" "$@"
}

# ---- small helpers -----------------------------------------------------------------------------

say() { printf '[collect] %s\n' "$*" >&2; }

usage() {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  printf '\nSee docs/exports.md for what each file is and the IAM policy this needs.\n'
}

usage_error() {
  printf 'collect-exports: %s\n\n' "$*" >&2
  usage >&2
  exit 2
}

iso_now() { TZ=UTC printf '%(%Y-%m-%dT%H:%M:%SZ)T' -1; }

# The string literals of a JSON list of strings as the CLI prints it (one per line), still
# JSON-escaped: safe to embed in --cli-input-json as they are.
json_list_literals() {
  { LC_ALL=C grep -E '^ *"([^"\\]|\\.)*",?$' || true; } | LC_ALL=C sed -E 's/^ *//; s/,$//'
}

# safe_file_name LITERAL_INNER MAX: a file name for a hostile string. Names of [A-Za-z0-9_.-]
# that fit are kept as they are; anything else is mapped to those characters and given a
# checksum suffix so that two different names never share a file.
safe_file_name() {
  local raw="$1" max="$2" mapped sum
  mapped="$(printf '%s' "$raw" | LC_ALL=C tr -c 'A-Za-z0-9_.-' '_')"
  if [ "$mapped" = "$raw" ] && [ "${#raw}" -le "$max" ] && [ -n "$raw" ] \
    && [ "$raw" != . ] && [ "$raw" != .. ]; then
    printf '%s' "$raw"
    return
  fi
  sum="$(printf '%s' "$raw" | cksum | awk '{print $1}')"
  printf '%s-%s' "${mapped:0:$((max - 12))}" "$sum"
}

# Dates as days since 1970-01-01, in bash arithmetic (no GNU date needed).
days_from_civil() {
  local y=$((10#$1)) m=$((10#$2)) d=$((10#$3))
  y=$((y - (m <= 2)))
  local era=$(((y >= 0 ? y : y - 399) / 400))
  local yoe=$((y - era * 400))
  local doy=$(((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1))
  local doe=$((yoe * 365 + yoe / 4 - yoe / 100 + doy))
  printf '%d' $((era * 146097 + doe - 719468))
}

# civil_from_days N: "YYYY MM DD" (zero-padded).
civil_from_days() {
  local z=$(($1 + 719468))
  local era=$(((z >= 0 ? z : z - 146096) / 146097))
  local doe=$((z - era * 146097))
  local yoe=$(((doe - doe / 1460 + doe / 36524 - doe / 146096) / 365))
  local y=$((yoe + era * 400))
  local doy=$((doe - (365 * yoe + yoe / 4 - yoe / 100)))
  local mp=$(((5 * doy + 2) / 153))
  local d=$((doy - (153 * mp + 2) / 5 + 1))
  local m=$((mp + (mp < 10 ? 3 : -9)))
  y=$((y + (m <= 2)))
  printf '%04d %02d %02d' "$y" "$m" "$d"
}

# ---- collection state --------------------------------------------------------------------------

OUT=""
ERRLOG=""
# Per-run tallies live outside OUT, as lines appended by every call (tables are collected in
# parallel subshells, which cannot add to a shell variable of this one).
STATE_DIR=""
ACCOUNT=""
PARTITION="aws"

# prune_empty DIR: remove DIR and its parents while they are empty, down to PRUNE_FLOOR (not
# included): a call that wrote nothing leaves no empty folder behind. Parallel jobs get a floor
# that no other job is creating folders under.
PRUNE_FLOOR=""
prune_empty() {
  local dir="$1" floor="${PRUNE_FLOOR:-$OUT}"
  while [ "$dir" != "$floor" ] && [ "${dir#"$floor"/}" != "$dir" ] && rmdir -- "$dir" 2>/dev/null; do
    dir="$(dirname -- "$dir")"
  done
}

# spawn CMD...: run CMD in the background, at most JOBS at a time; drain: wait for all of them.
RUNNING=0
spawn() {
  "$@" &
  RUNNING=$((RUNNING + 1))
  if [ "$RUNNING" -ge "$JOBS" ]; then
    wait -n || true
    RUNNING=$((RUNNING - 1))
  fi
}
drain() {
  wait || true
  RUNNING=0
}

# On exit, interrupted or not: no partial file stays in OUT, no tally behind.
cleanup() {
  if [ -n "$OUT" ] && [ -d "$OUT" ]; then
    find "$OUT" -type f \( -name '*.collect-part' -o -name '*.collect-err' \) -exec rm -f -- {} + 2>/dev/null || true
  fi
  if [ -n "$STATE_DIR" ]; then rm -rf -- "$STATE_DIR"; fi
}

# log_error CALL TARGET MESSAGE: one tab-separated line in collector-errors.log.
log_error() {
  local call="$1" target="$2" message="$3"
  # One line per error: the CLI's message may span lines and hold tabs.
  message="$(printf '%s' "$message" | tr '\t\r\n' '   ' | sed -E 's/  +/ /g; s/^ //; s/ $//')"
  # One short write in append mode: lines of parallel jobs do not interleave.
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(iso_now)" "${ACCOUNT:--}" "${COLLECT_REGION:--}" "$call" \
    "${target:--}" "${message:-failed without a message}" >>"$ERRLOG"
}

# collect FILE TARGET SERVICE OPERATION [ARG...]: save the call's JSON output as FILE, or log why
# not. Returns 1 when nothing was written, so callers can skip what depends on it.
collect() {
  local file="$1" target="$2" service="$3" op="$4"
  shift 4
  mkdir -p -- "$(dirname -- "$file")"
  local tmp="$file.collect-part" err="$file.collect-err" rc=0
  aws_read "$service" "$op" "$@" >"$tmp" 2>"$err" || rc=$?
  if [ "$rc" = 0 ] && [ -s "$tmp" ]; then
    mv -f -- "$tmp" "$file"
    rm -f -- "$err"
    printf '%s\n' "$file" >>"$STATE_DIR/written"
    return 0
  fi
  local message
  message="$(cat -- "$err")"
  if [ "$rc" = 0 ]; then message="empty response"; fi
  rm -f -- "$tmp" "$err"
  prune_empty "$(dirname -- "$file")"
  log_error "$service $op" "$target" "$message"
  return 1
}

# query TARGET SERVICE OPERATION [ARG...]: the call's output on stdout (not saved), or log why not.
query() {
  local target="$1" service="$2" op="$3"
  shift 3
  local out err rc=0
  err="$(mktemp)"
  out="$(aws_read "$service" "$op" "$@" 2>"$err")" || rc=$?
  if [ "$rc" != 0 ]; then
    log_error "$service $op" "$target" "$(cat -- "$err")"
    rm -f -- "$err"
    return 1
  fi
  rm -f -- "$err"
  printf '%s\n' "$out"
}

# ---- per table ---------------------------------------------------------------------------------

collect_table() {
  local base="$1" table="$2"
  local dir="$base/dynamodb/tables/$table"
  # Other tables' jobs make folders beside this one: prune no higher than this table's.
  PRUNE_FLOOR="$base/dynamodb/tables"
  local arn="arn:$PARTITION:dynamodb:$COLLECT_REGION:$ACCOUNT:table/$table"
  # `--name=value`: a table name may start with "-", which the CLI would read as an option.
  collect "$dir/describe-table.json" "$table" dynamodb describe-table --table-name="$table" || true
  collect "$dir/describe-continuous-backups.json" "$table" \
    dynamodb describe-continuous-backups --table-name="$table" || true
  collect "$dir/describe-time-to-live.json" "$table" dynamodb describe-time-to-live --table-name="$table" || true
  collect "$dir/describe-kinesis-streaming-destination.json" "$table" \
    dynamodb describe-kinesis-streaming-destination --table-name="$table" || true
  # A table without a resource policy answers PolicyNotFoundException: logged like any error,
  # and docs/exports.md says that this is the usual case.
  collect "$dir/get-resource-policy.json" "$table" dynamodb get-resource-policy --resource-arn="$arn" || true
  collect "$dir/list-tags-of-resource.json" "$table" dynamodb list-tags-of-resource --resource-arn="$arn" || true
}

# ---- per region --------------------------------------------------------------------------------

collect_region() {
  local region="$1"
  COLLECT_REGION="$region"
  local base="$OUT/$ACCOUNT/$region"
  say "$ACCOUNT $region"

  # Tables. Their names are [A-Za-z0-9_.-]{3,255} (DynamoDB's rule); anything else is refused.
  local tables=() name
  if collect "$base/dynamodb/list-tables.json" "" dynamodb list-tables; then
    while IFS= read -r name; do
      name="${name#\"}"
      name="${name%\"}"
      if [[ "$name" =~ ^[A-Za-z0-9_.-]{3,255}$ ]]; then
        tables+=("$name")
      else
        log_error "dynamodb list-tables" "$name" "not a DynamoDB table name; skipped"
      fi
    done < <(awk '/"TableNames": \[$/{p=1; next} p && /^ *\]/{p=0} p' "$base/dynamodb/list-tables.json" \
      | json_list_literals)
  fi
  say "  ${#tables[@]} tables"

  # In parallel, JOBS at a time: each call is mostly the CLI starting up and a round trip.
  # Folders are pruned no lower than the region's while jobs run (see prune_empty).
  mkdir -p -- "$base/dynamodb/tables"
  PRUNE_FLOOR="$base"
  local table
  for table in "${tables[@]}"; do
    spawn collect_table "$base" "$table"
  done
  spawn collect "$base/application-autoscaling/describe-scalable-targets.json" "" \
    application-autoscaling describe-scalable-targets --service-namespace dynamodb
  spawn collect "$base/lambda/list-event-source-mappings.json" "" lambda list-event-source-mappings
  spawn collect "$base/resourcegroupstaggingapi/get-resources.json" "" \
    resourcegroupstaggingapi get-resources --resource-type-filters dynamodb:table
  spawn collect "$base/backup/list-protected-resources.json" "" backup list-protected-resources
  spawn collect_config "$base" "${tables[@]}"
  drain
  PRUNE_FLOOR=""
  prune_empty "$base/dynamodb/tables"

  # KMS: the keys the tables name, and the AWS managed key for DynamoDB (alias/aws/dynamodb),
  # the one a table "encrypted with an AWS managed key" uses without naming it.
  local keys=() key
  if collect "$base/kms/list-aliases.json" "" kms list-aliases; then
    # Within that alias's object only: an alias whose key AWS has not created yet has no target.
    key="$(awk '/"AliasName": "alias\/aws\/dynamodb"/{p=1} p && /"TargetKeyId": /{print; exit} p && /^ *}/{exit}' \
      "$base/kms/list-aliases.json" | sed -E 's/.*"TargetKeyId": "([^"]*)".*/\1/')"
    if [ -n "$key" ]; then keys+=("$key"); fi
  fi
  if [ -d "$base/dynamodb/tables" ]; then
    while IFS= read -r key; do
      keys+=("$key")
    done < <(find "$base/dynamodb/tables" -name describe-table.json -exec \
      grep -hoE '"KMSMasterKey(Arn|Id)": "[^"]*"' {} + 2>/dev/null \
      | sed -E 's/.*: "([^"]*)"/\1/' | sort -u)
  fi
  local seen=" " key_id
  for key in "${keys[@]}"; do
    key_id="${key##*/}"
    if ! [[ "$key_id" =~ ^[A-Za-z0-9-]{1,128}$ ]] || ! [[ "$key" =~ ^[A-Za-z0-9:/_.-]+$ ]]; then
      log_error "kms describe-key" "$key" "not a KMS key id or ARN; skipped"
      continue
    fi
    case "$seen" in *" $key_id "*) continue ;; esac
    seen="$seen$key_id "
    collect "$base/kms/keys/$key_id/describe-key.json" "$key" kms describe-key --key-id="$key" || true
  done
}

collect_config() {
  local base="$1"
  shift
  local dir="$base/config"
  collect "$dir/describe-config-rules.json" "" configservice describe-config-rules || true
  collect "$dir/describe-compliance-by-config-rule.json" "" \
    configservice describe-compliance-by-config-rule || true
  collect "$dir/describe-compliance-by-resource.json" "" \
    configservice describe-compliance-by-resource --resource-type AWS::DynamoDB::Table || true

  # Evaluation results of the rules that can judge a DynamoDB table: scoped to
  # AWS::DynamoDB::Table, not scoped to any type, or one of the DYNAMODB_* managed rules.
  local rules lit inner file
  if rules="$(query "" configservice describe-config-rules --query \
    "ConfigRules[?!(Scope.ComplianceResourceTypes) || contains(Scope.ComplianceResourceTypes, 'AWS::DynamoDB::Table') || starts_with(Source.SourceIdentifier || '', 'DYNAMODB')].ConfigRuleName")"; then
    while IFS= read -r lit; do
      inner="${lit#\"}"
      inner="${inner%\"}"
      file="$(safe_file_name "$inner" 200)"
      # The name goes in as the JSON literal the CLI printed: no shell or CLI parsing touches it
      # (a rule named "file://..." or "https://..." is not read as a file or a URL).
      collect "$dir/compliance-details/$file.json" "$inner" \
        configservice get-compliance-details-by-config-rule \
        --cli-input-json "{\"ConfigRuleName\": $lit, \"ComplianceTypes\": $COMPLIANCE_TYPES}" || true
    done < <(printf '%s\n' "$rules" | json_list_literals)
  fi

  # Configuration history of every table now, and of the tables Config saw that are gone.
  local names=("$@") ids id
  if ids="$(query "" configservice list-discovered-resources --resource-type AWS::DynamoDB::Table \
    --include-deleted-resources --query 'resourceIdentifiers[].resourceId')"; then
    while IFS= read -r id; do
      id="${id#\"}"
      id="${id%\"}"
      if [[ "$id" =~ ^[A-Za-z0-9_.-]{3,255}$ ]]; then names+=("$id"); fi
    done < <(printf '%s\n' "$ids" | json_list_literals)
  fi
  local seen=" " name
  for name in "${names[@]}"; do
    case "$seen" in *" $name "*) continue ;; esac
    seen="$seen$name "
    collect "$dir/resource-history/$(safe_file_name "$name" 250).json" "$name" \
      configservice get-resource-config-history --resource-type AWS::DynamoDB::Table --resource-id="$name" || true
  done
}

# ---- CloudTrail and Config files from S3 -------------------------------------------------------

# s3_fetch KIND BUCKET PREFIX ROOT PADDED: sync, for every region and every day from SINCE to
# today (UTC), s3://BUCKET/[PREFIX/]AWSLogs/.../<region>/<year>/<month>/<day>/ into
# OUT/ROOT/AWSLogs/... (the bucket's own layout, less the prefix). One sync per region and month,
# so S3 lists only the months asked for. PADDED=1 for CloudTrail's 01/02 folders; Config writes
# 1/2. With DRY=1 it prints the commands instead.
s3_fetch() {
  local kind="$1" bucket="$2" prefix="$3" root="$4" padded="$5" dry="${6:-0}"
  local logs="AWSLogs/$ACCOUNT/$kind"
  if [ "$kind" = CloudTrail ] && [ -n "$ORG_ID" ]; then logs="AWSLogs/$ORG_ID/$ACCOUNT/CloudTrail"; fi
  local key_root="${prefix:+${prefix%/}/}$logs"
  local first last day region y m d ym
  # Its own region variable: callers in a per-region loop keep theirs.
  local COLLECT_REGION="$COLLECT_REGION"
  first="$(days_from_civil "${SINCE:0:4}" "${SINCE:5:2}" "${SINCE:8:2}")"
  last="$(days_from_civil "${TODAY:0:4}" "${TODAY:5:2}" "${TODAY:8:2}")"
  for region in "${REGIONS[@]}"; do
    COLLECT_REGION="$region"
    # Months in order, each with its days in the range.
    local months=() month_days=()
    for ((day = first; day <= last; day++)); do
      read -r y m d <<<"$(civil_from_days "$day")"
      if [ "$padded" = 0 ]; then m=$((10#$m)); d=$((10#$d)); fi
      ym="$y/$m"
      if [ "${#months[@]}" = 0 ] || [ "${months[-1]}" != "$ym" ]; then
        months+=("$ym")
        month_days+=("")
      fi
      month_days[-1]="${month_days[-1]} $d"
    done
    local i
    for i in "${!months[@]}"; do
      local src="s3://$bucket/$key_root/$region/${months[$i]}/"
      local dst="$OUT/$root/$logs/$region/${months[$i]}/"
      local filters=(--exclude '*') dd
      for dd in ${month_days[$i]}; do filters+=(--include "$dd/*"); done
      if [ "$dry" = 1 ]; then
        printf '  aws s3 sync %q %q' "$src" "$dst"
        printf ' %q' "${filters[@]}" ${PROFILE:+--profile "$PROFILE"} --region "$region"
        printf '\n'
      else
        mkdir -p -- "$dst"
        local err rc=0
        err="$(aws_read s3 sync "$src" "$dst" "${filters[@]}" --only-show-errors 2>&1)" || rc=$?
        if [ "$rc" != 0 ]; then log_error "s3 sync" "$src" "$err"; fi
        prune_empty "${dst%/}"
      fi
    done
  done
}

# Where the trails and the Config delivery channel of each region deliver, found with
# describe-trails / describe-delivery-channels, and the commands that fetch their files.
print_s3_instructions() {
  local region rows bucket prefix printed=" "
  printf '\nTo add CloudTrail and AWS Config files from S3 (read-only; adjust --since to taste):\n' >&2
  for region in "${REGIONS[@]}"; do
    COLLECT_REGION="$region"
    if [ -z "$CT_BUCKET" ] && rows="$(query "" cloudtrail describe-trails \
      --query "trailList[].[S3BucketName, S3KeyPrefix || '']" --output text)"; then
      while IFS=$'\t' read -r bucket prefix; do
        [ -n "$bucket" ] || continue
        case "$printed" in *" ct:$bucket/$prefix "*) continue ;; esac
        printed="$printed ct:$bucket/$prefix "
        printf '  # CloudTrail (a trail seen from %s): rerun with\n' "$region" >&2
        printf '  #   --cloudtrail-bucket %q' "$bucket" >&2
        if [ -n "$prefix" ]; then printf ' --cloudtrail-prefix %q' "$prefix" >&2; fi
        printf ' --since %q\n  # or fetch by hand:\n' "$SINCE" >&2
        s3_fetch CloudTrail "$bucket" "$prefix" cloudtrail 1 1 >&2
      done <<<"$rows"
    fi
    if [ -z "$CONFIG_BUCKET" ] && rows="$(query "" configservice describe-delivery-channels \
      --query "DeliveryChannels[].[s3BucketName, s3KeyPrefix || '']" --output text)"; then
      while IFS=$'\t' read -r bucket prefix; do
        [ -n "$bucket" ] || continue
        case "$printed" in *" cfg:$bucket/$prefix "*) continue ;; esac
        printed="$printed cfg:$bucket/$prefix "
        printf '  # AWS Config delivery channel (%s): rerun with\n' "$region" >&2
        printf '  #   --config-bucket %q' "$bucket" >&2
        if [ -n "$prefix" ]; then printf ' --config-prefix %q' "$prefix" >&2; fi
        printf ' --since %q\n  # or fetch by hand:\n' "$SINCE" >&2
        s3_fetch Config "$bucket" "$prefix" config-deliveries 0 1 >&2
      done <<<"$rows"
    fi
  done
  if [ "$printed" = " " ]; then
    printf '  (no trail or delivery channel found; docs/exports.md shows the commands by hand)\n' >&2
  fi
}

# ---- main --------------------------------------------------------------------------------------

REGIONS=()
PROFILE=""
CT_BUCKET=""
CT_PREFIX=""
ORG_ID=""
CONFIG_BUCKET=""
CONFIG_PREFIX=""
SINCE=""
TODAY=""
JOBS=4

main() {
  local regions_arg=""
  while [ "$#" -gt 0 ]; do
    local opt="$1" val=""
    case "$opt" in
      -h | --help)
        usage
        exit 0
        ;;
      --*=*)
        val="${opt#*=}"
        opt="${opt%%=*}"
        ;;
      --*)
        if [ "$#" -lt 2 ]; then usage_error "$opt needs a value"; fi
        val="$2"
        shift
        ;;
      *) usage_error "unexpected argument: $opt" ;;
    esac
    shift
    case "$opt" in
      --out) OUT="$val" ;;
      --regions) regions_arg="$val" ;;
      --profile) PROFILE="$val" ;;
      --cloudtrail-bucket) CT_BUCKET="$val" ;;
      --cloudtrail-prefix) CT_PREFIX="$val" ;;
      --cloudtrail-org-id) ORG_ID="$val" ;;
      --config-bucket) CONFIG_BUCKET="$val" ;;
      --config-prefix) CONFIG_PREFIX="$val" ;;
      --since) SINCE="$val" ;;
      --jobs) JOBS="$val" ;;
      *) usage_error "unknown option: $opt" ;;
    esac
  done

  [ -n "$OUT" ] || usage_error "--out DIR is required"
  [[ "$JOBS" =~ ^[1-9][0-9]?$ ]] || usage_error "--jobs needs a number from 1 to 99, got: $JOBS"
  if ! command -v aws >/dev/null 2>&1; then
    usage_error "the AWS CLI (aws, v1 or v2) is not on PATH"
  fi
  local bucket
  for bucket in "$CT_BUCKET" "$CONFIG_BUCKET"; do
    if [ -n "$bucket" ] && ! [[ "$bucket" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]]; then
      usage_error "not an S3 bucket name: $bucket"
    fi
  done
  if [ -n "$ORG_ID" ] && ! [[ "$ORG_ID" =~ ^o-[a-z0-9]{10,32}$ ]]; then
    usage_error "not an organization id (o-...): $ORG_ID"
  fi
  TODAY="$(TZ=UTC printf '%(%Y-%m-%d)T' -1)"
  if [ -z "$SINCE" ]; then
    # A week back by default: enough to see recent activity without a large download.
    read -r SINCE <<<"$(civil_from_days $(($(days_from_civil "${TODAY:0:4}" "${TODAY:5:2}" "${TODAY:8:2}") - 7)))"
    SINCE="${SINCE// /-}"
  fi
  if ! [[ "$SINCE" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] \
    || [ "$(civil_from_days "$(days_from_civil "${SINCE:0:4}" "${SINCE:5:2}" "${SINCE:8:2}")" | tr ' ' -)" != "$SINCE" ]; then
    usage_error "--since needs a date as YYYY-MM-DD, got: $SINCE"
  fi
  if [[ "$SINCE" > "$TODAY" ]]; then usage_error "--since $SINCE is after today ($TODAY, UTC)"; fi
  if [ -n "$PROFILE" ]; then AWS_GLOBAL_ARGS+=(--profile "$PROFILE"); fi

  # Regions: as given, "all" (the account's enabled regions), or the CLI's default region.
  if [ "$regions_arg" = all ]; then
    local list
    list="$(aws_read ec2 describe-regions --query 'Regions[].RegionName' | json_list_literals | tr -d '"')" \
      || usage_error "--regions all: ec2 describe-regions failed"
    read -r -d '' -a REGIONS <<<"$list" || true
  elif [ -n "$regions_arg" ]; then
    IFS=',' read -r -a REGIONS <<<"$regions_arg"
  else
    local default="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
    if [ -z "$default" ]; then default="$(aws_read configure get region 2>/dev/null || true)"; fi
    [ -n "$default" ] || usage_error "no region: pass --regions r1,r2 (or all), or configure a default region"
    REGIONS=("$default")
  fi
  local region
  [ "${#REGIONS[@]}" -gt 0 ] || usage_error "no region to collect"
  for region in "${REGIONS[@]}"; do
    [[ "$region" =~ ^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$ ]] || usage_error "not a region name: $region"
  done

  mkdir -p -- "$OUT"
  OUT="$(cd -- "$OUT" && pwd)"
  if [ -n "$(ls -A -- "$OUT")" ]; then
    say "note: $OUT is not empty; files of an earlier run stay unless this run rewrites them"
  fi
  STATE_DIR="$(mktemp -d)"
  : >"$STATE_DIR/written"
  trap cleanup EXIT
  # The log always exists, so a folder says whether its collection was complete; its first line
  # names it for whoever reads it (ddb-lens included).
  ERRLOG="$OUT/collector-errors.log"
  printf '# ddb-lens collect-exports errors log, version %s: time, account, region, call, target, error (tab-separated)\n' \
    "$COLLECTOR_VERSION" >"$ERRLOG"

  # Who we are: the account folder and the partition of the ARNs built below.
  COLLECT_REGION="${REGIONS[0]}"
  local ident
  if ! ident="$(query "" sts get-caller-identity --query '[Account, Arn]' --output text)"; then
    say "cannot identify the account (sts get-caller-identity failed; see $ERRLOG): nothing collected"
    exit 1
  fi
  local arn
  read -r ACCOUNT arn <<<"$ident"
  if ! [[ "$ACCOUNT" =~ ^[0-9]{12}$ ]]; then
    log_error "sts get-caller-identity" "" "unexpected account id: $ACCOUNT"
    say "cannot identify the account: nothing collected"
    exit 1
  fi
  PARTITION="$(printf '%s' "$arn" | cut -d: -f2)"
  [[ "$PARTITION" =~ ^aws[a-z-]*$ ]] || PARTITION=aws
  say "account $ACCOUNT, regions ${REGIONS[*]}, output $OUT"

  for region in "${REGIONS[@]}"; do
    collect_region "$region"
  done

  if [ -n "$CT_BUCKET" ]; then
    say "CloudTrail files from s3://$CT_BUCKET since $SINCE"
    s3_fetch CloudTrail "$CT_BUCKET" "$CT_PREFIX" cloudtrail 1
  fi
  if [ -n "$CONFIG_BUCKET" ]; then
    say "AWS Config files from s3://$CONFIG_BUCKET since $SINCE"
    s3_fetch Config "$CONFIG_BUCKET" "$CONFIG_PREFIX" config-deliveries 0
  fi
  local fetched=0
  if [ -d "$OUT/cloudtrail" ] || [ -d "$OUT/config-deliveries" ]; then
    fetched="$(find "$OUT/cloudtrail" "$OUT/config-deliveries" -type f 2>/dev/null | wc -l | tr -d ' ')"
  fi
  if [ -z "$CT_BUCKET" ] || [ -z "$CONFIG_BUCKET" ]; then print_s3_instructions; fi

  local regions_json="" r
  for r in "${REGIONS[@]}"; do regions_json="$regions_json${regions_json:+,}\"$r\""; done
  printf '{"tool":"%s","version":%s,"collected_at":"%s","accounts":["%s"],"regions":[%s]}\n' \
    "$COLLECTOR_TOOL" "$COLLECTOR_VERSION" "$(iso_now)" "$ACCOUNT" "$regions_json" >"$OUT/collector.json"

  local written errors failed="no call failed"
  written="$(wc -l <"$STATE_DIR/written" | tr -d ' ')"
  errors="$(($(wc -l <"$ERRLOG") - 1))"
  if [ "$errors" != 0 ]; then failed="$errors calls failed (see $ERRLOG)"; fi
  say "wrote $written files, fetched $fetched from S3; $failed"
  if [ "$((written + fetched))" = 0 ]; then
    say "nothing could be collected"
    exit 1
  fi
}

# Sourced (the tests call aws_read directly): define the functions only. `return` works only in
# a sourced file, which tells the two apart even under `bash -c 'source FILE' FILE`.
if ! (return 0 2>/dev/null); then
  main "$@"
fi
