/**
 * VpnAlerts (Azure): Azure Monitor metric alerts on the Virtual WAN VPN
 * gateway, e-mailed through one action group:
 *   - per VPN connection, "tunnel down": no IKE main-mode SA on the
 *     connection (Tunnel MMSA Count, total over the window, below 1);
 *   - per BGP peer, "BGP down": BGP Peer Status (1 up, 0 down) averaging
 *     below 1 for that peer address.
 * Metric alerts cost about $0.10 per monitored time series a month (one per
 * rule here); action-group e-mails about $2 per 100,000.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";

export interface VpnAlertsArgs {
    resourceGroupName: pulumi.Input<string>;
    /** The Virtual WAN VPN gateway (WanHub.vpnGatewayId): the alerts' scope. Required. */
    vpnGatewayId: pulumi.Input<string>;
    /** VPN connection ids by label (site name, or the cross-cloud site). Required. */
    connections: Record<string, pulumi.Input<string>>;
    /** BGP peer addresses by label (a BGP site's peering address, the AWS tunnels' inside addresses). Default none. */
    bgpPeers?: Record<string, string>;
    /** Who is e-mailed. Required. */
    alertEmail: string;
    /** Evaluation window, ISO 8601. Default PT15M (the metrics' grain is 5 minutes). */
    windowSize?: string;
    tags?: Record<string, string>;
}

/** The connection's name in its resource id (…/vpnConnections/<name>): the ConnectionName dimension. */
export function connectionNameOf(id: string): string {
    return id.split("/").pop() ?? id;
}

export class VpnAlerts extends pulumi.ComponentResource {
    readonly actionGroupId: pulumi.Output<string>;
    /** Alert rule names by connection label. */
    readonly tunnelAlertNames: Record<string, string>;
    /** Alert rule names by BGP peer label. */
    readonly bgpAlertNames: Record<string, string>;

    constructor(name: string, args: VpnAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:azure:VpnAlerts", name, {}, opts);
        const parent = { parent: this };
        const window = args.windowSize ?? "PT15M";
        const tags = args.tags ?? {};
        const group = new monitor.ActionGroup(`${name}-link-alerts`, {
            resourceGroupName: args.resourceGroupName,
            actionGroupName: `${name}-link-alerts`,
            // Action groups are global; the short name (at most 12 characters) heads the e-mail.
            location: "global",
            groupShortName: "vpn-alerts",
            enabled: true,
            emailReceivers: [{ name: "alert-email", emailAddress: args.alertEmail, useCommonAlertSchema: true }],
            tags,
        }, parent);
        const alert = (ruleName: string, description: string, metricName: string, aggregation: string, dimension: { name: string; value: pulumi.Input<string> }) =>
            new monitor.MetricAlert(ruleName, {
                resourceGroupName: args.resourceGroupName,
                ruleName,
                location: "global",
                description,
                severity: 1,
                enabled: true,
                scopes: [args.vpnGatewayId],
                evaluationFrequency: "PT5M",
                windowSize: window,
                autoMitigate: true,
                criteria: {
                    odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                    allOf: [{
                        criterionType: "StaticThresholdCriterion",
                        name: metricName,
                        metricName,
                        metricNamespace: "Microsoft.Network/vpnGateways",
                        timeAggregation: aggregation,
                        operator: "LessThan",
                        threshold: 1,
                        dimensions: [{ name: dimension.name, operator: "Include", values: [dimension.value] }],
                    }],
                },
                actions: [{ actionGroupId: group.id }],
                tags,
            }, parent);

        this.tunnelAlertNames = {};
        for (const [label, connectionId] of Object.entries(args.connections)) {
            const ruleName = `${name}-tunnel-down-${label}`;
            alert(ruleName, `VPN connection ${label}: no IKE security association (tunnel down)`, "MmsaCount", "Total", {
                name: "ConnectionName",
                value: pulumi.output(connectionId).apply(connectionNameOf),
            });
            this.tunnelAlertNames[label] = ruleName;
        }
        this.bgpAlertNames = {};
        for (const [label, address] of Object.entries(args.bgpPeers ?? {})) {
            const ruleName = `${name}-bgp-down-${label}`;
            alert(ruleName, `BGP peer ${label} (${address}) is down`, "BgpPeerStatus", "Average", { name: "BgpPeerAddress", value: address });
            this.bgpAlertNames[label] = ruleName;
        }
        this.actionGroupId = group.id;
        this.registerOutputs({ actionGroupId: this.actionGroupId, tunnelAlertNames: this.tunnelAlertNames, bgpAlertNames: this.bgpAlertNames });
    }
}
