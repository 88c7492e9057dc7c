/**
 * IAM policy documents for the multi-AZ server tier, as pure functions of
 * plain strings (the component resolves the ARNs, then calls these), so tests
 * can read every statement.
 *
 * The failover handler's role is least privilege:
 *   - reads (Describe*) on "*": EC2 and Auto Scaling cannot scope them;
 *   - everything that changes or deletes an EC2 volume, snapshot, instance or
 *     interface is limited to resources tagged `landing-zone:tier` = this tier
 *     (and, for volumes and snapshots, `landing-zone:role` = data); creating
 *     them requires the request to carry those tags; deleting a volume also
 *     requires its `landing-zone:state` to be superseded or pending (never
 *     the live copy), deleting a snapshot `landing-zone:origin` failover or
 *     termination (the handler's own: DLM expires its scheduled ones);
 *   - the Elastic IP, the Auto Scaling group, the hosted zone (and only the
 *     record's name and types), the SNS topic, the log group and the KMS key
 *     by ARN.
 * No mutating action is ever allowed on "*".
 *
 * The server instance's role adds to Session Manager only the right to mark
 * itself quiesced (see serverInstancePolicy).
 */
import { HANDLER_SNAPSHOT_ORIGINS, ROLE_DATA, TAG, VOLUME_STATE } from "./failover/contract";

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export interface FailoverPolicyParams {
    partition: string;
    region: string;
    accountId: string;
    tierName: string;
    /** The Auto Scaling group's name (its ARN holds a generated id; the name pins it). */
    groupName: string;
    snsTopicArn: string;
    logGroupArn: string;
    elasticIpAllocationId?: string;
    dns?: { hostedZoneId: string; recordName: string };
    kmsKeyArn?: string;
}

/** Tags the handler may add or remove on existing tier resources; never the tier, role or origin tags that scope it. */
const SCOPE_TAG_KEYS = [TAG.tier, TAG.role, TAG.origin];

/** The `landing-zone:state` values of data volumes the handler may delete: never `active` (the live copy). */
export const DELETABLE_VOLUME_STATES = [VOLUME_STATE.superseded, VOLUME_STATE.pending] as const;

export function failoverHandlerPolicy(p: FailoverPolicyParams): PolicyDocument {
    const ec2 = (type: string) => `arn:${p.partition}:ec2:${p.region}:${p.accountId}:${type}/*`;
    // Snapshot ARNs carry no account id.
    const snapshots = `arn:${p.partition}:ec2:${p.region}::snapshot/*`;
    const volumes = ec2("volume");
    const instances = ec2("instance");
    const interfaces = ec2("network-interface");
    const tierData = { [`aws:ResourceTag/${TAG.tier}`]: p.tierName, [`aws:ResourceTag/${TAG.role}`]: ROLE_DATA };
    const tierOnly = { [`aws:ResourceTag/${TAG.tier}`]: p.tierName };
    const requestTags = { [`aws:RequestTag/${TAG.tier}`]: p.tierName, [`aws:RequestTag/${TAG.role}`]: ROLE_DATA };

    const statements: PolicyStatement[] = [
        allow("ReadInventory", [
            "ec2:DescribeAddresses",
            "ec2:DescribeInstances",
            "ec2:DescribeSnapshots",
            "ec2:DescribeVolumes",
            "autoscaling:DescribeTags",
        ], ["*"]),
        allow("CreateTaggedDataVolumes", ["ec2:CreateVolume"], [volumes], { StringEquals: requestTags }),
        allow("CreateTaggedDataSnapshots", ["ec2:CreateSnapshot"], [snapshots], { StringEquals: requestTags }),
        // CreateSnapshot is also authorized on its source volume: only this tier's data volumes.
        allow("UseTierDataVolumes", ["ec2:CreateSnapshot", "ec2:AttachVolume", "ec2:DetachVolume"], [volumes], { StringEquals: tierData }),
        // Deletion: a superseded copy whose data lives on, or a copy a launch made that never became live (pending,
        // or one EC2 put in `error` while creating); never the live copy, nor one whose state tag is missing.
        allow("DeleteStaleTierDataVolumes", ["ec2:DeleteVolume"], [volumes], {
            StringEquals: { ...tierData, [`aws:ResourceTag/${TAG.state}`]: [...DELETABLE_VOLUME_STATES] },
        }),
        // CreateVolume is also authorized on its source snapshot: only this tier's data snapshots.
        allow("UseTierDataSnapshots", ["ec2:CreateVolume"], [snapshots], { StringEquals: tierData }),
        // Retention of the handler's own snapshots; DLM's (origin schedule) and another tier's are never its to delete.
        allow("DeleteOwnHandlerSnapshots", ["ec2:DeleteSnapshot"], [snapshots], {
            StringEquals: { ...tierData, [`aws:ResourceTag/${TAG.origin}`]: [...HANDLER_SNAPSHOT_ORIGINS] },
        }),
        allow("TagOnCreate", ["ec2:CreateTags"], [volumes, snapshots], { StringEquals: { "ec2:CreateAction": ["CreateVolume", "CreateSnapshot"] } }),
        allow("RetagTierResources", ["ec2:CreateTags", "ec2:DeleteTags"], [volumes, snapshots, instances], {
            StringEquals: tierOnly,
            "ForAllValues:StringNotEquals": { "aws:TagKeys": SCOPE_TAG_KEYS },
        }),
        allow("AttachToTierInstances", ["ec2:AttachVolume", "ec2:DetachVolume", "ec2:AssociateAddress"], [instances, interfaces], { StringEquals: tierOnly }),
        allow(
            "CompleteLifecycleActions",
            ["autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat", "autoscaling:CreateOrUpdateTags"],
            [`arn:${p.partition}:autoscaling:${p.region}:${p.accountId}:autoScalingGroup:*:autoScalingGroupName/${p.groupName}`],
        ),
        allow("Alert", ["sns:Publish"], [p.snsTopicArn]),
        allow("OwnLogGroup", ["logs:CreateLogStream", "logs:PutLogEvents"], [`${p.logGroupArn}:*`]),
    ];
    if (p.elasticIpAllocationId !== undefined) {
        statements.push(allow("MoveElasticIp", ["ec2:AssociateAddress", "ec2:DisassociateAddress"], [
            `arn:${p.partition}:ec2:${p.region}:${p.accountId}:elastic-ip/${p.elasticIpAllocationId}`,
        ]));
    }
    if (p.dns !== undefined) {
        const zone = p.dns.hostedZoneId.replace(/^\/hostedzone\//, "");
        const zoneArn = `arn:${p.partition}:route53:::hostedzone/${zone}`;
        statements.push(
            // DELETE of a stale A/AAAA (a replacement without that family) must repeat the record's current value: read it first.
            allow("ReadOwnZone", ["route53:ListResourceRecordSets"], [zoneArn]),
            allow("UpdateOwnRecord", ["route53:ChangeResourceRecordSets"], [zoneArn], {
                "ForAllValues:StringEquals": {
                    "route53:ChangeResourceRecordSetsNormalizedRecordNames": [normalizedRecordName(p.dns.recordName)],
                    "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA"],
                    "route53:ChangeResourceRecordSetsActions": ["UPSERT", "DELETE"],
                },
            }),
        );
    }
    if (p.kmsKeyArn !== undefined) {
        statements.push(
            allow("UseDataVolumeKey", ["kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"], [p.kmsKeyArn]),
            allow("GrantDataVolumeKeyToEbs", ["kms:CreateGrant"], [p.kmsKeyArn], { Bool: { "kms:GrantIsForAWSResource": "true" } }),
        );
    }
    return { Version: "2012-10-17", Statement: statements };
}

export interface InstancePolicyParams {
    partition: string;
    region: string;
    accountId: string;
    tierName: string;
}

/**
 * The server instance role's own policy (beside AmazonSSMManagedInstanceCore):
 * when Auto Scaling marks the instance for termination, it stops its app,
 * unmounts the data and tags itself `landing-zone:quiesced`, so the terminate
 * handler's snapshot holds the final data. It may add that one tag key, only
 * on this tier's instances (the launch template tags them), and nothing else:
 * no other key (so never the tier tag or the data volume id the handler sets),
 * no DeleteTags, no volume or snapshot. The tag grants nothing; at worst a
 * tier instance marks its peer early and the termination snapshot is
 * crash-consistent instead of clean, as it would be without quiescing.
 */
export function serverInstancePolicy(p: InstancePolicyParams): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            allow("MarkSelfQuiesced", ["ec2:CreateTags"], [`arn:${p.partition}:ec2:${p.region}:${p.accountId}:instance/*`], {
                StringEquals: { [`aws:ResourceTag/${TAG.tier}`]: p.tierName },
                "ForAllValues:StringEquals": { "aws:TagKeys": [TAG.quiesced] },
                // ForAllValues holds for an empty key list: the request must carry the one key.
                Null: { [`aws:RequestTag/${TAG.quiesced}`]: "false" },
            }),
        ],
    };
}

/** One Allow statement (keys in IAM's usual order). */
function allow(Sid: string, Action: string[], Resource: string[], Condition?: PolicyStatement["Condition"]): PolicyStatement {
    return { Sid, Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) };
}

/** Route 53's normalized form for the record-name condition: lower case, no trailing dot. */
export function normalizedRecordName(name: string): string {
    return name.toLowerCase().replace(/\.$/, "");
}

/** Trust policy for a role a service assumes. */
export function assumeRolePolicy(service: string, condition?: PolicyStatement["Condition"]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }],
    });
}

export interface TopicPolicyParams {
    topicArn: string;
    accountId: string;
    /** The EventBridge rule that forwards failed launches and terminations. */
    eventRuleArn: string;
}

/**
 * The alert topic's resource policy. A topic policy replaces the default
 * one, so it names every publisher: the account's own principals (the
 * handler's role, by its IAM policy), CloudWatch alarms of this account, and
 * the one EventBridge rule.
 */
export function alertTopicPolicy(p: TopicPolicyParams): PolicyDocument & { Statement: Array<PolicyStatement & { Principal: unknown }> } {
    const publish = (Sid: string, Principal: Record<string, string>, Condition?: PolicyStatement["Condition"]) =>
        ({ Sid, Effect: "Allow" as const, Principal, Action: ["sns:Publish"], Resource: [p.topicArn], ...(Condition ? { Condition } : {}) });
    return {
        Version: "2012-10-17",
        Statement: [
            publish("AccountPrincipals", { AWS: `arn:${partitionOf(p.topicArn)}:iam::${p.accountId}:root` }),
            publish("CloudWatchAlarms", { Service: "cloudwatch.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": p.accountId } }),
            publish("FailedLifecycleEvents", { Service: "events.amazonaws.com" }, { ArnEquals: { "aws:SourceArn": p.eventRuleArn } }),
        ],
    };
}

function partitionOf(arn: string): string {
    return arn.split(":")[1] || "aws";
}
