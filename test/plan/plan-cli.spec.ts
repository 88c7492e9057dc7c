import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, planDocument } from "../../stacks/plan-cli";
import { secretPlaceholder } from "../../stacks/plan/stack-file";
import { captureOutput, editedStackFile, planOfStack, planReportAndJson } from "../helpers/stacks";

const root = path.join(__dirname, "..", "..");

/** Runs the CLI in-process, capturing what it writes. */
async function plan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const { result, stdout, stderr } = await captureOutput(() => main(args));
    return { code: result, stdout, stderr };
}

describe("offline plan", () => {
    it("runs as `npm run plan` from a shell: dev as the JSON document of DESIGN.md, with derived /64s visible, and no changes against another plan of dev", async function () {
        this.timeout(60000);
        // The base is this process's plan of dev, so --base compares two separate plans (two processes).
        const base = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lz-base-")), "base.json");
        fs.writeFileSync(base, JSON.stringify((await planDocument(await planOfStack("dev"))).doc));
        const loadedOut = path.join(path.dirname(base), "loaded.json");
        const env = {
            ...process.env,
            NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(__dirname, "..", "helpers", "report-loaded-modules.js")}`,
            LZ_LOADED_MODULES_OF: path.join("stacks", "plan", "launch.js"),
            LZ_LOADED_MODULES_OUT: loadedOut,
        };
        const result = spawnSync("npm", ["run", "--silent", "plan", "--", "--stack", "dev", "--json", "--base", base], { cwd: root, encoding: "utf8", env });
        assert.equal(result.status, 0, result.stderr);
        // stacks/plan/lazy-sdk-modules.js: the plan loads neither the SDK's Automation API, npm's arborist nor the TypeScript compiler.
        const loaded: string[] = JSON.parse(fs.readFileSync(loadedOut, "utf8"));
        const has = (part: string) => loaded.some((f) => f.includes(part));
        assert.ok(has("/@pulumi/pulumi/runtime/"), "the report lists the SDK's files");
        assert.deepEqual({ automation: has("/@pulumi/pulumi/automation/"), arborist: has("/@npmcli/arborist/"), typescript: has("/node_modules/typescript/") }, { automation: false, arborist: false, typescript: false });
        const doc = JSON.parse(result.stdout);
        assert.equal(doc.diff.unchanged, true, JSON.stringify(doc.diff));
        assert.deepEqual([doc.diff.added, doc.diff.removed, doc.diff.changed, doc.diff.callouts, doc.diff.cost.lines], [[], [], [], [], []]);
        assert.equal(doc.stack, "dev");
        for (const r of doc.resources) {
            assert.equal(typeof r.type, "string");
            assert.equal(typeof r.name, "string");
            assert.ok(r.parent === null || typeof r.parent === "string");
            assert.equal(typeof r.inputs, "object");
        }
        const subnets = doc.resources.filter((r: any) => r.type === "aws:ec2/subnet:Subnet");
        assert.equal(subnets.length, 9);
        assert.ok(subnets.every((s: any) => s.parent === "dev" && /^2001:db8:[0-9a-f:]+\/64$/.test(s.inputs.ipv6CidrBlock)));
        assert.ok(doc.addressing.aws.subnets.every((s: any) => /\/64$/.test(s.ipv6Cidr)));
        assert.equal(doc.addressing.azure.hubPrefix, "10.100.0.0/23");
        assert.deepEqual(doc.addressing.sites.map((s: any) => s.name), ["head-office"]);
        assert.equal(doc.cost.currency, "USD");
        assert.equal(doc.cost.cap, 400);
        assert.ok(Array.isArray(doc.policies.violations));
        const components = doc.resources.filter((r: any) => r.type.startsWith("landing-zone:")).map((r: any) => r.type);
        assert.ok(components.includes("landing-zone:aws:DualStackVpc"));
        assert.ok(components.includes("landing-zone:azure:DualStackVnet"));
    });

    it("prints a readable report for prod: tree, address table, outputs, and never a secret value from the stack file", async () => {
        const { code, stdout, stderr, json } = await planReportAndJson(["--stack", "prod"]);
        assert.equal(code, 0, stderr);
        // prod's stack file holds the sites' pre-shared keys and the tunnel seed as ciphertexts; without a
        // passphrase they plan as placeholders. Neither may reach the report or the JSON.
        const ciphertexts = [...fs.readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8").matchAll(/secure: (v1:\S+)/g)].map((m) => m[1]);
        assert.ok(ciphertexts.length >= 4, "prod's stack file has secrets to leak");
        assert.equal(JSON.parse(json).stack, "prod");
        for (const text of [stdout, json]) {
            for (const secret of [...ciphertexts, ...ciphertexts.map((_, i) => secretPlaceholder(i))]) assert.ok(!text.includes(secret), `${secret} leaked into the plan output`);
        }
        assert.match(stdout, /stack "prod"/);
        assert.match(stdout, /^ {2}prod {2}\(landing-zone:aws:DualStackVpc\)$/m);
        assert.match(stdout, /^ {4}prod-vpc {2}\(aws:ec2\/vpc:Vpc\)$/m);
        assert.match(stdout, /public\s+ap-southeast-2a\s+10\.40\.0\.0\/24\s+0\s+2001:db8:/);
        assert.match(stdout, /Virtual WAN hub prefix: 10\.200\.0\.0\/23/);
        assert.match(stdout, /^Server tier prod-app: 1 instance \(on-demand: t4g\.medium, m7g\.medium\)/m);
        assert.match(stdout, /^ {2}recovery: RTO about \d+ min .*RPO 0 when the old AZ can serve the data/m);
        assert.match(stdout, /^ {4}old AZ can serve the data: nothing acknowledged is lost \(RPO 0\)/m);
        assert.match(stdout, /^ {4}old AZ cannot serve it: the tier waits until .* for 30 min in a row \(failover\.restoreAfterUnreachableMinutes\).*accept-data-loss.*RPO = the snapshot interval/m);
        assert.match(stdout, /^Monthly cost estimate: \$\d+\.\d\d against a cap of \$1200\.00/m);
        assert.match(stdout, /^IPv6 readiness: \d+ of \d+ internet-facing endpoints/m);
        assert.match(stdout, /Outputs:/);
    });

    it("plans any stack file given with --config", async () => {
        const file = editedStackFile("dev", (c) => (c["landing-zone:aws"].vpcCidr = "10.11.0.0/16"));
        const { code, stdout } = await plan(["--config", file, "--json"]);
        assert.equal(code, 0);
        assert.equal(JSON.parse(stdout).addressing.aws.vpcIpv4Cidr, "10.11.0.0/16");
    });

    it("exits 2 with one line per problem, naming the key, for an invalid config", async () => {
        const file = editedStackFile("dev", (c) => {
            c["landing-zone:aws"].vpcCidr = "10.10.0.0/22";
            c["landing-zone:wan"].hubPrefix = "10.100.0.0/25";
        });
        const { code, stdout, stderr } = await plan(["--config", file]);
        assert.equal(code, 2);
        assert.equal(stdout, "");
        const lines = stderr.trim().split("\n");
        assert.equal(lines.length, 2, stderr);
        assert.ok(lines.some((l) => l.startsWith("landing-zone:aws.vpcCidr: ")));
        assert.ok(lines.some((l) => l.startsWith("landing-zone:wan.hubPrefix: ")));
    });

    it("exits 2 on a missing stack file or a bad argument", async () => {
        assert.equal((await plan(["--stack", "nope"])).code, 2);
        assert.equal((await plan(["--frobnicate"])).code, 2);
    });
});
