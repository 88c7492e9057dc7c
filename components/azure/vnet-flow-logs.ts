/**
 * VnetFlowLogs (Azure): a VNet flow log for each given VNet (NSG flow logs
 * are being retired), written to the log storage account through the
 * region's Network Watcher. Azure creates one Network Watcher per region and
 * subscription (NetworkWatcherRG / NetworkWatcher_<region>) when the first
 * VNet is made, and allows only one, so by default the flow logs go into that
 * one; `createNetworkWatcher` makes it here instead (a subscription that
 * opted out of the automatic one).
 */
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";

export interface VnetFlowLogsArgs {
    location: string;
    /** The VNets to log, by a short label (used in resource names). Required, at least one. */
    vnets: Record<string, pulumi.Input<string>>;
    /** The log storage account (LogStorage.storageAccountId). Required. */
    storageAccountId: pulumi.Input<string>;
    /** Days the flow logs are kept (Network Watcher's own retention, 1–365). Required. */
    retentionDays: number;
    /** Create the region's Network Watcher in this resource group instead of using Azure's automatic one. Default: use the automatic one. */
    createNetworkWatcherIn?: pulumi.Input<string>;
    tags?: Record<string, string>;
}

/** Azure's automatic Network Watcher of a region. */
export function defaultNetworkWatcher(location: string): { resourceGroupName: string; name: string } {
    return { resourceGroupName: "NetworkWatcherRG", name: `NetworkWatcher_${location}` };
}

export class VnetFlowLogs extends pulumi.ComponentResource {
    /** Flow log ids by VNet label. */
    readonly flowLogIds: Record<string, pulumi.Output<string>>;
    readonly networkWatcher: { resourceGroupName: pulumi.Output<string>; name: pulumi.Output<string> };

    constructor(name: string, args: VnetFlowLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:azure:VnetFlowLogs", name, {}, opts);
        if (Object.keys(args.vnets).length === 0) throw new Error(`VnetFlowLogs ${name}: no VNets to log`);
        if (!(args.retentionDays >= 1 && args.retentionDays <= 365)) throw new Error(`VnetFlowLogs ${name}: retentionDays must be 1–365, got ${args.retentionDays}`);
        const auto = defaultNetworkWatcher(args.location);
        const watcher = args.createNetworkWatcherIn !== undefined
            ? new network.NetworkWatcher(`${name}-watcher`, { resourceGroupName: args.createNetworkWatcherIn, networkWatcherName: auto.name, location: args.location, tags: args.tags ?? {} }, { parent: this })
            : undefined;
        const watcherGroup = watcher ? pulumi.output(args.createNetworkWatcherIn!) : pulumi.output(auto.resourceGroupName);
        const watcherName = watcher ? watcher.name : pulumi.output(auto.name);
        this.flowLogIds = {};
        for (const [label, vnetId] of Object.entries(args.vnets)) {
            const flowLog = new network.FlowLog(`${name}-${label}-flow-log`, {
                location: args.location,
                networkWatcherName: watcherName,
                resourceGroupName: watcherGroup,
                targetResourceId: vnetId,
                storageId: args.storageAccountId,
                enabled: true,
                format: { type: "JSON", version: 2 },
                retentionPolicy: { enabled: true, days: args.retentionDays },
                tags: args.tags ?? {},
            }, { parent: this });
            this.flowLogIds[label] = flowLog.id;
        }
        this.networkWatcher = { resourceGroupName: watcherGroup, name: watcherName };
        this.registerOutputs({ flowLogIds: this.flowLogIds });
    }
}
