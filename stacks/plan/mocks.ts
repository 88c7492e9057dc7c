/**
 * Pulumi mocks that answer like the providers do for values computed at
 * deploy time, so derived inputs (a subnet's /64 from its VPC's /56, an ARN
 * in a policy) are visible offline. Deterministic: ids and addresses derive
 * from the resource's type and name, so two plans of one config are equal.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

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
        const { type, name, inputs } = args;
        const seed = `${type}::${name}`;
        if (type.startsWith("aws:")) return this.awsResource(type, name, inputs, seed);
        if (type.startsWith("azure-native:")) return this.azureResource(type, name, inputs, seed);
        return { id: `${name}-id`, state: { ...inputs } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/planner`, userId: "AIDAPLANNER", id: ACCOUNT };
            case "aws:index/getRegion:getRegion":
                return { name: this.region, region: this.region, id: this.region, endpoint: `ec2.${this.region}.amazonaws.com`, description: this.region };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return { names: ["a", "b", "c"].map((s) => `${this.region}${s}`), zoneIds: [1, 2, 3].map((n) => `az${n}`), id: this.region };
            default:
                return { ...args.inputs };
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
                state.arn = `arn:aws:iam::${ACCOUNT}:${type.includes("role") ? "role" : "policy"}/${inputs.name ?? name}`;
                state.name = inputs.name ?? name;
                break;
            case "aws:lambda/function:Function":
                state.arn = `arn:aws:lambda:${region}:${ACCOUNT}:function:${inputs.name ?? name}`;
                state.invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${state.arn}/invocations`;
                state.name = inputs.name ?? name;
                break;
            case "aws:sns/topic:Topic":
                state.arn = `arn:aws:sns:${region}:${ACCOUNT}:${inputs.name ?? name}`;
                break;
            // The multi-AZ server tier: ARNs in the shapes its policies and outputs rely on.
            case "aws:ec2/launchTemplate:LaunchTemplate":
                state.latestVersion = 1;
                state.defaultVersion = 1;
                state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
                break;
            case "aws:autoscaling/group:Group":
                state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
                state.arn = `arn:aws:autoscaling:${region}:${ACCOUNT}:autoScalingGroup:${hex(seed, 8)}-0000-4000-8000-${hex(seed + "asg", 12)}:autoScalingGroupName/${state.name}`;
                break;
            case "aws:cloudwatch/eventRule:EventRule":
                state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
                state.arn = `arn:aws:events:${region}:${ACCOUNT}:rule/${state.name}`;
                break;
            case "aws:cloudwatch/logGroup:LogGroup":
                state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
                state.arn = `arn:aws:logs:${region}:${ACCOUNT}:log-group:${state.name}`;
                break;
            case "aws:iam/instanceProfile:InstanceProfile":
                state.name = inputs.name ?? `${name}-${hex(seed, 7)}`;
                state.arn = `arn:aws:iam::${ACCOUNT}:instance-profile/${state.name}`;
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
        const parentPath = inputs.virtualNetworkName ? `/providers/Microsoft.Network/virtualNetworks/${inputs.virtualNetworkName}/subnets/${azureName}` : provider;
        const id = type === "azure-native:resources:ResourceGroup"
            ? `/subscriptions/${SUBSCRIPTION}/resourceGroups/${azureName}`
            : `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}${parentPath}`;
        return { id, state: { ...inputs, name: azureName, provisioningState: "Succeeded" } };
    }
}
