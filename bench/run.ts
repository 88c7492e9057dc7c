/**
 * `npm run bench`: the foundation's measurements.
 *  1. `plan --stack dev --json` wall time and peak memory, against the floor: a node
 *     process that only loads @pulumi/pulumi, @pulumi/aws and the azure-native modules
 *     the program uses. Target: plan ≤ 2× the floor.
 *  2. The address planner on synthetic configs (6 AZs; 10/100/1,000 branch sites).
 *     Target: 1,000 sites under 200 ms, no worse than linear.
 *  3. The README's test command on a warm checkout (skip with --no-test). Target: < 20 s.
 *  Then the other issues' benchmarks, each in its own process (skip with --only-foundation):
 *  the failover Lambda bundle and API calls per case, plan time for 10/100/500 WAN
 *  branch sites, policy evaluation per resource and on 5,000 resources, the estimator, and the
 *  plan diff of two 500-site plans.
 * Each process measurement is the median of several runs (--runs N, default 5).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { AddressingInput, planAddresses } from "../components/addressing";

const root = path.join(__dirname, "..");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 5;

interface Sample { ms: number; maxRssMiB: number }

function measureNode(nodeArgs: string[]): Sample {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lz-bench-")), "m.json");
    const result = spawnSync(process.execPath, ["-r", path.join(__dirname, "preload-measure.js"), ...nodeArgs], {
        cwd: root,
        env: { ...process.env, LZ_MEASURE_OUT: out },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`benchmark process failed: ${result.stderr}`);
    return JSON.parse(fs.readFileSync(out, "utf8")) as Sample;
}

function median(samples: Sample[]): Sample {
    const by = (k: keyof Sample) => [...samples].sort((a, b) => a[k] - b[k])[Math.floor(samples.length / 2)][k];
    return { ms: by("ms"), maxRssMiB: by("maxRssMiB") };
}

function repeat(n: number, f: () => Sample): Sample {
    f(); // warm the file cache
    return median(Array.from({ length: n }, f));
}

// The SDKs as the plan loads them: with the parts it never uses deferred (stacks/plan/lazy-sdk-modules.js).
const floorScript = `require("./stacks/plan/lazy-sdk-modules.js"); require("@pulumi/pulumi"); require("@pulumi/aws"); require("@pulumi/azure-native/network"); require("@pulumi/azure-native/resources"); require("@pulumi/azure-native");`;

console.log(`# Benchmarks (${os.cpus().length} cores, node ${process.version}, median of ${runs})\n`);
const floor = repeat(runs, () => measureNode(["-e", floorScript]));
const PLAN_NODE_FLAGS = ["--max-semi-space-size=128"]; // as package.json's plan script
const planDev = repeat(runs, () => measureNode([...PLAN_NODE_FLAGS, "stacks/plan/launch.js", "--stack", "dev", "--json"]));
console.log("## plan --stack dev --json vs. the floor (load @pulumi/pulumi, @pulumi/aws, azure-native modules)");
console.log(`| process | wall ms | peak RSS MiB |\n|---|---|---|`);
console.log(`| floor | ${floor.ms.toFixed(0)} | ${floor.maxRssMiB.toFixed(0)} |`);
console.log(`| plan --stack dev --json | ${planDev.ms.toFixed(0)} | ${planDev.maxRssMiB.toFixed(0)} |`);
console.log(`ratio: ${(planDev.ms / floor.ms).toFixed(2)}× time, ${(planDev.maxRssMiB / floor.maxRssMiB).toFixed(2)}× memory (target ≤ 2×)\n`);

function syntheticInput(sites: number): AddressingInput {
    return {
        aws: { vpcCidr: "10.0.0.0/16", availabilityZones: ["a", "b", "c", "d", "e", "f"].map((s) => `us-east-1${s}`), subnetPrefixLength: 24, azSlots: 8 },
        azure: {
            vnet: { ipv4Cidr: "10.1.0.0/16", ipv6Cidr: "fd3c:7a21:5b04::/48", subnetPrefixLength: 24, subnets: [{ name: "web" }, { name: "app" }] },
            spoke: { ipv4Cidr: "10.2.0.0/16", subnetPrefixLength: 24, subnets: [{ name: "private" }] },
        },
        wan: { hubPrefix: "10.3.0.0/23" },
        // One /24 per site from 172.16.0.0/12 (4,096 of them).
        sites: Array.from({ length: sites }, (_, i) => ({ name: `site-${i}`, addressSpaces: [`172.${16 + (i >> 8)}.${i & 255}.0/24`] })),
    };
}

console.log("## address planner, 6 AZs");
console.log(`| sites | ms (median of 15) | ms per site |\n|---|---|---|`);
for (const sites of [10, 100, 1000]) {
    const input = syntheticInput(sites);
    planAddresses(input);
    const times = Array.from({ length: 15 }, () => {
        const t0 = performance.now();
        planAddresses(input);
        return performance.now() - t0;
    }).sort((a, b) => a - b);
    const ms = times[7];
    console.log(`| ${sites} | ${ms.toFixed(2)} | ${(ms / sites).toFixed(4)} |`);
}
console.log("(target: 1,000 sites under 200 ms, growing no worse than linearly)\n");

if (!args.includes("--no-test")) {
    console.log("## README test command (npm test) on a warm checkout");
    const t0 = performance.now();
    const test = spawnSync("npm", ["test", "--silent"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const ms = performance.now() - t0;
    const summary = (test.stdout.match(/tests: [^\n]*/) ?? ["?"])[0];
    console.log(`npm test: ${(ms / 1000).toFixed(1)} s, exit ${test.status}, ${summary} (target < 20 s)\n`);
}

if (!args.includes("--only-foundation")) {
    for (const [title, script] of [
        ["Failover Lambda: bundle size and AWS API calls per case", "bench/failover-bundle.ts"],
        ["WAN: offline plan of 10/100/500 branch sites (target linear, 500 under 10 s)", "bench/wan-sites.ts"],
        ["Policy pack: evaluation time (target linear, 5,000 resources under 2 s)", "bench/policy.ts"],
        ["Cost estimator on 5,000 resources", "bench/cost.ts"],
        ["Plan diff (--base) of two 500-site plans, beyond the plans (target < 1 s)", "bench/plan-diff.ts"],
    ]) {
        console.log(`## ${title}`);
        const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", script], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        console.log((result.stdout || result.stderr).trim().split("\n").filter((l) => !/NodeVersionSupportWarning|a\.co\/|node >=22|upgrade to node|receiving updates|^\(Use|^$|versions published|will require/.test(l)).join("\n"), "\n");
    }
}
