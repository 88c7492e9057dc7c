/**
 * LogStorage (Azure): the storage account the Azure logs land in (VNet flow
 * logs through Network Watcher, the subscription's activity log through a
 * diagnostic setting), and its lifecycle policy: each log's container is
 * emptied of blobs older than its retention from config. Locally redundant,
 * HTTPS and TLS 1.2 only, no anonymous blob access, no public container.
 */
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";

/** The containers Azure writes these logs into (fixed by the services). */
export const AZURE_LOG_CONTAINERS = {
    activityLog: "insights-activity-logs",
    vnetFlowLogs: "insights-logs-flowlogflowevent",
} as const;

export interface LogStorageArgs {
    location: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    /** Days the activity log is kept. Required. */
    activityLogRetentionDays: number;
    /** Days VNet flow logs are kept. Required. */
    flowLogRetentionDays: number;
    tags?: Record<string, string>;
}

/** A storage account's logical name: 3–24 lowercase letters and digits with Azure Native's 8-character suffix, so at most 16 here. */
export function storageAccountLogicalName(environment: string): string {
    return `${environment.replace(/[^a-z0-9]/g, "").slice(0, 12)}logs`;
}

export class LogStorage extends pulumi.ComponentResource {
    readonly storageAccountId: pulumi.Output<string>;
    readonly storageAccountName: pulumi.Output<string>;
    readonly retention: { activityLogDays: number; flowLogDays: number };

    constructor(name: string, args: LogStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:azure:LogStorage", name, {}, opts);
        const account = new storage.StorageAccount(storageAccountLogicalName(name), {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            kind: "StorageV2",
            sku: { name: "Standard_LRS" },
            accessTier: "Hot",
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            tags: args.tags ?? {},
        }, { parent: this });
        const rule = (ruleName: string, container: string, days: number) => ({
            name: ruleName,
            enabled: true,
            type: "Lifecycle",
            definition: {
                filters: { blobTypes: ["blockBlob", "appendBlob"], prefixMatch: [`${container}/`] },
                actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: days } } },
            },
        });
        new storage.ManagementPolicy(`${name}-log-retention`, {
            accountName: account.name,
            resourceGroupName: args.resourceGroupName,
            managementPolicyName: "default",
            policy: {
                rules: [
                    rule("activity-log-retention", AZURE_LOG_CONTAINERS.activityLog, args.activityLogRetentionDays),
                    rule("flow-log-retention", AZURE_LOG_CONTAINERS.vnetFlowLogs, args.flowLogRetentionDays),
                ],
            },
        }, { parent: this });
        this.storageAccountId = account.id;
        this.storageAccountName = account.name;
        this.retention = { activityLogDays: args.activityLogRetentionDays, flowLogDays: args.flowLogRetentionDays };
        this.registerOutputs({ storageAccountId: this.storageAccountId, storageAccountName: this.storageAccountName });
    }
}
