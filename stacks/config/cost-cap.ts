/**
 * The monthly cost cap: one number, one place.
 *
 * The single source of truth is the policy pack config of the stack,
 * `policy/config/<stack>.json` → `"cost-monthly-cap".monthlyCapUsd`: exactly
 * what `pulumi preview --policy-pack policy --policy-pack-config
 * policy/config/<stack>.json` enforces. The offline plan applies that file as
 * it is, and anything else that needs the cap (cloud budgets, reports) reads
 * it through `costCapOf`. There is no fallback to another stack's file: a
 * stack without its own policy config is an error the user has to fix.
 *
 * Pure (file reads only, no Pulumi imports).
 *
 * Usage:
 *   const cap = costCapOf("dev");                 // policy/config/dev.json
 *   cap.monthlyCapUsd;                            // 400
 *   cap.file;                                     // absolute path of the file
 *   costCapOf("dev", "/tmp/policy-config");       // another directory
 *   costCapFromFile("/tmp/x.json", "dev");        // an explicit file
 * Each throws CostCapError (one line naming the file and the key) when the
 * file is missing, is not JSON, or has no positive cap in whole cents.
 */
import * as fs from "fs";
import * as path from "path";

/** The policy that holds the cap, and its setting. */
export const COST_CAP_POLICY = "cost-monthly-cap";
export const COST_CAP_SETTING = "monthlyCapUsd";
/** The stack config key that used to carry a second copy of the cap; accepted only when it agrees. */
export const LEGACY_STACK_CAP_KEY = "landing-zone:monthlyCostCapUsd";

/**
 * Environment variable naming the policy config file the program takes the
 * cap from (the offline plan's --policy-config sets it); default
 * policy/config/<stack>.json.
 */
export const POLICY_CONFIG_ENV = "LANDING_ZONE_POLICY_CONFIG";

/** The repository's policy config directory (policy/config). */
export const DEFAULT_POLICY_CONFIG_DIR = path.join(__dirname, "..", "..", "policy", "config");

export interface CostCap {
    /** The stack the cap is for. */
    stack: string;
    /** Absolute path of the policy config file the cap comes from. */
    file: string;
    /** The monthly cap in USD (`"cost-monthly-cap".monthlyCapUsd`). */
    monthlyCapUsd: number;
}

export class CostCapError extends Error {}

/** `policy/config/<stack>.json` in `dir` (default: the repository's policy/config). */
export function policyConfigPath(stack: string, dir: string = DEFAULT_POLICY_CONFIG_DIR): string {
    return path.resolve(dir, `${stack}.json`);
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function shownPath(file: string): string {
    const rel = path.relative(process.cwd(), file);
    return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** The cap of `stack`, read from `<dir>/<stack>.json`. Throws CostCapError. */
export function costCapOf(stack: string, dir: string = DEFAULT_POLICY_CONFIG_DIR): CostCap {
    return costCapFromFile(policyConfigPath(stack, dir), stack);
}

/** The cap in an explicit policy config file (e.g. the plan's --policy-config). Throws CostCapError. */
export function costCapFromFile(file: string, stack: string): CostCap {
    const abs = path.resolve(file);
    const shown = shownPath(abs);
    if (!fs.existsSync(abs)) {
        throw new CostCapError(
            `${shown}: no policy config for stack "${stack}"; the monthly cost cap (${COST_CAP_POLICY}.${COST_CAP_SETTING}) lives there (copy policy/config/dev.json and set it)`,
        );
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(abs, "utf8"));
    } catch (e) {
        throw new CostCapError(`${shown}: not valid JSON (${(e as Error).message})`);
    }
    const entry = parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>)[COST_CAP_POLICY] : undefined;
    const cap = entry && typeof entry === "object" ? (entry as Record<string, unknown>)[COST_CAP_SETTING] : undefined;
    if (typeof cap !== "number" || !Number.isFinite(cap) || cap <= 0) {
        throw new CostCapError(`${shown}: ${COST_CAP_POLICY}.${COST_CAP_SETTING}: required, a number of USD above 0 (the stack's monthly cost cap)`);
    }
    // The AWS budget is set in cents (components/aws/budget.ts): a finer cap would make cost-monthly-cap refuse the program's own budget.
    if (Number(cap.toFixed(2)) !== cap) {
        throw new CostCapError(`${shown}: ${COST_CAP_POLICY}.${COST_CAP_SETTING}: ${cap} is finer than a cent; the cloud budgets are set in cents (use ${cap.toFixed(2)})`);
    }
    return { stack, file: abs, monthlyCapUsd: cap };
}

/**
 * The stack file may still carry `landing-zone:monthlyCostCapUsd` (older
 * stacks). It is accepted only when it equals the policy file's cap; a
 * different number is a config error (one line naming both), because the
 * real policy pack would enforce the policy file's number regardless.
 */
export function stackCapDisagreement(stackValue: number | undefined, cap: CostCap, stackFile: string): string | undefined {
    if (stackValue === undefined || stackValue === cap.monthlyCapUsd) return undefined;
    return (
        `${LEGACY_STACK_CAP_KEY}: ${stackValue} in ${shownPath(path.resolve(stackFile))} disagrees with ${COST_CAP_POLICY}.${COST_CAP_SETTING}: ` +
        `${cap.monthlyCapUsd} in ${shownPath(cap.file)}; the policy file is the one source of the cap, remove ${LEGACY_STACK_CAP_KEY}`
    );
}
