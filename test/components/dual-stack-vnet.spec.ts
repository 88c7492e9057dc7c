import { strict as assert } from "assert";
import { planAddresses } from "../../components/addressing";
import { DualStackVnet, IPV4_ONLY_REASON_TAG } from "../../components/azure/dual-stack-vnet";
import { ofType, recordResources } from "../helpers/record";

const plan = planAddresses({
    aws: { vpcCidr: "10.10.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b"], subnetPrefixLength: 24, azSlots: 4 },
    azure: {
        vnet: { ipv4Cidr: "10.20.0.0/16", ipv6Cidr: "fd3c:7a21:5b04::/48", subnetPrefixLength: 24, subnets: [{ name: "web" }, { name: "app" }] },
        spoke: { ipv4Cidr: "10.21.0.0/16", subnetPrefixLength: 24, subnets: [{ name: "private" }] },
    },
    sites: [],
});

describe("DualStackVnet", () => {
    it("puts both families on the VNet and on every subnet", async () => {
        const { resources } = await recordResources(() =>
            new DualStackVnet("w", { location: "eastus", ipv4Cidr: plan.azure.vnet.ipv4Cidr, ipv6Cidr: plan.azure.vnet.ipv6Cidr!, subnets: plan.azure.vnet.subnets }));
        const [vnet] = ofType(resources, "azure-native:network:VirtualNetwork");
        assert.deepEqual(vnet.inputs.addressSpace.addressPrefixes, ["10.20.0.0/16", "fd3c:7a21:5b04::/48"]);
        const subnets = ofType(resources, "azure-native:network:Subnet");
        assert.deepEqual(subnets.map((s) => s.inputs.addressPrefixes), [
            ["10.20.0.0/24", "fd3c:7a21:5b04::/64"],
            ["10.20.1.0/24", "fd3c:7a21:5b04:1::/64"],
        ]);
        assert.ok(subnets.every((s) => typeof s.inputs.networkSecurityGroup.id === "string"), "every subnet has its NSG");
        assert.equal(ofType(resources, "azure-native:resources:ResourceGroup").length, 1);
        assert.equal(vnet.inputs.tags?.[IPV4_ONLY_REASON_TAG], undefined);
    });

    it("denies the internet by default and allows named ports on both families alike", async () => {
        const { resources } = await recordResources(() =>
            new DualStackVnet("w", {
                location: "eastus",
                ipv4Cidr: plan.azure.vnet.ipv4Cidr,
                ipv6Cidr: plan.azure.vnet.ipv6Cidr!,
                subnets: plan.azure.vnet.subnets,
                allowInbound: { web: [{ name: "https", protocol: "Tcp", ports: 443 }] },
            }));
        const nsgs = Object.fromEntries(ofType(resources, "azure-native:network:NetworkSecurityGroup").map((n) => [n.name, n.inputs.securityRules as any[]]));
        const app = nsgs["w-app-nsg"];
        assert.equal(app.filter((r) => r.access === "Allow").length, 0, "nothing allowed unless named");
        assert.deepEqual(app.map((r) => [r.access, r.sourceAddressPrefix, r.direction]), [["Deny", "Internet", "Inbound"]]);
        const web = nsgs["w-web-nsg"];
        const allows = web.filter((r) => r.access === "Allow");
        assert.deepEqual(allows.map((r) => [r.sourceAddressPrefix, r.destinationPortRange, r.protocol]).sort(), [["0.0.0.0/0", "443", "Tcp"], ["::/0", "443", "Tcp"]]);
        const deny = web.find((r) => r.access === "Deny")!;
        assert.ok(allows.every((a) => a.priority < deny.priority), "allows must sit above the deny");
        assert.equal(new Set(web.map((r) => r.priority)).size, web.length, "priorities are unique");
    });

    it("IPv4-only mode needs a reason and records it as a tag", async () => {
        assert.throws(
            () => new DualStackVnet("s", { location: "eastus", ipv4Cidr: "10.21.0.0/16", subnets: plan.azure.spoke!.subnets, ipv4OnlyReason: "  " }),
            /needs ipv4OnlyReason/,
        );
        const { resources } = await recordResources(() =>
            new DualStackVnet("s", { location: "eastus", resourceGroupName: "existing-rg", ipv4Cidr: "10.21.0.0/16", subnets: plan.azure.spoke!.subnets, ipv4OnlyReason: "attached to a Virtual WAN hub" }));
        const [vnet] = ofType(resources, "azure-native:network:VirtualNetwork");
        assert.deepEqual(vnet.inputs.addressSpace.addressPrefixes, ["10.21.0.0/16"]);
        assert.equal(vnet.inputs.tags[IPV4_ONLY_REASON_TAG], "attached to a Virtual WAN hub");
        assert.equal(vnet.inputs.resourceGroupName, "existing-rg");
        assert.equal(ofType(resources, "azure-native:resources:ResourceGroup").length, 0, "an existing group is used, not created");
        const [subnet] = ofType(resources, "azure-native:network:Subnet");
        assert.deepEqual(subnet.inputs.addressPrefixes, ["10.21.0.0/24"]);
    });
});
