/**
 * stacks/plan/run.ts: the plan declares the program in a root stack without
 * the providers' aliases (they only match earlier state, which an offline
 * plan has none of, and were most of its time).
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as azure from "@pulumi/azure-native";
import { withoutAliases } from "../../stacks/plan/run";
import { recordResources, valueOf } from "../helpers/record";

describe("the plan's root stack", () => {
    it("drops a resource's aliases and nothing else", () => {
        const props = { location: "eastus" };
        const opts: pulumi.CustomResourceOptions = { aliases: [{ name: "old" }], protect: true, ignoreChanges: ["tags"] };
        const result = withoutAliases({ resource: undefined as never, type: "t", name: "n", props, opts });
        assert.deepEqual(result, { props, opts: { protect: true, ignoreChanges: ["tags"] } });
        assert.deepEqual(opts.aliases, [{ name: "old" }], "the caller's options are left as they were");
        assert.equal(withoutAliases({ resource: undefined as never, type: "t", name: "n", props, opts: { protect: true } }), undefined);
    });

    it("declares azure-native resources without the 60 API-version aliases their classes add", async () => {
        const { built: vnet } = await recordResources(() => new azure.network.VirtualNetwork("v", { resourceGroupName: "rg" }));
        // The SDK keeps the aliases it will send as __aliases; under the plan there are none.
        assert.deepEqual((vnet as unknown as { __aliases: unknown[] }).__aliases, []);
        await pulumi.runtime.setMocks({ newResource: (a) => ({ id: "x", state: a.inputs }), call: (a) => a.inputs }, "p", "s", false);
        const plain = new azure.network.VirtualNetwork("v", { resourceGroupName: "rg" });
        await valueOf(plain.urn); // registered before the next spec swaps the mocks
        assert.ok((plain as unknown as { __aliases: unknown[] }).__aliases.length >= 50, "outside the plan the class does add them (the check is not vacuous)");
    });
});
