/**
 * stacks/plan/lazy-sdk-modules.js: the parts of @pulumi/pulumi an offline
 * plan never uses are not loaded (test/plan/plan-cli.spec.ts checks what the
 * real `npm run plan` loads), and still work when something asks for them.
 * This process runs with the same deferral (.mocharc.json requires it).
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";

const loaded = (part: string) => Object.keys(require.cache).some((f) => f.includes(part));

describe("deferred @pulumi/pulumi modules (stacks/plan/lazy-sdk-modules.js)", () => {
    it("loads a deferred module on first use, and the stand-in then behaves as the module", async () => {
        const workspace = pulumi.automation.LocalWorkspace;
        assert.equal(typeof workspace.create, "function");
        assert.ok(loaded("/@pulumi/pulumi/automation/"), "the real Automation API is loaded once used");
        // The stand-in forwards to the real module: the same class, the same keys.
        assert.equal(workspace, (await import("@pulumi/pulumi/automation")).LocalWorkspace);
        assert.ok(Object.keys(pulumi.automation).includes("LocalWorkspace"));
        assert.ok("Stack" in pulumi.automation);
    });
});
