/**
 * The one place the policy pack meets the cost estimator
 * (components/cost/estimator, built separately). The estimator's API is
 * declared here so the pack type-checks before it lands; the module is
 * loaded on first use, and tests (or the offline plan) can inject any
 * function with the same signature.
 *
 * When components/cost/estimator.ts exists, this can become a static
 * `import { estimateMonthlyCost } from "../components/cost/estimator"`.
 */

export interface CostResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

export interface CostOptions {
    awsRegion: string;
    azureLocation: string;
    /** Default 730. */
    hoursPerMonth?: number;
}

export interface CostItem {
    type: string;
    name: string;
    monthly: number;
    /** Readable arithmetic, e.g. "1 × t4g.micro spot, 730 h × $0.0106 × (1 − 0.69)". */
    basis: string;
    /** False for a type the catalogue cannot price (never silently 0). */
    priced: boolean;
}

export interface CostEstimate {
    currency: "USD";
    monthly: number;
    items: CostItem[];
}

export type EstimateMonthlyCost = (resources: ReadonlyArray<CostResource>, options: CostOptions) => CostEstimate;

let injected: EstimateMonthlyCost | undefined;
let loaded: EstimateMonthlyCost | null | undefined;

/** Replaces the estimator (tests, benchmarks); `undefined` restores the real one. */
export function useCostEstimator(estimator: EstimateMonthlyCost | undefined): void {
    injected = estimator;
}

/** The estimator, or undefined when components/cost/estimator is not present in this checkout. */
export function costEstimator(): EstimateMonthlyCost | undefined {
    if (injected) return injected;
    if (loaded === undefined) {
        try {
            // A plain require keeps the pack loadable while the estimator module does not exist yet.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const mod = require("../components/cost/estimator") as { estimateMonthlyCost?: EstimateMonthlyCost };
            loaded = typeof mod.estimateMonthlyCost === "function" ? mod.estimateMonthlyCost : null;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
            loaded = null;
        }
    }
    return loaded ?? undefined;
}
