import { strict as assert } from "assert";
import { CATALOGUE, PriceLine, findLine, lineKey, parseCatalogue } from "../../components/cost/catalogue";
import { deriveLines, regionalFactor, round } from "../../components/cost/derive";

const line = (cloud: "aws" | "azure", region: string, id: string): PriceLine => {
    const found = findLine(CATALOGUE, cloud, region, id);
    assert.ok(found, `${cloud}/${region}/${id} missing`);
    return found;
};

describe("cost catalogue", () => {
    it("gives every line a region, unit, price, as-of date and known source letters", () => {
        assert.ok(CATALOGUE.lines.length > 50);
        for (const l of CATALOGUE.lines) {
            assert.ok(l.region && l.unit && l.asOf && l.item, lineKey(l));
            assert.ok(l.price >= 0, lineKey(l));
            for (const s of l.source) assert.ok(CATALOGUE.sources[s], `${lineKey(l)}: source ${s}`);
        }
        assert.match(CATALOGUE.sources.K.reference, /zz_generated\.pricing_aws\.go/);
        assert.match(CATALOGUE.sources.IC.reference, /infracost\/infracost/);
    });

    it("carries the figures of prices.md for the sourced regions", () => {
        assert.equal(line("aws", "us-east-1", "ec2.instance.t4g.micro").price, 0.0084);
        assert.deepEqual(line("aws", "us-east-1", "ec2.instance.t4g.micro").source, ["K", "SP"]);
        assert.equal(line("aws", "us-east-1", "ec2.instance.t4g.micro").asOf, "2026-07-20");
        assert.equal(line("aws", "ap-southeast-2", "ec2.instance.t4g.micro").price, 0.0106);
        assert.equal(line("aws", "ap-southeast-2", "ec2.instance.m6i.large").price, 0.12);
        assert.equal(line("aws", "us-east-1", "ebs.gp3").price, 0.08);
        assert.equal(line("aws", "us-east-1", "vpc.nat-gateway").price, 0.045);
        assert.equal(line("aws", "ap-southeast-2", "vpc.public-ipv4").price, 0.005);
        assert.equal(line("azure", "eastus", "vwan.hub.standard").price, 0.25);
        assert.equal(line("azure", "westeurope", "vpn.s2s-scale-unit").price, 0.361);
        assert.match(line("azure", "westeurope", "vpn.s2s-scale-unit").note ?? "", /0\.261/);
        assert.equal(line("azure", "eastus", "public-ip.standard-ipv4-static").price, 0.005);
        assert.equal(line("azure", "australiaeast", "vwan.hub.basic").price, 0);
    });

    it("takes the Spot discount as the Spot Advisor median per region", () => {
        const east = line("aws", "us-east-1", "ec2.spot-discount");
        const sydney = line("aws", "ap-southeast-2", "ec2.spot-discount");
        assert.equal(east.price, 0.66);
        assert.equal(sydney.price, 0.69);
        assert.deepEqual([east.source, sydney.source], [["SA"], ["SA"]]);
        assert.ok(!east.derived && !sydney.derived);
    });

    it("marks every price prices.md leaves unsourced as derived, with its rule", () => {
        for (const id of ["ebs.gp3", "ebs.snapshot", "ebs.fast-snapshot-restore", "vpc.nat-gateway", "vpn.connection", "tgw.attachment", "elb.alb", "efs.standard", "cloudwatch.alarm"]) {
            const l = line("aws", "ap-southeast-2", id);
            assert.ok(l.derived, `${id} should be derived`);
            assert.equal(l.derived.factor, 1.2619);
            assert.match(l.derived.rule, /^ap-southeast-2 = us-east-1 × 1\.2619; the median ap-southeast-2\/us-east-1 ratio over the EC2 instance on-demand prices/);
            assert.equal(l.derived.from[0], `aws/us-east-1/${id}`);
        }
        for (const l of CATALOGUE.lines.filter((x) => x.cloud === "azure" && x.region === "australiaeast" && x.id !== "vwan.hub.basic")) {
            assert.ok(l.derived, `${lineKey(l)} should be derived: prices.md has no australiaeast figure`);
            assert.match(l.derived.rule, /no Azure price is sourced for australiaeast, so the AWS Sydney\/N\. Virginia factor stands in/);
        }
        // West Europe's scale unit is sourced; East US's is derived from it via the Standard hub (0.25/0.25).
        const su = line("azure", "eastus", "vpn.s2s-scale-unit");
        assert.equal(su.derived?.factor, 1);
        assert.deepEqual(su.derived?.from, ["azure/westeurope/vpn.s2s-scale-unit", "azure/eastus/vwan.hub.standard", "azure/westeurope/vwan.hub.standard"]);
    });

    it("computes each derived price as its base line × its factor", () => {
        for (const l of CATALOGUE.lines.filter((x) => x.derived)) {
            const base = CATALOGUE.lines.find((b) => lineKey(b) === l.derived!.from[0])!;
            assert.equal(l.price, round(base.price * l.derived!.factor, 6), lineKey(l));
            assert.equal(l.unit, base.unit);
        }
        // 0.25 × 1.2619 and 0.361 × 1 × 1.2619, by hand.
        assert.equal(line("azure", "australiaeast", "vwan.hub.standard").price, 0.315475);
        assert.equal(line("azure", "australiaeast", "vpn.s2s-scale-unit").price, 0.455546);
        assert.equal(line("aws", "ap-southeast-2", "ebs.gp3").price, 0.100952);
    });

    it("computes the AWS Sydney factor as the median instance price ratio", () => {
        // Ratios: t4g.* 0.0053/0.0042 = 1.26190 (×4), t3.* 0.0132/0.0104 = 1.26923 (×3), m7g/m6i 1.25 (×2):
        // sorted, the 5th of 9 is 1.26190 → 1.2619.
        const f = regionalFactor(CATALOGUE.lines, { cloud: "aws", target: "ap-southeast-2", base: "us-east-1", idPrefix: "ec2.instance.", what: "x" });
        assert.equal(f?.value, 1.2619);
        assert.equal(f?.pairs.length, 9);
    });

    it("ships exactly what the derivation rules produce from the sourced lines", () => {
        const recomputed = new Map(deriveLines(CATALOGUE.lines).map((l) => [lineKey(l), l]));
        const shipped = new Map(CATALOGUE.lines.map((l) => [lineKey(l), l]));
        assert.deepEqual([...shipped.keys()].sort(), [...recomputed.keys()].sort());
        for (const [key, l] of shipped) assert.deepEqual(l, recomputed.get(key), key);
    });

    it("rejects a malformed catalogue with the path of the problem", () => {
        const bad = structuredClone(CATALOGUE) as unknown as { lines: Array<Record<string, unknown>> };
        bad.lines[0].price = -1;
        assert.throws(() => parseCatalogue(bad), /price catalogue: lines\.0\.price/);
        const unknownSource = structuredClone(CATALOGUE);
        unknownSource.lines[0].source = ["NOPE"];
        assert.throws(() => parseCatalogue(unknownSource), /unknown source "NOPE"/);
        const dup = structuredClone(CATALOGUE);
        dup.lines.push(dup.lines[0]);
        assert.throws(() => parseCatalogue(dup), /duplicate line/);
    });
});
