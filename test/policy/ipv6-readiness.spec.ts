import { strict as assert } from "assert";
import * as ec2 from "@pulumi/aws/ec2";
import * as network from "@pulumi/azure-native/network";
import { ipv6Readiness } from "../../policy/ipv6-readiness";
import { declare } from "./helpers";

const TAG = { "landing-zone:ipv4-only-reason": "platform limit: Azure Virtual WAN cannot connect a VNet that has IPv6 address space" };

describe("IPv6 readiness", () => {
    it("counts dual-stack vs IPv4-only with reasons, and the share of internet-facing endpoints reachable over IPv6", async () => {
        const resources = await declare(() => {
            new ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16", assignGeneratedIpv6CidrBlock: true });
            new ec2.Subnet("public-a", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24", ipv6CidrBlock: "2001:db8::/64", assignIpv6AddressOnCreation: true });
            new ec2.Subnet("legacy", { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24" });
            new ec2.LaunchTemplate("tier", { networkInterfaces: [{ deviceIndex: 0, ipv6AddressCount: 1 }] });
            new ec2.Eip("tier-eip", { domain: "vpc" });
            new ec2.SecurityGroup("web", { ingress: [
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                { protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] },
                { protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"] },
            ] });
            const spoke = new network.VirtualNetwork("spoke-vnet", { resourceGroupName: "rg", addressSpace: { addressPrefixes: ["10.21.0.0/16"] }, tags: TAG });
            new network.Subnet("private", { resourceGroupName: "rg", virtualNetworkName: spoke.name, addressPrefixes: ["10.21.0.0/24"] });
            new network.VirtualNetwork("orphan-vnet", { resourceGroupName: "rg", addressSpace: { addressPrefixes: ["10.22.0.0/16"] }, tags: TAG });
            new network.HubVirtualNetworkConnection("conn", { resourceGroupName: "rg", virtualHubName: "hub", remoteVirtualNetwork: { id: spoke.id } });
            new network.VirtualHub("hub", { resourceGroupName: "rg", addressPrefix: "10.100.0.0/23" });
            new network.VpnSite("branch", { resourceGroupName: "rg", ipAddress: "49.255.12.34" });
        });
        const r = ipv6Readiness(resources);
        assert.deepEqual(r.networks, { dualStack: 1, ipv4Only: 3, ipv6Only: 0, unknown: 0 });
        assert.deepEqual(r.subnets, { dualStack: 1, ipv4Only: 2, ipv6Only: 0, unknown: 0 });
        assert.deepEqual(r.interfaces, { dualStack: 1, ipv4Only: 0, ipv6Only: 0, unknown: 0 });
        // Endpoints: EIP (an IPv4 address: not reachable over IPv6, however the server is), 443 (dual), 8080 (IPv4 only), VPN site (platform limit).
        assert.deepEqual(r.internetFacing, { total: 4, reachableOverIpv6: 1, share: 0.25 });
        assert.equal(r.items.find((i) => i.name === "tier-eip")!.reachableOverIpv6, false);
        assert.deepEqual(r.items.filter((i) => i.stack === "ipv4-only" && i.reachableOverIpv6 === true), [], "an IPv4-only endpoint counted as reachable over IPv6");
        const item = (name: string) => r.items.find((i) => i.name === name)!;
        assert.deepEqual(item("spoke-vnet").reason?.kind, "platform-limit");
        assert.match(item("orphan-vnet").reason!.detail, /no Virtual WAN hub connection attaches it/);
        assert.equal(item("orphan-vnet").reason!.kind, "config-choice");
        assert.equal(item("private").reason?.kind, "platform-limit");
        assert.equal(item("legacy").reason?.kind, "config-choice");
        assert.equal(item("hub").reason?.kind, "platform-limit");
        assert.match(item("tier-eip").reason!.detail, /reachable on its own IPv6 address \(tier\)/);
        assert.equal(item("web ingress[2] TCP port 8080").stack, "ipv4-only");
        assert.equal(item("web ingress[0] TCP port 443").stack, "dual-stack");
        assert.equal(item("vpc").reason, null);
    });

    it("marks values unknown at preview as unknown, not IPv4-only", () => {
        const r = ipv6Readiness([{ type: "aws:ec2/subnet:Subnet", name: "s", inputs: { cidrBlock: "10.0.0.0/24", ipv6CidrBlock: "[unknown]" } }]);
        assert.deepEqual(r.subnets, { dualStack: 0, ipv4Only: 0, ipv6Only: 0, unknown: 1 });
        assert.equal(r.internetFacing.share, null);
    });
});
