/**
 * VpcFlowLog: the VPC's flow log, delivered to the log archive as Parquet
 * with Hive-compatible hourly partitions (Athena reads it without a crawler
 * and scans one hour at a time). Traffic type from config: a budget stack may
 * log rejected connections only, the smallest volume that still answers
 * "what was blocked".
 */
import * as ec2 from "@pulumi/aws/ec2";
import * as pulumi from "@pulumi/pulumi";
import { FlowLogTrafficType } from "./log-archive-policy";

export interface VpcFlowLogArgs {
    /** The VPC. Required. */
    vpcId: pulumi.Input<string>;
    /** The archive's flow-log destination (LogArchive.flowLogDestination: bucket ARN + prefix). Required. */
    destinationArn: pulumi.Input<string>;
    /** ACCEPT, REJECT or ALL. Default ALL. */
    trafficType?: FlowLogTrafficType;
    /** Seconds of traffic aggregated into one record: 60 or 600. Default 600 (fewer, larger records; cheaper). */
    maxAggregationInterval?: 60 | 600;
    /** Resources to wait for (the archive's bucket policy). Default none. */
    dependsOn?: pulumi.Resource[];
    /** Extra tags (the provider adds the default tags). */
    tags?: Record<string, string>;
}

export class VpcFlowLog extends pulumi.ComponentResource {
    readonly flowLogId: pulumi.Output<string>;
    readonly trafficType: FlowLogTrafficType;

    constructor(name: string, args: VpcFlowLogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:aws:VpcFlowLog", name, {}, opts);
        this.trafficType = args.trafficType ?? "ALL";
        const flowLog = new ec2.FlowLog(`${name}-flow-log`, {
            vpcId: args.vpcId,
            trafficType: this.trafficType,
            logDestinationType: "s3",
            logDestination: args.destinationArn,
            maxAggregationInterval: args.maxAggregationInterval ?? 600,
            destinationOptions: { fileFormat: "parquet", hiveCompatiblePartitions: true, perHourPartition: true },
            tags: { Name: `${name}-flow-log`, ...args.tags },
        }, { parent: this, dependsOn: args.dependsOn ?? [] });
        this.flowLogId = flowLog.id;
        this.registerOutputs({ flowLogId: this.flowLogId });
    }
}
