/**
 * The real stack files as tests need them: as the program sees their config,
 * edited into temporary variants, and the plan command's output captured.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { LandingZoneConfig, namespaceConfig, resolveConfig } from "../../stacks/config/resolve";
import { main } from "../../stacks/plan-cli";
import { PlanRun, runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";

export const ROOT = path.join(__dirname, "..", "..");

const parsedStackFiles = new Map<string, { raw: Record<string, any>; document: Record<string, any> }>();

/** A real stack file, read and parsed once per test process (parsing YAML is slow); callers get copies. */
function stackFile(stack: "dev" | "prod"): { raw: Record<string, any>; document: Record<string, any> } {
    let parsed = parsedStackFiles.get(stack);
    if (!parsed) {
        const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
        parsed = { raw: namespaceConfig(readStackFile(file).config), document: YAML.parse(fs.readFileSync(file, "utf8")) };
        parsedStackFiles.set(stack, parsed);
    }
    return structuredClone(parsed);
}

/** A stack file's config as the program sees it (keys without the namespace, values parsed); a fresh copy each call. */
export function rawConfigOf(stack: "dev" | "prod"): Record<string, any> {
    return stackFile(stack).raw;
}

/** A real stack's config with `mutate` applied, resolved; fails the test if the program would refuse it. */
export function acceptedConfigOf(mutate: (raw: Record<string, any>) => void, stack: "dev" | "prod" = "dev"): LandingZoneConfig {
    const raw = rawConfigOf(stack);
    mutate(raw);
    const result = resolveConfig(raw);
    assert.ok(result.ok, JSON.stringify(result));
    return result.config;
}

/** A temporary copy of a real stack file with `edit` applied to its `config:` map; returns its path. */
export function editedStackFile(stack: "dev" | "prod", edit: (config: Record<string, any>, document: Record<string, any>) => void): string {
    const doc = stackFile(stack).document;
    edit(doc.config, doc);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lz-stack-")), `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, YAML.stringify(doc));
    return file;
}

/** A temporary copy of policy/config/<stack>.json with `edit` applied; returns its path (for the plan's --policy-config). */
export function editedPolicyConfig(stack: "dev" | "prod", edit: (config: Record<string, any>) => void): string {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", `${stack}.json`), "utf8"));
    edit(config);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lz-policy-")), `${stack}.json`);
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
}

/** Runs `fn` with stdout and stderr captured. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => ((stdout += chunk), true));
    process.stderr.write = ((chunk: string) => ((stderr += chunk), true));
    try {
        const result = await fn();
        return { result, stdout, stderr };
    } finally {
        process.stdout.write = out;
        process.stderr.write = err;
    }
}

/** The plan command in-process with `--out`: the report it prints and the JSON document it writes, from one plan. */
export async function planReportAndJson(args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: string }> {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lz-out-")), "plan.json");
    const { result, stdout, stderr } = await captureOutput(() => main([...args, "--out", out]));
    return { code: result, stdout, stderr, json: fs.readFileSync(out, "utf8") };
}

const plans = new Map<string, Promise<PlanRun>>();

/**
 * The offline plan of an unedited stack file, run once per test process and
 * shared by every spec (a plan takes about a second; treat it as read-only).
 */
export function planOfStack(stack: string): Promise<PlanRun> {
    let planned = plans.get(stack);
    if (!planned) {
        planned = runPlan(stack, readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`))).then((result) => {
            if (!result.ok) throw new Error(`plan of ${stack} failed:\n${result.problems.join("\n")}`);
            return result.run;
        });
        plans.set(stack, planned);
    }
    return planned;
}
