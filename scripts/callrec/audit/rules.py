"""The rule catalogue: every finding names one of these rules. Rules are data, not code."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """Ordered so that ``finding.severity >= fail_on`` is the exit-code test."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (one of: {names})") from None

    @property
    def sarif_level(self) -> str:
        """SARIF 2.1.0 ``level``: error, warning or note."""
        if self >= Severity.HIGH:
            return "error"
        if self is Severity.MEDIUM:
            return "warning"
        return "note"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    why: str
    fix: str
    area: str


_C, _H, _M, _L, _I = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
    Severity.INFO,
)

RULES: tuple[Rule, ...] = (
    # --- Chime service principal: the confused-deputy problem -------------------------------------
    Rule(
        "CR001",
        _C,
        "Chime service principal allowed with neither aws:SourceAccount nor a full aws:SourceArn",
        "A service principal acts on behalf of every AWS customer. With neither aws:SourceAccount "
        "nor aws:SourceArn pinned to a full ARN (which names the account), a SIP media application "
        "in any other account can make Amazon Chime write to (or read from) this bucket: the "
        'cross-service confused-deputy problem (IAM User Guide, "The confused deputy problem").',
        'Add "StringEquals": {"aws:SourceAccount": "<your account id>"} and pin aws:SourceArn to '
        "the SIP media application's ARN.",
        "confused-deputy",
    ),
    Rule(
        "CR002",
        _C,
        "Chime service principal allowed without aws:SourceArn pinned to a SIP media application "
        "or Voice Connector",
        "aws:SourceAccount alone admits every Chime resource in the account. Pinning "
        "aws:SourceArn to the SIP media application(s) or Voice Connector(s) that record limits "
        "the grant to the resources that need it.",
        'Add "ArnEquals" (or "StringEquals"/"ArnLike" without wildcards): {"aws:SourceArn": '
        '["arn:aws:chime:<region>:<account>:sma/<sip-media-application-id>"]}.',
        "confused-deputy",
    ),
    Rule(
        "CR003",
        _H,
        "Wildcard in an aws:SourceAccount or aws:SourceArn value",
        "StringLike, ArnLike and ArnEquals treat * and ? as wildcards, so a pattern such as "
        "arn:aws:chime:*:*:sma/* admits resources in other accounts or every SIP media "
        "application, which reopens the confused-deputy hole the condition is meant to close.",
        "List the exact ARNs and the exact account id, without * or ?.",
        "confused-deputy",
    ),
    Rule(
        "CR004",
        _L,
        "Pattern operator (StringLike) used for an exact confused-deputy value",
        "StringLike states that a pattern is intended; for an account id or an ARN without "
        "wildcards it works, but the next edit that adds a * silently widens the grant.",
        "Use StringEquals for aws:SourceAccount and ArnEquals (or StringEquals) for aws:SourceArn.",
        "confused-deputy",
    ),
    Rule(
        "CR005",
        _H,
        "ForAnyValue/ForAllValues set operator on a single-valued context key",
        "aws:SourceAccount, aws:SourceArn, aws:SecureTransport and the other global keys are "
        "single-valued. The IAM documentation warns against set operators on them: "
        "ForAllValues evaluates to true when the key is absent, so the statement fails open, and "
        "ForAnyValue hides the intent.",
        "Drop the ForAnyValue:/ForAllValues: prefix and use the plain operator.",
        "confused-deputy",
    ),
    Rule(
        "CR006",
        _H,
        "IfExists on a confused-deputy condition",
        "An ...IfExists operator evaluates to true when the key is missing from the request, so a "
        "request without aws:SourceArn/aws:SourceAccount passes the condition.",
        "Use the operator without the IfExists suffix.",
        "confused-deputy",
    ),
    Rule(
        "CR007",
        _H,
        "aws:SourceArn is not an Amazon Chime SIP media application or Voice Connector ARN, or "
        "names another account",
        "The value must identify the Chime resource that acts, in this account: "
        "arn:aws:chime:<region>:<account>:sma/<id> for a SIP media application, "
        "arn:aws:chime:<region>:<account>:vc/<id> for a Voice Connector (media pipelines: "
        "media-pipeline/ or media-insights-pipeline-configuration/). Any other value never "
        "matches (recording fails) or pins the wrong resource.",
        "Use the ARN of the SIP media application / Voice Connector, with the same account id as "
        "aws:SourceAccount.",
        "confused-deputy",
    ),
    Rule(
        "CR008",
        _L,
        "aws:SourceArn pins the full ARN but aws:SourceAccount is missing (defence in depth)",
        "AWS's cross-service confused deputy guidance calls aws:SourceArn with the full ARN of "
        "the resource the most effective protection; the ARN carries the account, so the grant "
        "is confined. The StartCallRecording page's bucket policy also names aws:SourceAccount: "
        "adding it keeps the grant confined if the ARN is later widened with a wildcard.",
        'Add "StringEquals": {"aws:SourceAccount": "<your account id>"} to the statement.',
        "confused-deputy",
    ),
    Rule(
        "CR009",
        _H,
        "Another service principal allowed without a confused-deputy condition",
        "Every AWS service principal (transcribe.amazonaws.com, s3.amazonaws.com, ...) acts for "
        "every customer. A grant with no aws:SourceAccount, aws:SourceArn or aws:SourceOrgID "
        "condition (in the statement, or as a Deny that refuses other sources) lets that service "
        "act on this resource for any account.",
        'Add "StringEquals": {"aws:SourceAccount": "<your account id>"} and, where the service '
        "sets it, aws:SourceArn with the ARN of the resource that acts.",
        "confused-deputy",
    ),
    Rule(
        "CR010",
        _H,
        "Chime service principal granted more actions than it needs",
        "Call recording needs only s3:PutObject and s3:PutObjectAcl on the recordings bucket; "
        "playing prompts needs only s3:GetObject on the prompts bucket. Anything more (s3:*, "
        "s3:DeleteObject, s3:ListBucket, ...) lets the service, and anyone who can steer it, do "
        "more than record.",
        "Grant exactly s3:PutObject and s3:PutObjectAcl (recordings) or s3:GetObject (prompts).",
        "least-privilege",
    ),
    Rule(
        "CR011",
        _H,
        "Chime service principal granted resources beyond the bucket's objects",
        "The grant should name arn:aws:s3:::<bucket>/* (or the recordings prefix). A bucket ARN, "
        "another bucket, * or NotResource widens it to bucket configuration or other data.",
        'Set Resource to "arn:aws:s3:::<bucket>/<prefix>/*" (object ARNs of this bucket only).',
        "least-privilege",
    ),
    Rule(
        "CR012",
        _H,
        "A Deny statement blocks the Chime service principal's own writes or reads",
        "An explicit Deny wins over any Allow (IAM policy evaluation logic). A Deny that matches "
        "the requests the Chime grant is for (s3:PutObject/s3:PutObjectAcl from this SIP media "
        "application) makes every recording fail with NoAccessToDestination (StartCallRecording "
        "page), while the Allow reads as if recording works.",
        "Narrow the Deny (its principal, actions, resources or condition) so that it leaves "
        "Chime's requests from this SIP media application alone.",
        "confused-deputy",
    ),
    # --- Anyone / negations -----------------------------------------------------------------------
    Rule(
        "CR020",
        _C,
        'Allow to Principal "*" without a narrowing condition',
        'Principal "*" (or {"AWS": "*"}) is everyone, including anonymous users. Without a '
        "condition on a fixed value of aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID, "
        "aws:PrincipalAccount, aws:SourceVpce and the like, S3 treats the policy as public.",
        "Name the principals, or add a condition on a fixed account, organisation or VPC endpoint.",
        "public-access",
    ),
    Rule(
        "CR021",
        _H,
        "NotPrincipal with Allow",
        "Allow with NotPrincipal grants access to every principal except the listed ones, "
        "including anonymous users; AWS recommends against it.",
        "Use Principal with the principals that need access.",
        "public-access",
    ),
    Rule(
        "CR022",
        _H,
        "NotAction with Allow",
        "Allow with NotAction grants every action except the listed ones, including actions "
        "added to the service later.",
        "List the actions that are needed in Action.",
        "least-privilege",
    ),
    Rule(
        "CR023",
        _M,
        "NotResource with Allow",
        "Allow with NotResource grants every resource except the listed ones, including resources "
        "created later.",
        "List the resources that are needed in Resource.",
        "least-privilege",
    ),
    # --- Bucket configuration ---------------------------------------------------------------------
    Rule(
        "CR030",
        _H,
        "No statement denies requests that do not use TLS (aws:SecureTransport)",
        "Call recordings are personal data. Without a Deny on aws:SecureTransport = false, "
        "clients can read or write them over plain HTTP.",
        'Add a Deny for Principal "*", Action "s3:*", Resource the bucket and its objects, with '
        '"Bool": {"aws:SecureTransport": "false"}.',
        "transport",
    ),
    Rule(
        "CR031",
        _H,
        "S3 Block Public Access is not fully enabled",
        "All four settings (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, "
        "RestrictPublicBuckets) keep a mistaken ACL or policy from publishing recordings.",
        "Enable all four settings in aws_s3_bucket_public_access_block "
        "(or s3api put-public-access-block).",
        "public-access",
    ),
    Rule(
        "CR032",
        _H,
        "No default encryption configured on the bucket",
        "Recordings and prompts must be encrypted at rest under a key you choose; declaring the "
        "default encryption makes the choice explicit and auditable.",
        "Add aws_s3_bucket_server_side_encryption_configuration (SSE-KMS with a customer managed "
        "key, or SSE-S3) with bucket_key_enabled.",
        "encryption",
    ),
    Rule(
        "CR033",
        _H,
        "SSE-KMS key policy does not admit the Chime service principal",
        "When the bucket's default encryption is SSE-KMS, Amazon Chime must be allowed to use the "
        "key (kms:GenerateDataKey to write recordings, kms:Decrypt to read prompts), or every "
        "write or read fails. The grant needs the same confused-deputy conditions.",
        "Add a key-policy statement for the Chime service principal with kms:GenerateDataKey "
        "(and kms:Decrypt for prompts), conditioned on aws:SourceAccount and aws:SourceArn.",
        "encryption",
    ),
    Rule(
        "CR034",
        _H,
        "Object ownership lets the writer own objects (ACLs enabled)",
        "With ObjectOwnership ObjectWriter, objects written by another account or by a service "
        "are owned by the writer, and the bucket owner can lose control of the recordings.",
        'Set object ownership to "BucketOwnerEnforced" (ACLs disabled).',
        "ownership",
    ),
    Rule(
        "CR035",
        _C,
        "Bucket ACL grants access to everyone, authenticated users or another account",
        "An ACL grant to AllUsers or AuthenticatedUsers publishes the bucket; a grant to another "
        "canonical user hands access outside the account.",
        "Remove the grant and disable ACLs (BucketOwnerEnforced).",
        "ownership",
    ),
    Rule(
        "CR036",
        _M,
        "Versioning is not enabled",
        "Without versioning an overwrite or delete of a recording cannot be undone.",
        "Enable versioning (aws_s3_bucket_versioning status Enabled).",
        "retention",
    ),
    Rule(
        "CR037",
        _L,
        "No lifecycle configuration (retention is unbounded)",
        "Recordings are personal data: keep them only as long as needed, and expire old versions.",
        "Add aws_s3_bucket_lifecycle_configuration with expiration and noncurrent version "
        "expiration.",
        "retention",
    ),
    # --- Cross-account ----------------------------------------------------------------------------
    Rule(
        "CR040",
        _H,
        "Cross-account principal not on the allow-list",
        "Granting another account access to call recordings must be a decision, recorded in the "
        "allow-list (--allow-account), not an accident.",
        "Remove the principal, or pass --allow-account <id> when the access is intended.",
        "cross-account",
    ),
    # --- IAM roles --------------------------------------------------------------------------------
    Rule(
        "CR050",
        _H,
        "IAM policy allows all actions of a service or of every service",
        'Action "*" or "<service>:*" grants every present and future action.',
        "List the actions the function calls.",
        "iam",
    ),
    Rule(
        "CR051",
        _M,
        'IAM policy allows actions on Resource "*"',
        "Where the action supports resource-level permissions, name the resources; keep * only "
        "for actions that do not support them (and say why in a comment).",
        "Replace * with the ARNs the function uses.",
        "iam",
    ),
    Rule(
        "CR052",
        _H,
        "iam:PassRole without an iam:PassedToService condition",
        "PassRole without iam:PassedToService lets the holder hand the role to any service, a "
        "classic privilege-escalation path.",
        'Add "StringEquals": {"iam:PassedToService": "<service>.amazonaws.com"} and name the role '
        "ARN in Resource.",
        "iam",
    ),
    Rule(
        "CR053",
        _M,
        "Action pattern with a wildcard",
        'A pattern such as "s3:Get*" grants every matching action, including ones added later.',
        "List the actions explicitly.",
        "iam",
    ),
    # --- Malformed documents ----------------------------------------------------------------------
    Rule(
        "CR060",
        _H,
        "Policy document is malformed",
        "A document that is not valid JSON, has no statements, or has statements without Effect, "
        "Action or Resource is rejected by AWS (the apply fails) or does not mean what it says.",
        "Fix the document: a JSON object with Version and a non-empty Statement list whose "
        "statements each have Effect, Action/NotAction and (in resource policies) Principal.",
        "syntax",
    ),
    Rule(
        "CR061",
        _M,
        'Policy Version is missing or not "2012-10-17"',
        'Without Version "2012-10-17" IAM uses the 2008-10-17 language: policy variables such as '
        "${aws:username} are literal strings, and any other value is rejected.",
        'Set "Version": "2012-10-17".',
        "syntax",
    ),
    Rule(
        "CR062",
        _H,
        "Unknown condition operator",
        "Condition operators are a fixed, case-sensitive set (StringEquals, ArnLike, Bool, ...). "
        "An unknown operator makes AWS reject the policy.",
        "Use one of the documented operators (see the IAM User Guide, Condition operators).",
        "syntax",
    ),
    Rule(
        "CR063",
        _I,
        "Expression could not be resolved statically",
        "The auditor does not guess: this value comes from an expression it does not evaluate "
        "(a function it does not implement, a variable without a value, a splat, a template "
        "directive). A statement holding such a value is not judged at all, and rules about what "
        "is missing from the policy are not applied, so no finding is made about a policy the "
        "auditor could not compute.",
        "Audit the plan (terraform show -json plan > plan.json; callrec audit --plan plan.json) "
        "where every value is rendered.",
        "coverage",
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def rule(rule_id: str) -> Rule:
    """Return the rule with this id (case-insensitive), or raise KeyError."""
    return RULES_BY_ID[rule_id.strip().upper()]
