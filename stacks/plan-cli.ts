/**
 * `npm run plan -- [--stack dev] [--config FILE] [--policy-config FILE] [--json] [--base BASE.json] [--diagram]` (started by
 * stacks/plan/launch.js, which bundles this file and exits with `main`'s status).
 *
 * Evaluates the real program offline under Pulumi mocks with a stack's
 * config and prints the report (or the JSON document with --json).
 * Exit status: 0 no mandatory violation; 1 a mandatory violation; 2 invalid
 * config or usage, or a provider preflight violation (one line per problem on stderr).
 */
import * as path from "path";
import { estimateMonthlyCost } from "../components/cost";
import { preflightLines, runPreflight } from "../components/preflight";
import { hasMandatory, loadPolicyConfig, PolicyConfigError, runPoliciesOffline } from "../policy/offline";
import { ipv6Readiness } from "../policy/ipv6-readiness";
import { renderDiagram } from "./plan/diagram";
import { BasePlan, BasePlanError, diffPlans, readBasePlan } from "./plan/diff";
import { buildPlanDocument, PlanDocument, renderReport } from "./plan/report";
import { replacementsByConfigKey } from "./plan/replacements";
import { PlanRun, runPlan } from "./plan/run";
import { readStackFile, StackFileError } from "./plan/stack-file";
import { CostCap, costCapFromFile, CostCapError, LEGACY_STACK_CAP_KEY, POLICY_CONFIG_ENV, policyConfigPath, shownPath, stackCapDisagreement } from "./config/cost-cap";

interface Options { stack: string; configFile?: string; policyConfigFile?: string; json: boolean; baseFile?: string; diagram: boolean }

const USAGE = "usage: npm run plan -- [--stack NAME] [--config Pulumi.NAME.yaml] [--policy-config policy/config/NAME.json] [--json] [--base BASE.json] [--diagram]";

function parseArgs(argv: string[]): Options {
    const options: Options = { stack: "dev", json: false, diagram: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const next = argv[++i];
            if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a value`);
            return next;
        };
        if (arg === "--stack" || arg === "-s") options.stack = value();
        else if (arg === "--config" || arg === "-c") options.configFile = value();
        else if (arg === "--policy-config") options.policyConfigFile = value();
        else if (arg === "--json") options.json = true;
        else if (arg === "--base") options.baseFile = value();
        else if (arg === "--diagram") options.diagram = true;
        else if (arg === "--help" || arg === "-h") throw new UsageError(USAGE);
        else throw new UsageError(`unknown argument ${arg} (${USAGE})`);
    }
    return options;
}

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
    let options: Options;
    try {
        options = parseArgs(argv);
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 2;
    }
    // npm runs scripts from the package root, where the stack files live.
    const file = options.configFile ?? path.join(process.cwd(), `Pulumi.${options.stack}.yaml`);
    let stackConfig;
    let base: BasePlan | undefined;
    try {
        // The base is read first: a bad --base fails before the plan's seconds are spent.
        if (options.baseFile !== undefined) base = readBasePlan(options.baseFile);
        stackConfig = readStackFile(file);
    } catch (err) {
        if (err instanceof StackFileError || err instanceof BasePlanError) {
            process.stderr.write(`${err.message}\n`);
            return 2;
        }
        throw err;
    }
    // The one cost cap: the policy config `pulumi preview --policy-pack-config`
    // would apply (policy/config/<stack>.json), checked before anything is planned.
    let cap;
    try {
        cap = costCapFromFile(options.policyConfigFile ?? policyConfigPath(options.stack), options.stack);
    } catch (err) {
        if (err instanceof CostCapError) {
            process.stderr.write(`${err.message}\n`);
            return 2;
        }
        throw err;
    }
    const legacyCap = stackConfig.config[LEGACY_STACK_CAP_KEY];
    const disagreement = legacyCap !== undefined && Number.isFinite(Number(legacyCap)) ? stackCapDisagreement(Number(legacyCap), cap, file) : undefined;
    if (disagreement) {
        process.stderr.write(`${disagreement}\n`);
        return 2;
    }
    // The program's cloud budgets take the same file's cap (restored after: tests run many plans in one process).
    const previous = process.env[POLICY_CONFIG_ENV];
    process.env[POLICY_CONFIG_ENV] = cap.file;
    let result;
    try {
        result = await runPlan(options.stack, stackConfig);
    } finally {
        if (previous === undefined) delete process.env[POLICY_CONFIG_ENV];
        else process.env[POLICY_CONFIG_ENV] = previous;
    }
    if (!result.ok) {
        process.stderr.write(result.problems.map((p) => `${p}\n`).join(""));
        return 2;
    }
    let planned;
    try {
        planned = await planDocument(result.run, cap);
    } catch (err) {
        if (err instanceof PolicyConfigError) {
            process.stderr.write(err.problems.map((p) => `policy config: ${p}\n`).join(""));
            return 2;
        }
        throw err;
    }
    const { doc } = planned;
    // The diff informs and never changes the exit status.
    if (base) doc.diff = diffPlans(base, doc);
    const text = options.diagram ? renderDiagram(doc) : options.json ? JSON.stringify(doc, null, 2) : renderReport(doc);
    process.stdout.write(`${text}\n`);
    // The providers' own rules on every planned input: a violation fails like invalid config.
    if (doc.preflight !== undefined && doc.preflight.violations.length > 0) {
        process.stderr.write(preflightLines(doc.preflight).map((line) => `${line}\n`).join(""));
        return 2;
    }
    return planned.mandatory ? 1 : 0;
}

/**
 * A plan run priced, checked against the policies of the cap's policy config
 * and rated for IPv6: the document `--json` prints, and whether a mandatory
 * policy failed. Throws PolicyConfigError for an invalid policy config.
 * Without `cap`, the stack's own policy/config/<stack>.json.
 */
export async function planDocument(run: PlanRun, cap: CostCap = costCapFromFile(policyConfigPath(run.stack), run.stack)): Promise<{ doc: PlanDocument; mandatory: boolean }> {
    const estimate = estimateMonthlyCost(
        run.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
        { awsRegion: run.config.aws.region, azureLocation: run.config.azure.location },
    );
    const policies = await runPoliciesOffline(run.resources, {
        // Exactly the file the real pack would be given: no overrides.
        config: loadPolicyConfig(path.basename(cap.file, ".json"), undefined, path.dirname(cap.file)),
        secretLength: (resource, inputPath) => (resource as (typeof run.resources)[number]).secretLengths?.[inputPath],
    });
    const doc = buildPlanDocument(run, {
        preflight: runPreflight(run.resources),
        policies: { violations: policies.violations },
        ipv6: ipv6Readiness(run.resources),
        policyConfig: shownPath(cap.file),
        replacements: replacementsByConfigKey(run.resources),
        cost: {
            currency: "USD",
            monthly: estimate.monthly,
            cap: cap.monthlyCapUsd,
            items: estimate.items.map(({ type, name, monthly, basis }) => ({ type, name, monthly, basis })),
        },
    });
    return { doc, mandatory: hasMandatory(policies) };
}
