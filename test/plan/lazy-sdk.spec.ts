/**
 * stacks/plan/lazy-sdk-modules.js: the parts of @pulumi/pulumi an offline
 * plan never uses are not loaded, and still work when something asks for them.
 * In a child process, so nothing this process loaded earlier counts.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

const root = path.join(__dirname, "..", "..");

describe("deferred @pulumi/pulumi modules (stacks/plan/lazy-sdk-modules.js)", function () {
    this.timeout(30000);

    it("loads neither the Automation API, npm's arborist nor the TypeScript compiler with the SDK, and each on first use", () => {
        const script = `
            const loaded = (part) => Object.keys(require.cache).some((f) => f.includes(part));
            const parts = () => ({ automation: loaded("/@pulumi/pulumi/automation/"), arborist: loaded("/@npmcli/arborist/"), typescript: loaded("/node_modules/typescript/") });
            const pulumi = require("@pulumi/pulumi");
            const before = parts();
            const workspace = typeof pulumi.automation.LocalWorkspace.create;
            pulumi.runtime.serializeFunction(() => 42).then((f) => {
                console.log(JSON.stringify({ before, after: parts(), workspace, serialized: f.text.includes("42") }));
            });`;
        const result = spawnSync(process.execPath, ["-r", path.join(root, "stacks", "plan", "lazy-sdk-modules.js"), "-e", script], { cwd: root, encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), {
            before: { automation: false, arborist: false, typescript: false },
            // Serializing a function this small needs no package walk, so arborist stays unloaded.
            after: { automation: true, arborist: false, typescript: true },
            workspace: "function",
            serialized: true,
        });
    });
});
