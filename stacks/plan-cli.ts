/**
 * `npm run plan -- [flags]` (started by stacks/plan/launch.js, which bundles
 * this file and exits with `main`'s status). The flags are one table in
 * stacks/plan/flags.ts; `--help` prints it.
 *
 * Evaluates the real program offline under Pulumi mocks with a stack's
 * config and prints the report (or the JSON document with --json; --out
 * writes it to a file).
 * Exit status: 0 no mandatory violation; 1 a mandatory violation; 2 invalid
 * config or usage (one line per problem on stderr).
 */
import * as fs from "fs";
import * as path from "path";
import { estimateMonthlyCost } from "../components/cost";
import { hasMandatory, loadPolicyConfig, PolicyConfigError, runPoliciesOffline } from "../policy/offline";
import { ipv6Readiness } from "../policy/ipv6-readiness";
import { parsePlanArgs, PlanOptions, planUsage, UsageError } from "./plan/flags";
import { costShares, overCapAdvice } from "./plan/cost-advice";
import { reachability } from "./plan/reachability";
import { configKeyOf } from "./plan/violation-keys";
import { buildPlanDocument, renderReport } from "./plan/report";
import { runPlan } from "./plan/run";
import { readStackFile, StackFileError } from "./plan/stack-file";
import { reportWidth } from "./plan/wrap";

export async function main(argv: string[]): Promise<number> {
    let options: PlanOptions;
    try {
        options = parsePlanArgs(argv);
    } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        process.stderr.write(`${err.message}\n`);
        return 2;
    }
    if (options.help) {
        process.stdout.write(`${planUsage()}\n`);
        return 0;
    }
    // npm runs scripts from the package root, where the stack files live.
    const file = options.configFile ?? path.join(process.cwd(), `Pulumi.${options.stack}.yaml`);
    let stackConfig;
    try {
        stackConfig = readStackFile(file);
    } catch (err) {
        if (err instanceof StackFileError) {
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
    const { run } = result;
    const estimate = estimateMonthlyCost(
        run.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
        { awsRegion: run.config.aws.region, azureLocation: run.config.azure.location },
    );
    const policyEnv = policyEnvironment(run.config.environment, run.config.profile);
    let policies;
    try {
        policies = await runPoliciesOffline(run.resources, {
            env: policyEnv,
            configOverrides: run.config.monthlyCostCapUsd !== undefined ? { "cost-monthly-cap": { monthlyCapUsd: run.config.monthlyCostCapUsd } } : {},
            secretLength: (resource, inputPath) => (resource as (typeof run.resources)[number]).secretLengths?.[inputPath],
        });
    } catch (err) {
        if (err instanceof PolicyConfigError) {
            process.stderr.write(err.problems.map((p) => `policy config: ${p}\n`).join(""));
            return 2;
        }
        throw err;
    }
    // The cap the policies applied: the stack's legacy key when set (it overrides), else the policy config's.
    const cap = run.config.monthlyCostCapUsd ?? policyCap(policyEnv);
    const advice = cap !== null && estimate.monthly > cap ? overCapAdvice(run.config, run.resources, estimate.monthly, cap) : undefined;
    const doc = buildPlanDocument(run, {
        policies: { violations: policies.violations.map((v) => ({ ...v, configKey: configKeyOf(v, run.config, policyEnv) })) },
        ipv6: ipv6Readiness(run.resources),
        reachability: reachability(run.config, run.resources),
        policyConfig: `policy/config/${policyEnv}.json`,
        cost: {
            currency: "USD",
            monthly: estimate.monthly,
            cap,
            ...(estimate.range ? { range: estimate.range } : {}),
            items: estimate.items.map(({ type, name, monthly, basis, asOf, source, range }) => ({ type, name, monthly, basis, ...(asOf ? { asOf, source } : {}), ...(range ? { range } : {}) })),
            shares: costShares(estimate.items, run.config),
            ...(advice ? { advice } : {}),
        },
    });
    const json = `${JSON.stringify(doc, null, 2)}\n`;
    if (options.out) fs.writeFileSync(options.out, json);
    process.stdout.write(options.json ? json : `${renderReport(doc, reportWidth(options.width))}\n`);
    return hasMandatory(policies) ? 1 : 0;
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

/** `cost-monthly-cap.monthlyCapUsd` of policy/config/<env>.json, or null. */
function policyCap(env: string): number | null {
    const cap = (loadPolicyConfig(env)["cost-monthly-cap"] as { monthlyCapUsd?: unknown } | undefined)?.monthlyCapUsd;
    return typeof cap === "number" ? cap : null;
}
