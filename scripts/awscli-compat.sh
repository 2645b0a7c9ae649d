#!/usr/bin/env bash
# Proves that the local AWS speaks real AWS to clients that are not ours:
# drives it with the AWS CLI v1 (botocore; SQS over JSON) and Debian's AWS CLI
# v2 (SQS over the query protocol) — S3 (multipart cp, sync, ls, s3api), SQS,
# SNS, IAM, Lambda resource policies with S3 notifications to a function and
# asynchronous invocation settings, an SQS mapping with an event filter,
# and CloudWatch Logs (including `aws logs tail`).
#
# Usage: scripts/awscli-compat.sh [path/to/edasctl]
# Needs: curl, and at least one of `aws` (v1) on PATH or /usr/bin/aws (v2).
set -euo pipefail

bin=${1:-}
work=$(mktemp -d)
if [ -z "$bin" ]; then
  bin="$work/edasctl"
  go build -o "$bin" ./cmd/edasctl
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 45666)
endpoint="http://127.0.0.1:$port"

"$bin" local --addr "127.0.0.1:$port" --data-dir "$work/data" >"$work/local.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 200); do
  curl -fsS "$endpoint/_edas/health" >/dev/null 2>&1 && break
  sleep 0.05
done

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
cat >"$work/awsconfig" <<CFG
[default]
region = us-east-1
s3 =
    addressing_style = path
CFG
export AWS_CONFIG_FILE="$work/awsconfig"

pass=0 fail=0
check() { # check NAME COMMAND... — runs the command, counts the result
  local name=$1; shift
  if out=$("$@" 2>&1); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name: $*" >&2
    echo "$out" | tail -5 >&2
  fi
}

run_suite() { # run_suite LABEL AWS-BINARY
  local label=$1 aws=$2 sfx
  sfx=$(echo "$label" | tr -cd 'a-z0-9')
  local a=("$aws" --endpoint-url "$endpoint")
  echo "--- $label: $("$aws" --version 2>&1)"

  head -c $((20 * 1024 * 1024)) /dev/urandom >"$work/big.bin"
  mkdir -p "$work/tree/sub" && echo one >"$work/tree/a.txt" && echo two >"$work/tree/sub/b.txt"
  check "$label s3 mb" "${a[@]}" s3 mb "s3://compat-$sfx"
  check "$label s3 cp multipart" "${a[@]}" s3 cp "$work/big.bin" "s3://compat-$sfx/big.bin"
  check "$label s3 cp back" "${a[@]}" s3 cp "s3://compat-$sfx/big.bin" "$work/big.back"
  check "$label s3 round trip identical" cmp "$work/big.bin" "$work/big.back"
  check "$label s3 sync" "${a[@]}" s3 sync "$work/tree" "s3://compat-$sfx/tree"
  check "$label s3 ls" bash -c "'$aws' --endpoint-url $endpoint s3 ls --recursive s3://compat-$sfx | grep -q tree/sub/b.txt"
  check "$label s3api list-object-versions" "${a[@]}" s3api list-object-versions --bucket "compat-$sfx"
  check "$label s3 rb --force" "${a[@]}" s3 rb --force "s3://compat-$sfx"

  # S3 tells a queue about deletes (ObjectRemoved events, no size or eTag).
  local nq nqarn
  nq=$("${a[@]}" sqs create-queue --queue-name "compat-$sfx-events" --query QueueUrl --output text 2>/dev/null || true)
  nqarn="arn:aws:sqs:us-east-1:000000000000:compat-$sfx-events"
  # The policy is a JSON string inside the attributes' JSON: written as a file.
  cat >"$work/queue-attrs.json" <<JSON
{"Policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"$nqarn\"}]}"}
JSON
  check "$label sqs set-queue-attributes (let S3 send)" "${a[@]}" sqs set-queue-attributes --queue-url "$nq" --attributes "file://$work/queue-attrs.json"
  check "$label s3 mb for events" "${a[@]}" s3 mb "s3://compat-$sfx-ev"
  check "$label s3api put-bucket-notification-configuration to a queue" "${a[@]}" s3api put-bucket-notification-configuration --bucket "compat-$sfx-ev" --notification-configuration "{\"QueueConfigurations\":[{\"QueueArn\":\"$nqarn\",\"Events\":[\"s3:ObjectRemoved:*\"]}]}"
  check "$label s3 cp for a delete event" "${a[@]}" s3 cp "$work/tree/a.txt" "s3://compat-$sfx-ev/gone.txt"
  check "$label s3 rm sends ObjectRemoved:Delete" "${a[@]}" s3 rm "s3://compat-$sfx-ev/gone.txt"
  check "$label sqs receive-message of the delete event" bash -c "for i in 1 2 3; do '$aws' --endpoint-url $endpoint sqs receive-message --queue-url '$nq' --max-number-of-messages 10 --wait-time-seconds 2 | grep -q 'ObjectRemoved:Delete' && exit 0; done; exit 1"
  check "$label s3 rb the events bucket" "${a[@]}" s3 rb --force "s3://compat-$sfx-ev"
  check "$label sqs delete-queue of the events" "${a[@]}" sqs delete-queue --queue-url "$nq"

  local q
  check "$label sqs create-queue" "${a[@]}" sqs create-queue --queue-name "compat-$sfx"
  q=$("${a[@]}" sqs get-queue-url --queue-name "compat-$sfx" --query QueueUrl --output text 2>/dev/null || true)
  check "$label sqs send-message" "${a[@]}" sqs send-message --queue-url "$q" --message-body hello
  check "$label sqs receive-message" bash -c "'$aws' --endpoint-url $endpoint sqs receive-message --queue-url '$q' --wait-time-seconds 1 | grep -q hello"
  check "$label sqs get-queue-attributes" "${a[@]}" sqs get-queue-attributes --queue-url "$q" --attribute-names All
  check "$label sqs delete-queue" "${a[@]}" sqs delete-queue --queue-url "$q"

  local t
  t=$("${a[@]}" sns create-topic --name "compat-$sfx" --query TopicArn --output text 2>/dev/null || true)
  check "$label sns create-topic" test -n "$t"
  check "$label sns publish" "${a[@]}" sns publish --topic-arn "$t" --message hi
  check "$label sns list-subscriptions" "${a[@]}" sns list-subscriptions
  check "$label sns delete-topic" "${a[@]}" sns delete-topic --topic-arn "$t"

  local trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
  check "$label iam create-role" "${a[@]}" iam create-role --role-name "compat-$sfx" --assume-role-policy-document "$trust"
  check "$label iam put-role-policy" "${a[@]}" iam put-role-policy --role-name "compat-$sfx" --policy-name p --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}'
  check "$label iam get-role-policy" "${a[@]}" iam get-role-policy --role-name "compat-$sfx" --policy-name p
  check "$label iam delete-role-policy" "${a[@]}" iam delete-role-policy --role-name "compat-$sfx" --policy-name p

  # A function S3 may invoke (AddPermission), named in a bucket's
  # notification configuration. The package's bootstrap is never run here.
  local fn="compat-$sfx" role="arn:aws:iam::000000000000:role/compat-$sfx"
  python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w"); i = zipfile.ZipInfo("bootstrap"); i.external_attr = 0o755 << 16; z.writestr(i, "#!/bin/sh\n"); z.close()' "$work/fn.zip"
  check "$label lambda create-function" "${a[@]}" lambda create-function --function-name "$fn" --runtime provided.al2023 --role "$role" --handler bootstrap --zip-file "fileb://$work/fn.zip"
  check "$label lambda add-permission" "${a[@]}" lambda add-permission --function-name "$fn" --statement-id s3 --action lambda:InvokeFunction --principal s3.amazonaws.com --source-arn "arn:aws:s3:::compat-$sfx-fn" --source-account 000000000000
  check "$label lambda get-policy" bash -c "'$aws' --endpoint-url $endpoint lambda get-policy --function-name $fn | grep -q s3.amazonaws.com"
  check "$label s3 mb for a function" "${a[@]}" s3 mb "s3://compat-$sfx-fn"
  check "$label s3api put-bucket-notification-configuration to a function" "${a[@]}" s3api put-bucket-notification-configuration --bucket "compat-$sfx-fn" --notification-configuration "{\"LambdaFunctionConfigurations\":[{\"LambdaFunctionArn\":\"arn:aws:lambda:us-east-1:000000000000:function:$fn\",\"Events\":[\"s3:ObjectCreated:*\"]}]}"
  check "$label s3api get-bucket-notification-configuration" bash -c "'$aws' --endpoint-url $endpoint s3api get-bucket-notification-configuration --bucket compat-$sfx-fn | grep -q function:$fn"
  check "$label lambda remove-permission" "${a[@]}" lambda remove-permission --function-name "$fn" --statement-id s3
  # An SQS mapping with an event filter (the role may read the queue).
  check "$label iam attach-role-policy" "${a[@]}" iam attach-role-policy --role-name "compat-$sfx" --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole
  check "$label sqs create-queue for a mapping" "${a[@]}" sqs create-queue --queue-name "compat-$sfx-esm"
  local esm
  esm=$("${a[@]}" lambda create-event-source-mapping --function-name "$fn" --event-source-arn "arn:aws:sqs:us-east-1:000000000000:compat-$sfx-esm" --filter-criteria '{"Filters":[{"Pattern":"{\"body\":{\"kind\":[\"keep\"]}}"}]}' --query UUID --output text 2>/dev/null || true)
  check "$label lambda create-event-source-mapping with a filter" test -n "$esm"
  check "$label lambda get-event-source-mapping" bash -c "'$aws' --endpoint-url $endpoint lambda get-event-source-mapping --uuid '$esm' | grep -q FilterCriteria"
  check "$label lambda delete-event-source-mapping" "${a[@]}" lambda delete-event-source-mapping --uuid "$esm"
  check "$label iam detach-role-policy" "${a[@]}" iam detach-role-policy --role-name "compat-$sfx" --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole
  check "$label lambda put-function-event-invoke-config" "${a[@]}" lambda put-function-event-invoke-config --function-name "$fn" --maximum-retry-attempts 0 --maximum-event-age-in-seconds 3600
  check "$label lambda get-function-event-invoke-config" bash -c "'$aws' --endpoint-url $endpoint lambda get-function-event-invoke-config --function-name $fn | grep -q 3600"
  check "$label s3 rb the function's bucket" "${a[@]}" s3 rb "s3://compat-$sfx-fn"
  check "$label lambda delete-function" "${a[@]}" lambda delete-function --function-name "$fn"
  check "$label sqs delete-queue of the mapping" bash -c "'$aws' --endpoint-url $endpoint sqs delete-queue --queue-url \$('$aws' --endpoint-url $endpoint sqs get-queue-url --queue-name compat-$sfx-esm --query QueueUrl --output text)"
  check "$label iam delete-role" "${a[@]}" iam delete-role --role-name "compat-$sfx"

  local now
  now=$(($(date +%s) * 1000))
  check "$label logs create-log-group" "${a[@]}" logs create-log-group --log-group-name "/compat/$sfx"
  check "$label logs create-log-stream" "${a[@]}" logs create-log-stream --log-group-name "/compat/$sfx" --log-stream-name s
  check "$label logs put-log-events" "${a[@]}" logs put-log-events --log-group-name "/compat/$sfx" --log-stream-name s --log-events "timestamp=$now,message=compat-line"
  check "$label logs filter-log-events" bash -c "'$aws' --endpoint-url $endpoint logs filter-log-events --log-group-name /compat/$sfx | grep -q compat-line"
  # `aws logs tail` exists in the AWS CLI v2 only.
  [ "$label" = "cli v2" ] && check "$label logs tail" bash -c "'$aws' --endpoint-url $endpoint logs tail /compat/$sfx --since 1h | grep -q compat-line"
  check "$label logs delete-log-group" "${a[@]}" logs delete-log-group --log-group-name "/compat/$sfx"
  check "$label sts get-caller-identity" "${a[@]}" sts get-caller-identity
}

ran=0
if command -v aws >/dev/null && [ "$(command -v aws)" != /usr/bin/aws ]; then run_suite "cli v1" aws; ran=1; fi
if [ -x /usr/bin/aws ]; then run_suite "cli v2" /usr/bin/aws; ran=1; fi
[ "$ran" = 1 ] || { echo "no AWS CLI found" >&2; exit 1; }
echo "awscli-compat: $pass passed, $fail failed"
[ "$fail" = 0 ]
