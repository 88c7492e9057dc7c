import { strict as assert } from "assert";
import { ResourceLike, ServerTierRun, compareConventionalHa, compareServerTier, estimateMonthlyCost } from "../../components/cost";
import { planOfStack } from "../helpers/stacks";

const r = (type: string, name: string, inputs: Record<string, unknown> = {}): ResourceLike => ({ type, name, inputs });

/** A run-like input: a tier whose group allows `types` on Spot, plus a resource outside the tier. */
function run(types: string[], server: Partial<NonNullable<ServerTierRun["config"]["server"]>> = {}): ServerTierRun {
    return {
        config: {
            aws: { region: "us-east-1" },
            azure: { location: "eastus" },
            server: { tierName: "dev-app", instanceTypes: types, rootVolumeSizeGiB: 8, dataVolume: { sizeGiB: 20 }, ...server },
        },
        resources: [
            r("aws:ec2/launchTemplate:LaunchTemplate", "dev-app-lt", {
                instanceType: types[0],
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 8, volumeType: "gp3" } }],
            }),
            r("aws:autoscaling/group:Group", "dev-app-asg", {
                desiredCapacity: 1, minSize: 1, maxSize: 1,
                mixedInstancesPolicy: {
                    instancesDistribution: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 },
                    launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-0123" }, overrides: types.map((instanceType) => ({ instanceType })) },
                },
            }),
            // Not the tier's: must not count on its side.
            r("aws:ec2/natGateway:NatGateway", "dev-nat", { connectivityType: "public" }),
        ],
    };
}

describe("server tier against the conventional HA design", () => {
    it("prices the conventional design at the type the tier's group is priced at, even when it is not the first", () => {
        // t4g.micro $0.0084/h is cheaper than t4g.small $0.0168/h: the group is priced at t4g.small, so must the comparison be.
        const c = compareServerTier(run(["t4g.micro", "t4g.small"]))!;
        assert.equal(c.instanceType, "t4g.small");
        const group = c.tier.items.find((i) => i.name === "dev-app-asg")!;
        assert.match(group.basis, /: 1 × t4g\.small spot/);
        const instances = c.conventional.items.filter((i) => i.type === "aws:ec2/instance:Instance");
        assert.equal(instances.length, 2);
        for (const i of instances) assert.match(i.basis, /^1 × t4g\.small on-demand, 730 h × \$0\.0168 /);
        // The order of the allowed types does not matter.
        assert.equal(compareServerTier(run(["t4g.small", "t4g.micro"]))!.instanceType, "t4g.small");
    });

    it("gives the conventional design the tier's root and data volume sizes", () => {
        const c = compareServerTier(run(["t4g.small"], { rootVolumeSizeGiB: 16, dataVolume: { sizeGiB: 50 } }))!;
        assert.deepEqual(c.conventional, compareConventionalHa({ awsRegion: "us-east-1", instanceType: "t4g.small", rootVolumeGiB: 16, dataVolumeGiB: 50 }));
    });

    it("computes the ratio from the two estimates, the tier counting only its own resources", () => {
        const input = run(["t4g.micro", "t4g.small"]);
        const c = compareServerTier(input)!;
        const tier = estimateMonthlyCost(input.resources.slice(0, 2), { awsRegion: "us-east-1", azureLocation: "eastus" });
        assert.equal(c.tier.monthly, tier.monthly);
        // Spot t4g.small 730 × 0.0168 × 0.34 = 4.16976 + root 8 × 0.08 = 0.64: 4.81
        assert.equal(c.tier.monthly, 4.81);
        // 2 × (730 × 0.0168 + 28 × 0.08) = 2 × 14.50; ALB 23.73; NAT 2 × 32.85; EIP 2 × 3.65; 1 LCU 5.84
        assert.equal(c.conventional.monthly, 131.57);
        assert.equal(c.ratio, 131.57 / 4.81);
    });

    it("has nothing to compare without a server tier, and refuses a type the catalogue cannot price", () => {
        const none = run(["t4g.small"]);
        delete none.config.server;
        assert.equal(compareServerTier(none), undefined);
        assert.throws(() => compareServerTier(run(["t4g.small", "zz9.nano"])), /no on-demand price for zz9\.nano in us-east-1/);
    });

    it("dev's server tier (Spot) costs under a fifth of the conventional design", async () => {
        const c = compareServerTier(await planOfStack("dev"))!;
        assert.ok(c.tier.unpriced === 0 && c.conventional.unpriced === 0, "every line priced");
        assert.ok(c.ratio > 5, `dev: tier $${c.tier.monthly} against $${c.conventional.monthly} (${c.ratio.toFixed(2)}×)`);
    });

    it("prod (on-demand by design) is compared at its dearest type, m7g.medium, not its first", async () => {
        const c = compareServerTier(await planOfStack("prod"))!;
        assert.equal(c.instanceType, "m7g.medium");
        assert.match(c.tier.items.find((i) => i.type === "aws:autoscaling/group:Group")!.basis, /: 1 × m7g\.medium on-demand/);
        // On demand, prod's tier costs about a quarter of the conventional design, not under a fifth, as the README states.
        assert.ok(c.ratio > 1 && c.ratio < 5, `prod: ${c.ratio.toFixed(2)}×`);
    });
});
