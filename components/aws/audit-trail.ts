/**
 * AuditTrail: the account's CloudTrail trail into the log archive. Multi-
 * region (an API call in any region is recorded), global-service events (IAM,
 * STS, CloudFront), log file validation (hourly signed digests, so a removed
 * or altered log file is detectable: `aws cloudtrail validate-logs`), and
 * management events only: the first copy of management events per region is
 * free; data events are billed per 100,000 and are left out.
 */
import * as cloudtrail from "@pulumi/aws/cloudtrail";
import * as pulumi from "@pulumi/pulumi";

export interface AuditTrailArgs {
    /** The trail's name; the log archive's bucket policy names it before it exists. Required. */
    trailName: string;
    /** The archive bucket's name. Required. */
    bucketName: pulumi.Input<string>;
    /** The key prefix inside the bucket (LogArchive.trailPrefix). Required. */
    keyPrefix: string;
    /** Resources the trail waits for: the bucket policy (CloudTrail checks it on create). Default none. */
    dependsOn?: pulumi.Resource[];
    /** Extra tags (the provider adds the default tags). */
    tags?: Record<string, string>;
}

export class AuditTrail extends pulumi.ComponentResource {
    readonly trailName: string;
    readonly trailArn: pulumi.Output<string>;
    /** Where the log files land: s3://<bucket>/<prefix>/AWSLogs/<account>/CloudTrail/<region>/yyyy/mm/dd/. */
    readonly logLocation: pulumi.Output<string>;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:aws:AuditTrail", name, {}, opts);
        const trail = new cloudtrail.Trail(`${name}-trail`, {
            name: args.trailName,
            s3BucketName: args.bucketName,
            s3KeyPrefix: args.keyPrefix,
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
            enableLogging: true,
            // Management events, read and write: the free first copy. No data events (billed per event).
            eventSelectors: [{ readWriteType: "All", includeManagementEvents: true }],
            tags: { Name: args.trailName, ...args.tags },
        }, { parent: this, dependsOn: args.dependsOn ?? [] });
        this.trailName = args.trailName;
        this.trailArn = trail.arn;
        this.logLocation = pulumi.interpolate`s3://${args.bucketName}/${args.keyPrefix}/AWSLogs/`;
        this.registerOutputs({ trailArn: this.trailArn, logLocation: this.logLocation });
    }
}
