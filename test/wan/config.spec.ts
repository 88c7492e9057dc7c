/**
 * Bad WAN input is a clear config error: one line, naming the key (and the
 * site), never printing a secret; the plan refuses before declaring anything.
 */
import * as assert from "assert";
import { resolveConfig } from "../../stacks/config/resolve";
import { runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { editedStack, Loose, rawConfig, ROOT } from "./helpers";

type Edit = (raw: Record<string, unknown>) => void;

function problemsOf(stack: "dev" | "prod", edit: Edit): string[] {
    const raw = rawConfig(stack);
    edit(raw);
    const result = resolveConfig(raw);
    return result.ok ? [] : result.problems;
}

function expectProblem(stack: "dev" | "prod", edit: Edit, key: string, ...phrases: RegExp[]): string {
    const problems = problemsOf(stack, edit);
    const line = problems.find((p) => p.startsWith(`landing-zone:${key}: `));
    assert.ok(line, `expected a problem at landing-zone:${key}, got:\n${problems.join("\n") || "(none)"}`);
    for (const phrase of phrases) assert.match(line!, phrase);
    assert.ok(!line!.includes("\n"), "one line per problem");
    return line!;
}

const sites = (raw: Record<string, unknown>) => raw.sites as Loose[];
const keys = (raw: Record<string, unknown>) => raw.vpnPreSharedKeys as Record<string, string>;

describe("WAN config validation", () => {
    it("accepts the real dev and prod stack files", () => {
        assert.deepStrictEqual(problemsOf("dev", () => undefined), []);
        assert.deepStrictEqual(problemsOf("prod", () => undefined), []);
    });

    it("rejects a site without a pre-shared key, naming the site and how to set one", () => {
        expectProblem("prod", (raw) => delete keys(raw).melbourne, "vpnPreSharedKeys.melbourne", /site "melbourne" has no pre-shared key/, /pulumi config set --secret --path 'vpnPreSharedKeys\.melbourne'/);
        expectProblem("dev", (raw) => delete raw.vpnPreSharedKeys, "vpnPreSharedKeys.head-office", /site "head-office"/);
    });

    it("rejects a short pre-shared key without printing it", () => {
        const line = expectProblem("prod", (raw) => { keys(raw).brisbane = "tooShort-9chars"; }, "vpnPreSharedKeys.brisbane", /at least 20/);
        assert.ok(!line.includes("tooShort"));
    });

    it("rejects a site range overlapping the VNet, the spoke or the VPC", () => {
        expectProblem("prod", (raw) => { sites(raw)[1].addressSpaces = ["10.50.4.0/24"]; }, "sites[1].addressSpaces[0]", /overlaps 10\.50\.0\.0\/16 of azure\.vnet\.ipv4Cidr/);
        expectProblem("prod", (raw) => { sites(raw)[2].addressSpaces = ["10.40.128.0/20"]; }, "sites[2].addressSpaces[0]", /overlaps 10\.40\.0\.0\/16 of aws\.vpcCidr/);
        expectProblem("prod", (raw) => { sites(raw)[0].addressSpaces = ["10.51.9.0/24"]; }, "sites[0].addressSpaces[0]", /overlaps 10\.51\.0\.0\/16 of azure\.spoke\.ipv4Cidr/);
    });

    it("rejects two sites with one public IP", () => {
        expectProblem("prod", (raw) => { sites(raw)[2].publicIp = sites(raw)[0].publicIp; }, "sites[2].publicIp", /also the address of site "sydney-hq"/);
    });

    it("rejects a hub prefix smaller than a /24, or overlapping another range", () => {
        expectProblem("prod", (raw) => { (raw.wan as Loose).hubPrefix = "10.200.0.0/25"; }, "wan.hubPrefix", /smaller than a \/24/);
        expectProblem("prod", (raw) => { (raw.wan as Loose).hubPrefix = "10.51.0.0/24"; }, "wan.hubPrefix", /overlaps 10\.51\.0\.0\/16/);
    });

    it("rejects an IPv6 site range and says why", () => {
        expectProblem("prod", (raw) => { sites(raw)[1].addressSpaces = ["2001:db8:20::/48"]; }, "sites[1].addressSpaces[0]", /IPv6 prefixes advertised into Virtual WAN break its IPv4 connectivity/);
    });

    it("rejects branch sites without a hub", () => {
        expectProblem("dev", (raw) => delete raw.wan, "sites", /no Virtual WAN hub/);
    });

    it("needs a tunnel key seed when the cross-cloud link is on (by default in production)", () => {
        expectProblem("prod", (raw) => delete raw.crossCloudTunnelKeySeed, "crossCloudTunnelKeySeed", /pulumi config set --secret crossCloudTunnelKeySeed/);
        // Off by default in dev, so no seed is needed there; on when asked.
        assert.deepStrictEqual(problemsOf("dev", () => undefined), []);
        expectProblem("dev", (raw) => { (raw.wan as Loose).crossCloudLink = true; }, "crossCloudTunnelKeySeed", /cross-cloud link/);
    });

    it("keeps the IPsec lifetime inside what AWS accepts when the link is on", () => {
        expectProblem("prod", (raw) => { (raw.wan as Loose).ipsec = { saLifeTimeSeconds: 7200 }; }, "wan.ipsec.saLifeTimeSeconds", /900–3600 s AWS allows/);
        assert.deepStrictEqual(problemsOf("dev", (raw) => { (raw.wan as Loose).ipsec = { saLifeTimeSeconds: 7200 }; }), []);
    });

    it("refuses weak ciphers and DH groups", () => {
        expectProblem("prod", (raw) => { (raw.wan as Loose).ipsec = { encryption: "AES128" }; }, "wan.ipsec.encryption");
        expectProblem("prod", (raw) => { (raw.wan as Loose).ipsec = { dhGroup: "DHGroup2" }; }, "wan.ipsec.dhGroup");
    });

    it("rejects BGP clashes with the cross-cloud link", () => {
        expectProblem("prod", (raw) => { sites(raw)[0].bgp.asn = 64512; }, "sites[0].bgp.asn", /AWS side's ASN/);
        expectProblem("prod", (raw) => { sites(raw)[0].bgp.peeringAddress = "169.254.21.6"; }, "sites[0].bgp.peeringAddress", /instance0-tunnel2/);
        expectProblem("prod", (raw) => { (raw.wan as Loose).awsSideAsn = 65515; }, "wan.awsSideAsn", /reserved by Azure/);
    });

    it("rejects extra scale units on a Basic hub", () => {
        expectProblem("dev", (raw) => { (raw.wan as Loose).vpnScaleUnits = 2; }, "wan.vpnScaleUnits", /Basic/);
    });

    it("refuses a spoke VNet connection on a Basic hub (site-to-site only), and takes it on Standard", () => {
        const spoke = { ipv4Cidr: "10.21.0.0/16", subnets: [{ name: "private" }] };
        expectProblem("dev", (raw) => { (raw.azure as Loose).spoke = spoke; }, "azure.spoke", /Basic Virtual WAN hub offers site-to-site VPN only/, /wan\.type to Standard/);
        const problems = problemsOf("dev", (raw) => { (raw.azure as Loose).spoke = spoke; (raw.wan as Loose).type = "Standard"; });
        assert.deepStrictEqual(problems.filter((p) => p.startsWith("landing-zone:azure.spoke")), []);
    });

    it("makes the offline plan refuse before declaring anything", async () => {
        const result = await runPlan("prod", editedStack("prod", (raw) => delete keys(raw)["sydney-hq"]));
        assert.strictEqual(result.ok, false);
        assert.ok(!result.ok && result.problems.some((p) => p.startsWith("landing-zone:vpnPreSharedKeys.sydney-hq: ")));
    });
});

describe("WAN secrets in the stack files", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack} carries every site's pre-shared key as a secure: value`, () => {
            const file = readStackFile(`${ROOT}/Pulumi.${stack}.yaml`);
            assert.ok(file.secretKeys.includes("landing-zone:vpnPreSharedKeys"));
            const placeholders = JSON.parse(file.config["landing-zone:vpnPreSharedKeys"]) as Record<string, string>;
            for (const site of rawConfig(stack).sites as Array<{ name: string }>) {
                assert.ok(file.secretValues.includes(placeholders[site.name]), `site ${site.name}'s key is a secure: value`);
            }
            if (stack === "prod") assert.ok(file.secretKeys.includes("landing-zone:crossCloudTunnelKeySeed"));
        });
    }
});
