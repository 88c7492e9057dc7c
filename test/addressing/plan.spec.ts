import { strict as assert } from "assert";
import * as fc from "fast-check";
import {
    AddressingInput,
    AddressingError,
    contains,
    ipv4,
    ipv6,
    ipv6SubnetOf,
    overlaps,
    planAddresses,
    validateAddressing,
} from "../../components/addressing";

function baseInput(overrides: Partial<AddressingInput> = {}): AddressingInput {
    return {
        aws: { vpcCidr: "10.10.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"], subnetPrefixLength: 24, azSlots: 4 },
        azure: {
            vnet: { ipv4Cidr: "10.20.0.0/16", ipv6Cidr: "fd3c:7a21:5b04::/48", subnetPrefixLength: 24, subnets: [{ name: "web" }, { name: "app" }] },
            spoke: { ipv4Cidr: "10.21.0.0/16", subnetPrefixLength: 24, subnets: [{ name: "private" }] },
        },
        wan: { hubPrefix: "10.100.0.0/23" },
        sites: [{ name: "head-office", addressSpaces: ["192.168.10.0/24"] }],
        ...overrides,
    };
}

describe("addressing/plan", () => {
    it("plans every tier in every AZ with its IPv4 block and /64 index", () => {
        const plan = planAddresses(baseInput());
        assert.equal(plan.aws.subnets.length, 9);
        const privateB = plan.aws.subnets.find((s) => s.tier === "private" && s.availabilityZone === "us-east-1b")!;
        // private is tier 1: slot = 1 × 4 AZ slots + AZ index 1 = 5
        assert.equal(privateB.slot, 5);
        assert.equal(privateB.ipv4Cidr, "10.10.5.0/24");
        assert.equal(privateB.ipv6NetworkIndex, 5);
        assert.deepEqual(plan.azure.vnet.subnets.map((s) => [s.ipv4Cidr, s.ipv6Cidr]), [
            ["10.20.0.0/24", "fd3c:7a21:5b04::/64"],
            ["10.20.1.0/24", "fd3c:7a21:5b04:1::/64"],
        ]);
        assert.equal(plan.azure.spoke!.subnets[0].ipv6Cidr, undefined, "the hub-attached spoke is IPv4-only");
        assert.equal(plan.hub!.prefix, "10.100.0.0/23");
    });

    it("is deterministic", () => {
        assert.deepEqual(planAddresses(baseInput()), planAddresses(baseInput()));
    });

    it("keeps existing subnets when an AZ or a subnet is appended", () => {
        const before = planAddresses(baseInput());
        const input = baseInput();
        const after = planAddresses({
            ...input,
            aws: { ...input.aws, availabilityZones: [...input.aws.availabilityZones, "us-east-1d"] },
            azure: { ...input.azure, vnet: { ...input.azure.vnet, subnets: [...input.azure.vnet.subnets, { name: "data" }] } },
        });
        for (const subnet of before.aws.subnets) {
            const same = after.aws.subnets.find((s) => s.tier === subnet.tier && s.availabilityZone === subnet.availabilityZone);
            assert.deepEqual(same, subnet);
        }
        assert.deepEqual(after.azure.vnet.subnets.slice(0, 2), before.azure.vnet.subnets);
        assert.equal(after.aws.subnets.length, 12);
    });

    it("derives a subnet's /64 from the VPC's /56 at deploy time", () => {
        assert.equal(ipv6SubnetOf("2600:1f18:abc:de00::/56", 0), "2600:1f18:abc:de00::/64");
        assert.equal(ipv6SubnetOf("2600:1f18:abc:de00::/56", 255), "2600:1f18:abc:deff::/64");
        assert.throws(() => ipv6SubnetOf("2600:1f18:abc:de00::/56", 256), /does not fit/);
    });

    it("reports every problem at once, each naming its key", () => {
        const problems = validateAddressing({
            ...baseInput(),
            aws: { vpcCidr: "10.10.0.0/22", availabilityZones: ["a", "b"], subnetPrefixLength: 24, azSlots: 4 },
            wan: { hubPrefix: "10.100.0.0/25" },
            sites: [{ name: "x", addressSpaces: ["10.20.5.0/24"] }],
        });
        const keys = problems.map((p) => p.key);
        assert.ok(keys.includes("aws.vpcCidr"));
        assert.ok(keys.includes("wan.hubPrefix"));
        assert.ok(keys.includes("sites[0].addressSpaces[0]"));
        assert.throws(() => planAddresses({ ...baseInput(), wan: { hubPrefix: "10.100.0.0/25" } }), AddressingError);
    });
});

/** Random but valid inputs: VPC, VNets, hub and sites carved from distinct /12s of 10/8 and 192.168/16. */
const validInput = fc
    .record({
        azCount: fc.integer({ min: 2, max: 6 }),
        azSlots: fc.integer({ min: 6, max: 8 }),
        vpcPrefix: fc.integer({ min: 16, max: 20 }),
        subnetExtra: fc.integer({ min: 5, max: 7 }),
        vnetSubnets: fc.integer({ min: 1, max: 20 }),
        spokeSubnets: fc.integer({ min: 1, max: 5 }),
        sites: fc.integer({ min: 0, max: 60 }),
        ulaBits: fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }),
    })
    .map(({ azCount, azSlots, vpcPrefix, subnetExtra, vnetSubnets, spokeSubnets, sites, ulaBits }): AddressingInput => {
        const ula = (0xfdn << 120n) | (ulaBits << 80n);
        const ulaText = ipv6Text(ula);
        return {
            aws: {
                vpcCidr: `10.0.0.0/${vpcPrefix}`,
                availabilityZones: Array.from({ length: azCount }, (_, i) => `r-1${String.fromCharCode(97 + i)}`),
                subnetPrefixLength: vpcPrefix + subnetExtra,
                azSlots,
            },
            azure: {
                vnet: { ipv4Cidr: "10.32.0.0/16", ipv6Cidr: `${ulaText}/48`, subnetPrefixLength: 24, subnets: Array.from({ length: vnetSubnets }, (_, i) => ({ name: `s${i}` })) },
                spoke: { ipv4Cidr: "10.48.0.0/16", subnetPrefixLength: 26, subnets: Array.from({ length: spokeSubnets }, (_, i) => ({ name: `p${i}` })) },
            },
            wan: { hubPrefix: "10.64.0.0/23" },
            sites: Array.from({ length: sites }, (_, i) => ({ name: `site-${i}`, addressSpaces: [`192.168.${i}.0/24`] })),
        };
    });

function ipv6Text(value: bigint): string {
    const groups: string[] = [];
    for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
    return groups.join(":");
}

describe("addressing/plan properties", () => {
    it("no two planned ranges overlap, every subnet lies in its network, IPv6 subnets are /64", () => {
        fc.assert(
            fc.property(validInput, (input) => {
                const plan = planAddresses(input);
                const vpc = ipv4(plan.aws.vpcIpv4Cidr);
                const awsSubnets = plan.aws.subnets.map((s) => ipv4(s.ipv4Cidr));
                awsSubnets.forEach((s) => assert.ok(contains(vpc, s)));
                const vnet = ipv4(plan.azure.vnet.ipv4Cidr);
                const ula = ipv6(plan.azure.vnet.ipv6Cidr!);
                for (const s of plan.azure.vnet.subnets) {
                    assert.ok(contains(vnet, ipv4(s.ipv4Cidr)));
                    const v6 = ipv6(s.ipv6Cidr!);
                    assert.equal(v6.prefixLength, 64);
                    assert.ok(contains(ula, v6));
                }
                const spoke = ipv4(plan.azure.spoke!.ipv4Cidr);
                plan.azure.spoke!.subnets.forEach((s) => assert.ok(contains(spoke, ipv4(s.ipv4Cidr))));

                const leaves = [
                    ...awsSubnets,
                    ...plan.azure.vnet.subnets.map((s) => ipv4(s.ipv4Cidr)),
                    ...plan.azure.spoke!.subnets.map((s) => ipv4(s.ipv4Cidr)),
                    ipv4(plan.hub!.prefix),
                    ...plan.sites.flatMap((s) => s.addressSpaces.map(ipv4)),
                ];
                for (let i = 0; i < leaves.length; i++) {
                    for (let j = i + 1; j < leaves.length; j++) assert.ok(!overlaps(leaves[i], leaves[j]), `${leaves[i].cidr} overlaps ${leaves[j].cidr}`);
                }
                const indexes = plan.aws.subnets.map((s) => s.ipv6NetworkIndex);
                assert.equal(new Set(indexes).size, indexes.length, "two AWS subnets share a /64");
                indexes.forEach((i) => assert.ok(i >= 0 && i < 256));
            }),
            { numRuns: 150 },
        );
    });

    it("appending AZs never moves an existing subnet", () => {
        fc.assert(
            fc.property(validInput, fc.integer({ min: 1, max: 2 }), (input, extra) => {
                const grown = [...input.aws.availabilityZones];
                for (let i = 0; i < extra && grown.length < input.aws.azSlots; i++) grown.push(`r-1z${i}`);
                const before = planAddresses(input);
                const after = planAddresses({ ...input, aws: { ...input.aws, availabilityZones: grown } });
                for (const s of before.aws.subnets) {
                    assert.deepEqual(after.aws.subnets.find((t) => t.tier === s.tier && t.availabilityZone === s.availabilityZone), s);
                }
            }),
            { numRuns: 100 },
        );
    });

    it("any overlap injected between a site and a cloud network is reported", () => {
        fc.assert(
            fc.property(validInput, fc.constantFrom("aws.vpcCidr", "azure.vnet.ipv4Cidr", "azure.spoke.ipv4Cidr", "wan.hubPrefix"), (input, target) => {
                const inside: Record<string, string> = {
                    "aws.vpcCidr": "10.0.0.0/26",
                    "azure.vnet.ipv4Cidr": "10.32.7.0/24",
                    "azure.spoke.ipv4Cidr": "10.48.0.0/20",
                    "wan.hubPrefix": "10.64.1.0/24",
                };
                const problems = validateAddressing({ ...input, sites: [...input.sites, { name: "clash", addressSpaces: [inside[target]] }] });
                assert.ok(problems.some((p) => /overlaps/.test(p.message) && (p.key === target || p.message.includes(target))), JSON.stringify(problems));
            }),
            { numRuns: 60 },
        );
    });
});
