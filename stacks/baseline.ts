/**
 * The landing-zone baseline, composed: the log archive with the audit trail
 * and the VPC flow log in it, the Azure log storage with the VNet flow logs
 * and the activity log, the budgets on both clouds (the policy's cap), and
 * the link alerts. Declaration only; what to build was decided by the config.
 */
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Provider as AzureNativeProvider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";
import { AuditTrail } from "../components/aws/audit-trail";
import { Budget } from "../components/aws/budget";
import { DualStackVpc } from "../components/aws/dual-stack-vpc";
import { LogArchive } from "../components/aws/log-archive";
import { TunnelAlarms } from "../components/aws/tunnel-alarms";
import { VpcFlowLog } from "../components/aws/vpc-flow-log";
import { ActivityLogArchive } from "../components/azure/activity-log";
import { ConsumptionBudget } from "../components/azure/consumption-budget";
import { DualStackVnet } from "../components/azure/dual-stack-vnet";
import { LogStorage } from "../components/azure/log-storage";
import { VnetFlowLogs } from "../components/azure/vnet-flow-logs";
import { VpnAlerts } from "../components/azure/vpn-alerts";
import { budgetCapUsd } from "./config/baseline";
import { LandingZoneConfig } from "./config/resolve";
import type { WanResources } from "./landing-zone";

export interface BaselineBase {
    awsProvider: AwsProvider;
    azureProvider: AzureNativeProvider;
    vpc: DualStackVpc;
    vnet: DualStackVnet;
    spoke?: DualStackVnet;
    wan?: WanResources;
}

export interface BaselineResources {
    logArchive: LogArchive;
    trail: AuditTrail;
    vpcFlowLog: VpcFlowLog;
    logStorage: LogStorage;
    vnetFlowLogs: VnetFlowLogs;
    activityLog: ActivityLogArchive;
    awsBudget: Budget;
    azureBudget: ConsumptionBudget;
    tunnelAlarms?: TunnelAlarms;
    vpnAlerts?: VpnAlerts;
    /** Alert names per branch site, for the router sheets. */
    siteAlerts: Record<string, string[]>;
    /** The `baseline` stack output. */
    outputs: Record<string, unknown>;
}

export function buildBaseline(config: LandingZoneConfig, base: BaselineBase, tags: Record<string, string>): BaselineResources {
    const env = config.environment;
    const b = config.baseline;
    const aws = { providers: { aws: base.awsProvider } };
    const azure = { providers: { "azure-native": base.azureProvider } };

    // ── AWS: the archive, the trail and the VPC's flow log ───────────────
    const trailName = `${env}-audit`;
    const logArchive = new LogArchive(env, { trailName, ...b.logArchive }, aws);
    const trail = new AuditTrail(env, { trailName, bucketName: logArchive.bucketName, keyPrefix: logArchive.trailPrefix, dependsOn: [logArchive.policy] }, aws);
    const vpcFlowLog = new VpcFlowLog(`${env}-vpc`, {
        vpcId: base.vpc.vpcId,
        destinationArn: logArchive.flowLogDestination,
        trafficType: b.flowLogs.trafficType,
        dependsOn: [logArchive.policy],
    }, aws);

    // ── Azure: log storage, VNet flow logs, the activity log ─────────────
    const resourceGroupName = base.vnet.resourceGroupName;
    const logStorage = new LogStorage(env, {
        location: config.azure.location,
        resourceGroupName,
        activityLogRetentionDays: b.activityLogRetentionDays,
        flowLogRetentionDays: b.flowLogs.azureRetentionDays,
        tags,
    }, azure);
    const vnets: Record<string, pulumi.Input<string>> = { workloads: base.vnet.vnetId, ...(base.spoke ? { spoke: base.spoke.vnetId } : {}) };
    const vnetFlowLogs = new VnetFlowLogs(`${env}-vnet`, {
        location: config.azure.location,
        vnets,
        storageAccountId: logStorage.storageAccountId,
        retentionDays: b.flowLogs.azureRetentionDays,
        ...(b.flowLogs.createNetworkWatcher ? { createNetworkWatcherIn: resourceGroupName } : {}),
        tags,
    }, azure);
    const activityLog = new ActivityLogArchive(env, { storageAccountId: logStorage.storageAccountId, settingName: `${env}-activity-log` }, azure);

    // ── budgets: the same cap the cost policy enforces ───────────────────
    const cap = budgetCapUsd(config);
    // stacks/program.ts always sets it from policy/config/<stack>.json (costCapOf throws without one).
    if (cap === undefined) throw new Error("buildBaseline: no monthly cost cap; stacks/program.ts sets it from the policy config");
    const awsBudget = new Budget(env, { amountUsd: cap, alertEmail: b.alertEmail, scopeTag: { key: "environment", value: env } }, aws);
    // The resource group's id is the VNet id up to its provider segment.
    const groupId = base.vnet.vnetId.apply((id) => id.split("/providers/")[0]);
    const azureBudget = new ConsumptionBudget(env, { scope: groupId, amountUsd: cap, alertEmail: b.alertEmail }, azure);

    // ── link monitoring ─────────────────────────────────────────────────
    const wan = base.wan;
    const crossCloud = wan?.crossCloudVpn;
    const tunnelAlarms = crossCloud
        ? new TunnelAlarms(`${env}-to-azure`, {
              tunnels: crossCloud.tunnels.map((t) => ({ name: t.name, vpnConnectionId: crossCloud.vpnConnectionIds[t.connectionIndex], outsideAddress: t.outsideAddress })),
              alertEmail: b.alertEmail,
          }, aws)
        : undefined;
    let vpnAlerts: VpnAlerts | undefined;
    const siteAlerts: Record<string, string[]> = {};
    if (wan) {
        const connections: Record<string, pulumi.Input<string>> = { ...wan.hub.connectionIds };
        const bgpPeers: Record<string, string> = {};
        for (const site of config.sites) if (site.bgp) bgpPeers[site.name] = site.bgp.peeringAddress;
        if (wan.crossCloudSite && crossCloud) {
            connections["aws"] = wan.crossCloudSite.connectionId;
            for (const t of crossCloud.tunnels) bgpPeers[`aws-${t.name}`] = t.awsInsideAddress;
        }
        vpnAlerts = new VpnAlerts(`${env}-wan`, {
            resourceGroupName,
            vpnGatewayId: wan.hub.vpnGatewayId,
            connections,
            bgpPeers,
            alertEmail: b.alertEmail,
            tags,
        }, azure);
        for (const site of config.sites) {
            siteAlerts[site.name] = [vpnAlerts.tunnelAlertNames[site.name], ...(vpnAlerts.bgpAlertNames[site.name] ? [vpnAlerts.bgpAlertNames[site.name]] : [])];
        }
    }

    const outputs = {
        alertEmail: b.alertEmail,
        logArchive: {
            bucketName: logArchive.bucketName,
            bucketArn: logArchive.bucketArn,
            lifecycle: logArchive.lifecycle,
            deleteOnDestroy: logArchive.deleteOnDestroy,
        },
        auditTrail: { name: trail.trailName, arn: trail.trailArn, logLocation: trail.logLocation },
        vpcFlowLog: { id: vpcFlowLog.flowLogId, trafficType: vpcFlowLog.trafficType, destination: logArchive.flowLogDestination },
        azureLogs: {
            storageAccountName: logStorage.storageAccountName,
            retention: logStorage.retention,
            vnetFlowLogIds: vnetFlowLogs.flowLogIds,
            networkWatcher: vnetFlowLogs.networkWatcher,
            activityLogSetting: activityLog.settingName,
        },
        budgets: { monthlyCapUsd: cap, aws: awsBudget.budgetName, azure: azureBudget.budgetId },
        linkAlerts: {
            ...(tunnelAlarms ? { awsTunnelAlarms: tunnelAlarms.alarmNames, awsTopicArn: tunnelAlarms.topicArn } : {}),
            ...(vpnAlerts ? { azureTunnelAlerts: vpnAlerts.tunnelAlertNames, azureBgpAlerts: vpnAlerts.bgpAlertNames, azureActionGroupId: vpnAlerts.actionGroupId } : {}),
        },
    };
    return { logArchive, trail, vpcFlowLog, logStorage, vnetFlowLogs, activityLog, awsBudget, azureBudget, tunnelAlarms, vpnAlerts, siteAlerts, outputs };
}
