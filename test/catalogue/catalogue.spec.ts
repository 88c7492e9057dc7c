import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { AWS_REGIONS, AZURE_LOCATIONS, EC2_INSTANCE_TYPES, awsRegion, catalogueArchitecture, closest, isAzureLocation, parseAwsRegionCatalogue, parseAzureLocationCatalogue, parseInstanceTypeCatalogue } from "../../components/catalogue";
import { DescribedInstanceType, DescribedZone, architecturesFromDescribe, zonesFromDescribe } from "../../components/catalogue/sources/aws-describe";
import { OfferCatalogueCollector, offerArchitecture, regionIndexCodes } from "../../components/catalogue/sources/aws-offer-catalogue";
import { locationsFromRetail } from "../../components/catalogue/sources/azure-retail-locations";
import { mergeAwsRegionsAndTypes, mergeAzureLocations } from "../../components/catalogue/sources/merge";
import { awsRules, reduceOfferStream } from "../../components/cost/sources/aws-offer";
import type { AzureRetailPage } from "../../components/cost/sources/azure-retail";

const fixture = <T>(name: string, dir = "fixtures") => JSON.parse(readFileSync(path.join(__dirname, dir, name), "utf8")) as T;
const costFixture = (name: string) => readFileSync(path.join(__dirname, "..", "cost", "fixtures", name), "utf8");

describe("catalogues: the committed data", () => {
    it("knows the stacks' regions, zones, types and locations, each entry with a defined source", () => {
        assert.deepEqual(awsRegion("us-east-1")?.zones, ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]);
        assert.equal(awsRegion("ap-southeast-2")?.name, "Asia Pacific (Sydney)");
        assert.equal(awsRegion("us-east-3"), undefined);
        assert.equal(catalogueArchitecture("t4g.medium"), "arm64");
        assert.equal(catalogueArchitecture("m7g.medium"), "arm64");
        assert.equal(catalogueArchitecture("m7i.large"), "x86_64");
        assert.equal(catalogueArchitecture("t4g.mediun"), undefined);
        assert.deepEqual(EC2_INSTANCE_TYPES.types["t4g.micro"], ["arm64", "AWSPL"], "read from the offer-file fixture");
        assert.ok(isAzureLocation("australiaeast") && isAzureLocation("eastus") && !isAzureLocation("australiaest"));
        for (const doc of [AWS_REGIONS, EC2_INSTANCE_TYPES, AZURE_LOCATIONS]) assert.match(doc.generated.at, /^\d{4}-\d{2}-\d{2}$/);
    });

    it("refuses a zone outside its region and a source letter the file does not define", () => {
        const bad = structuredClone(AWS_REGIONS);
        bad.regions[0].zones = [`${bad.regions[1].code}a`];
        assert.throws(() => parseAwsRegionCatalogue(bad), /zone .* is not in the region/);
        const unknown = structuredClone(EC2_INSTANCE_TYPES);
        unknown.types["t4g.micro"] = ["arm64", "NOPE"];
        assert.throws(() => parseInstanceTypeCatalogue(unknown), /t4g\.micro: unknown source "NOPE"/);
    });

    it("refuses a region or a location listed twice", () => {
        const regions = structuredClone(AWS_REGIONS);
        regions.regions.push(structuredClone(regions.regions[3]));
        assert.throws(() => parseAwsRegionCatalogue(regions), new RegExp(`aws-regions-data\\.json: ${regions.regions[3].code}: listed twice`));
        const locations = structuredClone(AZURE_LOCATIONS);
        locations.locations.push(structuredClone(locations.locations[0]));
        assert.throws(() => parseAzureLocationCatalogue(locations), new RegExp(`${locations.locations[0].name}: listed twice`));
    });

    it("suggests the nearest name", () => {
        assert.equal(closest("us-east-3", ["us-east-1", "us-east-2", "us-gov-east-1"]), "us-east-1");
        assert.equal(closest("zzzzzzzz", ["us-east-1"]), undefined);
    });
});

describe("catalogues: refresh parsing", () => {
    it("reads regions and instance architectures from an offer file as it streams", async () => {
        const collector = new OfferCatalogueCollector();
        await reduceOfferStream([costFixture("aws-offer-AmazonEC2-us-east-1.json")], awsRules(["t4g.micro"]), (p) => collector.observe(p));
        assert.equal(collector.facts.regions.get("us-east-1"), "US East (N. Virginia)");
        assert.equal(collector.facts.instanceTypes.get("t4g.micro"), "arm64");
        assert.equal(offerArchitecture({ physicalProcessor: "Intel Xeon Platinum 8175", processorArchitecture: "64-bit" }), "x86_64");
        assert.equal(offerArchitecture({ physicalProcessor: "AWS Graviton3 Processor", processorArchitecture: "64-bit" }), "arm64");
        assert.equal(offerArchitecture({}), undefined);
    });

    it("reads the price list's region index", () => {
        assert.deepEqual(regionIndexCodes(fixture("aws-region-index.json")), ["ap-southeast-2", "us-east-1", "xx-test-9"]);
        assert.throws(() => regionIndexCodes({ products: {} }), /no "regions" map/);
    });

    it("reads zones (not Local Zones) and architectures from EC2's answers", () => {
        const zones = zonesFromDescribe(fixture<{ AvailabilityZones: DescribedZone[] }>("ec2-describe-availability-zones-us-east-1.json").AvailabilityZones);
        assert.deepEqual(zones.get("us-east-1"), ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]);
        const archs = architecturesFromDescribe(fixture<{ InstanceTypes: DescribedInstanceType[] }>("ec2-describe-instance-types.json").InstanceTypes);
        assert.deepEqual(Object.fromEntries(archs), { "t4g.medium": "arm64", "t3.micro": "x86_64", "m1.small": "x86_64", "mac2.metal": "arm64", "zz9.large": "arm64" });
    });

    it("reads Azure locations from the Retail Prices API, without the price list's pseudo-regions", () => {
        const page = fixture<AzureRetailPage>("azure-retail-vnet-locations.json");
        assert.deepEqual(locationsFromRetail(page.Items), ["australiaeast", "eastus", "newregionwest"]);
    });

    it("merges: new entries with the fetching source, the API's zones over the transcribed table, the rest kept", () => {
        const zones = new Map([["us-east-1", ["us-east-1a", "us-east-1b", "us-east-1c"]]]);
        const { regions, types, changes } = mergeAwsRegionsAndTypes(
            { regions: AWS_REGIONS, types: EC2_INSTANCE_TYPES },
            regionIndexCodes(fixture("aws-region-index.json")),
            { regions: new Map([["xx-test-9", "Test (Nowhere)"]]), instanceTypes: new Map([["t4g.micro", "arm64" as const]]) },
            "2026-12-01",
            { zones, architectures: new Map([["zz9.large", "arm64" as const]]), skipped: [] },
        );
        parseAwsRegionCatalogue(regions);
        parseInstanceTypeCatalogue(types);
        assert.deepEqual(regions.regions.find((r) => r.code === "xx-test-9"), { code: "xx-test-9", name: "Test (Nowhere)", partition: "aws", source: ["AWSPL"], asOf: "2026-12-01" });
        const east = regions.regions.find((r) => r.code === "us-east-1")!;
        assert.deepEqual([east.zones, east.source], [["us-east-1a", "us-east-1b", "us-east-1c"], ["SDKP", "AWSPL", "EC2AZ"]]);
        assert.deepEqual(regions.regions.find((r) => r.code === "eu-west-1")!.source, ["SDKP", "AZDOC"], "not in the index: kept as it was");
        assert.deepEqual(types.types["zz9.large"], ["arm64", "EC2DIT"]);
        assert.equal(regions.regions.length, AWS_REGIONS.regions.length + 1);
        assert.ok(changes.some((c) => c.key === "us-east-1" && /zones .* → us-east-1a,us-east-1b,us-east-1c/.test(c.what)));
        const azure = mergeAzureLocations(AZURE_LOCATIONS, ["eastus", "newregionwest"], new Map([["newregionwest", "New Region West"]]), "2026-12-01");
        assert.deepEqual(azure.catalogue.locations.find((l) => l.name === "newregionwest"), { name: "newregionwest", displayName: "New Region West", source: ["AZRP"] });
        assert.equal(azure.catalogue.locations.length, AZURE_LOCATIONS.locations.length + 1);
    });
});
