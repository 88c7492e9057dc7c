/**
 * The composition: explicit providers, then the components built from the
 * one address plan. Resource declaration only; every decision about what to
 * build was made by the config and the planner.
 */
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Provider as AzureNativeProvider } from "@pulumi/azure-native/provider";
import { AddressPlan } from "../components/addressing";
import { DualStackVpc } from "../components/aws/dual-stack-vpc";
import { MultiAzServer } from "../components/aws/multi-az-server";
import { DualStackVnet, IPV4_ONLY_REASON_TAG } from "../components/azure/dual-stack-vnet";
import { LandingZoneConfig } from "./config/resolve";
import { SubnetConfig } from "./config/schema";
// Virtual WAN hub, branch sites and the cross-cloud link (buildWan, below).
import * as pulumi from "@pulumi/pulumi";
import { customBgpAddressesByInstance, planCrossCloudTunnels } from "../components/addressing/tunnels";
import { CrossCloudVpn } from "../components/aws/cross-cloud-vpn";
import { deriveTunnelKey } from "../components/aws/vpn-tunnel-keys";
import { CrossCloudSite } from "../components/azure/cross-cloud-site";
import { WanHub } from "../components/azure/wan-hub";
import { crossCloudTunnelKeySeed, vpnPreSharedKeys } from "./config/index";
import { BaselineResources, buildBaseline } from "./baseline";

/** Why the hub-attached spoke is IPv4-only; recorded as a tag the IPv6 policy verifies. */
export const SPOKE_IPV4_ONLY_REASON =
    "platform limit: Azure Virtual WAN cannot connect a VNet that has IPv6 address space (Virtual WAN FAQ)";

export interface LandingZone {
    awsProvider: AwsProvider;
    azureProvider: AzureNativeProvider;
    vpc: DualStackVpc;
    vnet: DualStackVnet;
    spoke?: DualStackVnet;
    server?: MultiAzServer;
    wan?: WanResources;
    baseline: BaselineResources;
    outputs: Record<string, unknown>;
}

/** Tags every resource carries, on both clouds. */
export function defaultTags(config: LandingZoneConfig): Record<string, string> {
    return {
        environment: config.environment,
        owner: config.owner,
        "cost-centre": config.costCentre,
        "managed-by": "pulumi:landing-zone",
    };
}

/** The explicit providers: AWS in the configured region with the default tags, Azure Native in the configured location. */
export function createProviders(config: LandingZoneConfig): { aws: AwsProvider; azure: AzureNativeProvider } {
    return {
        aws: new AwsProvider("aws", { region: config.aws.region, defaultTags: { tags: defaultTags(config) } }),
        azure: new AzureNativeProvider("azure", { location: config.azure.location }),
    };
}

export function buildLandingZone(config: LandingZoneConfig, plan: AddressPlan, wanSecrets?: WanSecrets, providers = createProviders(config)): LandingZone {
    const tags = defaultTags(config);
    const awsProvider = providers.aws;
    const azureProvider = providers.azure;

    const vpc = new DualStackVpc(`${config.environment}`, {
        ipv4Cidr: plan.aws.vpcIpv4Cidr,
        subnets: plan.aws.subnets,
        natGateway: config.aws.natGateway,
        dns64: config.aws.dns64,
    }, { providers: { aws: awsProvider } });

    const allowInbound = (subnets: readonly SubnetConfig[]) => Object.fromEntries(subnets.map((s) => [s.name, s.allowInbound]));

    const vnet = new DualStackVnet(`${config.environment}-workloads`, {
        location: config.azure.location,
        resourceGroupName: config.azure.resourceGroupName,
        ipv4Cidr: plan.azure.vnet.ipv4Cidr,
        ipv6Cidr: plan.azure.vnet.ipv6Cidr!,
        subnets: plan.azure.vnet.subnets,
        allowInbound: allowInbound(config.azure.vnet.subnets),
        tags,
    }, { providers: { "azure-native": azureProvider } });

    const spoke = plan.azure.spoke && config.azure.spoke
        ? new DualStackVnet(`${config.environment}-spoke`, {
              location: config.azure.location,
              resourceGroupName: vnet.resourceGroupName,
              ipv4Cidr: plan.azure.spoke.ipv4Cidr,
              subnets: plan.azure.spoke.subnets,
              allowInbound: allowInbound(config.azure.spoke.subnets),
              ipv4OnlyReason: SPOKE_IPV4_ONLY_REASON,
              tags,
          }, { providers: { "azure-native": azureProvider } })
        : undefined;

    // The multi-AZ server tier: one subnet of the chosen tier in every planned AZ.
    const serverConfig = config.server;
    const server = serverConfig
        ? new MultiAzServer(serverConfig.tierName, {
              ...serverConfig,
              vpcId: vpc.vpcId,
              subnets: config.aws.availabilityZones.map((az) => ({ availabilityZone: az, subnetId: vpc.subnetIds[serverConfig.subnetTier][az] })),
              tags,
              // HTTPS whenever the tier has a DNS name to certify.
              ...(serverConfig.dns ? { tls: { email: config.baseline.alertEmail, acmeDirectory: config.baseline.tls.acmeDirectory } } : {}),
          }, { providers: { aws: awsProvider } })
        : undefined;
    const wan = buildWan(config, plan, { awsProvider, azureProvider, vpc, vnet, spoke }, wanSecrets);

    const outputs: Record<string, unknown> = {
        environment: config.environment,
        profile: config.profile,
        addressPlan: plan,
        aws: {
            region: config.aws.region,
            vpcId: vpc.vpcId,
            vpcIpv6CidrBlock: vpc.ipv6CidrBlock,
            subnetIds: vpc.subnetIds,
            routeTableIds: vpc.routeTableIds,
            natGateway: config.aws.natGateway,
        },
        azure: {
            location: config.azure.location,
            resourceGroupName: vnet.resourceGroupName,
            workloadVnetId: vnet.vnetId,
            workloadSubnetIds: vnet.subnetIds,
            ...(spoke ? { spokeVnetId: spoke.vnetId, spokeSubnetIds: spoke.subnetIds, spokeIpv4OnlyReason: { tag: IPV4_ONLY_REASON_TAG, reason: SPOKE_IPV4_ONLY_REASON } } : {}),
        },
    };
    if (server && serverConfig) {
        outputs.server = {
            tier: serverConfig.tierName,
            groupName: server.groupName,
            subnetTier: serverConfig.subnetTier,
            availabilityZones: config.aws.availabilityZones,
            instanceTypes: serverConfig.instanceTypes,
            market: serverConfig.market,
            elasticIp: server.elasticIp ?? null,
            dnsNames: server.dnsNames,
            tls: server.tls,
            dataVolumeTags: server.dataVolumeTags,
            snapshotSchedule: server.snapshotSchedule.description,
            recovery: {
                summary: server.recovery.summary,
                estimatedRtoMinutes: Math.ceil(server.recovery.estimatedRtoSeconds / 60),
                worstCaseRtoMinutes: Math.ceil(server.recovery.worstCaseRtoSeconds / 60),
                rpoMinutesOldAzReachable: server.recovery.rpoSeconds.oldAzReachable / 60,
                worstCaseRpoMinutes: Math.ceil(server.recovery.worstCaseRpoSeconds / 60),
                restoreAfterUnreachableMinutes: server.recovery.restoreAfterUnreachableSeconds / 60,
                explanation: server.recovery.explanation,
            },
            alertTopicArn: server.alertTopicArn,
        };
    }
    Object.assign(outputs, wan?.outputs);
    const baseline = buildBaseline(config, { awsProvider, azureProvider, vpc, vnet, spoke, wan }, tags);
    outputs.baseline = baseline.outputs;
    // Each router sheet names the alerts that fire when its site's link goes down.
    if (wan) {
        const sheets = wan.outputs.branchRouterSheets as Record<string, object>;
        outputs.branchRouterSheets = Object.fromEntries(Object.entries(sheets).map(([site, sheet]) => [site, { ...sheet, alerts: baseline.siteAlerts[site] ?? [] }]));
    }
    return { awsProvider, azureProvider, vpc, vnet, spoke, server, wan, baseline, outputs };
}

/** Secrets the WAN needs; read from the stack config unless given (tests pass their own). */
export interface WanSecrets {
    /** Pre-shared key per site name. */
    vpnPreSharedKeys: Record<string, pulumi.Input<string>>;
    /** Seed of the cross-cloud tunnel keys; needed when the link is on. */
    crossCloudTunnelKeySeed?: pulumi.Input<string>;
}

export interface WanResources {
    hub: WanHub;
    crossCloudVpn?: CrossCloudVpn;
    crossCloudSite?: CrossCloudSite;
    /** Stack outputs: `wan` and `branchRouterSheets`. */
    outputs: Record<string, unknown>;
}

/**
 * The Virtual WAN hub with a VPN site and connection per branch, attached to
 * the IPv4-only spoke, and (when wan.crossCloudLink is on) the AWS VPN to the
 * VPC with its Azure site. Nothing when the config has no `wan`.
 */
export function buildWan(
    config: LandingZoneConfig,
    plan: AddressPlan,
    base: { awsProvider: AwsProvider; azureProvider: AzureNativeProvider; vpc: DualStackVpc; vnet: DualStackVnet; spoke?: DualStackVnet },
    secrets?: WanSecrets,
): WanResources | undefined {
    if (!config.wan || !plan.hub) return undefined;
    const keys = secrets ?? { vpnPreSharedKeys: vpnPreSharedKeys(), crossCloudTunnelKeySeed: crossCloudTunnelKeySeed() };
    const tags = defaultTags(config);
    const azureOpts = { providers: { "azure-native": base.azureProvider } };
    const crossCloud = config.wan.crossCloudLink;
    const tunnels = crossCloud ? planCrossCloudTunnels() : [];

    const hub = new WanHub(`${config.environment}-wan`, {
        location: config.azure.location,
        resourceGroupName: base.vnet.resourceGroupName,
        type: config.wan.type,
        hubPrefix: plan.hub.prefix,
        vpnScaleUnits: config.wan.vpnScaleUnits,
        allowBranchToBranch: config.wan.allowBranchToBranch,
        ipsec: config.wan.ipsec,
        sites: config.sites,
        preSharedKeys: keys.vpnPreSharedKeys,
        ...(base.spoke && plan.azure.spoke ? { spoke: { name: "spoke", vnetId: base.spoke.vnetId, ipv4Cidr: plan.azure.spoke.ipv4Cidr } } : {}),
        ...(crossCloud ? { customBgpAddresses: customBgpAddressesByInstance(tunnels), extraRemoteRanges: [plan.aws.vpcIpv4Cidr] } : {}),
        tags,
    }, azureOpts);

    const outputs: Record<string, unknown> = {
        wan: {
            type: config.wan.type,
            hubPrefix: hub.hubPrefix,
            virtualWanId: hub.virtualWanId,
            virtualHubId: hub.virtualHubId,
            vpnGatewayId: hub.vpnGatewayId,
            vpnScaleUnits: config.wan.vpnScaleUnits,
            bgpAsn: hub.bgpAsn,
            gatewayInstances: hub.gatewayInstances,
            sites: Object.fromEntries(config.sites.map((s) => [s.name, { vpnSiteId: hub.siteIds[s.name], connectionId: hub.connectionIds[s.name] }])),
            ...(hub.spokeConnectionId ? { spokeConnectionId: hub.spokeConnectionId } : {}),
            crossCloudLink: crossCloud,
        },
        branchRouterSheets: hub.routerSheets,
    };
    if (!crossCloud) return { hub, outputs };

    const seed = keys.crossCloudTunnelKeySeed;
    if (seed === undefined) throw new Error("landing-zone:crossCloudTunnelKeySeed: the cross-cloud link needs a secret seed for its tunnel keys");
    const tunnelKeys = Object.fromEntries(tunnels.map((t) => [t.name, pulumi.secret(pulumi.output(seed).apply((s) => deriveTunnelKey(s, config.environment, t.name)))]));
    const crossCloudVpn = new CrossCloudVpn(`${config.environment}-to-azure`, {
        vpcId: base.vpc.vpcId,
        routeTableIds: base.vpc.routeTableIds,
        amazonSideAsn: config.wan.awsSideAsn,
        azureAsn: hub.bgpAsn,
        azureInstances: hub.gatewayInstances,
        tunnels,
        tunnelKeys,
        ipsec: config.wan.ipsec,
    }, { providers: { aws: base.awsProvider } });
    const crossCloudSite = new CrossCloudSite(`${config.environment}-aws`, {
        location: config.azure.location,
        resourceGroupName: base.vnet.resourceGroupName,
        virtualWanId: hub.virtualWanId,
        gatewayName: hub.vpnGatewayName,
        awsAsn: crossCloudVpn.amazonSideAsn,
        tunnels: crossCloudVpn.tunnels,
        ipsec: config.wan.ipsec,
        ...(hub.defaultRouteTableId ? { defaultRouteTableId: hub.defaultRouteTableId } : {}),
        after: [hub.lastGatewayWrite],
        tags,
    }, azureOpts);
    (outputs.wan as Record<string, unknown>).crossCloud = {
        awsVpnGatewayId: crossCloudVpn.vpnGatewayId,
        awsSideAsn: crossCloudVpn.amazonSideAsn,
        azureSiteId: crossCloudSite.vpnSiteId,
        tunnels: crossCloudVpn.tunnels.map((t) => ({
            name: t.name,
            azureInstance: t.azureInstance,
            insideCidr: t.insideCidr,
            awsInsideAddress: t.awsInsideAddress,
            azureInsideAddress: t.azureInsideAddress,
            awsOutsideAddress: t.outsideAddress,
        })),
    };
    return { hub, crossCloudVpn, crossCloudSite, outputs };
}
