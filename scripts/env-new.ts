/**
 * `npm run env:new -- --name <env> --profile budget|production --region <aws> --location <azure>`
 *
 * Writes Pulumi.<env>.yaml (sane defaults for the profile, address ranges
 * clear of every existing stack) and policy/config/<env>.json (the profile's
 * policy levels, a cap with 20 % headroom over the new stack's own offline
 * estimate), checks that the new stack plans cleanly, and prints the exact
 * commands that remain (stack, secrets, preview, up). Nothing else needs an
 * edit: the tests, the workflow matrix and the cost tables discover
 * environments from the stack files.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { estimateMonthlyCost } from "../components/cost";
import { POLICY_CONFIG_ENV } from "../stacks/config/cost-cap";
import { namespaceConfig, Profile, resolveConfig } from "../stacks/config/resolve";
import { discoverEnvironments, policyConfigFileOf, REPO_ROOT, stackFileOf } from "../stacks/environments";
import { allocateAddresses, capWithHeadroom, newPolicyConfig, newStackFile, NewEnvironmentOptions, rangesOf } from "../stacks/new-environment";
import { runPlan } from "../stacks/plan/run";
import { readStackFile } from "../stacks/plan/stack-file";

export class EnvNewError extends Error {}

const USAGE = "usage: npm run env:new -- --name <env> --profile budget|production --region <aws region> --location <azure location> [--owner EMAIL] [--cost-centre CODE]";

export function parseEnvNewArgs(argv: string[]): NewEnvironmentOptions & { root: string } {
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (!/^--(name|profile|region|location|owner|cost-centre|root)$/.test(flag)) throw new EnvNewError(`unknown argument ${flag} (${USAGE})`);
        const value = argv[++i];
        if (value === undefined || value.startsWith("--")) throw new EnvNewError(`${flag} needs a value`);
        values[flag.slice(2)] = value;
    }
    const missing = ["name", "profile", "region", "location"].filter((k) => !values[k]);
    if (missing.length > 0) throw new EnvNewError(`missing ${missing.map((m) => `--${m}`).join(", ")} (${USAGE})`);
    if (!/^[a-z][a-z0-9-]{0,29}$/.test(values.name)) throw new EnvNewError(`--name ${values.name}: use 1–30 lowercase letters, digits or dashes, starting with a letter`);
    if (values.profile !== "budget" && values.profile !== "production") throw new EnvNewError(`--profile ${values.profile}: use budget or production`);
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(values.region)) throw new EnvNewError(`--region ${values.region}: not an AWS region name (e.g. eu-west-1)`);
    if (!/^[a-z][a-z0-9]+$/.test(values.location)) throw new EnvNewError(`--location ${values.location}: not an Azure location name (e.g. westeurope)`);
    return {
        name: values.name,
        profile: values.profile,
        region: values.region,
        location: values.location,
        ...(values.owner ? { owner: values.owner } : {}),
        ...(values["cost-centre"] ? { costCentre: values["cost-centre"] } : {}),
        root: values.root ? path.resolve(values.root) : REPO_ROOT,
    };
}

export interface CreatedEnvironment {
    stackFile: string;
    policyFile: string;
    monthly: number;
    /** Lines the catalogue has no price for in this region (the estimate is low by them). */
    unpriced: number;
    cap: number;
}

/** Writes the two files for a new environment under `root`; refuses to overwrite. */
export async function createEnvironment(options: NewEnvironmentOptions, root: string = REPO_ROOT): Promise<CreatedEnvironment> {
    const stackFile = stackFileOf(options.name, root);
    const policyFile = policyConfigFileOf(options.name, root);
    for (const file of [stackFile, policyFile]) if (fs.existsSync(file)) throw new EnvNewError(`${path.relative(root, file)} already exists; choose another --name`);

    const existing = discoverEnvironments(root).map((env) => ({ env, raw: namespaceConfig(readStackFile(stackFileOf(env, root), undefined).config) }));
    const addresses = allocateAddresses(existing.flatMap((e) => rangesOf(e.raw)));
    const template = policyTemplate(options.profile, existing, root);

    // Plan the new stack once to set its cap from its own estimate. The program's budgets read the
    // cap from the policy config, so a provisional one (the template's) is written first.
    const draft = newStackFile(options, addresses);
    fs.mkdirSync(path.dirname(policyFile), { recursive: true });
    fs.writeFileSync(policyFile, policyConfigText(template));
    const previous = process.env[POLICY_CONFIG_ENV];
    process.env[POLICY_CONFIG_ENV] = policyFile;
    let planned;
    try {
        planned = await runPlan(options.name, readStackFileText(draft));
    } finally {
        if (previous === undefined) delete process.env[POLICY_CONFIG_ENV];
        else process.env[POLICY_CONFIG_ENV] = previous;
    }
    if (!planned.ok) {
        fs.rmSync(policyFile);
        throw new EnvNewError(`the new stack does not validate:\n${planned.problems.join("\n")}`);
    }
    const estimate = estimateMonthlyCost(planned.run.resources, { awsRegion: options.region, azureLocation: options.location });
    const monthly = estimate.monthly;
    // Lines the catalogue cannot price in this region make the estimate low: keep at least the template's cap.
    const templateCap = (template["cost-monthly-cap"] as { monthlyCapUsd?: number } | undefined)?.monthlyCapUsd ?? 0;
    const cap = Math.max(capWithHeadroom(monthly), estimate.unpriced > 0 ? templateCap : 0);

    fs.writeFileSync(stackFile, draft);
    fs.writeFileSync(policyFile, policyConfigText(newPolicyConfig(template, cap)));
    return { stackFile, policyFile, monthly, unpriced: estimate.unpriced, cap };
}

/** One policy a line, as the committed files are written. */
function policyConfigText(config: Record<string, unknown>): string {
    const inline = (v: unknown) => JSON.stringify(v, null, 1).replace(/\n\s*/g, " ").replace(/\[ /g, "[").replace(/ \]/g, "]");
    return `{\n${Object.entries(config).map(([k, v]) => `  ${JSON.stringify(k)}: ${inline(v)}`).join(",\n")}\n}\n`;
}

/** The policy levels of an existing environment with the same profile (dev/prod first), as the new one's template. */
function policyTemplate(profile: Profile, existing: Array<{ env: string; raw: Record<string, unknown> }>, root: string): Record<string, unknown> {
    const preferred = profile === "production" ? "prod" : "dev";
    const sameProfile = existing
        .filter(({ raw }) => { const r = resolveConfig(raw); return r.ok && r.config.profile === profile; })
        .map((e) => e.env)
        .sort((a, b) => Number(b === preferred) - Number(a === preferred));
    const source = [...sameProfile, preferred].map((env) => policyConfigFileOf(env, root)).find((f) => fs.existsSync(f));
    if (!source) throw new EnvNewError(`no policy config of a ${profile} environment to start from (policy/config/${preferred}.json)`);
    return JSON.parse(fs.readFileSync(source, "utf8")) as Record<string, unknown>;
}

function readStackFileText(text: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "env-new-"));
    const file = path.join(dir, "Pulumi.draft.yaml");
    fs.writeFileSync(file, text);
    try {
        return readStackFile(file, undefined);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The commands that remain, exactly. */
export function nextSteps(options: NewEnvironmentOptions, created: CreatedEnvironment, root: string = REPO_ROOT): string[] {
    const rel = (f: string) => path.relative(root, f);
    const stackDoc = YAML.parse(fs.readFileSync(created.stackFile, "utf8")) as { config: Record<string, unknown> };
    const seed = "landing-zone:crossCloudTunnelKeySeed" in stackDoc.config;
    return [
        `wrote ${rel(created.stackFile)} and ${rel(created.policyFile)}: estimated $${created.monthly.toFixed(2)} a month${created.unpriced ? ` (+ ${created.unpriced} lines the catalogue cannot price in this region)` : ""}, cap $${created.cap.toFixed(2)}`,
        "",
        "next:",
        `  npm run plan -- --stack ${options.name}   # offline: resources, reachability, cost, policies`,
        `  npm test   # every spec covers the new stack too`,
        `  pulumi stack init ${options.name}`,
        ...(seed ? [`  pulumi config set --stack ${options.name} --secret landing-zone:crossCloudTunnelKeySeed "$(openssl rand -base64 30)"`] : []),
        `  # for each branch office you add under landing-zone:sites:`,
        `  pulumi config set --stack ${options.name} --secret --path 'landing-zone:vpnPreSharedKeys.<site>' "$(openssl rand -base64 30)"`,
        `  pulumi preview --stack ${options.name} --policy-pack policy --policy-pack-config ${rel(created.policyFile)}`,
        `  pulumi up --stack ${options.name}`,
    ];
}

if (require.main === module) {
    (async () => {
        let options;
        try {
            options = parseEnvNewArgs(process.argv.slice(2));
            const created = await createEnvironment(options, options.root);
            process.stdout.write(`${nextSteps(options, created, options.root).join("\n")}\n`);
        } catch (err) {
            if (err instanceof EnvNewError) {
                process.stderr.write(`${err.message}\n`);
                process.exit(2);
            }
            throw err;
        }
    })().catch((err: Error | undefined) => {
        process.stderr.write(`env:new failed: ${String((err && err.stack) || err)}\n`);
        process.exit(3);
    });
}
