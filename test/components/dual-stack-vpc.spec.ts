import { strict as assert } from "assert";
import { planAddresses } from "../../components/addressing";
import { DualStackVpc } from "../../components/aws/dual-stack-vpc";
import { ofType, recordResources, valueOf } from "../helpers/record";

const plan = planAddresses({
    aws: { vpcCidr: "10.10.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b"], subnetPrefixLength: 24, azSlots: 4 },
    azure: { vnet: { ipv4Cidr: "10.20.0.0/16", ipv6Cidr: "fd3c:7a21:5b04::/48", subnetPrefixLength: 24, subnets: [{ name: "web" }] } },
    sites: [],
});

describe("DualStackVpc", () => {
    it("gives the VPC an Amazon /56 and every subnet its IPv4 block and planned /64", async () => {
        const { resources, built } = await recordResources(() => new DualStackVpc("t", { ipv4Cidr: plan.aws.vpcIpv4Cidr, subnets: plan.aws.subnets }));
        const [vpc] = ofType(resources, "aws:ec2/vpc:Vpc");
        assert.equal(vpc.inputs.assignGeneratedIpv6CidrBlock, true);
        assert.equal(vpc.inputs.cidrBlock, "10.10.0.0/16");
        const block = await valueOf(built.ipv6CidrBlock);
        const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
        assert.equal(subnets.length, 6);
        for (const planned of plan.aws.subnets) {
            const subnet = subnets.find((s) => s.inputs.availabilityZone === planned.availabilityZone && s.inputs.tags["landing-zone:tier"] === planned.tier)!;
            assert.ok(subnet, `${planned.tier}/${planned.availabilityZone} missing`);
            assert.equal(subnet.inputs.cidrBlock, planned.ipv4Cidr);
            assert.match(subnet.inputs.ipv6CidrBlock, /\/64$/);
            // The n-th /64 of the mock's /56 (2001:db8:X::/56): its fourth group is the index.
            assert.equal(subnet.inputs.ipv6CidrBlock, `${block.replace("::/56", "")}${planned.ipv6NetworkIndex === 0 ? "" : `:${planned.ipv6NetworkIndex.toString(16)}`}::/64`);
            assert.equal(subnet.inputs.assignIpv6AddressOnCreation, true);
            assert.equal(subnet.inputs.mapPublicIpOnLaunch, false);
        }
        const built6 = await valueOf(built.subnetIds.private["us-east-1b"]);
        assert.match(built6, /^subnet-/);
    });

    it("routes public to the internet gateway on both families and the rest to the egress-only gateway, with no NAT by default", async () => {
        const { resources } = await recordResources(() => new DualStackVpc("t", { ipv4Cidr: plan.aws.vpcIpv4Cidr, subnets: plan.aws.subnets }));
        const routes = ofType(resources, "aws:ec2/route:Route");
        const byName = Object.fromEntries(routes.map((r) => [r.name, r.inputs]));
        assert.equal(byName["t-public-default-ipv4"].destinationCidrBlock, "0.0.0.0/0");
        assert.match(byName["t-public-default-ipv4"].gatewayId, /^igw-/);
        assert.equal(byName["t-public-default-ipv6"].destinationIpv6CidrBlock, "::/0");
        assert.match(byName["t-public-default-ipv6"].gatewayId, /^igw-/);
        for (const tier of ["private", "data"]) {
            assert.equal(byName[`t-${tier}-default-ipv6`].destinationIpv6CidrBlock, "::/0");
            assert.match(byName[`t-${tier}-default-ipv6`].egressOnlyGatewayId, /^eigw-/);
            assert.equal(byName[`t-${tier}-default-ipv4`], undefined, `${tier} must have no IPv4 default route without NAT`);
        }
        assert.equal(ofType(resources, "aws:ec2/natGateway:NatGateway").length, 0);
        assert.equal(ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation").length, 6);
    });

    it("with natGateway builds one shared NAT gateway and IPv4 default routes for private and data, plus NAT64 with dns64", async () => {
        const { resources } = await recordResources(() => new DualStackVpc("t", { ipv4Cidr: plan.aws.vpcIpv4Cidr, subnets: plan.aws.subnets, natGateway: true, dns64: true }));
        const nats = ofType(resources, "aws:ec2/natGateway:NatGateway");
        assert.equal(nats.length, 1);
        const routes = Object.fromEntries(ofType(resources, "aws:ec2/route:Route").map((r) => [r.name, r.inputs]));
        for (const tier of ["private", "data"]) {
            assert.match(routes[`t-${tier}-default-ipv4`].natGatewayId, /^nat-/);
            assert.equal(routes[`t-${tier}-nat64`].destinationIpv6CidrBlock, "64:ff9b::/96");
        }
        const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
        assert.ok(subnets.filter((s) => s.inputs.tags["landing-zone:tier"] !== "public").every((s) => s.inputs.enableDns64 === true));
        assert.ok(subnets.filter((s) => s.inputs.tags["landing-zone:tier"] === "public").every((s) => s.inputs.enableDns64 === false));
    });

    it("refuses DNS64 without a NAT gateway", () => {
        assert.throws(() => new DualStackVpc("t", { ipv4Cidr: plan.aws.vpcIpv4Cidr, subnets: plan.aws.subnets, dns64: true }), /dns64 needs natGateway/);
    });
});
