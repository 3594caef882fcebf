"""Which hashicorp/aws types the committed schema covers: the ones the project uses, and more.

The list is regenerable: ``used_types`` scans the Terraform files under ``infra/`` and the
baseline below adds the types the design calls for (so a module can start using one without
regenerating first). ``make provider-schema`` writes the union.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

BASELINE_RESOURCES: tuple[str, ...] = (
    # recordings and prompts buckets
    "aws_s3_bucket",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_notification",
    "aws_s3_bucket_object_lock_configuration",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_object",
    # keys and identities
    "aws_kms_alias",
    "aws_kms_key",
    "aws_kms_key_policy",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    # call analytics
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_dynamodb_table",
    "aws_sns_topic",
    "aws_sns_topic_policy",
    "aws_sns_topic_subscription",
    "aws_sqs_queue",
    "aws_sqs_queue_policy",
    "aws_sqs_queue_redrive_policy",
    # functions
    "aws_lambda_alias",
    "aws_lambda_event_source_mapping",
    "aws_lambda_function",
    "aws_lambda_function_event_invoke_config",
    "aws_lambda_layer_version",
    "aws_lambda_permission",
    # the console's HTTP API as `chalice package` writes it (REST API, deployment, stage)
    "aws_api_gateway_deployment",
    "aws_api_gateway_rest_api",
    "aws_api_gateway_stage",
    # Chime SDK voice and the media insights path
    "aws_chime_voice_connector",
    "aws_chime_voice_connector_logging",
    "aws_chime_voice_connector_origination",
    "aws_chime_voice_connector_streaming",
    "aws_chime_voice_connector_termination",
    "aws_chimesdkmediapipelines_media_insights_pipeline_configuration",
    "aws_chimesdkvoice_sip_media_application",
    "aws_chimesdkvoice_sip_rule",
    "aws_glue_catalog_database",
    "aws_glue_catalog_table",
    "aws_kinesis_firehose_delivery_stream",
    "aws_kinesis_stream",
    "aws_kinesis_video_stream",
)

BASELINE_DATA_SOURCES: tuple[str, ...] = (
    "aws_caller_identity",
    "aws_iam_policy_document",
    "aws_iam_role",
    "aws_kms_alias",
    "aws_kms_key",
    "aws_partition",
    "aws_region",
    "aws_s3_bucket",
    "aws_sns_topic",
)

_DECLARATION = re.compile(r'^\s*(resource|data)\s+"(aws_[a-z0-9_]+)"', re.M)
_SKIPPED_DIRS = {".terraform", "provider-schema"}


@dataclass(frozen=True)
class TypeSet:
    resources: frozenset[str]
    data_sources: frozenset[str]

    def union(self, other: TypeSet) -> TypeSet:
        return TypeSet(self.resources | other.resources, self.data_sources | other.data_sources)


BASELINE = TypeSet(frozenset(BASELINE_RESOURCES), frozenset(BASELINE_DATA_SOURCES))


def terraform_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*.tf")):
        if not _SKIPPED_DIRS.intersection(path.relative_to(root).parts):
            yield path


def used_types(root: Path) -> TypeSet:
    """The aws resource and data source types declared in ``*.tf`` files under ``root``."""
    resources: set[str] = set()
    data_sources: set[str] = set()
    for path in terraform_files(root):
        for kind, name in _DECLARATION.findall(path.read_text(encoding="utf-8")):
            (resources if kind == "resource" else data_sources).add(name)
    return TypeSet(frozenset(resources), frozenset(data_sources))
