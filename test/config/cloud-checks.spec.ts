import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { resolveConfig } from "../../stacks/config/resolve";
import { readStackFile } from "../../stacks/plan/stack-file";
import { acceptedConfigOf, rawConfigOf } from "../helpers/stacks";

/** The one problem line of a changed dev (or prod) config. */
function onlyProblem(mutate: (raw: Record<string, any>) => void, stack: "dev" | "prod" = "dev"): string {
    const raw = rawConfigOf(stack);
    mutate(raw);
    const result = resolveConfig(raw);
    assert.equal(result.ok, false, "expected the config to be refused");
    const problems = (result as { problems: string[] }).problems;
    assert.equal(problems.length, 1, `expected one line, got:\n${problems.join("\n")}`);
    return problems[0];
}

describe("config against the catalogues", () => {
    it("refuses a region that does not exist, with a suggestion", () => {
        assert.equal(
            onlyProblem((r) => {
                r.aws.region = "us-east-3";
                r.aws.availabilityZones = ["us-east-3a", "us-east-3b", "us-east-3c"];
            }),
            'landing-zone:aws.region: us-east-3 is not an AWS region; did you mean "us-east-1"? (if the cloud added it since, run npm run prices:refresh)',
        );
    });

    it("refuses an AZ letter the region does not have", () => {
        assert.equal(
            onlyProblem((r) => (r.aws.availabilityZones[2] = "us-east-1g")),
            "landing-zone:aws.availabilityZones[2]: us-east-1g is not an availability zone of us-east-1, which has us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f",
        );
        assert.match(onlyProblem((r) => (r.aws.availabilityZones[1] = "ap-southeast-2d"), "prod"), /^landing-zone:aws\.availabilityZones\[1\]: ap-southeast-2d is not an availability zone of ap-southeast-2, which has ap-southeast-2a, ap-southeast-2b, ap-southeast-2c$/);
    });

    it("refuses an Azure location that does not exist, with a suggestion", () => {
        assert.equal(onlyProblem((r) => (r.azure.location = "australiaest"), "prod"),
            'landing-zone:azure.location: australiaest is not an Azure location; did you mean "australiaeast"? (if the cloud added it since, run npm run prices:refresh)');
    });

    it("refuses an instance type with a typo, suggesting the one of the same family", () => {
        assert.equal(onlyProblem((r) => (r.server.instanceTypes = ["t4g.mediun"])),
            'landing-zone:server.instanceTypes[0]: t4g.mediun is not an EC2 instance type; did you mean "t4g.medium"? (if the cloud added it since, run npm run prices:refresh)');
    });

    it("refuses types of two architectures by the catalogue's architecture, and takes the image's from it", () => {
        assert.match(onlyProblem((r) => (r.server.instanceTypes = ["t4g.small", "c7i.large"])), /^landing-zone:server\.instanceTypes: mixes arm64 \(t4g\.small\) and x86_64 \(c7i\.large\)/);
        assert.equal(acceptedConfigOf((r) => (r.server.instanceTypes = ["c7i.large", "m7i.large"])).server!.architecture, "x86_64");
        assert.equal(acceptedConfigOf((r) => (r.server.instanceTypes = ["c8gn.large"])).server!.architecture, "arm64");
    });
});

describe("config against the limits the clouds enforce", () => {
    it("refuses an owner or cost centre longer than a tag value may be", () => {
        assert.equal(onlyProblem((r) => (r.owner = "o".repeat(257))), "landing-zone:owner: is 257 characters; it becomes a tag value, which AWS and Azure limit to 256");
        acceptedConfigOf((r) => (r.costCentre = "c".repeat(256)));
    });

    it("refuses a VPC larger than /16", () => {
        assert.equal(onlyProblem((r) => (r.aws.vpcCidr = "10.0.0.0/15")), "landing-zone:aws.vpcCidr: /15 is outside the VPC sizes AWS allows (/16 to /28); use a /16 or smaller");
    });

    it("refuses resource group names Azure refuses", () => {
        assert.equal(onlyProblem((r) => (r.azure.resourceGroupName = "my landing zone")),
            'landing-zone:azure.resourceGroupName: "my landing zone" has characters Microsoft.Resources/resourceGroups names cannot have (letters, digits, underscores, hyphens, periods and parentheses, not ending with a period)');
        assert.match(onlyProblem((r) => (r.azure.resourceGroupName = "rg.")), /resourceGroupName: "rg\." has characters/);
        assert.match(onlyProblem((r) => (r.azure.resourceGroupName = "r".repeat(91))), /is 91 characters; Microsoft\.Resources\/resourceGroups names are 1–90/);
        acceptedConfigOf((r) => (r.azure.resourceGroupName = "rg-Landing_Zone.(prod)-ü"));
    });

    it("refuses generated Azure names over the service's limit once environment and site names are long", () => {
        const line = onlyProblem((r) => {
            r.environment = "e".repeat(30);
            r.sites[0].name = "s".repeat(34);
            r.vpnPreSharedKeys = { [r.sites[0].name]: r.vpnPreSharedKeys["head-office"] };
            r.server.name = "app";
        });
        // 30 + "-wan-site-" + 34 + 8 = 82 > 80, and the connection's likewise: one line for the key.
        assert.match(line, /^landing-zone:sites\[0\]\.name: the VPN site \(and its connection\)'s Azure name \("e{30}-wan-site-s{34}" \+ 8 generated characters\) would be 82 characters; Microsoft\.Network\/vpnSites allows 80: shorten this name or landing-zone:environment by 2$/);
        const nsg = onlyProblem((r) => {
            r.environment = "e".repeat(30);
            r.azure.vnet.subnets[1].name = "a".repeat(30);
        });
        assert.match(nsg, /^landing-zone:azure\.vnet\.subnets\[1\]\.name: the network security group's Azure name .* would be 83 characters; Microsoft\.Network\/networkSecurityGroups allows 80/);
    });

    it("refuses BGP ASNs Azure or IANA reserve, and accepts 32-bit private ones", () => {
        const bgp = (asn: number) => (r: Record<string, any>) => (r.sites[0].bgp = { asn, peeringAddress: "192.168.10.1" });
        for (const asn of [8074, 8075, 12076, 23456, 64496, 64511, 65535, 65540, 65551, 65552, 131071, 4294967295]) {
            assert.match(onlyProblem(bgp(asn)), new RegExp(`^landing-zone:sites\\[0\\]\\.bgp\\.asn: ${asn} is (a public ASN Azure reserves|reserved by IANA|AS_TRANS)`), String(asn));
        }
        for (const asn of [65010, 65514, 65521, 64512, 4200000000, 4294967294, 3356]) acceptedConfigOf(bgp(asn));
    });

    it("refuses a BGP peering address equal to the site's public IP or inside an Azure range", () => {
        assert.match(onlyProblem((r) => (r.sites[0].bgp = { asn: 65010, peeringAddress: r.sites[0].publicIp })), /^landing-zone:sites\[0\]\.bgp\.peeringAddress: 49\.255\.12\.34 is the site's public IP/);
        assert.equal(onlyProblem((r) => (r.sites[0].bgp = { asn: 65010, peeringAddress: "10.100.0.12" })),
            'landing-zone:sites[0].bgp.peeringAddress: 10.100.0.12 is inside 10.100.0.0/23 (wan.hubPrefix), an Azure range; Azure would route it into Azure, not to site "head-office"');
        assert.match(onlyProblem((r) => (r.sites[0].bgp = { asn: 65010, peeringAddress: "10.51.3.4" }), "prod"), /is inside 10\.51\.0\.0\/16 \(azure\.spoke\.ipv4Cidr\)/);
    });

    it("refuses NSG port ranges reversed or above 65535", () => {
        assert.equal(onlyProblem((r) => (r.azure.vnet.subnets[0].allowInbound[0].ports = "8100-8000")), "landing-zone:azure.vnet.subnets[0].allowInbound[0].ports: 8100-8000 is reversed; write 8000-8100");
        assert.equal(onlyProblem((r) => (r.azure.vnet.subnets[0].allowInbound[0].ports = "70000")), "landing-zone:azure.vnet.subnets[0].allowInbound[0].ports: 70000 is outside 1–65535");
        assert.match(onlyProblem((r) => (r.azure.spoke.subnets[0].allowInbound = [{ name: "x", protocol: "Tcp", ports: "0-10" }]), "prod"), /^landing-zone:azure\.spoke\.subnets\[0\]\.allowInbound\[0\]\.ports: 0-10 is outside 1–65535$/);
    });

    it("accepts a small gp3 volume at the 3,000 IOPS baseline, and refuses more IOPS than 500 per GiB above it", () => {
        for (const sizeGiB of [1, 4, 6]) assert.equal(acceptedConfigOf((r) => (r.server.dataVolume = { sizeGiB, iops: 3000 })).server!.dataVolume.sizeGiB, sizeGiB);
        assert.match(onlyProblem((r) => (r.server.dataVolume = { sizeGiB: 4, iops: 3001 })), /^landing-zone:server\.dataVolume\.iops: gp3 allows at most 500 IOPS per GiB \(3000 for 4 GiB\), got 3001; 3000 is allowed at any size$/);
        acceptedConfigOf((r) => (r.server.dataVolume = { sizeGiB: 8, iops: 4000 }));
    });
});

describe("the stack file", () => {
    it("names a misspelt top-level config: key in one line instead of five missing keys", () => {
        const text = fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8").replace(/^config:/m, "confg:");
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lz-")), "Pulumi.dev.yaml");
        fs.writeFileSync(file, text);
        assert.throws(() => readStackFile(file), (err: Error) => err.message === `${file}: confg: unknown top-level key; did you mean "config"? (a stack file has config, environment, secretsprovider, encryptedkey, encryptionsalt)`);
    });
});
