/**
 * `npm run plan -- [--stack dev] [--config FILE] [--json] [--base BASE.json] [--diagram]` (started by
 * stacks/plan/launch.js, which bundles this file and exits with `main`'s status).
 *
 * Evaluates the real program offline under Pulumi mocks with a stack's
 * config and prints the report (or the JSON document with --json).
 * Exit status: 0 no mandatory violation; 1 a mandatory violation; 2 invalid
 * config or usage (one line per problem on stderr).
 */
import * as fs from "fs";
import * as path from "path";
import { estimateMonthlyCost } from "../components/cost";
import { hasMandatory, PolicyConfigError, runPoliciesOffline } from "../policy/offline";
import { ipv6Readiness } from "../policy/ipv6-readiness";
import { renderDiagram } from "./plan/diagram";
import { BasePlan, BasePlanError, diffPlans, readBasePlan } from "./plan/diff";
import { buildPlanDocument, PlanDocument, renderReport } from "./plan/report";
import { PlanRun, runPlan } from "./plan/run";
import { readStackFile, StackFileError } from "./plan/stack-file";

interface Options { stack: string; configFile?: string; json: boolean; baseFile?: string; diagram: boolean }

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
        else if (arg === "--json") options.json = true;
        else if (arg === "--base") options.baseFile = value();
        else if (arg === "--diagram") options.diagram = true;
        else if (arg === "--help" || arg === "-h") throw new UsageError("usage: npm run plan -- [--stack NAME] [--config Pulumi.NAME.yaml] [--json] [--base BASE.json] [--diagram]");
        else throw new UsageError(`unknown argument ${arg} (usage: npm run plan -- [--stack NAME] [--config FILE] [--json] [--base BASE.json] [--diagram])`);
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
    const result = await runPlan(options.stack, stackConfig);
    if (!result.ok) {
        process.stderr.write(result.problems.map((p) => `${p}\n`).join(""));
        return 2;
    }
    let planned;
    try {
        planned = await planDocument(result.run);
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
    return planned.mandatory ? 1 : 0;
}

/**
 * A plan run priced, checked against the policies and rated for IPv6: the
 * document `--json` prints, and whether a mandatory policy failed.
 * Throws PolicyConfigError for an invalid policy config.
 */
export async function planDocument(run: PlanRun): Promise<{ doc: PlanDocument; mandatory: boolean }> {
    const estimate = estimateMonthlyCost(
        run.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
        { awsRegion: run.config.aws.region, azureLocation: run.config.azure.location },
    );
    const policies = await runPoliciesOffline(run.resources, {
        env: policyEnvironment(run.config.environment, run.config.profile),
        configOverrides: run.config.monthlyCostCapUsd !== undefined ? { "cost-monthly-cap": { monthlyCapUsd: run.config.monthlyCostCapUsd } } : {},
        secretLength: (resource, inputPath) => (resource as (typeof run.resources)[number]).secretLengths?.[inputPath],
    });
    const doc = buildPlanDocument(run, {
        policies: { violations: policies.violations },
        ipv6: ipv6Readiness(run.resources),
        cost: {
            currency: "USD",
            monthly: estimate.monthly,
            cap: run.config.monthlyCostCapUsd ?? null,
            items: estimate.items.map(({ type, name, monthly, basis }) => ({ type, name, monthly, basis })),
        },
    });
    return { doc, mandatory: hasMandatory(policies) };
}

/**
 * Which policy/config/<env>.json applies: the environment's own file when
 * there is one, else the file for its profile (prod for production, dev for
 * budget), so a new stack is checked at once.
 */
function policyEnvironment(environment: string, profile: "budget" | "production"): string {
    const dir = path.join(__dirname, "..", "policy", "config");
    if (fs.existsSync(path.join(dir, `${environment}.json`))) return environment;
    return profile === "production" ? "prod" : "dev";
}
