import { strict as assert } from "assert";
import { planOfStack } from "../helpers/stacks";

describe("landing-zone composition", function () {
    this.timeout(30000);

    it("uses explicit providers with region, location and default tags from the stack config", async () => {
        const { resources } = await planOfStack("prod");
        const expected = { environment: "prod", owner: "platform-team@example.org", "cost-centre": "IT-1001" };

        const awsProviders = resources.filter((r) => r.type === "pulumi:providers:aws");
        assert.equal(awsProviders.length, 1);
        assert.equal(awsProviders[0].inputs.region, "ap-southeast-2");
        // Provider inputs travel as JSON strings for nested objects.
        const defaultTags = typeof awsProviders[0].inputs.defaultTags === "string" ? JSON.parse(awsProviders[0].inputs.defaultTags as string) : awsProviders[0].inputs.defaultTags;
        assert.deepEqual({ ...defaultTags.tags, "managed-by": undefined }, { ...expected, "managed-by": undefined });

        const azureProviders = resources.filter((r) => r.type === "pulumi:providers:azure-native");
        assert.equal(azureProviders.length, 1);
        assert.equal(azureProviders[0].inputs.location, "australiaeast");

        // Azure Native has no provider-level default tags: every taggable resource carries them itself.
        // Types whose API has no tags: subnets, connections, the subscription's diagnostic setting, a storage lifecycle policy, a budget.
        const untaggable = new Set(["azure-native:network:Subnet", "azure-native:monitor:SubscriptionDiagnosticSetting", "azure-native:storage:ManagementPolicy", "azure-native:consumption:Budget"]);
        const azureTagged = resources.filter((r) => r.type.startsWith("azure-native:") && !untaggable.has(r.type) && !/Connection$/.test(r.type));
        assert.ok(azureTagged.length > 5);
        for (const r of azureTagged) {
            const tags = r.inputs.tags as Record<string, string> | undefined;
            assert.ok(tags, `${r.type} ${r.name} has no tags`);
            for (const [k, v] of Object.entries(expected)) assert.equal(tags[k], v, `${r.type} ${r.name} tag ${k}`);
        }
    });
});
