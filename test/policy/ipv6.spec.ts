import { strict as assert } from "assert";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as network from "@pulumi/azure-native/network";
import { ingressParity, instanceIpv6, ipv4OnlyExemptionVerified, subnetIpv6, vnetIpv6, vnetSubnetIpv6, vpcIpv6 } from "../../policy/ipv6";
import { advisory, check, declare, mandatory } from "./helpers";

const TAG = { "landing-zone:ipv4-only-reason": "platform limit: Azure Virtual WAN cannot connect a VNet that has IPv6 address space" };
const names = (vs: Array<{ resource: string | null }>) => vs.map((v) => v.resource?.split("::").pop());

describe("policy: IPv6", () => {
    describe("ipv6-vpc-block", () => {
        it("passes a VPC with an Amazon-provided IPv6 block", async () => {
            const r = await declare(() => new ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16", assignGeneratedIpv6CidrBlock: true }));
            assert.deepEqual((await check(vpcIpv6, r)).violations, []);
        });
        it("fails an IPv4-only VPC", async () => {
            const r = await declare(() => new ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" }));
            assert.match(mandatory(await check(vpcIpv6, r))[0].message, /assignGeneratedIpv6CidrBlock: true/);
        });
    });

    describe("ipv6-subnet-64", () => {
        it("passes a /64 that assigns IPv6 on creation", async () => {
            const r = await declare(() => new ec2.Subnet("s", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24", ipv6CidrBlock: "2001:db8:100::/64", assignIpv6AddressOnCreation: true }));
            assert.deepEqual((await check(subnetIpv6, r)).violations, []);
        });
        it("fails an IPv4-only subnet, a /60 and a subnet that does not assign IPv6", async () => {
            const r = await declare(() => {
                new ec2.Subnet("v4", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24" });
                new ec2.Subnet("wide", { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24", ipv6CidrBlock: "2001:db8:100:10::/60", assignIpv6AddressOnCreation: true });
                new ec2.Subnet("noassign", { vpcId: "vpc-1", cidrBlock: "10.0.2.0/24", ipv6CidrBlock: "2001:db8:100:2::/64" });
            });
            const v = mandatory(await check(subnetIpv6, r));
            assert.deepEqual(names(v).sort(), ["noassign", "v4", "v4", "wide"]);
            assert.match(v.find((x) => x.resource?.endsWith("wide"))!.message, /not a \/64/);
        });
    });

    describe("ipv6-instance-address", () => {
        it("passes a launch template whose interface asks for an IPv6 address", async () => {
            const r = await declare(() => new ec2.LaunchTemplate("lt", { networkInterfaces: [{ deviceIndex: 0, ipv6AddressCount: 1, securityGroups: ["sg-1"] }] }));
            assert.deepEqual((await check(instanceIpv6, r)).violations, []);
        });
        it("fails a launch template without one", async () => {
            const r = await declare(() => {
                new ec2.LaunchTemplate("none", { instanceType: "t4g.micro" });
                new ec2.LaunchTemplate("v4nic", { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] });
            });
            assert.deepEqual(names(mandatory(await check(instanceIpv6, r))).sort(), ["none", "v4nic"]);
        });
    });

    describe("Azure VNets and subnets", () => {
        const dual = () => new network.VirtualNetwork("dual-vnet", { resourceGroupName: "rg", addressSpace: { addressPrefixes: ["10.20.0.0/16", "fd3c:7a21:5b04::/48"] } });
        const spoke = () => new network.VirtualNetwork("spoke-vnet", { resourceGroupName: "rg", addressSpace: { addressPrefixes: ["10.21.0.0/16"] }, tags: TAG });
        const policies = [vnetIpv6, vnetSubnetIpv6, ipv4OnlyExemptionVerified];

        it("pass a dual-stack VNet with /64 subnets and a tagged IPv4-only VNet that a hub connection attaches", async () => {
            const r = await declare(() => {
                const d = dual();
                new network.Subnet("web", { resourceGroupName: "rg", virtualNetworkName: d.name, addressPrefixes: ["10.20.0.0/24", "fd3c:7a21:5b04::/64"] });
                const s = spoke();
                new network.Subnet("private", { resourceGroupName: "rg", virtualNetworkName: s.name, addressPrefixes: ["10.21.0.0/24"] });
                new network.VirtualHub("hub", { resourceGroupName: "rg", addressPrefix: "10.100.0.0/23" });
                new network.HubVirtualNetworkConnection("spoke-conn", { resourceGroupName: "rg", virtualHubName: "hub", remoteVirtualNetwork: { id: s.id } });
            }, { withDependencies: false }); // matched by the VNet's Azure name in the id, as offline today
            const result = await check(policies, r);
            assert.deepEqual(result.violations, []);
            const exempt = result.notApplicable.filter((n) => n.policy === "ipv6-vnet-prefix").map((n) => `${n.resource?.split("::").pop()}: ${n.reason}`);
            assert.ok(exempt.some((e) => /^hub: Virtual WAN hubs are IPv4-only \(platform limit/.test(e)), exempt.join("\n"));
        });

        it("fails an untagged IPv4-only VNet and its subnet", async () => {
            const r = await declare(() => {
                const v = new network.VirtualNetwork("v4-vnet", { resourceGroupName: "rg", addressSpace: { addressPrefixes: ["10.30.0.0/16"] } });
                new network.Subnet("app", { resourceGroupName: "rg", virtualNetworkName: v.name, addressPrefixes: ["10.30.0.0/24"] });
            });
            const v = mandatory(await check(policies, r));
            assert.deepEqual(v.map((x) => `${x.policy}:${x.resource?.split("::").pop()}`), ["ipv6-vnet-prefix:v4-vnet", "ipv6-vnet-subnet-prefix:app"]);
            assert.match(v[0].message, /ULA \/48/);
        });

        it("fails a tagged IPv4-only VNet that nothing attaches (a tag alone is not a pass)", async () => {
            const r = await declare(() => {
                const s = spoke();
                new network.Subnet("private", { resourceGroupName: "rg", virtualNetworkName: s.name, addressPrefixes: ["10.21.0.0/24"] });
            });
            const v = mandatory(await check(policies, r));
            assert.equal(v.length, 1);
            assert.equal(v[0].policy, "ipv6-exemption-verified");
            assert.match(v[0].message, /the tag alone is not a pass/);
        });

        it("fails a hub connection that attaches a dual-stack VNet, and a subnet prefix that is not a /64", async () => {
            const r = await declare(() => {
                const d = dual();
                new network.Subnet("web", { resourceGroupName: "rg", virtualNetworkName: d.name, addressPrefixes: ["10.20.0.0/24", "fd3c:7a21:5b04::/56"] });
                new network.HubVirtualNetworkConnection("bad-conn", { resourceGroupName: "rg", virtualHubName: "hub", remoteVirtualNetwork: { id: d.id } });
            });
            const v = mandatory(await check(policies, r));
            assert.deepEqual(v.map((x) => x.policy), ["ipv6-vnet-subnet-prefix", "ipv6-exemption-verified"]);
            assert.match(v[0].message, /exactly a \/64/);
            assert.match(v[1].message, /cannot connect a dual-stack VNet/);
        });

        it("checks inline subnets of a VNet", async () => {
            const r = await declare(() => new network.VirtualNetwork("inline", {
                resourceGroupName: "rg",
                addressSpace: { addressPrefixes: ["10.20.0.0/16", "fd3c:7a21:5b04::/48"] },
                subnets: [{ name: "ok", addressPrefixes: ["10.20.0.0/24", "fd3c:7a21:5b04::/64"] }, { name: "v4", addressPrefix: "10.20.1.0/24" }],
            }));
            const v = mandatory(await check(vnetIpv6, r));
            assert.equal(v.length, 1);
            assert.match(v[0].message, /subnets\[v4\] has no IPv6 \/64/);
        });

        it("says 'cannot check yet' when the hub connection's remote VNet is unknown", async () => {
            const r = (await declare(() => {
                spoke();
                new network.HubVirtualNetworkConnection("conn", { resourceGroupName: "rg", virtualHubName: "hub", remoteVirtualNetwork: { id: "x" } });
            })).map((res) => (res.name === "conn" ? { ...res, inputs: { ...res.inputs, remoteVirtualNetwork: { id: "[unknown]" } }, propertyDependencies: {} } : res));
            const result = await check(ipv4OnlyExemptionVerified, r);
            assert.equal(mandatory(result).length, 0);
            assert.match(advisory(result)[0].message, /^cannot check yet: VNet "spoke-vnet" .* computed during the deployment/);
        });
    });

    describe("ipv6-ingress-parity", () => {
        it("passes a security group, standalone rules and an NSG that open the same ports on both families", async () => {
            const r = await declare(() => {
                new ec2.SecurityGroup("web", {
                    vpcId: "vpc-1",
                    ingress: [
                        // IPv4 80-443 in one rule is covered by the union of two IPv6 rules.
                        { protocol: "tcp", fromPort: 80, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                        { protocol: "tcp", fromPort: 80, toPort: 200, ipv6CidrBlocks: ["::/0"] },
                        { protocol: "tcp", fromPort: 201, toPort: 443, ipv6CidrBlocks: ["::/0"] },
                        { protocol: "icmp", fromPort: -1, toPort: -1, cidrBlocks: ["0.0.0.0/0"] },
                        { protocol: "icmpv6", fromPort: -1, toPort: -1, ipv6CidrBlocks: ["::/0"] },
                    ],
                });
                new vpc.SecurityGroupIngressRule("https-v4", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" });
                new vpc.SecurityGroupIngressRule("https-v6", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" });
                new network.NetworkSecurityGroup("nsg", {
                    resourceGroupName: "rg",
                    securityRules: [
                        { name: "https-ipv4", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "0.0.0.0/0", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443" },
                        { name: "https-ipv6", priority: 101, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "::/0", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443" },
                        { name: "dns", priority: 102, direction: "Inbound", access: "Allow", protocol: "Udp", sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "53" },
                    ],
                });
            });
            assert.deepEqual((await check(ingressParity, r)).violations, []);
        });

        it("fails IPv4-only openings, IPv6-only openings and an unpaired standalone rule", async () => {
            const r = await declare(() => {
                new ec2.SecurityGroup("web", { vpcId: "vpc-1", ingress: [{ protocol: "tcp", fromPort: 8000, toPort: 8100, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "tcp", fromPort: 8000, toPort: 8049, ipv6CidrBlocks: ["::/0"] }] });
                new vpc.SecurityGroupIngressRule("only-v6", { securityGroupId: "sg-2", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" });
                new network.NetworkSecurityGroup("nsg", {
                    resourceGroupName: "rg",
                    securityRules: [{ name: "http-ipv4", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "0.0.0.0/0", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "80" }],
                });
            });
            const v = mandatory(await check(ingressParity, r));
            const of = (name: string) => v.find((x) => x.resource?.endsWith(`::${name}`))!.message;
            assert.deepEqual(names(v).sort(), ["nsg", "only-v6", "web"]);
            assert.match(of("web"), /opens TCP ports 8050-8100 to the IPv4 internet \(0\.0\.0\.0\/0\) but not to ::\/0/);
            assert.match(of("only-v6"), /TCP port 443 to the IPv6 internet \(::\/0\) but not to 0\.0\.0\.0\/0/);
            assert.match(of("nsg"), /securityRules\[http-ipv4\]/);
        });
    });
});
