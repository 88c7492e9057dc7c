/**
 * The log archive bucket's resource policy, a pure function of plain strings
 * (the component resolves the ARNs, then calls it) so tests read every
 * statement:
 *   - nothing reaches the bucket without TLS;
 *   - CloudTrail (this one trail, by its ARN) and the log delivery service
 *     (this account's flow logs) may check the ACL and write under their own
 *     prefixes, with the owner taking full control of what they write;
 *   - no other principal may write: an account user cannot plant or replace
 *     a log;
 *   - unless the config allows deleting logs, no one may delete an object
 *     version (versioning turns a plain delete into a delete marker, so the
 *     log itself stays until the lifecycle rule expires it).
 */
import { PolicyStatement } from "./server-iam";

/** S3 storage classes a lifecycle rule may move logs into, with their minimum storage duration in days (S3 pricing, S3 user guide). */
export const COLD_STORAGE_CLASSES = { STANDARD_IA: 30, GLACIER_IR: 90, GLACIER: 90, DEEP_ARCHIVE: 180 } as const;
export type ColdStorageClass = keyof typeof COLD_STORAGE_CLASSES;

/** VPC flow-log traffic types. */
export const FLOW_LOG_TRAFFIC_TYPES = ["ACCEPT", "REJECT", "ALL"] as const;
export type FlowLogTrafficType = (typeof FLOW_LOG_TRAFFIC_TYPES)[number];

export const LOG_PREFIX = { trail: "cloudtrail", flowLogs: "vpc-flow-logs" } as const;

/** The services that write into the archive. */
export const LOG_WRITERS = ["cloudtrail.amazonaws.com", "delivery.logs.amazonaws.com"] as const;

export interface LogArchivePolicyParams {
    partition: string;
    region: string;
    accountId: string;
    bucketArn: string;
    /** The trail allowed to write (its ARN is known before it exists: arn:…:trail/<name>). */
    trailArn: string;
    /** True: leave object versions deletable (the config lets destroy delete the logs). */
    allowVersionDeletes: boolean;
}

type BucketStatement = Omit<PolicyStatement, "Sid"> & { Sid: string; Principal: "*" | { Service: string } };

export function logArchivePolicy(p: LogArchivePolicyParams): { Version: "2012-10-17"; Statement: BucketStatement[] } {
    const objects = `${p.bucketArn}/*`;
    const ownerControl = { "s3:x-amz-acl": "bucket-owner-full-control" };
    const fromThisAccountsLogs = {
        StringEquals: { "aws:SourceAccount": p.accountId },
        ArnLike: { "aws:SourceArn": `arn:${p.partition}:logs:${p.region}:${p.accountId}:*` },
    };
    const statements: BucketStatement[] = [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:*"],
            Resource: [p.bucketArn, objects],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyWritesButLogServices",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:PutObject"],
            Resource: [objects],
            // Absent for people and roles (IfExists: true), present and one of these for the log services.
            Condition: { StringNotEqualsIfExists: { "aws:PrincipalServiceName": [...LOG_WRITERS] } },
        },
        {
            Sid: "CloudTrailAclCheck",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: ["s3:GetBucketAcl"],
            Resource: [p.bucketArn],
            Condition: { StringEquals: { "aws:SourceArn": p.trailArn } },
        },
        {
            Sid: "CloudTrailWrite",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: ["s3:PutObject"],
            Resource: [`${p.bucketArn}/${LOG_PREFIX.trail}/AWSLogs/${p.accountId}/*`],
            Condition: { StringEquals: { ...ownerControl, "aws:SourceArn": p.trailArn } },
        },
        {
            Sid: "FlowLogsAclCheck",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: ["s3:GetBucketAcl", "s3:ListBucket"],
            Resource: [p.bucketArn],
            Condition: fromThisAccountsLogs,
        },
        {
            Sid: "FlowLogsWrite",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: ["s3:PutObject"],
            Resource: [`${p.bucketArn}/${LOG_PREFIX.flowLogs}/AWSLogs/${p.accountId}/*`],
            Condition: { ...fromThisAccountsLogs, StringEquals: { ...fromThisAccountsLogs.StringEquals, ...ownerControl } },
        },
    ];
    if (!p.allowVersionDeletes) {
        statements.push({ Sid: "DenyLogDeletion", Effect: "Deny", Principal: "*", Action: ["s3:DeleteObjectVersion"], Resource: [objects] });
    }
    return { Version: "2012-10-17", Statement: statements };
}
