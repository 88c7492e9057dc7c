/**
 * `npx ts-node --transpile-only bench/wan-sites.ts [--sizes 10,100,500] [--node-flags "..."] [--json]`
 *
 * Plan time and peak memory of the real `npm run plan` process (the
 * esbuild launcher, its node flags) for synthetic prod stacks with N branch
 * sites (cross-cloud link on). Each size runs in its own child process, so
 * module loading and the peak RSS belong to that size alone. Stack files are written to a temp dir
 * with `secure:` placeholders for the keys, as a real stack would carry them.
 * Target: linear in N, 500 sites under 10 s.
 *
 * `--node-flags` passes flags to the children's node, to measure what the
 * plan would cost with them: Pulumi's SDK records a stack trace on every
 * internal promise, which ts-node's source-map support rewrites
 * (`--stack-trace-limit=0` skips that), and the garbage it makes keeps the
 * young-generation collector busy (`--max-semi-space-size=64` eases that).
 */
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

const ROOT = path.join(__dirname, "..");
const TARGET_500_MS = 10_000;
/** The node flags of `npm run plan` (package.json). */
const PLAN_NODE_FLAGS = ["--max-semi-space-size=128"];

interface Sample {
    sites: number;
    resources: number;
    /** Program start to report rendered, without process start-up (ms). */
    planMs: number;
    /** CPU time (user + system) of the child (ms); steadier than wall time on a busy machine. */
    cpuMs: number;
    /** Child process wall time, including Node and module start-up (ms). */
    processMs: number;
    maxRssMb: number;
}

/** A prod-shaped stack file with `count` branch sites, every tenth with BGP. */
export function syntheticStack(count: number): string {
    const base = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
    const ciphertext = () => ({ secure: `v1:${randomBytes(12).toString("base64")}:${randomBytes(48).toString("base64")}` });
    const sites = [];
    const keys: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
        const name = `branch-${String(i).padStart(4, "0")}`;
        // 172.16.0.0/12 holds 4096 /24s, clear of the prod VPC, VNets and hub.
        const third = `${16 + (i >> 8)}.${i & 255}`;
        sites.push({
            name,
            publicIp: `20.${(i >> 16) & 255}.${Math.floor(i / 250) % 256}.${(i % 250) + 1}`,
            addressSpaces: [`172.${third}.0/24`],
            ...(i % 10 === 0 ? { bgp: { asn: 65000 + i, peeringAddress: `172.${third}.1` } } : {}),
            device: { vendor: "MikroTik", model: "RB5009" },
            linkSpeedMbps: 100,
            ispName: "Synthetic ISP",
        });
        keys[name] = ciphertext();
    }
    base.config["landing-zone:sites"] = sites;
    base.config["landing-zone:vpnPreSharedKeys"] = keys;
    return YAML.stringify(base);
}

function parent(sizes: number[], json: boolean, nodeFlags: string[]): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wan-bench-"));
    const samples: Sample[] = [];
    try {
        for (const size of sizes) {
            const file = path.join(dir, `Pulumi.bench-${size}.yaml`);
            fs.writeFileSync(file, syntheticStack(size));
            // The real `npm run plan` process (esbuild launcher, its node flags), measured by a preload.
            const measureFile = path.join(dir, `measure-${size}.json`);
            const started = Date.now();
            const result = spawnSync(process.execPath, [...(nodeFlags.length ? nodeFlags : PLAN_NODE_FLAGS), "-r", path.join(__dirname, "preload-measure.js"), "stacks/plan/launch.js", "--stack", "prod", "--config", file, "--json"], {
                cwd: ROOT,
                encoding: "utf8",
                maxBuffer: 256 * 2 ** 20,
                env: { ...process.env, LZ_MEASURE_OUT: measureFile },
            });
            const processMs = Date.now() - started;
            // Exit 1 is expected: hundreds of branches break the prod cost cap.
            if (result.status !== 0 && result.status !== 1) throw new Error(`plan of ${size} sites failed: ${result.stderr}`);
            const measured = JSON.parse(fs.readFileSync(measureFile, "utf8")) as { ms: number; maxRssMiB: number; cpuMs: number };
            const doc = JSON.parse(result.stdout) as { resources: unknown[] };
            samples.push({ sites: size, resources: doc.resources.length, planMs: measured.ms, cpuMs: measured.cpuMs, processMs, maxRssMb: measured.maxRssMiB });
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    if (json) {
        process.stdout.write(`${JSON.stringify(samples, null, 2)}\n`);
        return;
    }
    const rows = samples.map((s) => [String(s.sites), String(s.resources), s.planMs.toFixed(0), s.cpuMs.toFixed(0), s.processMs.toFixed(0), s.maxRssMb.toFixed(0)]);
    const header = ["sites", "resources", "plan ms", "cpu ms", "process ms", "max RSS MB"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const r of [header, ...rows]) process.stdout.write(`${r.map((c, i) => c.padStart(widths[i])).join("  ")}\n`);
    for (let i = 1; i < samples.length; i++) {
        const a = samples[i - 1];
        const b = samples[i];
        process.stdout.write(`  ${a.sites}→${b.sites} sites: ${((b.planMs - a.planMs) / (b.sites - a.sites)).toFixed(2)} ms (${((b.cpuMs - a.cpuMs) / (b.sites - a.sites)).toFixed(2)} ms CPU) and ${((b.maxRssMb - a.maxRssMb) / (b.sites - a.sites)).toFixed(2)} MB RSS per added site\n`);
    }
    if (nodeFlags.length > 0) process.stdout.write(`(children ran with node ${nodeFlags.join(" ")})\n`);
    const s500 = samples.find((s) => s.sites === 500);
    if (s500) process.stdout.write(`500 sites: ${(s500.planMs / 1000).toFixed(1)} s plan (target < ${TARGET_500_MS / 1000} s): ${s500.planMs < TARGET_500_MS ? "met" : "MISSED"}\n`);
}

if (require.main === module) {
    const args = process.argv.slice(2);
    const sizesArg = args.indexOf("--sizes");
    const sizes = sizesArg >= 0 ? args[sizesArg + 1].split(",").map(Number) : [10, 100, 500];
    const flagsArg = args.indexOf("--node-flags");
    parent(sizes, args.includes("--json"), flagsArg >= 0 ? args[flagsArg + 1].split(/\s+/).filter(Boolean) : []);
}
