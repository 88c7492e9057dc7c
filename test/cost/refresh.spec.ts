import { strict as assert } from "assert";
import { existsSync, mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { CATALOGUE, findLine, parseCatalogue } from "../../components/cost/catalogue";
import { AwsOffer, OfferStreamReader, awsRules, extractAwsPrices, reduceOfferStream } from "../../components/cost/sources/aws-offer";
import { AZURE_RETAIL_URL, AZURE_RULES, AzureRetailPage, azureQueryUrl, extractAzurePrice, vmRule } from "../../components/cost/sources/azure-retail";
import { mergeRefreshed } from "../../components/cost/sources/merge";
import { SpotAdvisorData, extractSpotDiscount } from "../../components/cost/sources/spot-advisor";
import { awsOfferUrl, main } from "../../scripts/refresh-prices";
import { AWS_REGION_INDEX_URL, azureLocationsUrl, readCatalogues } from "../../scripts/refresh-catalogues";

const FIXTURES = path.join(__dirname, "fixtures");
const text = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");
const json = <T>(name: string) => JSON.parse(text(name)) as T;
const rule = (id: string) => AZURE_RULES.find((r) => r.id === id)!;

function chunks(s: string, size: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
    return out;
}

const EC2 = "aws-offer-AmazonEC2-us-east-1.json";
const VPC = "aws-offer-AmazonVPC-ap-southeast-2.json";
const RULES = awsRules(["t4g.micro", "t3.micro"]);

describe("price refresh: AWS offer files", () => {
    it("reads the Linux shared on-demand price, gp3, snapshots and NAT, ignoring the look-alikes", () => {
        const { lines, missing } = extractAwsPrices(json<AwsOffer>(EC2), "us-east-1", RULES);
        const prices = Object.fromEntries(lines.map((l) => [l.id, l.price]));
        // Not the Windows 0.013, not gp2 0.10, not the archive tier 0.0125.
        assert.deepEqual(prices, { "ec2.instance.t4g.micro": 0.0084, "ebs.gp3": 0.08, "ebs.snapshot": 0.05, "vpc.nat-gateway": 0.045, "vpc.nat-gateway.data": 0.045 });
        assert.deepEqual(missing, ["ec2.instance.t3.micro"]);
        const micro = lines.find((l) => l.id === "ec2.instance.t4g.micro")!;
        assert.deepEqual([micro.asOf, micro.source, micro.cloud, micro.region, micro.unit], ["2026-11-20", ["AWSPL"], "aws", "us-east-1", "USD/hour"]);
        assert.match(micro.note ?? "", /AmazonEC2 sku 7ZRWDBSUXCW2CFD5, usagetype BoxUsage:t4g\.micro/);
    });

    it("matches region-prefixed usage types and skips the large VPN and idle-address meters", () => {
        const { lines } = extractAwsPrices(json<AwsOffer>(VPC), "ap-southeast-2", RULES);
        assert.deepEqual(Object.fromEntries(lines.map((l) => [l.id, l.price])), { "vpc.public-ipv4": 0.005, "vpn.connection": 0.05, "tgw.attachment": 0.07 });
    });

    it("takes the first paid tier and notes the free one", () => {
        const { lines } = extractAwsPrices(json<AwsOffer>("aws-offer-AmazonCloudWatch-us-east-1.json"), "us-east-1", RULES);
        assert.equal(lines[0].price, 0.1);
        assert.match(lines[0].note ?? "", /first 10 Alarms free/);
    });

    it("refuses to guess when a rule matches two different prices", () => {
        const offer = json<AwsOffer>(EC2);
        Object.assign(offer.products.QF4C2Z6DDFPN7GKE.attributes, { operatingSystem: "Linux", licenseModel: "No License required" });
        assert.throws(() => extractAwsPrices(offer, "us-east-1", RULES), /ec2\.instance\.t4g\.micro matched 2 different prices \(0\.0084, 0\.013\); tighten the rule/);
    });

    it("streams an offer file in any chunking to the same prices, keeping only wanted products and on-demand terms", async () => {
        for (const file of [EC2, VPC]) {
            const whole = text(file);
            const region = file.includes("us-east-1") ? "us-east-1" : "ap-southeast-2";
            const expected = extractAwsPrices(JSON.parse(whole) as AwsOffer, region, RULES).lines;
            for (const size of [1, 2, 7, 64, 1000, whole.length]) {
                const reduced = await reduceOfferStream(chunks(whole, size), RULES);
                assert.deepEqual(extractAwsPrices(reduced, region, RULES).lines, expected, `${file} in chunks of ${size}`);
                assert.equal(reduced.products.QF4C2Z6DDFPN7GKE, undefined, "the Windows product is dropped");
                assert.deepEqual(Object.keys(reduced.terms), ["OnDemand"]);
                assert.deepEqual(Object.keys(reduced.terms.OnDemand!).sort(), Object.keys(reduced.products).sort());
            }
        }
    });

    it("reads escaped quotes and braces inside strings, and reports truncated files", async () => {
        const reduced = await reduceOfferStream(chunks(text(VPC), 5), RULES);
        assert.equal(reduced.products["9T3EKVS2W3GHCPTZ"].attributes.description, "Site-to-Site VPN {IPsec} \"standard\" connection");
        const reader = new OfferStreamReader(() => undefined);
        reader.write(text(EC2).slice(0, 5000));
        assert.throws(() => reader.end(), /truncated JSON/);
    });

    it("builds the bulk file URL", () => {
        assert.equal(awsOfferUrl("AmazonEC2", "ap-southeast-2"), "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/ap-southeast-2/index.json");
    });
});

describe("price refresh: Azure Retail Prices API", () => {
    it("builds the filtered query URL", () => {
        assert.equal(decodeURIComponent(azureQueryUrl("eastus", rule("vwan.hub.standard"))),
            `${AZURE_RETAIL_URL}?$filter=armRegionName eq 'eastus' and meterName eq 'Standard Hub Unit'`);
    });

    it("picks the consumption price across pages, ignoring dev/test and reservations", () => {
        const items = [...json<AzureRetailPage>("azure-retail-australiaeast-hub-page1.json").Items, ...json<AzureRetailPage>("azure-retail-australiaeast-hub-page2.json").Items];
        const hub = extractAzurePrice(items, "australiaeast", rule("vwan.hub.standard"), "2026-11-25")!;
        assert.deepEqual([hub.id, hub.cloud, hub.region, hub.price, hub.unit, hub.asOf, hub.source], ["vwan.hub.standard", "azure", "australiaeast", 0.25, "USD/hour", "2026-11-25", ["AZRP"]]);
        assert.match(hub.note ?? "", /meter "Standard Hub Unit", product "Virtual WAN", sku "Standard Hub", effective 2023-04-01/);
        const su = extractAzurePrice(json<AzureRetailPage>("azure-retail-eastus-scale-unit.json").Items, "eastus", rule("vpn.s2s-scale-unit"), "2026-11-25");
        assert.equal(su?.price, 0.261);
        assert.equal(extractAzurePrice(items, "eastus", rule("vwan.hub.standard"), "2026-11-25"), undefined, "another region's items are not used");
    });

    it("takes the Linux pay-as-you-go VM price, not Windows, Spot or Low Priority", () => {
        const vm = extractAzurePrice(json<AzureRetailPage>("azure-retail-eastus-vm-b1s.json").Items, "eastus", vmRule("Standard_B1s"), "2026-11-25");
        assert.equal(vm?.price, 0.0104);
        assert.equal(vm?.id, "vm.Standard_B1s");
    });
});

describe("price refresh: Spot Advisor", () => {
    it("takes the median Linux saving over the catalogue's instance types", () => {
        const data = json<SpotAdvisorData>("spot-advisor.json");
        const line = extractSpotDiscount(data, "us-east-1", ["t4g.micro", "t3.micro", "m6i.large", "t4g.nano"], "2026-11-25")!;
        // Linux savings 70, 62, 55 (t4g.nano absent, c5.large and Windows not read): median 62 %.
        assert.equal(line.price, 0.62);
        assert.match(line.note ?? "", /range 55–70 %, median 62 % over 3 types/);
        assert.equal(extractSpotDiscount(data, "eu-west-1", ["t4g.micro"], "2026-11-25"), undefined);
    });
});

describe("price refresh: merging into the catalogue", () => {
    const fetched = () => [
        ...extractAwsPrices(json<AwsOffer>(VPC), "ap-southeast-2", RULES).lines,
        extractAzurePrice(json<AzureRetailPage>("azure-retail-australiaeast-hub-page1.json").Items, "australiaeast", rule("vwan.hub.standard"), "2026-11-25")!,
    ];

    it("replaces derived lines with fetched ones and re-derives the rest from the new pairs", () => {
        const { catalogue, changes } = mergeRefreshed(CATALOGUE, fetched(), "2026-11-25");
        parseCatalogue(catalogue);
        const vpn = findLine(catalogue, "aws", "ap-southeast-2", "vpn.connection")!;
        assert.deepEqual([vpn.price, vpn.source, vpn.derived], [0.05, ["AWSPL"], undefined]);
        assert.ok(changes.some((c) => c.key === "aws/ap-southeast-2/vpn.connection" && c.before === 0.063095 && c.after === 0.05 && c.derivedBefore));
        // australiaeast now has a sourced hourly Azure price: its factor comes from Azure (0.25/0.25 = 1), not AWS.
        const ip = findLine(catalogue, "azure", "australiaeast", "public-ip.standard-ipv4-static")!;
        assert.equal(ip.price, 0.005);
        assert.match(ip.derived!.rule, /^australiaeast = eastus × 1\.0000; the median australiaeast\/eastus ratio over the hourly Azure prices/);
        // Lines not fetched keep their provenance.
        assert.deepEqual(findLine(catalogue, "aws", "us-east-1", "efs.standard")!.source, ["IC"]);
        assert.equal(catalogue.lines.length, CATALOGUE.lines.length);
    });
});

describe("refresh-prices script", () => {
    const emptyOffer = (url: string) => JSON.stringify({ formatVersion: "v1.0", offerCode: url.split("/")[6], publicationDate: "2026-11-20T00:00:00Z", products: {}, terms: { OnDemand: {} } });
    const served: Record<string, string> = {
        [awsOfferUrl("AmazonEC2", "us-east-1")]: EC2,
        [awsOfferUrl("AmazonVPC", "ap-southeast-2")]: VPC,
        [awsOfferUrl("AmazonCloudWatch", "us-east-1")]: "aws-offer-AmazonCloudWatch-us-east-1.json",
        [azureQueryUrl("australiaeast", rule("vwan.hub.standard"))]: "azure-retail-australiaeast-hub-page1.json",
        [json<AzureRetailPage>("azure-retail-australiaeast-hub-page1.json").NextPageLink!]: "azure-retail-australiaeast-hub-page2.json",
        [azureQueryUrl("eastus", rule("vpn.s2s-scale-unit"))]: "azure-retail-eastus-scale-unit.json",
        [azureQueryUrl("eastus", vmRule("Standard_B1s"))]: "azure-retail-eastus-vm-b1s.json",
        "https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json": "spot-advisor.json",
        [AWS_REGION_INDEX_URL]: "../../catalogue/fixtures/aws-region-index.json",
        [azureLocationsUrl()]: "../../catalogue/fixtures/azure-retail-vnet-locations.json",
    };
    const fakeFetch = async (url: string): Promise<Response> => {
        if (served[url]) return new Response(text(served[url]));
        if (url.startsWith("https://pricing.us-east-1.amazonaws.com/")) return new Response(emptyOffer(url));
        if (url.startsWith("https://prices.azure.com/")) return new Response(JSON.stringify({ Items: [], NextPageLink: null, Count: 0 }));
        throw new Error(`unexpected URL ${url}`);
    };
    const capture = () => {
        const out: string[] = [];
        const err: string[] = [];
        return { out, err, o: (l: string) => out.push(l), e: (l: string) => err.push(l) };
    };
    const tmp = () => path.join(mkdtempSync(path.join(tmpdir(), "prices-")), "catalogue.json");

    it("rebuilds the catalogue from the sources, keeping what they did not return", async () => {
        const file = tmp();
        const io = capture();
        assert.equal(await main(["--out", file], fakeFetch, io.o, io.e), 0, io.err.join("\n"));
        const written = parseCatalogue(JSON.parse(readFileSync(file, "utf8")));
        assert.equal(findLine(written, "aws", "ap-southeast-2", "vpn.connection")!.price, 0.05);
        assert.equal(findLine(written, "azure", "eastus", "vpn.s2s-scale-unit")!.price, 0.261);
        assert.equal(findLine(written, "azure", "eastus", "vpn.s2s-scale-unit")!.derived, undefined);
        assert.equal(findLine(written, "aws", "us-east-1", "ec2.spot-discount")!.price, 0.62);
        assert.ok(io.out.includes("aws/ap-southeast-2/vpn.connection: 0.063095 (derived) → 0.05"), io.out.join("\n"));
        assert.ok(io.out.some((l) => l === "aws/us-east-1/ec2.instance.m6i.large: not returned by the source; previous line kept"));
        // The catalogues are written next to --out: the new region and location are in, the rest kept.
        const catalogues = readCatalogues(path.dirname(file));
        assert.ok(catalogues.regions.regions.some((r) => r.code === "xx-test-9"));
        assert.ok(catalogues.locations.locations.some((l) => l.name === "newregionwest"));
        assert.deepEqual(catalogues.types.types["t4g.micro"], ["arm64", "AWSPL"]);
        assert.ok(io.out.includes("catalogue xx-test-9: new region \"xx-test-9\""), io.out.join("\n"));
    });

    it("writes nothing on --dry-run", async () => {
        const file = tmp();
        assert.equal(await main(["--dry-run", "--out", file], fakeFetch, () => undefined, () => undefined), 0);
        assert.equal(existsSync(file), false);
    });

    it("fails with a clear message and leaves the catalogue alone without a network", async () => {
        const file = tmp();
        const io = capture();
        const offline = async (): Promise<Response> => {
            throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } });
        };
        assert.equal(await main(["--out", file], offline, io.o, io.e), 1);
        assert.deepEqual(io.err, ["refresh-prices: cannot reach pricing.us-east-1.amazonaws.com (ENOTFOUND); is there a network connection? The catalogue was left unchanged."]);
        assert.equal(existsSync(file), false);
        const io2 = capture();
        assert.equal(await main(["--out", file], async () => new Response("busy", { status: 503 }), io2.o, io2.e), 1);
        assert.match(io2.err[0], /answered HTTP 503/);
    });
});
