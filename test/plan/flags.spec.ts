/**
 * The plan command's flags: --help documents every one (exit 0), --out
 * writes the JSON document to a file, and the report wraps to the width.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../stacks/plan-cli";
import { parsePlanArgs, PLAN_FLAGS, UsageError } from "../../stacks/plan/flags";
import { wrapText } from "../../stacks/plan/wrap";
import { captureOutput } from "../helpers/stacks";

describe("plan flags", function () {
    this.timeout(30000);

    it("--help exits 0 and documents every flag of the table", async () => {
        const { result, stdout, stderr } = await captureOutput(() => main(["--help"]));
        assert.equal(result, 0);
        assert.equal(stderr, "");
        for (const flag of PLAN_FLAGS) for (const name of flag.names) assert.ok(stdout.includes(name), `--help does not mention ${name}`);
        assert.match(stdout, /exit status: 0 /);
    });

    it("parses values as --flag VALUE and --flag=VALUE, and refuses unknown flags and missing values", () => {
        assert.deepEqual(parsePlanArgs(["--stack", "prod", "--out=plan.json", "--json"]), { stack: "prod", out: "plan.json", json: true, diagram: false, help: false });
        assert.equal(parsePlanArgs(["--base", "b.json", "--diagram"]).baseFile, "b.json");
        assert.equal(parsePlanArgs(["--diagram"]).diagram, true);
        assert.throws(() => parsePlanArgs(["--frobnicate"]), UsageError);
        assert.throws(() => parsePlanArgs(["--out"]), /--out needs a value/);
        assert.throws(() => parsePlanArgs(["--width", "10"]), /at least 40/);
    });

    it("--out writes the JSON document itself, and the report wraps at --width", async () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lz-out-")), "plan.json");
        const { result, stdout } = await captureOutput(() => main(["--stack", "dev", "--out", out, "--width", "90"]));
        assert.equal(result, 0);
        const doc = JSON.parse(fs.readFileSync(out, "utf8"));
        assert.equal(doc.stack, "dev");
        assert.equal(doc.policyConfig, "policy/config/dev.json");
        assert.ok(Array.isArray(doc.reachability.pairs) && doc.reachability.pairs.length > 0);
        // Every report line fits, except single words longer than the width (ids, JSON outputs).
        const tooLong = stdout.split("\n").filter((l) => l.length > 90 && /\s\S/.test(l.trim()));
        assert.deepEqual(tooLong, []);
        assert.match(stdout, /^Policies \(config policy\/config\/dev\.json\): /m);
    });

    it("wraps at spaces with a hanging indent and never cuts a word", () => {
        assert.deepEqual(wrapText("aaa bbb ccc ddd", 8, 2), ["aaa bbb", "  ccc", "  ddd"]);
        assert.deepEqual(wrapText("x ".repeat(3) + "y".repeat(20), 10, 2), ["x x x", `  ${"y".repeat(20)}`]);
    });
});
