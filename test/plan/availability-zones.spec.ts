import { strict as assert } from "assert";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { confirmAvailabilityZones, missingZoneProblems } from "../../stacks/availability-zones";
import { LandingZoneMocks } from "../../stacks/plan/mocks";
import { runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { ROOT } from "../helpers/stacks";
import * as path from "path";

const ZONES_TOKEN = "aws:index/getAvailabilityZones:getAvailabilityZones";

/** Mocks whose EC2 answers the given zones (an account that lacks some). */
async function accountWithZones(names: string[] | undefined): Promise<{ asked: Array<Record<string, unknown>> }> {
    const base = new LandingZoneMocks("us-east-1");
    const asked: Array<Record<string, unknown>> = [];
    await pulumi.runtime.setMocks({
        newResource: (args) => base.newResource(args),
        call: (args) => {
            if (args.token !== ZONES_TOKEN) return base.call(args);
            asked.push(args.inputs);
            return names ? { names, zoneIds: names.map((_, i) => `use1-az${i + 1}`), groupNames: names.map(() => "us-east-1"), id: "us-east-1", region: "us-east-1" } : base.call(args);
        },
    }, "landing-zone", "test", false);
    return { asked };
}

const config = { aws: { region: "us-east-1", availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1f"] } } as Parameters<typeof confirmAvailabilityZones>[0];

describe("availability zones confirmed with the provider at deploy", () => {
    it("fails first and clearly when the account lacks a configured zone", async () => {
        const { asked } = await accountWithZones(["us-east-1a", "us-east-1b", "us-east-1c"]);
        await assert.rejects(
            confirmAvailabilityZones(config, new AwsProvider("aws", { region: "us-east-1" })),
            (err: Error) => err instanceof pulumi.RunError && err.message === "invalid landing-zone config:\nlanding-zone:aws.availabilityZones[2]: us-east-1f is not available to this AWS account in us-east-1 (it has us-east-1a, us-east-1b, us-east-1c); list only those",
        );
        // Asked for available Availability Zones only, not Local or Wavelength Zones.
        assert.equal(asked[0].state, "available");
        assert.deepEqual(asked[0].filters, [{ name: "zone-type", values: ["availability-zone"] }]);
    });

    it("passes when the account has every zone; the plan's mocks answer from the catalogue", async () => {
        await accountWithZones(undefined);
        assert.deepEqual(await confirmAvailabilityZones(config, new AwsProvider("aws", { region: "us-east-1" })), ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]);
        const sydney = new LandingZoneMocks("ap-southeast-2").call({ token: ZONES_TOKEN, inputs: {} });
        assert.deepEqual(sydney.names, ["ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"]);
        assert.deepEqual(missingZoneProblems("eu-west-1", ["eu-west-1a"], ["eu-west-1a", "eu-west-1b"]), []);
    });

    it("the program asks before declaring any cloud resource, so a missing zone stops the run first", async function () {
        this.timeout(60000);
        // Saved to put back after the spy; called through the instance with .call(this).
        // eslint-disable-next-line @typescript-eslint/unbound-method
        const call = LandingZoneMocks.prototype.call;
        // eslint-disable-next-line @typescript-eslint/unbound-method
        const newResource = LandingZoneMocks.prototype.newResource;
        const declared: string[] = [];
        LandingZoneMocks.prototype.call = function (args) {
            // An account that has only us-east-1a and us-east-1b.
            return args.token === ZONES_TOKEN ? { names: ["us-east-1a", "us-east-1b"], zoneIds: ["use1-az1", "use1-az2"], groupNames: [], id: "us-east-1", region: "us-east-1" } : call.call(this, args);
        };
        LandingZoneMocks.prototype.newResource = function (args) {
            declared.push(args.type);
            return newResource.call(this, args);
        };
        try {
            await assert.rejects(runPlan("dev", readStackFile(path.join(ROOT, "Pulumi.dev.yaml"))), /landing-zone:aws\.availabilityZones\[2\]: us-east-1c is not available to this AWS account in us-east-1 \(it has us-east-1a, us-east-1b\)/);
        } finally {
            LandingZoneMocks.prototype.call = call;
            LandingZoneMocks.prototype.newResource = newResource;
        }
        assert.ok(declared.includes("pulumi:providers:aws"), declared.join(", "));
        // Only the providers and the root stack resource (as under `pulumi up`) come first.
        assert.deepEqual(declared.filter((t) => !t.startsWith("pulumi:providers:") && t !== "pulumi:pulumi:Stack"), [], "no cloud resource before the zones are confirmed");
    });
});
