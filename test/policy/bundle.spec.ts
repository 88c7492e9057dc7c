import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundlePolicyPack } from "../../policy/bundle";
import { discoverEnvironments } from "../../stacks/environments";

describe("policy pack bundle for `pulumi policy publish`", () => {
    it("is self-contained: one index.js, the pack files, and package.json pinning every @pulumi SDK it requires", async () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lz-pack-")), "pack");
        const result = await bundlePolicyPack(out);
        assert.deepEqual(result.files, ["PulumiPolicy.yaml", "config", "index.js", "package.json"]);
        const pkg = JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8"));
        const root = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
        assert.equal(pkg.main, "index.js");
        assert.match(pkg.version, /^\d+\.\d+\.\d+/, "PolicyPack reads its version from package.json");
        for (const dep of ["@pulumi/policy", "@pulumi/pulumi", "@pulumi/aws", "@pulumi/azure-native"]) assert.equal(pkg.dependencies[dep], root.dependencies[dep], dep);
        const code = fs.readFileSync(path.join(out, "index.js"), "utf8");
        assert.ok(!/require\("\.\.\/policy|require\("\.\/(cost|ipv6|security)/.test(code), "policy modules are inlined");
        assert.ok(!/require\("[^"]*components\/cost/.test(code), "the estimator and its catalogue are inlined");
        // A policy config for every environment the stack files define (more may be prepared ahead of their stack).
        const configs = fs.readdirSync(path.join(out, "config"));
        assert.deepEqual(discoverEnvironments().filter((env) => !configs.includes(`${env}.json`)), []);
        assert.ok(configs.every((f) => f.endsWith(".json")), configs.join(", "));
    });
});
