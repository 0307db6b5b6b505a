"""The collector against a mock AWS account, then ddb-lens over what it wrote.

Starts moto's server on 127.0.0.1 (a free port), seeds it with boto3 (tables with a stream and its
Lambda trigger, PITR, a customer managed KMS key, hostile tags, Config rules, CloudTrail and Config
files in S3), runs scripts/collect-exports.sh, checks the folder it wrote against docs/exports.md's
layout, checks that its read-only guard refuses writes, and runs `ddb-lens inspect OUT --json` to
check that ddb-lens recognises every file. So the collector and the reader cannot drift apart.

Run by scripts/test-collector.sh with target/collector-venv's python (moto, boto3 and the AWS CLI
v1 installed there by scripts/setup.sh). Prints TAP: "ok N - name" per check, then "# pass N" and
"# fail N", which scripts/test.sh counts. Offline: moto listens on loopback only.
"""

import datetime
import gzip
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
import uuid
import zipfile
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "collect-exports.sh"
VENV_BIN = Path(sys.executable).parent
ACCOUNT = "123456789012"  # moto's default account
REGIONS = ["us-east-1", "eu-west-1"]

# ---- what the mock account holds -------------------------------------------------------------

HOSTILE_TAG = "<img src=x onerror=alert(1)>"
# Real DynamoDB allows only letters, digits, spaces and + - = . _ : / in tags; moto takes anything,
# and ddb-lens must carry whatever a file holds, so the test seeds worse than AWS would allow.
ODD_TAG = 'Zoë / 東京 "quoted" \\ back\tslash'
# Table names are [A-Za-z0-9_.-]{3,255}: a leading "-" is legal and looks like a CLI option.
TABLES = {
    "us-east-1": {
        "orders": {"tags": {}},  # stream + Lambda trigger, customer managed KMS key
        "payments.v2-2024": {"tags": {}},  # PITR on, TTL on, a resource policy
        "-audit_log.x": {"tags": {"owner": HOSTILE_TAG, "note": ODD_TAG}},
        "legacy-provisioned": {"tags": {}},  # provisioned, with an autoscaling target
    },
    "eu-west-1": {"eu.events": {"tags": {}}},
}
# A Config rule whose name is a path, a URL-ish string and quotes: the CLI must not read it as a
# file (file://) and the file it lands in must be a safe name.
HOSTILE_RULE = 'x "q" \\ /slash file://etc/passwd <b>'
# Rules the collector asks compliance details for (scoped to tables, unscoped, DYNAMODB_*), and one
# it must leave alone.
RULES_FOR_TABLES = ["dynamodb-pitr-enabled", "required-tags", HOSTILE_RULE]
RULE_NOT_FOR_TABLES = "s3-bucket-versioning-enabled"
TRAIL_BUCKET, TRAIL_PREFIX = "ddb-lens-trail", "ct"
CONFIG_BUCKET, CONFIG_PREFIX = "ddb-lens-config", "org/config"

# What moto 5.2.5 lacks. The collector must log each failed call and go on; when a moto upgrade
# implements one, the layout and log checks fail, and its line goes.
MOTO_GAPS_PER_TABLE = {  # file of tables/<TableName>/ -> the call that fails
    "describe-kinesis-streaming-destination.json": "dynamodb describe-kinesis-streaming-destination",  # 500
}
MOTO_GAPS_PER_REGION = {  # file of <account>/<region>/ -> the call that fails
    "backup/list-protected-resources.json": "backup list-protected-resources",  # 404
    "config/describe-compliance-by-config-rule.json": "configservice describe-compliance-by-config-rule",  # 500
    "config/describe-compliance-by-resource.json": "configservice describe-compliance-by-resource",  # 500
}
# No config/compliance-details/<rule>.json: 500 for every rule.
MOTO_GAP_PER_RULE = "configservice get-compliance-details-by-config-rule"
# No config/resource-history/<TableName>.json: moto's Config records no DynamoDB table
# (ResourceNotDiscoveredException, as AWS answers when Config does not record tables).
MOTO_GAP_HISTORY = "configservice get-resource-config-history"
# moto's alias/aws/dynamodb names a target key that moto does not have (NotFoundException).
MOTO_GAP_MANAGED_KEY = "*aws-managed-key*"


def today_utc():
    return datetime.datetime.now(datetime.timezone.utc).date()


# ---- the harness -----------------------------------------------------------------------------

RESULTS = []


def check(name):
    def wrap(fn):
        RESULTS.append((name, fn))
        return fn

    return wrap


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    def __init__(self, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=2).read(1)
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start (see {log_path})")
                time.sleep(0.2)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def aws_env(endpoint, scratch):
    """The environment of every CLI run: the mock's endpoint, fake keys, none of the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=endpoint,
        # moto answers what it lacks with 500s, which the CLI would retry with back-off.
        AWS_MAX_ATTEMPTS="1",
        AWS_CONFIG_FILE=str(scratch / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(scratch / "no-aws-credentials"),
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    return env


def client(service, endpoint, region="us-east-1"):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


# ---- seeding ---------------------------------------------------------------------------------


def key_schema():
    return dict(
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )


def cloudtrail_log(region, day, names):
    """A delivered CloudTrail log file, gzip: one DynamoDB control-plane event per name."""
    records = []
    for i, (table, event) in enumerate(names):
        records.append(
            {
                "eventVersion": "1.09",
                "userIdentity": {
                    "type": "AssumedRole",
                    "principalId": "AROAEXAMPLE:dev",
                    "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/dev",
                    "accountId": ACCOUNT,
                },
                "eventTime": f"{day.isoformat()}T0{i}:15:00Z",
                "eventSource": "dynamodb.amazonaws.com",
                "eventName": event,
                "awsRegion": region,
                "sourceIPAddress": "192.0.2.10",
                "userAgent": "aws-cli/1.46.3",
                "requestParameters": {"tableName": table},
                "responseElements": None,
                "requestID": str(uuid.uuid4()),
                "eventID": str(uuid.uuid4()),
                "readOnly": event.startswith("Describe"),
                "eventType": "AwsApiCall",
                "managementEvent": True,
                "recipientAccountId": ACCOUNT,
                "eventCategory": "Management",
            }
        )
    return gzip.compress(json.dumps({"Records": records}).encode())


def config_history(region, day, table):
    """A delivered AWS Config history file, gzip: two items of one table (PITR turned on)."""
    items = []
    for i, status in enumerate(["DISABLED", "ENABLED"]):
        items.append(
            {
                "configurationItemVersion": "1.3",
                "configurationItemCaptureTime": f"{day.isoformat()}T1{i}:00:00.000Z",
                "configurationStateId": 1700000000000 + i,
                "awsAccountId": ACCOUNT,
                "configurationItemStatus": "OK",
                "resourceType": "AWS::DynamoDB::Table",
                "resourceId": table,
                "resourceName": table,
                "ARN": f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{table}",
                "awsRegion": region,
                "availabilityZone": "Regional",
                "configuration": {
                    "tableName": table,
                    "tableStatus": "ACTIVE",
                    "continuousBackupsDescription": {
                        "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": status}
                    },
                },
                "supplementaryConfiguration": {},
                "tags": {},
                "relatedEvents": [],
                "relationships": [],
            }
        )
    body = {"fileVersion": "1.0", "configurationItems": items}
    return gzip.compress(json.dumps(body).encode())


class Seed:
    """What was put into the mock, for the checks to compare against."""

    def __init__(self):
        self.cmk_id = ""
        self.stream_arn = ""
        self.since = today_utc() - datetime.timedelta(days=2)
        self.s3_in_window = []  # local paths under OUT the collector must fetch
        self.s3_out_of_window = []  # and must not
        self.events = 0  # CloudTrail events in the fetched files
        self.config_items = 0


def seed(endpoint):
    s = Seed()
    for region in REGIONS:
        ddb = client("dynamodb", endpoint, region)
        for table in TABLES[region]:
            tags = [{"Key": k, "Value": v} for k, v in TABLES[region][table]["tags"].items()]
            extra = {"Tags": tags} if tags else {}
            if table == "orders":
                kms = client("kms", endpoint, region)
                key = kms.create_key(Description="orders table key")["KeyMetadata"]
                kms.create_alias(AliasName="alias/ddb-lens-orders", TargetKeyId=key["KeyId"])
                s.cmk_id = key["KeyId"]
                extra["SSESpecification"] = {
                    "Enabled": True,
                    "SSEType": "KMS",
                    "KMSMasterKeyId": key["Arn"],
                }
                extra["StreamSpecification"] = {
                    "StreamEnabled": True,
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                }
            if table == "legacy-provisioned":
                extra["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
            else:
                extra["BillingMode"] = "PAY_PER_REQUEST"
            desc = ddb.create_table(TableName=table, **key_schema(), **extra)["TableDescription"]
            if table == "orders":
                s.stream_arn = desc["LatestStreamArn"]
            if table == "payments.v2-2024":
                ddb.update_continuous_backups(
                    TableName=table,
                    PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
                )
                ddb.update_time_to_live(
                    TableName=table,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
                )
                policy = {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "dynamodb:DeleteTable",
                            "Resource": desc["TableArn"],
                        }
                    ],
                }
                ddb.put_resource_policy(ResourceArn=desc["TableArn"], Policy=json.dumps(policy))

    # The stream's consumer: a Lambda function and its event source mapping.
    iam = client("iam", endpoint)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = iam.create_role(RoleName="orders-indexer", AssumeRolePolicyDocument=json.dumps(trust))
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return len(event['Records'])\n")
    lam = client("lambda", endpoint)
    lam.create_function(
        FunctionName="orders-indexer",
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="handler.handler",
        Code={"ZipFile": code.getvalue()},
    )
    lam.create_event_source_mapping(
        EventSourceArn=s.stream_arn,
        FunctionName="orders-indexer",
        StartingPosition="LATEST",
        BatchSize=100,
    )

    client("application-autoscaling", endpoint).register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId="table/legacy-provisioned",
        ScalableDimension="dynamodb:table:ReadCapacityUnits",
        MinCapacity=5,
        MaxCapacity=50,
    )

    # Config: a recorder, a delivery channel, and rules.
    s3 = client("s3", endpoint)
    for bucket in (TRAIL_BUCKET, CONFIG_BUCKET):
        s3.create_bucket(Bucket=bucket)
    cfg = client("config", endpoint)
    cfg.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": role["Role"]["Arn"],
            "recordingGroup": {"allSupported": True},
        }
    )
    cfg.put_delivery_channel(
        DeliveryChannel={"name": "default", "s3BucketName": CONFIG_BUCKET, "s3KeyPrefix": CONFIG_PREFIX}
    )
    rules = [
        ("dynamodb-pitr-enabled", ["AWS::DynamoDB::Table"], "DYNAMODB_PITR_ENABLED"),
        ("required-tags", None, "REQUIRED_TAGS"),
        (HOSTILE_RULE, ["AWS::DynamoDB::Table"], "DYNAMODB_TABLE_ENCRYPTION_ENABLED"),
        (RULE_NOT_FOR_TABLES, ["AWS::S3::Bucket"], "S3_BUCKET_VERSIONING_ENABLED"),
    ]
    for name, types, source in rules:
        rule = {"ConfigRuleName": name, "Source": {"Owner": "AWS", "SourceIdentifier": source}}
        if types:
            rule["Scope"] = {"ComplianceResourceTypes": types}
        if source == "REQUIRED_TAGS":
            rule["InputParameters"] = json.dumps({"tag1Key": "owner"})
        cfg.put_config_rule(ConfigRule=rule)

    client("cloudtrail", endpoint).create_trail(
        Name="ddb-lens-trail", S3BucketName=TRAIL_BUCKET, S3KeyPrefix=TRAIL_PREFIX, IsMultiRegionTrail=True
    )

    # Delivered files: today and yesterday are in the window (--since = 2 days ago), 40 days ago
    # is not.
    today = today_utc()
    for region in REGIONS:
        table = next(iter(TABLES[region]))
        for age in (0, 1, 40):
            day = today - datetime.timedelta(days=age)
            stamp = f"{day:%Y%m%d}T0000Z"
            ct_rel = (
                f"AWSLogs/{ACCOUNT}/CloudTrail/{region}/{day:%Y/%m/%d}/"
                f"{ACCOUNT}_CloudTrail_{region}_{stamp}_{uuid.uuid4().hex[:16]}.json.gz"
            )
            events = [(table, "UpdateTable"), (table, "DescribeTable")]
            s3.put_object(
                Bucket=TRAIL_BUCKET,
                Key=f"{TRAIL_PREFIX}/{ct_rel}",
                Body=cloudtrail_log(region, day, events),
            )
            cfg_rel = (
                f"AWSLogs/{ACCOUNT}/Config/{region}/{day.year}/{day.month}/{day.day}/ConfigHistory/"
                f"{ACCOUNT}_Config_{region}_ConfigHistory_AWS::DynamoDB::Table_{stamp}_{stamp}_1.json.gz"
            )
            s3.put_object(
                Bucket=CONFIG_BUCKET,
                Key=f"{CONFIG_PREFIX}/{cfg_rel}",
                Body=config_history(region, day, table),
            )
            local = [f"cloudtrail/{ct_rel}", f"config-deliveries/{cfg_rel}"]
            if day >= s.since:
                s.s3_in_window += local
                s.events += len(events)
                s.config_items += 2
            else:
                s.s3_out_of_window += local
    return s


# ---- expectations, data-driven ---------------------------------------------------------------

TABLE_FILES = [
    "describe-table.json",
    "describe-continuous-backups.json",
    "describe-time-to-live.json",
    "describe-kinesis-streaming-destination.json",
    "get-resource-policy.json",
    "list-tags-of-resource.json",
]
REGION_FILES = [
    "dynamodb/list-tables.json",
    "application-autoscaling/describe-scalable-targets.json",
    "lambda/list-event-source-mappings.json",
    "kms/list-aliases.json",
    "resourcegroupstaggingapi/get-resources.json",
    "backup/list-protected-resources.json",
    "config/describe-config-rules.json",
    "config/describe-compliance-by-config-rule.json",
    "config/describe-compliance-by-resource.json",
]


def expected_errors(seed_):
    """(region, call, target) of every call that moto (or AWS) answers with an error."""
    out = set()
    for region in REGIONS:
        for table in TABLES[region]:
            out |= {(region, call, table) for call in MOTO_GAPS_PER_TABLE.values()}
            out.add((region, MOTO_GAP_HISTORY, table))
            if table != "payments.v2-2024":
                # AWS answers the same for a table without a resource policy.
                out.add((region, "dynamodb get-resource-policy", table))
        out |= {(region, call, "-") for call in MOTO_GAPS_PER_REGION.values()}
        out.add((region, "kms describe-key", MOTO_GAP_MANAGED_KEY))
    for rule in RULES_FOR_TABLES:
        # Config rules were seeded in us-east-1 only. The log holds the name as the CLI printed
        # it, JSON-escaped.
        out.add(("us-east-1", MOTO_GAP_PER_RULE, json.dumps(rule)[1:-1]))
    return out


def expected_files(seed_):
    """Every file the collector must write, relative to OUT."""
    files = {"collector.json", "collector-errors.log"}
    for region in REGIONS:
        base = f"{ACCOUNT}/{region}"
        files |= {f"{base}/{f}" for f in REGION_FILES if f not in MOTO_GAPS_PER_REGION}
        for table in TABLES[region]:
            for f in TABLE_FILES:
                if f in MOTO_GAPS_PER_TABLE or (f == "get-resource-policy.json" and table != "payments.v2-2024"):
                    continue
                files.add(f"{base}/dynamodb/tables/{table}/{f}")
    files.add(f"{ACCOUNT}/us-east-1/kms/keys/{seed_.cmk_id}/describe-key.json")
    files |= set(seed_.s3_in_window)
    return files


# The kind `ddb-lens inspect --json` must report for each file, and its record count (None: not
# checked). Files ddb-lens does not recognise on today's main are listed in NOT_YET_RECOGNISED.
def expected_kind(rel, seed_):
    m = re.match(r"\d{12}/([a-z0-9-]+)/(.*)$", rel)
    if rel == "collector.json":
        return "collector_manifest", 1
    if rel == "collector-errors.log":
        return "collector_errors_log", len(expected_errors(seed_))
    if rel.startswith("cloudtrail/"):
        return "cloud_trail_log", 2
    if rel.startswith("config-deliveries/"):
        return "config_history", 2
    if not m:
        return None
    region, path = m.groups()
    tables = TABLES[region]
    t = re.match(r"dynamodb/tables/(.+)/([a-z-]+)\.json$", path)
    if t:
        table, what = t.groups()
        return {
            "describe-table": ("dynamo_db_describe_table", 1),
            "describe-continuous-backups": ("dynamo_db_continuous_backups", 1),
            "describe-time-to-live": ("dynamo_db_time_to_live", 1),
            "describe-kinesis-streaming-destination": ("dynamo_db_kinesis_destinations", None),
            "get-resource-policy": ("dynamo_db_resource_policy", 1),
            "list-tags-of-resource": ("dynamo_db_tags", len(tables[table]["tags"])),
        }[what]
    if re.match(r"kms/keys/[^/]+/describe-key\.json$", path):
        return "kms_describe_key", 1
    us = region == "us-east-1"
    tagged = sum(1 for t in tables.values() if t["tags"])
    return {
        "dynamodb/list-tables.json": ("dynamo_db_list_tables", len(tables)),
        "application-autoscaling/describe-scalable-targets.json": ("auto_scaling_scalable_targets", 1 if us else 0),
        "lambda/list-event-source-mappings.json": ("lambda_event_source_mappings", 1 if us else 0),
        "kms/list-aliases.json": ("kms_list_aliases", None),  # moto's own aws/* aliases
        "resourcegroupstaggingapi/get-resources.json": ("tagging_get_resources", tagged),
        "config/describe-config-rules.json": ("config_rules", 4 if us else 0),
    }.get(path)


# Files the core does not recognise yet (none: the errors log is read since it was added).
NOT_YET_RECOGNISED = set()


# ---- the checks ------------------------------------------------------------------------------


class Run:
    pass


RUN = Run()


def rel_files(out):
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


@check("collector exits 0 and writes collector.json")
def _():
    assert RUN.rc == 0, f"exit {RUN.rc}\n{RUN.stderr}"
    meta = json.loads((RUN.out / "collector.json").read_text())
    assert meta["tool"] == "ddb-lens collect-exports", meta
    assert meta["version"] == 1, meta
    assert meta["accounts"] == [ACCOUNT], meta
    assert meta["regions"] == REGIONS, meta
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["collected_at"]), meta
    assert set(meta) == {"tool", "version", "collected_at", "accounts", "regions"}, meta


@check("the folder holds exactly the layout of docs/exports.md (less what moto lacks)")
def _():
    got = rel_files(RUN.out)
    want = expected_files(RUN.seed)
    missing, extra = sorted(want - got), sorted(got - want)
    assert not missing and not extra, f"missing: {missing}\nunexpected: {extra}"


@check("every JSON file is the CLI's JSON output, hostile strings intact")
def _():
    for rel in rel_files(RUN.out):
        if rel.endswith(".json"):
            json.loads((RUN.out / rel).read_text(encoding="utf-8"))
    tags = json.loads(
        (RUN.out / ACCOUNT / "us-east-1/dynamodb/tables/-audit_log.x/list-tags-of-resource.json").read_text()
    )
    assert {t["Key"]: t["Value"] for t in tags["Tags"]} == TABLES["us-east-1"]["-audit_log.x"]["tags"], tags
    key = json.loads((RUN.out / ACCOUNT / f"us-east-1/kms/keys/{RUN.seed.cmk_id}/describe-key.json").read_text())
    assert key["KeyMetadata"]["KeyManager"] == "CUSTOMER", key
    esm = json.loads((RUN.out / ACCOUNT / "us-east-1/lambda/list-event-source-mappings.json").read_text())
    assert [m["EventSourceArn"] for m in esm["EventSourceMappings"]] == [RUN.seed.stream_arn], esm
    pitr = json.loads(
        (RUN.out / ACCOUNT / "us-east-1/dynamodb/tables/payments.v2-2024/describe-continuous-backups.json").read_text()
    )
    status = pitr["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
    assert status == "ENABLED", pitr


@check("every failed call is logged, one tab-separated line each, and only those moto lacks")
def _():
    lines = (RUN.out / "collector-errors.log").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ddb-lens collect-exports errors log, version 1"), lines[0]
    got = set()
    for line in lines[1:]:
        fields = line.split("\t")
        assert len(fields) == 6, f"not 6 fields: {line!r}"
        when, account, region, call, target, message = fields
        assert account == ACCOUNT and region in REGIONS and message, line
        if call == "kms describe-key" and target != RUN.seed.cmk_id:
            target = MOTO_GAP_MANAGED_KEY
        got.add((region, call, target))
    want = expected_errors(RUN.seed)
    assert got == want, f"logged but not expected: {sorted(got - want)}\nexpected but not logged: {sorted(want - got)}"


@check("compliance details are asked for the rules that can judge a table, and only those")
def _():
    asked = {
        line.split("\t")[4]
        for line in (RUN.out / "collector-errors.log").read_text(encoding="utf-8").splitlines()[1:]
        if line.split("\t")[3] == "configservice get-compliance-details-by-config-rule"
    }
    assert asked == {json.dumps(r)[1:-1] for r in RULES_FOR_TABLES}, asked
    assert json.dumps(RULE_NOT_FOR_TABLES)[1:-1] not in asked


@check("CloudTrail and Config files are fetched from S3 for the days since --since only")
def _():
    got = rel_files(RUN.out)
    assert set(RUN.seed.s3_in_window) <= got, sorted(set(RUN.seed.s3_in_window) - got)
    assert not set(RUN.seed.s3_out_of_window) & got, sorted(set(RUN.seed.s3_out_of_window) & got)


def source_and_run(env, *args, fake_aws=None):
    """Run `aws_read ARGS...` from the sourced script; with fake_aws, `aws` is a stub that records
    that it ran."""
    env = dict(env)
    if fake_aws:
        env["PATH"] = f"{fake_aws}{os.pathsep}{env['PATH']}"
    return subprocess.run(
        ["bash", "-c", 'source "$0" && aws_read "$@"', str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@check("the read-only guard refuses every write, before the CLI runs")
def _():
    fake = RUN.scratch / "fake-aws"
    fake.mkdir(exist_ok=True)
    marker = RUN.scratch / "aws-ran"
    (fake / "aws").write_text(f"#!/bin/sh\ntouch '{marker}'\n")
    (fake / "aws").chmod(0o755)
    refused = [
        ["dynamodb", "delete-table", "--table-name", "orders"],
        ["dynamodb", "update-table", "--table-name", "orders", "--deletion-protection-enabled"],
        ["dynamodb", "put-item", "--table-name", "orders", "--item", '{"pk":{"S":"x"}}'],
        ["dynamodb", "describe-table;rm", "-rf"],
        ["dynamodb", "Describe-Table"],
        ["kms", "schedule-key-deletion", "--key-id", "x"],
        ["configservice", "put-config-rule", "--config-rule", "{}"],
        ["configservice", "delete-config-rule", "--config-rule-name", "x"],
        ["s3api", "put-object", "--bucket", TRAIL_BUCKET, "--key", "x"],
        ["s3", "cp", str(SCRIPT), f"s3://{TRAIL_BUCKET}/x"],
        ["s3", "sync", f"s3://{TRAIL_BUCKET}/", f"s3://{CONFIG_BUCKET}/"],
        ["s3", "cp", f"s3://{TRAIL_BUCKET}/x", str(RUN.scratch / "x"), "--source-region", f"s3://{CONFIG_BUCKET}"],
        ["s3", "rm", f"s3://{TRAIL_BUCKET}/x"],
        ["s3", "mb", "s3://new-bucket"],
        ["configure", "set", "region", "us-west-2"],
        ["sts", "assume-role", "--role-arn", "x", "--role-session-name", "x"],
        ["--profile", "list-x"],
        ["dynamodb"],
    ]
    for args in refused:
        marker.unlink(missing_ok=True)
        r = source_and_run(RUN.env, *args, fake_aws=fake)
        assert r.returncode == 97, f"{args}: exit {r.returncode}, stderr {r.stderr!r}"
        assert "refused" in r.stderr, f"{args}: {r.stderr!r}"
        assert not marker.exists(), f"{args}: the CLI ran"
    # A read goes through, to the real CLI and the mock.
    r = source_and_run(RUN.env, "dynamodb", "describe-table", "--table-name=orders")
    assert r.returncode == 0 and json.loads(r.stdout)["Table"]["TableName"] == "orders", r.stderr
    # And the mock account still holds every table.
    for region in REGIONS:
        names = client("dynamodb", RUN.endpoint, region).list_tables()["TableNames"]
        assert sorted(names) == sorted(TABLES[region]), names


@check("a rule named file://... reaches the API as a JSON string, never as a CLI parameter")
def _():
    # moto answers get-compliance-details with a 500 whatever the name, so this runs the
    # collector's Config step against a stub CLI that records its arguments instead.
    names = ["file:///etc/hostname", "https://127.0.0.1:9/x", 'a "q" \\ b\t<i>', "-dash"]
    stub = RUN.scratch / "stub-aws"
    calls = RUN.scratch / "stub-calls"
    stub.mkdir(exist_ok=True)
    calls.mkdir(exist_ok=True)
    listing = json.dumps(names, indent=4, ensure_ascii=False)
    (stub / "listing.json").write_text(listing + "\n", encoding="utf-8")
    (stub / "aws").write_text(
        "#!/usr/bin/env bash\n"
        f'n=$(ls "{calls}" | wc -l); printf "%s\\0" "$@" >"{calls}/$n"\n'
        'case " $* " in\n'
        f'  *" describe-config-rules "*"--query"*) cat "{stub}/listing.json" ;;\n'
        '  *" list-discovered-resources "*) echo "[]" ;;\n'
        '  *) echo "{}" ;;\n'
        "esac\n"
    )
    (stub / "aws").chmod(0o755)
    out = RUN.scratch / "stub-out"
    base = out / ACCOUNT / "us-east-1"
    base.mkdir(parents=True, exist_ok=True)
    cmd = (
        'source "$0"; OUT="$1"; ERRLOG="$1/collector-errors.log"; STATE_DIR="$1"; : >"$1/written"; '
        'ACCOUNT="$2"; COLLECT_REGION=us-east-1; collect_config "$3"'
    )
    env = dict(RUN.env, PATH=f"{stub}{os.pathsep}{RUN.env['PATH']}")
    r = subprocess.run(
        ["bash", "-c", cmd, str(SCRIPT), str(out), ACCOUNT, str(base)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    asked = []
    for f in sorted(calls.iterdir(), key=lambda p: int(p.name)):
        argv = f.read_bytes().decode().split("\0")[:-1]
        if "get-compliance-details-by-config-rule" not in argv:
            continue
        i = argv.index("--endpoint-url")  # the mock's, put there by aws_read
        params = argv[:i] + argv[i + 2 :]
        assert not any(a.startswith(("file://", "fileb://", "http://", "https://")) for a in params), argv
        payload = json.loads(argv[argv.index("--cli-input-json") + 1])
        assert payload["ComplianceTypes"] == ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"], payload
        asked.append(payload["ConfigRuleName"])
    assert asked == names, asked
    written = sorted(p.name for p in (base / "config" / "compliance-details").iterdir())
    assert len(written) == len(names), written
    # A name of [A-Za-z0-9_.-] is kept; any other is mapped to those and given a checksum suffix.
    assert "-dash.json" in written, written
    others = [w for w in written if w != "-dash.json"]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+-\d+\.json", w) for w in others), written


@check("docs/exports.md's IAM policy allows each call the script makes, all real operations")
def _():
    import botocore.session  # the venv's botocore, the AWS CLI's own models
    from botocore import xform_name

    doc = (ROOT / "docs" / "exports.md").read_text()
    policy = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1))
    allowed = {a for st in policy["Statement"] for a in st["Action"]}
    session = botocore.session.get_session()
    # CLI service name -> (botocore model, IAM prefix)
    services = {
        "dynamodb": ("dynamodb", "dynamodb"),
        "application-autoscaling": ("application-autoscaling", "application-autoscaling"),
        "lambda": ("lambda", "lambda"),
        "kms": ("kms", "kms"),
        "resourcegroupstaggingapi": ("resourcegroupstaggingapi", "tag"),
        "backup": ("backup", "backup"),
        "configservice": ("config", "config"),
        "cloudtrail": ("cloudtrail", "cloudtrail"),
        "sts": ("sts", "sts"),
        "ec2": ("ec2", "ec2"),
    }
    call = re.compile(r"\b(" + "|".join(map(re.escape, services)) + r")\s+((?:list|describe|get|batch-get|select)-[a-z-]+)")
    needed = set()
    for cli_service, cli_op in call.findall(SCRIPT.read_text()):
        model_name, prefix = services[cli_service]
        model = session.get_service_model(model_name)
        ops = {xform_name(op, "-"): op for op in model.operation_names}
        assert cli_op in ops, f"{cli_service} {cli_op} is not an operation of botocore's {model_name} model"
        needed.add(f"{prefix}:{ops[cli_op]}")
    needed |= {"s3:ListBucket", "s3:GetObject"}  # aws s3 sync from a bucket
    assert len(needed) >= 20, needed
    assert needed == allowed, f"calls not allowed: {sorted(needed - allowed)}\nallowed, not called: {sorted(allowed - needed)}"


@check("the script runs the CLI in one place only: aws_read")
def _():
    text = SCRIPT.read_text()
    assert text.count("command aws ") == 1, "expected one `command aws` (inside aws_read)"
    runs_aws = re.compile(r"(^|[;&|(`{]|\$\(|\bthen|\bdo|\belse)\s*(command\s+|exec\s+|env\s+\S+\s+)*aws\s")
    offenders = []
    for n, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
        if runs_aws.search(code) and "command aws " not in code:
            offenders.append(f"{n}: {line.strip()}")
    assert not offenders, "aws run outside aws_read:\n" + "\n".join(offenders)


@check("without bucket options it prints the exact commands to fetch from the buckets it found")
def _():
    cmd = (
        'source "$0"; OUT="$1"; ACCOUNT="$2"; SINCE="$3"; TODAY="$4"; REGIONS=(us-east-1); '
        "print_s3_instructions"
    )
    since = RUN.seed.since.isoformat()
    r = subprocess.run(
        ["bash", "-c", cmd, str(SCRIPT), "/tmp/out", ACCOUNT, since, today_utc().isoformat()],
        env=RUN.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert f"--cloudtrail-bucket {TRAIL_BUCKET} --cloudtrail-prefix {TRAIL_PREFIX} --since {since}" in r.stderr, r.stderr
    assert f"--config-bucket {CONFIG_BUCKET} --config-prefix {CONFIG_PREFIX} --since {since}" in r.stderr, r.stderr
    d = RUN.seed.since
    ct = f"aws s3 sync s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}/AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/{d:%Y/%m}/"
    cf = f"aws s3 sync s3://{CONFIG_BUCKET}/{CONFIG_PREFIX}/AWSLogs/{ACCOUNT}/Config/us-east-1/{d.year}/{d.month}/"
    assert ct in r.stderr and cf in r.stderr, r.stderr
    assert f"--include {d:%d}/\\*" in r.stderr and f"--include {d.day}/\\*" in r.stderr, r.stderr


@check("usage errors exit 2; no credentials or no AWS exits 1; hostile --out is quoted")
def _():
    def run(*args, env=None):
        return subprocess.run(
            ["bash", str(SCRIPT), *args],
            env=env or RUN.env,
            cwd=RUN.scratch,
            capture_output=True,
            text=True,
            timeout=60,
        )

    for args in (
        [],
        ["--out"],
        ["--out", "x", "--since", "2024-02-30"],
        ["--out", "x", "--since", "yesterday"],
        ["--out", "x", "--regions", "us-east-1;rm"],
        ["--out", "x", "--cloudtrail-bucket", "Not_A_Bucket"],
        ["--out", "x", "--bogus", "1"],
        ["stray"],
    ):
        r = run(*args)
        assert r.returncode == 2, f"{args}: exit {r.returncode}: {r.stderr}"
    dead = dict(RUN.env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")
    hostile = RUN.scratch / "out $(touch pwned) `x` 'q'"
    r = run("--out", str(hostile), "--regions", "us-east-1", env=dead)
    assert r.returncode == 1, f"exit {r.returncode}: {r.stderr}"
    assert "nothing collected" in r.stderr, r.stderr
    assert not (RUN.scratch / "pwned").exists() and not (hostile / "pwned").exists()
    assert (hostile / "collector-errors.log").exists()


@check("ddb-lens inspect recognises every file the collector wrote, with the right counts")
def _():
    r = subprocess.run(
        ["cargo", "run", "-q", "-p", "ddb-lens-cli", "--", "inspect", str(RUN.out), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode in (0, 1), f"exit {r.returncode}: {r.stderr}"
    report = json.loads(r.stdout)
    prefix = RUN.out.name + "/"
    problems = []
    seen = set()
    for f in report["files"]:
        rel = f["name"][len(prefix):] if f["name"].startswith(prefix) else f["name"]
        seen.add(rel)
        if rel in NOT_YET_RECOGNISED:
            if f["kind"] != "unrecognised":
                problems.append(f"{rel}: now recognised as {f['kind']}: move it from NOT_YET_RECOGNISED into expected_kind()")
            continue
        want = expected_kind(rel, RUN.seed)
        if want is None:
            problems.append(f"{rel}: no expectation for this file")
            continue
        kind, records = want
        if f["kind"] != kind:
            problems.append(f"{rel}: kind {f['kind']}, expected {kind} ({f['message']})")
        if f["status"] != "ok" or f["warnings"]:
            problems.append(f"{rel}: status {f['status']}: {f['message']} {f['warnings']}")
        if records is not None and f["records"] != records:
            problems.append(f"{rel}: {f['records']} records, expected {records}")
    if seen != rel_files(RUN.out):
        problems.append(f"inspect saw other files: {sorted(seen ^ rel_files(RUN.out))}")
    totals = report["totals"]
    if totals["events"] != RUN.seed.events:
        problems.append(f"{totals['events']} events, expected {RUN.seed.events}")
    accounts = [a["name"] for a in report["overview"]["accounts"]]
    if accounts != [ACCOUNT]:
        problems.append(f"accounts {accounts}")
    want_rc = 1 if NOT_YET_RECOGNISED else 0
    if r.returncode != want_rc:
        problems.append(f"inspect exit {r.returncode}, expected {want_rc}")
    assert not problems, "\n".join(problems)


# ---- main ------------------------------------------------------------------------------------


def main():
    started = time.monotonic()
    log_dir = ROOT / "target" / "test-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="ddb-lens-collector-"))
    moto = None
    passed = failed = 0
    try:
        moto = Moto(log_dir / "collector-moto-server.log")
        RUN.endpoint = moto.url
        RUN.scratch = scratch
        RUN.env = aws_env(moto.url, scratch)
        os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
        RUN.seed = seed(moto.url)
        print(f"# moto_server on {moto.url}, seeded in {time.monotonic() - started:.1f}s", flush=True)
        RUN.out = scratch / "export"
        t0 = time.monotonic()
        r = subprocess.run(
            [
                "bash",
                str(SCRIPT),
                "--out",
                str(RUN.out),
                "--regions",
                ",".join(REGIONS),
                "--cloudtrail-bucket",
                TRAIL_BUCKET,
                "--cloudtrail-prefix",
                TRAIL_PREFIX,
                "--config-bucket",
                CONFIG_BUCKET,
                "--config-prefix",
                CONFIG_PREFIX,
                "--since",
                RUN.seed.since.isoformat(),
            ],
            env=RUN.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        RUN.rc, RUN.stderr = r.returncode, r.stderr
        (log_dir / "collector-run.log").write_text(r.stdout + r.stderr)
        print(f"# collector ran in {time.monotonic() - t0:.1f}s (exit {r.returncode})", flush=True)
        print(f"1..{len(RESULTS)}")
        for n, (name, fn) in enumerate(RESULTS, 1):
            t0 = time.monotonic()
            try:
                fn()
                print(f"ok {n} - {name} ({time.monotonic() - t0:.1f}s)", flush=True)
                passed += 1
            except Exception:  # noqa: BLE001 - every failure is reported, the others still run
                print(f"not ok {n} - {name} ({time.monotonic() - t0:.1f}s)")
                for line in traceback.format_exc().splitlines():
                    print(f"#   {line}")
                failed += 1
    finally:
        if moto:
            moto.stop()
        if failed == 0:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"# kept {scratch} for a look")
    print(f"# collector test took {time.monotonic() - started:.1f}s")
    print(f"# pass {passed}")
    print(f"# fail {failed}")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
