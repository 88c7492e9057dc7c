/**
 * ActivityLogArchive (Azure): the subscription's activity log (who changed
 * what, service health, policy, security events) exported by a subscription
 * diagnostic setting to the log storage account, where LogStorage's lifecycle
 * rule keeps it for the configured number of days. The setting itself is
 * free; the storage account bills what it stores.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";

/** Every activity-log category. */
export const ACTIVITY_LOG_CATEGORIES = ["Administrative", "Security", "ServiceHealth", "Alert", "Recommendation", "Policy", "Autoscale", "ResourceHealth"] as const;

export interface ActivityLogArchiveArgs {
    /** The log storage account (LogStorage.storageAccountId). Required. */
    storageAccountId: pulumi.Input<string>;
    /** The diagnostic setting's name (one per subscription and name). Required. */
    settingName: string;
}

export class ActivityLogArchive extends pulumi.ComponentResource {
    readonly settingName: string;

    constructor(name: string, args: ActivityLogArchiveArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:azure:ActivityLogArchive", name, {}, opts);
        new monitor.SubscriptionDiagnosticSetting(`${name}-activity-log`, {
            name: args.settingName,
            storageAccountId: args.storageAccountId,
            logs: ACTIVITY_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
        }, { parent: this });
        this.settingName = args.settingName;
        this.registerOutputs({ settingName: this.settingName });
    }
}
