/**
 * DualStackVpc: a VPC where every subnet has IPv4 and IPv6, built from plain
 * `@pulumi/aws` resources (not awsx, whose remote components hide their
 * children from mocks and give subnets no IPv6).
 *
 * Egress is IPv6-first: private and data subnets reach the internet through
 * the free egress-only internet gateway, and get an IPv4 default route only
 * when a (single, shared) NAT gateway is asked for.
 */
import * as ec2 from "@pulumi/aws/ec2";
import * as pulumi from "@pulumi/pulumi";
import { AWS_TIERS, AwsSubnetPlan, AwsTier, ipv6SubnetOf } from "../addressing";

export interface DualStackVpcArgs {
    /** The VPC's IPv4 range, from the address plan. */
    ipv4Cidr: string;
    /** Every subnet to create (tier × AZ), from the address plan; each carries its /64 index. */
    subnets: readonly AwsSubnetPlan[];
    /**
     * One shared NAT gateway (in the first public subnet) for IPv4 egress from
     * private and data subnets. Default false: IPv6 egress through the
     * egress-only gateway is free, a NAT gateway costs per hour and per GB.
     */
    natGateway?: boolean;
    /**
     * DNS64 on private and data subnets, with 64:ff9b::/96 routed to the NAT
     * gateway, so IPv6-only workloads can reach IPv4-only services. Needs
     * `natGateway`. Default false.
     */
    dns64?: boolean;
    /** Extra tags for every resource (the provider adds the default tags). */
    tags?: Record<string, string>;
}

export class DualStackVpc extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    /** The Amazon-provided /56. */
    readonly ipv6CidrBlock: pulumi.Output<string>;
    /** Subnet ids by tier, then by AZ. */
    readonly subnetIds: Record<AwsTier, Record<string, pulumi.Output<string>>>;
    /** The subnet resources by tier, in AZ order. */
    readonly subnets: Record<AwsTier, ec2.Subnet[]>;
    /** Route table ids by tier (one table per tier: routing does not differ by AZ without per-AZ NAT). */
    readonly routeTableIds: Record<AwsTier, pulumi.Output<string>>;
    readonly internetGatewayId: pulumi.Output<string>;
    readonly egressOnlyInternetGatewayId: pulumi.Output<string>;
    readonly natGatewayId?: pulumi.Output<string>;

    constructor(name: string, args: DualStackVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:aws:DualStackVpc", name, {}, opts);
        if (args.dns64 && !args.natGateway) {
            throw new Error(`DualStackVpc ${name}: dns64 needs natGateway (NAT64 is done by the NAT gateway)`);
        }
        const parent = { parent: this };
        const tags = (suffix: string, extra: Record<string, string> = {}) => ({ Name: `${name}-${suffix}`, ...args.tags, ...extra });

        const vpc = new ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.ipv4Cidr,
            assignGeneratedIpv6CidrBlock: true,
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: tags("vpc"),
        }, parent);

        const igw = new ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, parent);
        const eigw = new ec2.EgressOnlyInternetGateway(`${name}-eigw`, { vpcId: vpc.id, tags: tags("eigw") }, parent);

        this.subnets = { public: [], private: [], data: [] };
        this.subnetIds = { public: {}, private: {}, data: {} };
        for (const plan of args.subnets) {
            const subnet = new ec2.Subnet(`${name}-${plan.tier}-${plan.availabilityZone}`, {
                vpcId: vpc.id,
                availabilityZone: plan.availabilityZone,
                cidrBlock: plan.ipv4Cidr,
                // Declared outside any apply; only the input is derived once Amazon picks the /56.
                ipv6CidrBlock: vpc.ipv6CidrBlock.apply((block) => ipv6SubnetOf(block, plan.ipv6NetworkIndex)),
                assignIpv6AddressOnCreation: true,
                mapPublicIpOnLaunch: false,
                enableDns64: plan.tier !== "public" && !!args.dns64,
                // Instances get resolvable AAAA names (needs resource-name hostnames).
                privateDnsHostnameTypeOnLaunch: "resource-name",
                enableResourceNameDnsAaaaRecordOnLaunch: true,
                tags: tags(`${plan.tier}-${plan.availabilityZone}`, { "landing-zone:tier": plan.tier }),
            }, parent);
            this.subnets[plan.tier].push(subnet);
            this.subnetIds[plan.tier][plan.availabilityZone] = subnet.id;
        }

        let nat: ec2.NatGateway | undefined;
        if (args.natGateway) {
            const firstPublic = this.subnets.public[0];
            if (!firstPublic) throw new Error(`DualStackVpc ${name}: a NAT gateway needs a public subnet`);
            const eip = new ec2.Eip(`${name}-nat-eip`, { domain: "vpc", tags: tags("nat-eip") }, parent);
            nat = new ec2.NatGateway(`${name}-nat`, {
                allocationId: eip.id,
                subnetId: firstPublic.id,
                connectivityType: "public",
                tags: tags("nat"),
            }, { parent: this, dependsOn: [igw] });
        }

        const routeTables = {} as Record<AwsTier, ec2.RouteTable>;
        for (const tier of AWS_TIERS) {
            const table = new ec2.RouteTable(`${name}-${tier}-rt`, { vpcId: vpc.id, tags: tags(`${tier}-rt`, { "landing-zone:tier": tier }) }, parent);
            routeTables[tier] = table;
            if (tier === "public") {
                new ec2.Route(`${name}-public-default-ipv4`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, parent);
                new ec2.Route(`${name}-public-default-ipv6`, { routeTableId: table.id, destinationIpv6CidrBlock: "::/0", gatewayId: igw.id }, parent);
            } else {
                new ec2.Route(`${name}-${tier}-default-ipv6`, { routeTableId: table.id, destinationIpv6CidrBlock: "::/0", egressOnlyGatewayId: eigw.id }, parent);
                if (nat) {
                    new ec2.Route(`${name}-${tier}-default-ipv4`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, parent);
                    if (args.dns64) {
                        new ec2.Route(`${name}-${tier}-nat64`, { routeTableId: table.id, destinationIpv6CidrBlock: "64:ff9b::/96", natGatewayId: nat.id }, parent);
                    }
                }
            }
            for (const [az, subnetId] of Object.entries(this.subnetIds[tier])) {
                new ec2.RouteTableAssociation(`${name}-${tier}-${az}-rta`, { subnetId, routeTableId: table.id }, parent);
            }
        }

        this.vpcId = vpc.id;
        this.ipv6CidrBlock = vpc.ipv6CidrBlock;
        this.internetGatewayId = igw.id;
        this.egressOnlyInternetGatewayId = eigw.id;
        this.natGatewayId = nat?.id;
        this.routeTableIds = { public: routeTables.public.id, private: routeTables.private.id, data: routeTables.data.id };
        this.registerOutputs({
            vpcId: this.vpcId,
            ipv6CidrBlock: this.ipv6CidrBlock,
            subnetIds: this.subnetIds,
            routeTableIds: this.routeTableIds,
            internetGatewayId: this.internetGatewayId,
            egressOnlyInternetGatewayId: this.egressOnlyInternetGatewayId,
            natGatewayId: this.natGatewayId,
        });
    }
}
