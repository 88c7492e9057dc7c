/**
 * Which config keys feed which resource inputs: the map the plan uses to say,
 * per config key, what a change would replace (with components/replace).
 * Data; a test checks every entry against a real plan (each type is planned
 * and each input path exists on it), and that changing the routine settings
 * changes only inputs listed here as not replacing.
 *
 * Keys are paths under the `landing-zone:` namespace (`server.failover`
 * covers every setting under it), or, with namespace "policy", under the
 * stack's policy pack config (policy/config/<stack>.json, where the monthly
 * cost cap lives): reported as `policy:<policy>.<setting>`. Inputs are
 * `<type>` + input paths.
 */

export interface ConfigFeed {
    /** Config path under the namespace, e.g. "server.instanceTypes" or "cost-monthly-cap.monthlyCapUsd". */
    key: string;
    /** Where the key lives: "landing-zone" (default), the stack file's namespace; "policy", the stack's policy pack config. */
    namespace?: "landing-zone" | "policy";
    /** The resource inputs the key's value reaches. */
    inputs: Array<{ type: string; paths: string[] }>;
    /** Whether changing it is routine operations (tuning), which must never replace the server group, its data or a VPN gateway. */
    routine?: boolean;
}

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    group: "aws:autoscaling/group:Group",
    hook: "aws:autoscaling/lifecycleHook:LifecycleHook",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    lambda: "aws:lambda/function:Function",
    invoke: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    dlm: "aws:dlm/lifecyclePolicy:LifecyclePolicy",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    awsVgw: "aws:ec2/vpnGateway:VpnGateway",
    awsVpn: "aws:ec2/vpnConnection:VpnConnection",
    rg: "azure-native:resources:ResourceGroup",
    vnet: "azure-native:network:VirtualNetwork",
    azSubnet: "azure-native:network:Subnet",
    nsg: "azure-native:network:NetworkSecurityGroup",
    wan: "azure-native:network:VirtualWan",
    hub: "azure-native:network:VirtualHub",
    vpngw: "azure-native:network:VpnGateway",
    site: "azure-native:network:VpnSite",
    conn: "azure-native:network:VpnConnection",
    // the baseline
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    awsFlowLog: "aws:ec2/flowLog:FlowLog",
    awsBudget: "aws:budgets/budget:Budget",
    logAccount: "azure-native:storage:StorageAccount",
    logRetention: "azure-native:storage:ManagementPolicy",
    azFlowLog: "azure-native:network:FlowLog",
    azBudget: "azure-native:consumption:Budget",
    actionGroup: "azure-native:monitor:ActionGroup",
    metricAlert: "azure-native:monitor:MetricAlert",
} as const;

const TUNNEL_OPTIONS = [1, 2].flatMap((n) => [
    `tunnel${n}IkeVersions`, `tunnel${n}Phase1DhGroupNumbers`, `tunnel${n}Phase1EncryptionAlgorithms`, `tunnel${n}Phase1IntegrityAlgorithms`, `tunnel${n}Phase1LifetimeSeconds`,
    `tunnel${n}Phase2DhGroupNumbers`, `tunnel${n}Phase2EncryptionAlgorithms`, `tunnel${n}Phase2IntegrityAlgorithms`, `tunnel${n}Phase2LifetimeSeconds`,
]);

/** Who is e-mailed: server alerts, link alerts, both budgets, and the TLS certificate's account (when server.dns is set). */
const ALERT_EMAIL: ConfigFeed["inputs"] = [
    { type: T.subscription, paths: ["endpoint"] },
    { type: T.awsBudget, paths: ["notifications"] },
    { type: T.azBudget, paths: ["notifications"] },
    { type: T.actionGroup, paths: ["emailReceivers"] },
    { type: T.lt, paths: ["userData"] },
];

export const CONFIG_FEEDS: readonly ConfigFeed[] = [
    { key: "aws.availabilityZones", inputs: [{ type: T.subnet, paths: ["availabilityZone", "cidrBlock"] }, { type: T.group, paths: ["vpcZoneIdentifiers"] }] },
    { key: "aws.vpcCidr", inputs: [{ type: T.vpc, paths: ["cidrBlock"] }, { type: T.subnet, paths: ["cidrBlock"] }] },
    { key: "aws.subnetPrefixLength", inputs: [{ type: T.subnet, paths: ["cidrBlock"] }] },
    { key: "aws.dns64", inputs: [{ type: T.subnet, paths: ["enableDns64"] }] },
    { key: "azure.location", inputs: [T.rg, T.vnet, T.nsg, T.wan, T.hub, T.vpngw, T.site, T.logAccount, T.azFlowLog].map((type) => ({ type, paths: ["location"] })) },
    {
        key: "azure.resourceGroupName",
        inputs: [
            ...[T.rg, T.vnet, T.nsg, T.wan, T.hub, T.vpngw, T.site, T.conn, T.logAccount, T.logRetention, T.actionGroup, T.metricAlert].map((type) => ({ type, paths: ["resourceGroupName"] })),
            // The budget's scope is the resource group's id.
            { type: T.azBudget, paths: ["scope"] },
        ],
    },
    { key: "azure.vnet", inputs: [{ type: T.vnet, paths: ["addressSpace"] }, { type: T.azSubnet, paths: ["addressPrefixes"] }, { type: T.nsg, paths: ["securityRules"] }] },
    { key: "wan.type", inputs: [{ type: T.wan, paths: ["type"] }, { type: T.hub, paths: ["sku"] }] },
    { key: "wan.hubPrefix", inputs: [{ type: T.hub, paths: ["addressPrefix"] }] },
    { key: "wan.vpnScaleUnits", routine: true, inputs: [{ type: T.vpngw, paths: ["vpnGatewayScaleUnit"] }] },
    { key: "wan.allowBranchToBranch", routine: true, inputs: [{ type: T.wan, paths: ["allowBranchToBranchTraffic"] }] },
    { key: "wan.ipsec", routine: true, inputs: [{ type: T.conn, paths: ["vpnLinkConnections"] }, { type: T.awsVpn, paths: TUNNEL_OPTIONS }] },
    { key: "wan.awsSideAsn", inputs: [{ type: T.awsVgw, paths: ["amazonSideAsn"] }, { type: T.site, paths: ["vpnSiteLinks"] }] },
    {
        key: "sites",
        inputs: [
            { type: T.site, paths: ["addressSpace", "deviceProperties", "vpnSiteLinks"] },
            { type: T.conn, paths: ["vpnLinkConnections"] },
            // The BGP alerts watch each site's peering address.
            { type: T.metricAlert, paths: ["description", "criteria"] },
        ],
    },
    { key: "vpnPreSharedKeys", routine: true, inputs: [{ type: T.conn, paths: ["vpnLinkConnections"] }] },
    { key: "crossCloudTunnelKeySeed", routine: true, inputs: [{ type: T.awsVpn, paths: ["tunnel1PresharedKey", "tunnel2PresharedKey"] }, { type: T.conn, paths: ["vpnLinkConnections"] }] },
    { key: "server.name", inputs: [{ type: T.group, paths: ["name"] }, { type: T.hook, paths: ["name", "autoscalingGroupName"] }, { type: T.lambda, paths: ["name"] }, { type: T.logGroup, paths: ["name"] }] },
    { key: "server.instanceTypes", routine: true, inputs: [{ type: T.group, paths: ["mixedInstancesPolicy"] }, { type: T.lt, paths: ["imageId", "description"] }] },
    { key: "server.market", routine: true, inputs: [{ type: T.group, paths: ["mixedInstancesPolicy"] }] },
    { key: "server.spotAllocationStrategy", routine: true, inputs: [{ type: T.group, paths: ["mixedInstancesPolicy"] }] },
    { key: "server.capacityRebalance", routine: true, inputs: [{ type: T.group, paths: ["capacityRebalance"] }] },
    { key: "server.healthCheckGracePeriodSeconds", routine: true, inputs: [{ type: T.group, paths: ["healthCheckGracePeriod"] }] },
    { key: "server.rootVolumeSizeGiB", routine: true, inputs: [{ type: T.lt, paths: ["blockDeviceMappings"] }] },
    { key: "server.dataVolume", routine: true, inputs: [{ type: T.lambda, paths: ["environment"] }, { type: T.lt, paths: ["userData"] }] },
    { key: "server.app", routine: true, inputs: [{ type: T.lt, paths: ["userData"] }] },
    { key: "server.ingress", routine: true, inputs: [{ type: T.ingress, paths: ["fromPort", "toPort", "ipProtocol", "description"] }] },
    { key: "server.dns", routine: true, inputs: [{ type: T.lambda, paths: ["environment"] }, { type: T.rolePolicy, paths: ["policy"] }] },
    { key: "server.snapshots", routine: true, inputs: [{ type: T.dlm, paths: ["description", "policyDetails"] }] },
    {
        key: "server.failover",
        routine: true,
        inputs: [
            { type: T.lambda, paths: ["environment"] },
            { type: T.hook, paths: ["heartbeatTimeout"] },
            { type: T.group, paths: ["initialLifecycleHooks", "waitForCapacityTimeout"] },
            { type: T.invoke, paths: ["maximumEventAgeInSeconds"] },
            { type: T.lt, paths: ["userData"] },
            { type: T.logGroup, paths: ["retentionInDays"] },
        ],
    },
    // Also the fallback of baseline.alertEmail, which neither stack sets.
    { key: "server.alertEmail", routine: true, inputs: ALERT_EMAIL },
    // ── the baseline ────────────────────────────────────────────────────
    { key: "baseline.alertEmail", routine: true, inputs: ALERT_EMAIL },
    { key: "baseline.logArchive.coldAfterDays", routine: true, inputs: [{ type: T.lifecycle, paths: ["rules"] }] },
    { key: "baseline.logArchive.coldStorageClass", routine: true, inputs: [{ type: T.lifecycle, paths: ["rules"] }] },
    { key: "baseline.logArchive.expireAfterDays", routine: true, inputs: [{ type: T.lifecycle, paths: ["rules"] }] },
    // What destroy may delete: not tuning, though nothing is replaced.
    { key: "baseline.logArchive.deleteOnDestroy", inputs: [{ type: T.bucket, paths: ["forceDestroy"] }, { type: T.bucketPolicy, paths: ["policy"] }] },
    // Replaces the VPC's flow log (every flow-log argument is create-only); the delivered logs stay.
    { key: "baseline.flowLogs.trafficType", routine: true, inputs: [{ type: T.awsFlowLog, paths: ["trafficType"] }] },
    { key: "baseline.flowLogs.azureRetentionDays", routine: true, inputs: [{ type: T.azFlowLog, paths: ["retentionPolicy"] }, { type: T.logRetention, paths: ["policy"] }] },
    // Moves the flow logs to a watcher in the stack's resource group: new flow logs.
    { key: "baseline.flowLogs.createNetworkWatcher", inputs: [{ type: T.azFlowLog, paths: ["resourceGroupName", "networkWatcherName"] }] },
    { key: "baseline.activityLogRetentionDays", routine: true, inputs: [{ type: T.logRetention, paths: ["policy"] }] },
    { key: "baseline.tls.acmeDirectory", routine: true, inputs: [{ type: T.lt, paths: ["userData"] }] },
    // The monthly cap: policy/config/<stack>.json, the number the cost policy enforces; both budgets take it.
    {
        key: "cost-monthly-cap.monthlyCapUsd",
        namespace: "policy",
        routine: true,
        inputs: [{ type: T.awsBudget, paths: ["limitAmount"] }, { type: T.azBudget, paths: ["amount"] }],
    },
];

/** A feed's full key as the plan reports it: "landing-zone:server.failover", "policy:cost-monthly-cap.monthlyCapUsd". */
export function fullKeyOf(feed: ConfigFeed): string {
    return `${feed.namespace ?? "landing-zone"}:${feed.key}`;
}

/** The feeds of a config key (exact key, or every key under a prefix such as "server"); without a namespace, `landing-zone:`. */
export function feedsOf(key: string): ConfigFeed[] {
    const full = /^(landing-zone|policy):/.test(key) ? key : `landing-zone:${key}`;
    return CONFIG_FEEDS.filter((f) => fullKeyOf(f) === full || fullKeyOf(f).startsWith(`${full}.`));
}
