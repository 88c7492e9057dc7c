/**
 * Every priced line says as of when and from which source, and gives a
 * range where the sources disagree or the price is derived.
 */
import { strict as assert } from "assert";
import { CATALOGUE, estimateMonthlyCost, findLine } from "../../components/cost";
import { priceBounds } from "../../components/cost/provenance";

const vpnGateway = (name: string) => ({ type: "azure-native:network:VpnGateway", name, inputs: { vpnGatewayScaleUnit: 1 } });

describe("cost provenance", () => {
    it("gives the disputed scale-unit price as a range from both of Microsoft's figures", () => {
        const line = findLine(CATALOGUE, "azure", "westeurope", "vpn.s2s-scale-unit")!;
        assert.deepEqual(priceBounds(line, CATALOGUE), { low: 0.261, high: 0.361 });
        const e = estimateMonthlyCost([vpnGateway("gw")], { awsRegion: "us-east-1", azureLocation: "westeurope" });
        assert.equal(e.items[0].monthly, 263.53);
        assert.deepEqual(e.items[0].range, { low: 190.53, high: 263.53 });
        assert.deepEqual(e.range, { low: 190.53, high: 263.53 });
        assert.equal(e.items[0].asOf, "2024 (mid-year)");
        assert.deepEqual(e.items[0].source!.map((s) => s.split(":")[0]), ["MSP", "IC"]);
    });

    it("widens a derived price by the spread of the ratios its factor is the median of", () => {
        const sydney = findLine(CATALOGUE, "aws", "ap-southeast-2", "cloudwatch.alarm")!;
        assert.ok(sydney.derived);
        const bounds = priceBounds(sydney, CATALOGUE);
        assert.ok(bounds.low < sydney.price && sydney.price < bounds.high, JSON.stringify(bounds));
    });

    it("gives no range for a sourced, undisputed price", () => {
        const e = estimateMonthlyCost([{ type: "aws:ec2/eip:Eip", name: "ip", inputs: { domain: "vpc" } }], { awsRegion: "us-east-1", azureLocation: "eastus" });
        assert.equal(e.items[0].range, undefined);
        assert.equal(e.range, undefined);
        assert.ok(e.items[0].asOf && e.items[0].source!.length > 0);
    });
});
