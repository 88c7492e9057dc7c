/**
 * LogArchive: one S3 bucket per stack for the audit trail and the network
 * logs. Encrypted (SSE-S3), versioned, every public-access block on, objects
 * owned by the bucket owner (ACLs off), TLS only, only the log services may
 * write (./log-archive-policy.ts), and lifecycle rules that move logs to a
 * colder class and then expire them.
 *
 * Destroy: by default the bucket is created with `forceDestroy: false` and
 * `retainOnDelete: true`. `pulumi destroy` then removes it from the stack's
 * state but leaves the bucket and every log in the account: the record of who
 * did what must outlive the stack it records (and a teardown is exactly when
 * it is wanted). `protect` was not chosen because it makes `pulumi destroy`
 * of the whole stack fail until someone unprotects the bucket, which is the
 * wrong default for a dev stack torn down daily. With `deleteOnDestroy` the
 * bucket is deleted with its logs (forceDestroy, no retain, version deletes
 * allowed).
 */
import * as s3 from "@pulumi/aws/s3";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import * as pulumi from "@pulumi/pulumi";
import { ColdStorageClass, LOG_PREFIX, logArchivePolicy } from "./log-archive-policy";

export interface LogArchiveArgs {
    /** The trail allowed to write (AuditTrail's name); its ARN goes into the bucket policy before the trail exists. */
    trailName: string;
    /** Days before logs move to `coldStorageClass`. Required (the config's default: budget 30, production 90). */
    coldAfterDays: number;
    /** The colder class. Default GLACIER_IR. */
    coldStorageClass?: ColdStorageClass;
    /** Days before logs (and noncurrent versions, counted from when they became noncurrent) are deleted. Required. */
    expireAfterDays: number;
    /** Let `pulumi destroy` delete the bucket and its logs. Default false: destroy leaves the bucket in the account. */
    deleteOnDestroy?: boolean;
    /** Extra tags (the provider adds the default tags). */
    tags?: Record<string, string>;
}

export class LogArchive extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    /** Where the trail writes, as CloudTrail's s3KeyPrefix. */
    readonly trailPrefix = LOG_PREFIX.trail;
    /** The flow-log destination ARN (bucket ARN + prefix). */
    readonly flowLogDestination: pulumi.Output<string>;
    /** The bucket policy: writers depend on it (CloudTrail checks it when the trail is created). */
    readonly policy: s3.BucketPolicy;
    readonly lifecycle: { coldAfterDays: number; coldStorageClass: ColdStorageClass; expireAfterDays: number };
    readonly deleteOnDestroy: boolean;

    constructor(name: string, args: LogArchiveArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:aws:LogArchive", name, {}, opts);
        const coldStorageClass = args.coldStorageClass ?? "GLACIER_IR";
        if (!(args.expireAfterDays > args.coldAfterDays)) {
            throw new Error(`LogArchive ${name}: expireAfterDays (${args.expireAfterDays}) must come after coldAfterDays (${args.coldAfterDays})`);
        }
        const deleteOnDestroy = args.deleteOnDestroy ?? false;
        const parent = { parent: this };
        const tags = { Name: `${name}-log-archive`, ...args.tags };

        const bucket = new s3.Bucket(`${name}-log-archive`, { forceDestroy: deleteOnDestroy, tags }, { parent: this, retainOnDelete: !deleteOnDestroy });
        const ownership = new s3.BucketOwnershipControls(`${name}-log-archive`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
        const publicAccess = new s3.BucketPublicAccessBlock(`${name}-log-archive`, {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, parent);
        new s3.BucketServerSideEncryptionConfiguration(`${name}-log-archive`, {
            bucket: bucket.id,
            // SSE-S3: no KMS request charges, and CloudTrail and log delivery need no key policy.
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
        }, parent);
        const versioning = new s3.BucketVersioning(`${name}-log-archive`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
        new s3.BucketLifecycleConfiguration(`${name}-log-archive`, {
            bucket: bucket.id,
            rules: [{
                id: "cold-then-expire",
                status: "Enabled",
                filter: { prefix: "" },
                transitions: [{ days: args.coldAfterDays, storageClass: coldStorageClass }],
                expiration: { days: args.expireAfterDays },
                noncurrentVersionExpiration: { noncurrentDays: args.expireAfterDays },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            }],
        }, { parent: this, dependsOn: [versioning] });

        const partition = getPartitionOutput({}, parent).partition;
        const region = getRegionOutput({}, parent).region;
        const accountId = getCallerIdentityOutput({}, parent).accountId;
        this.policy = new s3.BucketPolicy(`${name}-log-archive`, {
            bucket: bucket.id,
            policy: pulumi.all([partition, region, accountId, bucket.arn]).apply(([partition, region, accountId, bucketArn]) =>
                JSON.stringify(logArchivePolicy({
                    partition,
                    region,
                    accountId,
                    bucketArn,
                    trailArn: `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${args.trailName}`,
                    allowVersionDeletes: deleteOnDestroy,
                })),
            ),
        }, { parent: this, dependsOn: [publicAccess, ownership] });

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.flowLogDestination = pulumi.interpolate`${bucket.arn}/${LOG_PREFIX.flowLogs}/`;
        this.lifecycle = { coldAfterDays: args.coldAfterDays, coldStorageClass, expireAfterDays: args.expireAfterDays };
        this.deleteOnDestroy = deleteOnDestroy;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, flowLogDestination: this.flowLogDestination });
    }
}
