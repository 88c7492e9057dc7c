import { strict as assert } from "assert";
import { resolveConfig } from "../../stacks/config/resolve";
import { rawConfigOf } from "../helpers/stacks";

const devRaw = () => rawConfigOf("dev");

function problemsOf(mutate: (raw: Record<string, any>) => void): string[] {
    const raw = devRaw();
    mutate(raw);
    const result = resolveConfig(raw);
    assert.equal(result.ok, false, "expected the config to be rejected");
    return (result as { problems: string[] }).problems;
}

/** Asserts one problem line names `key` and matches `pattern`; every line has the `landing-zone:<key>: <message>` shape. */
function expectProblem(problems: string[], key: string, pattern: RegExp) {
    for (const line of problems) assert.match(line, /^landing-zone:[^\s:]*: \S/, `malformed problem line: ${line}`);
    assert.ok(
        problems.some((p) => p.startsWith(`landing-zone:${key}: `) && pattern.test(p)),
        `no problem for ${key} matching ${pattern}; got:\n${problems.join("\n")}`,
    );
}

describe("config validation", () => {
    it("accepts the real dev and prod stack files, with budget and production defaults", () => {
        const dev = resolveConfig(devRaw());
        assert.ok(dev.ok, JSON.stringify(dev));
        assert.equal(dev.config.profile, "budget");
        assert.equal(dev.config.aws.natGateway, false);
        assert.equal(dev.config.wan!.type, "Basic");
        assert.equal(dev.config.wan!.crossCloudLink, false);
        const prod = resolveConfig(rawConfigOf("prod"));
        assert.ok(prod.ok, JSON.stringify(prod));
        assert.equal(prod.config.profile, "production");
        assert.equal(prod.config.wan!.type, "Standard");
        assert.equal(prod.config.wan!.crossCloudLink, true);
    });

    it("rejects a malformed IPv4 CIDR", () => {
        expectProblem(problemsOf((r) => (r.aws.vpcCidr = "10.10.0.0/33")), "aws.vpcCidr", /not an IPv4 CIDR|not a valid IPv4 CIDR/);
        expectProblem(problemsOf((r) => (r.aws.vpcCidr = "10.10.0.1/16")), "aws.vpcCidr", /host bits set; the network is 10\.10\.0\.0\/16/);
    });

    it("rejects a non-private IPv4 CIDR", () => {
        expectProblem(problemsOf((r) => (r.azure.vnet.ipv4Cidr = "20.20.0.0/16")), "azure.vnet.ipv4Cidr", /not a private range.*RFC 1918/);
    });

    it("rejects a VPC too small for the subnets asked", () => {
        expectProblem(problemsOf((r) => (r.aws.vpcCidr = "10.10.0.0/22")), "aws.vpcCidr", /holds 4 \/24 subnets but 3 tiers × 4 AZ slots need 12; use a \/20 or larger/);
    });

    it("rejects fewer than 2 AZs", () => {
        expectProblem(problemsOf((r) => (r.aws.availabilityZones = ["us-east-1a"])), "aws.availabilityZones", /at least 2 availability zones/);
    });

    it("rejects AZs outside the region and duplicates", () => {
        const problems = problemsOf((r) => (r.aws.availabilityZones = ["us-east-1a", "us-west-2b", "us-east-1a"]));
        expectProblem(problems, "aws.availabilityZones[1]", /not in region us-east-1/);
        expectProblem(problems, "aws.availabilityZones[2]", /listed twice/);
    });

    it("rejects an IPv6 range that is not a ULA /48 inside fd00::/8", () => {
        expectProblem(problemsOf((r) => (r.azure.vnet.ipv6Cidr = "fd3c:7a21::/32")), "azure.vnet.ipv6Cidr", /unique local \/48 inside fd00::\/8/);
        expectProblem(problemsOf((r) => (r.azure.vnet.ipv6Cidr = "2001:db8:1::/48")), "azure.vnet.ipv6Cidr", /unique local \/48 inside fd00::\/8/);
        expectProblem(problemsOf((r) => (r.azure.vnet.ipv6Cidr = "not-ipv6")), "azure.vnet.ipv6Cidr", /not an IPv6 CIDR/);
    });

    it("rejects overlaps between the VPC, the VNet, the hub and any site", () => {
        expectProblem(problemsOf((r) => (r.azure.vnet.ipv4Cidr = "10.10.128.0/17")), "azure.vnet.ipv4Cidr", /overlaps 10\.10\.0\.0\/16 of aws\.vpcCidr/);
        expectProblem(problemsOf((r) => (r.wan.hubPrefix = "10.20.4.0/23")), "wan.hubPrefix", /overlaps 10\.20\.0\.0\/16 of azure\.vnet\.ipv4Cidr/);
        expectProblem(problemsOf((r) => (r.sites[0].addressSpaces = ["10.100.1.0/24"])), "sites[0].addressSpaces[0]", /10\.100\.1\.0\/24 overlaps 10\.100\.0\.0\/23 of wan\.hubPrefix/);
        const siteOverVpc = problemsOf((r) => (r.sites[0].addressSpaces = ["10.10.200.0/24"]));
        assert.ok(siteOverVpc.some((p) => /sites\[0\]\.addressSpaces\[0\].*overlaps 10\.10\.0\.0\/16 of aws\.vpcCidr/.test(p)), siteOverVpc.join("\n"));
    });

    it("rejects a hub prefix smaller than /24", () => {
        expectProblem(problemsOf((r) => (r.wan.hubPrefix = "10.100.0.0/25")), "wan.hubPrefix", /smaller than a \/24/);
    });

    it("rejects duplicate site names", () => {
        expectProblem(
            problemsOf((r) => r.sites.push({ ...r.sites[0], publicIp: "49.255.12.35", addressSpaces: ["192.168.11.0/24"] })),
            "sites[1].name",
            /duplicate site name "head-office"/,
        );
    });

    it("rejects a site public IP that is not public unicast", () => {
        for (const ip of ["10.0.0.1", "100.64.1.1", "203.0.113.5", "224.0.0.1"]) {
            expectProblem(problemsOf((r) => (r.sites[0].publicIp = ip)), "sites[0].publicIp", /must be a public unicast IPv4 address/);
        }
    });

    it("rejects a BGP peering address that is not an IPv4 address", () => {
        for (const address of ["999.1.1.1", "192.168.10", "fe80::1"]) {
            expectProblem(problemsOf((r) => (r.sites[0].bgp = { asn: 65010, peeringAddress: address })), "sites[0].bgp.peeringAddress", /must be an IPv4 address/);
        }
    });

    it("rejects two sites with one public IP", () => {
        expectProblem(
            problemsOf((r) => r.sites.push({ ...r.sites[0], name: "branch-2", addressSpaces: ["192.168.11.0/24"] })),
            "sites[1].publicIp",
            /also the address of site "head-office"/,
        );
    });

    it("rejects an IPv6 range on a branch site and says why", () => {
        expectProblem(problemsOf((r) => r.sites[0].addressSpaces.push("2001:db8:5::/48")), "sites[0].addressSpaces[1]", /IPv6 prefixes advertised into Virtual WAN break its IPv4 connectivity/);
    });

    it("rejects unknown keys (typos) at any level, with a suggestion", () => {
        const problems = problemsOf((r) => {
            r.enviroment = "dev";
            r.aws.natGatway = true;
        });
        expectProblem(problems, "enviroment", /unknown key; did you mean "environment"\?/);
        expectProblem(problems, "aws.natGatway", /unknown key; did you mean "natGateway"\?/);
    });

    it("names missing required keys", () => {
        expectProblem(problemsOf((r) => delete r.owner), "owner", /is required/);
        expectProblem(problemsOf((r) => delete r.aws.region), "aws.region", /is required/);
    });

    it("says a present value of the wrong type is the wrong type, not missing", () => {
        const problems = problemsOf((r) => (r.aws.subnetPrefixLength = "24"));
        expectProblem(problems, "aws.subnetPrefixLength", /expected number/);
        assert.ok(!problems.some((p) => /is required/.test(p)), problems.join("\n"));
    });

    it("reports every problem at once, one line each", () => {
        const problems = problemsOf((r) => {
            r.aws.vpcCidr = "10.10.0.0/22";
            r.wan.hubPrefix = "10.100.0.0/25";
            r.azure.vnet.ipv6Cidr = "fd3c:7a21::/32";
        });
        assert.ok(problems.length >= 3, problems.join("\n"));
        problems.forEach((p) => assert.ok(!p.includes("\n")));
    });

    it("rejects DNS64 without a NAT gateway", () => {
        expectProblem(problemsOf((r) => (r.aws.dns64 = true)), "aws.dns64", /NAT gateway/);
    });
});
