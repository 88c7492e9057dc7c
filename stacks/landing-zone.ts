/**
 * The composition: explicit providers, then the components built from the
 * one address plan. Resource declaration only; every decision about what to
 * build was made by the config and the planner.
 */
import * as aws from "@pulumi/aws";
import * as azure from "@pulumi/azure-native";
import { AddressPlan } from "../components/addressing";
import { DualStackVpc } from "../components/aws/dual-stack-vpc";
import { MultiAzServer } from "../components/aws/multi-az-server";
import { DualStackVnet, IPV4_ONLY_REASON_TAG } from "../components/azure/dual-stack-vnet";
import { LandingZoneConfig } from "./config/resolve";

/** Why the hub-attached spoke is IPv4-only; recorded as a tag the IPv6 policy verifies. */
export const SPOKE_IPV4_ONLY_REASON =
    "platform limit: Azure Virtual WAN cannot connect a VNet that has IPv6 address space (Virtual WAN FAQ)";

export interface LandingZone {
    awsProvider: aws.Provider;
    azureProvider: azure.Provider;
    vpc: DualStackVpc;
    vnet: DualStackVnet;
    spoke?: DualStackVnet;
    server?: MultiAzServer;
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

export function buildLandingZone(config: LandingZoneConfig, plan: AddressPlan): LandingZone {
    const tags = defaultTags(config);
    const awsProvider = new aws.Provider("aws", { region: config.aws.region as aws.Region, defaultTags: { tags } });
    const azureProvider = new azure.Provider("azure", { location: config.azure.location });

    const vpc = new DualStackVpc(`${config.environment}`, {
        ipv4Cidr: plan.aws.vpcIpv4Cidr,
        subnets: plan.aws.subnets,
        natGateway: config.aws.natGateway,
        dns64: config.aws.dns64,
    }, { providers: { aws: awsProvider } });

    const allowInbound = (subnets: ReadonlyArray<{ name: string; allowInbound: LandingZoneConfig["azure"]["vnet"]["subnets"][number]["allowInbound"] }>) =>
        Object.fromEntries(subnets.map((s) => [s.name, s.allowInbound]));

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
          }, { providers: { aws: awsProvider } })
        : undefined;

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
            dataVolumeTags: server.dataVolumeTags,
            snapshotSchedule: server.snapshotSchedule.description,
            recovery: {
                summary: server.recovery.summary,
                estimatedRtoMinutes: Math.ceil(server.recovery.estimatedRtoSeconds / 60),
                worstCaseRtoMinutes: Math.ceil(server.recovery.worstCaseRtoSeconds / 60),
                rpoMinutesOldAzReachable: server.recovery.rpoSeconds.oldAzReachable / 60,
                worstCaseRpoMinutes: Math.ceil(server.recovery.worstCaseRpoSeconds / 60),
            },
            alertTopicArn: server.alertTopicArn,
        };
    }
    return { awsProvider, azureProvider, vpc, vnet, spoke, server, outputs };
}
