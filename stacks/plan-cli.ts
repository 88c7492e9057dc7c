/**
 * `npm run plan -- [flags]` (started by stacks/plan/launch.js, which bundles
 * this file and exits with `main`'s status). The flags are one table in
 * stacks/plan/flags.ts; `--help` prints it.
 *
 * Evaluates the real program offline under Pulumi mocks with a stack's
 * config and prints the report (or the JSON document with --json; --out
 * writes it to a file; --base adds the changes against an earlier plan;
 * --diagram prints the topology instead).
 * Exit status: 0 no mandatory violation; 1 a mandatory violation; 2 invalid
 * config or usage, or a provider preflight violation (one line per problem on stderr).
 */
import * as fs from "fs";
import * as path from "path";
import { estimateMonthlyCost } from "../components/cost";
import { preflightLines, runPreflight } from "../components/preflight";
import { hasMandatory, loadPolicyConfig, PolicyConfigError, runPoliciesOffline } from "../policy/offline";
import { ipv6Readiness } from "../policy/ipv6-readiness";
import { CostCap, costCapFromFile, CostCapError, LEGACY_STACK_CAP_KEY, POLICY_CONFIG_ENV, policyConfigPath, shownPath, stackCapDisagreement } from "./config/cost-cap";
import { costShares, overCapAdvice } from "./plan/cost-advice";
import { renderDiagram } from "./plan/diagram";
import { BasePlan, BasePlanError, diffPlans, readBasePlan } from "./plan/diff";
import { parsePlanArgs, PlanOptions, planUsage, UsageError } from "./plan/flags";
import { reachability } from "./plan/reachability";
import { buildPlanDocument, PlanDocument, renderReport } from "./plan/report";
import { replacementsByConfigKey } from "./plan/replacements";
import { PlanRun, runPlan } from "./plan/run";
import { readStackFile, StackFileError } from "./plan/stack-file";
import { configKeyOf } from "./plan/violation-keys";
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
    const json = `${JSON.stringify(doc, null, 2)}\n`;
    if (options.out) fs.writeFileSync(options.out, json);
    const text = options.diagram ? `${renderDiagram(doc)}\n` : options.json ? json : `${renderReport(doc, reportWidth(options.width))}\n`;
    process.stdout.write(text);
    // The providers' own rules on every planned input: a violation fails like invalid config.
    if (doc.preflight !== undefined && doc.preflight.violations.length > 0) {
        process.stderr.write(preflightLines(doc.preflight).map((line) => `${line}\n`).join(""));
        return 2;
    }
    return planned.mandatory ? 1 : 0;
}

/**
 * A plan run priced, checked against the policies of the cap's policy config,
 * preflighted, rated for IPv6 and reachability: the document `--json`
 * prints, and whether a mandatory policy failed. Throws PolicyConfigError for
 * an invalid policy config. Without `cap`, the stack's own policy/config/<stack>.json.
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
    const policyConfig = shownPath(cap.file);
    const advice = estimate.monthly > cap.monthlyCapUsd ? overCapAdvice(run.config, run.resources, estimate.monthly, cap.monthlyCapUsd) : undefined;
    const doc = buildPlanDocument(run, {
        preflight: runPreflight(run.resources),
        policies: { violations: policies.violations.map((v) => ({ ...v, configKey: configKeyOf(v, run.config, policyConfig) })) },
        ipv6: ipv6Readiness(run.resources),
        reachability: reachability(run.config, run.resources),
        policyConfig,
        replacements: replacementsByConfigKey(run.resources),
        cost: {
            currency: "USD",
            monthly: estimate.monthly,
            cap: cap.monthlyCapUsd,
            ...(estimate.range ? { range: estimate.range } : {}),
            items: estimate.items.map(({ type, name, monthly, basis, asOf, source, range }) => ({ type, name, monthly, basis, ...(asOf ? { asOf, source } : {}), ...(range ? { range } : {}) })),
            shares: costShares(estimate.items, run.config),
            ...(advice ? { advice } : {}),
        },
    });
    return { doc, mandatory: hasMandatory(policies) };
}
