/**
 * TunnelAlarms (AWS): a CloudWatch alarm on each Site-to-Site VPN tunnel's
 * state (AWS/VPN TunnelState: 1 up, 0 down, by VpnId and TunnelIpAddress),
 * e-mailing the alert address through an SNS topic when a tunnel has been
 * down for the evaluation window. Missing data counts as down: a tunnel that
 * stops reporting is not healthy. $0.10 per standard alarm a month.
 */
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as sns from "@pulumi/aws/sns";
import * as pulumi from "@pulumi/pulumi";

export interface MonitoredTunnel {
    /** The tunnel's planned name (alarm name suffix). */
    name: string;
    /** Its VPN connection's id (the VpnId dimension). */
    vpnConnectionId: pulumi.Input<string>;
    /** The AWS endpoint's outside address (the TunnelIpAddress dimension). */
    outsideAddress: pulumi.Input<string>;
}

export interface TunnelAlarmsArgs {
    /** Every tunnel to watch. Required, at least one. */
    tunnels: readonly MonitoredTunnel[];
    /** Who is e-mailed (confirm the SNS subscription once). Required. */
    alertEmail: string;
    /** Minutes a tunnel must be down before the alarm fires (5-minute periods, rounded up). Default 10. */
    downForMinutes?: number;
    tags?: Record<string, string>;
}

export class TunnelAlarms extends pulumi.ComponentResource {
    /** Alarm names by tunnel name. */
    readonly alarmNames: Record<string, string>;
    readonly topicArn: pulumi.Output<string>;

    constructor(name: string, args: TunnelAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:aws:TunnelAlarms", name, {}, opts);
        if (args.tunnels.length === 0) throw new Error(`TunnelAlarms ${name}: no tunnels to watch`);
        const parent = { parent: this };
        const periods = Math.max(1, Math.ceil((args.downForMinutes ?? 10) / 5));
        const topic = new sns.Topic(`${name}-link-alerts`, { name: `${name}-link-alerts`, displayName: `${name} VPN tunnel alerts`, tags: { ...args.tags } }, parent);
        new sns.TopicSubscription(`${name}-link-alerts-email`, { topic: topic.arn, protocol: "email", endpoint: args.alertEmail }, parent);
        this.alarmNames = {};
        for (const tunnel of args.tunnels) {
            const alarmName = `${name}-tunnel-down-${tunnel.name}`;
            new cloudwatch.MetricAlarm(`${name}-tunnel-${tunnel.name}`, {
                name: alarmName,
                alarmDescription: `VPN tunnel ${tunnel.name} is down (AWS/VPN TunnelState 0, or no data) for ${periods * 5} minutes`,
                namespace: "AWS/VPN",
                metricName: "TunnelState",
                dimensions: { VpnId: tunnel.vpnConnectionId, TunnelIpAddress: tunnel.outsideAddress },
                statistic: "Maximum",
                period: 300,
                evaluationPeriods: periods,
                threshold: 1,
                comparisonOperator: "LessThanThreshold",
                treatMissingData: "breaching",
                alarmActions: [topic.arn],
                okActions: [topic.arn],
                tags: { ...args.tags },
            }, parent);
            this.alarmNames[tunnel.name] = alarmName;
        }
        this.topicArn = topic.arn;
        this.registerOutputs({ alarmNames: this.alarmNames, topicArn: this.topicArn });
    }
}
