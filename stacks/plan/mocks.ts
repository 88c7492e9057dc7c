/**
 * Pulumi mocks that answer like the providers do for values computed at
 * deploy time, so derived inputs (a subnet's /64 from its VPC's /56, an ARN
 * in a policy) are visible offline. Deterministic: ids and addresses derive
 * from the resource's type and name, so two plans of one config are equal.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { awsRegion } from "../../components/catalogue/aws-regions";
import { display } from "../../components/display";

const ACCOUNT = "123456789012";
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

function hex(seed: string, length: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** EC2-style id prefixes by resource type. */
const AWS_ID_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "eigw",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ec2/vpnGateway:VpnGateway": "vgw",
    "aws:ec2/customerGateway:CustomerGateway": "cgw",
    "aws:ec2/vpnConnection:VpnConnection": "vpn",
    "aws:ebs/volume:Volume": "vol",
};

export class LandingZoneMocks implements pulumi.runtime.Mocks {
    private vpcCount = 0;
    private addressCount = 0;

    constructor(private readonly region: string = "us-east-1") {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const { type, name } = args;
        const inputs = args.inputs as Record<string, unknown>;
        const seed = `${type}::${name}`;
        if (type.startsWith("aws:")) return this.awsResource(type, name, inputs, seed);
        if (type.startsWith("azure-native:")) return this.azureResource(type, name, inputs, seed);
        return { id: `${name}-id`, state: { ...inputs } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const inputs = args.inputs as Record<string, unknown>;
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/planner`, userId: "AIDAPLANNER", id: ACCOUNT };
            case "aws:index/getRegion:getRegion":
                return { name: this.region, region: this.region, id: this.region, endpoint: `ec2.${this.region}.amazonaws.com`, description: this.region };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                // As EC2 would answer for an account that has every zone the catalogue lists.
                const region = (inputs.region as string | undefined) ?? this.region;
                const names = awsRegion(region)?.zones ?? ["a", "b", "c"].map((s) => `${region}${s}`);
                return { names, zoneIds: names.map((_, i) => `${region}-az${i + 1}`), groupNames: names.map(() => region), id: region, region };
            }
            default:
                return { ...inputs };
        }
    }

    private awsResource(type: string, name: string, inputs: Record<string, unknown>, seed: string) {
        const prefix = AWS_ID_PREFIX[type];
        const id = prefix ? `${prefix}-0${hex(seed, 16)}` : `${name}-${hex(seed, 8)}`;
        const service = type.split(":")[1].split("/")[0];
        const region = (inputs.region as string | undefined) ?? this.region;
        const state: Record<string, unknown> = {
            ...inputs,
            arn: `arn:aws:${service}:${region}:${ACCOUNT}:${type.split(":")[2].toLowerCase()}/${id}`,
        };
        Object.assign(state, this.wan.awsState(type, id, inputs));
        switch (type) {
            case "aws:ec2/vpc:Vpc":
                // Amazon picks the /56; offline we hand out /56s of the documentation prefix 2001:db8::/32.
                state.ipv6CidrBlock = `2001:db8:${(0x100 + this.vpcCount++).toString(16)}::/56`;
                state.ipv6AssociationId = `vpc-cidr-assoc-0${hex(seed, 16)}`;
                state.defaultSecurityGroupId = `sg-0${hex(seed + "sg", 16)}`;
                state.mainRouteTableId = `rtb-0${hex(seed + "rt", 16)}`;
                break;
            case "aws:ec2/eip:Eip":
                state.publicIp = `198.51.100.${10 + (this.addressCount++ % 240)}`;
                state.allocationId = id;
                break;
            case "aws:iam/role:Role":
            case "aws:iam/policy:Policy":
                state.arn = `arn:aws:iam::${ACCOUNT}:${type.includes("role") ? "role" : "policy"}/${display(inputs.name ?? name)}`;
                state.name = inputs.name ?? name;
                break;
            case "aws:lambda/function:Function":
                state.arn = `arn:aws:lambda:${region}:${ACCOUNT}:function:${display(inputs.name ?? name)}`;
                state.invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${display(state.arn)}/invocations`;
                state.name = inputs.name ?? name;
                break;
            case "aws:sns/topic:Topic":
                state.arn = `arn:aws:sns:${region}:${ACCOUNT}:${display(inputs.name ?? name)}`;
                break;
            // The multi-AZ server tier: ARNs in the shapes its policies and outputs rely on.
            case "aws:ec2/launchTemplate:LaunchTemplate":
                state.latestVersion = 1;
                state.defaultVersion = 1;
                state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
                break;
            case "aws:autoscaling/group:Group":
                state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
                state.arn = `arn:aws:autoscaling:${region}:${ACCOUNT}:autoScalingGroup:${hex(seed, 8)}-0000-4000-8000-${hex(seed + "asg", 12)}:autoScalingGroupName/${display(state.name)}`;
                break;
            case "aws:cloudwatch/eventRule:EventRule":
                state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
                state.arn = `arn:aws:events:${region}:${ACCOUNT}:rule/${display(state.name)}`;
                break;
            case "aws:cloudwatch/logGroup:LogGroup":
                state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
                state.arn = `arn:aws:logs:${region}:${ACCOUNT}:log-group:${display(state.name)}`;
                break;
            case "aws:s3/bucket:Bucket":
                // Auto-named like the provider: the logical name plus a suffix; S3 ARNs carry no region or account.
                state.bucket = inputs.bucket ?? `${name}-${hex(seed, 7)}`;
                state.arn = `arn:aws:s3:::${display(state.bucket)}`;
                break;
            case "aws:cloudtrail/trail:Trail":
                state.arn = `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/${display(inputs.name ?? name)}`;
                break;
            case "aws:iam/instanceProfile:InstanceProfile":
                state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
                state.arn = `arn:aws:iam::${ACCOUNT}:instance-profile/${display(state.name)}`;
                break;
            default:
                if (state.name === undefined && !type.startsWith("aws:ec2/route")) state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
        }
        return { id, state };
    }

    private azureResource(type: string, name: string, inputs: Record<string, unknown>, seed: string) {
        const [, module, resource] = type.split(":");
        // Azure Native auto-names with a random suffix unless the `<x>Name` input is given.
        const nameKey = `${resource[0].toLowerCase()}${resource.slice(1)}Name`;
        const azureName = (inputs[nameKey] as string | undefined) ?? `${name}${hex(seed, 8)}`;
        const group = (inputs.resourceGroupName as string | undefined) ?? azureName;
        const provider = module === "resources" ? "" : `/providers/Microsoft.${module[0].toUpperCase()}${module.slice(1)}/${resource[0].toLowerCase()}${resource.slice(1)}s/${azureName}`;
        const parentPath = inputs.virtualNetworkName ? `/providers/Microsoft.Network/virtualNetworks/${display(inputs.virtualNetworkName)}/subnets/${azureName}` : provider;
        const id = type === "azure-native:resources:ResourceGroup"
            ? `/subscriptions/${SUBSCRIPTION}/resourceGroups/${azureName}`
            : `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}${parentPath}`;
        const wanId = this.wan.azureId(type, id, inputs, azureName);
        return { id: wanId, state: { ...inputs, name: azureName, provisioningState: "Succeeded", ...this.wan.azureState(type, wanId, inputs) } };
    }

    private readonly wan = new WanMockState();
}

/**
 * Answers for the Virtual WAN and the cross-cloud VPN, shaped like the
 * providers' responses: a VPN gateway's two instances with public IPs and
 * default BGP addresses inside the hub prefix (.12/.13, as Azure assigns),
 * child ids under their parent (vpnGateways/<gw>/vpnConnections/<c>), and AWS
 * VPN connections with tunnel outside and inside addresses.
 */
class WanMockState {
    private readonly hubPrefixes = new Map<string, string>();
    private readonly amazonAsns = new Map<string, string>();

    awsState(type: string, id: string, inputs: Record<string, unknown>): Record<string, unknown> {
        switch (type) {
            case "aws:ec2/vpnGateway:VpnGateway": {
                const asn = (inputs.amazonSideAsn as string | undefined) ?? "64512";
                this.amazonAsns.set(id, asn);
                return { amazonSideAsn: asn };
            }
            case "aws:ec2/customerGateway:CustomerGateway":
                return { bgpAsn: inputs.bgpAsn ?? "65000" };
            case "aws:ec2/vpnConnection:VpnConnection": {
                const asn = this.amazonAsns.get(inputs.vpnGatewayId as string) ?? "64512";
                const state: Record<string, unknown> = { transitGatewayAttachmentId: "", routes: [], vgwTelemetries: [] };
                for (const n of [1, 2]) {
                    // AWS-owned outside addresses; offline they come from TEST-NET-1 (192.0.2.0/24).
                    state[`tunnel${n}Address`] = `192.0.2.${1 + (parseInt(hex(`${id}/${n}`, 4), 16) % 250)}`;
                    const cidr = inputs[`tunnel${n}InsideCidr`] as string | undefined;
                    const base = cidr ? cidr.split("/")[0].split(".").map(Number) : [169, 254, 100 + n, 0];
                    state[`tunnel${n}InsideCidr`] = cidr ?? `${base.join(".")}/30`;
                    state[`tunnel${n}VgwInsideAddress`] = [...base.slice(0, 3), base[3] + 1].join(".");
                    state[`tunnel${n}CgwInsideAddress`] = [...base.slice(0, 3), base[3] + 2].join(".");
                    state[`tunnel${n}BgpAsn`] = asn;
                    state[`tunnel${n}BgpHoldtime`] = 30;
                    state[`tunnel${n}PresharedKey`] = inputs[`tunnel${n}PresharedKey`] ?? `generated${hex(`${id}/${n}/psk`, 24)}`;
                }
                state.customerGatewayConfiguration = `<vpn_connection id="${id}"/>`;
                return state;
            }
            default:
                return {};
        }
    }

    /** Child resources live under their parent's id in Azure. */
    azureId(type: string, id: string, inputs: Record<string, unknown>, azureName: string): string {
        const group = id.split("/providers/")[0];
        if (type === "azure-native:network:VpnConnection" && inputs.gatewayName) {
            return `${group}/providers/Microsoft.Network/vpnGateways/${display(inputs.gatewayName)}/vpnConnections/${azureName}`;
        }
        if (type === "azure-native:network:HubVirtualNetworkConnection" && inputs.virtualHubName) {
            return `${group}/providers/Microsoft.Network/virtualHubs/${display(inputs.virtualHubName)}/hubVirtualNetworkConnections/${azureName}`;
        }
        return id;
    }

    azureState(type: string, id: string, inputs: Record<string, unknown>): Record<string, unknown> {
        switch (type) {
            case "azure-native:network:VirtualHub":
                if (typeof inputs.addressPrefix === "string") this.hubPrefixes.set(id, inputs.addressPrefix);
                return { routingState: "Provisioned", virtualRouterAsn: 65515, virtualRouterIps: this.hubAddresses(inputs.addressPrefix, [68, 69]) };
            case "azure-native:network:VpnGateway": {
                const hubId = (inputs.virtualHub as { id?: string } | undefined)?.id ?? "";
                const [bgp0, bgp1] = this.hubAddresses(this.hubPrefixes.get(hubId), [12, 13]);
                const [private0, private1] = this.hubAddresses(this.hubPrefixes.get(hubId), [4, 5]);
                const requested = ((inputs.bgpSettings as { bgpPeeringAddresses?: Array<{ ipconfigurationId?: string; customBgpIpAddresses?: string[] }> } | undefined)?.bgpPeeringAddresses) ?? [];
                // Azure public IPs; offline from TEST-NET-3 (203.0.113.0/24).
                const instances = [["Instance0", bgp0, private0], ["Instance1", bgp1, private1]].map(([instance, bgpAddress, privateIp]) => ({
                    instance,
                    bgpAddress,
                    privateIp,
                    publicIp: `203.0.113.${1 + (parseInt(hex(`${id}/${instance}`, 4), 16) % 250)}`,
                    custom: requested.find((r) => r.ipconfigurationId === instance)?.customBgpIpAddresses ?? [],
                }));
                const bgpSettings = (inputs.bgpSettings ?? {}) as Record<string, unknown>;
                return {
                    vpnGatewayScaleUnit: inputs.vpnGatewayScaleUnit ?? 1,
                    ipConfigurations: instances.map((i) => ({ id: i.instance, publicIpAddress: i.publicIp, privateIpAddress: i.privateIp })),
                    bgpSettings: {
                        asn: bgpSettings.asn ?? 65515,
                        peerWeight: bgpSettings.peerWeight ?? 0,
                        bgpPeeringAddress: instances.map((i) => i.bgpAddress).join(","),
                        bgpPeeringAddresses: instances.map((i) => ({
                            ipconfigurationId: i.instance,
                            defaultBgpIpAddresses: [i.bgpAddress],
                            customBgpIpAddresses: i.custom,
                            tunnelIpAddresses: [i.publicIp, i.privateIp],
                        })),
                    },
                };
            }
            case "azure-native:network:VpnSite": {
                const links = (inputs.vpnSiteLinks as Array<Record<string, unknown>> | undefined) ?? [];
                return { vpnSiteLinks: links.map((l) => ({ ...l, id: `${id}/vpnSiteLinks/${display(l.name)}`, provisioningState: "Succeeded" })) };
            }
            default:
                return {};
        }
    }

    /** Hosts of a hub prefix at the given offsets (Azure puts gateway instances at fixed offsets). */
    private hubAddresses(prefix: unknown, offsets: number[]): string[] {
        const base = typeof prefix === "string" ? prefix.split("/")[0].split(".").map(Number) : [10, 0, 0, 0];
        return offsets.map((o) => [...base.slice(0, 3), base[3] + o].join("."));
    }
}
