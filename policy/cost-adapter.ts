/**
 * The one place the policy pack meets the cost estimator
 * (components/cost), so tests and benchmarks can swap in a stand-in
 * estimator without touching the policies.
 */
import { estimateMonthlyCost } from "../components/cost/estimator";

export type { CostEstimate, CostItem, EstimateOptions as CostOptions, ResourceLike as CostResource } from "../components/cost/estimator";

export type EstimateMonthlyCost = (
    resources: Parameters<typeof estimateMonthlyCost>[0],
    options: Parameters<typeof estimateMonthlyCost>[1],
) => { currency: "USD"; monthly: number; items: Array<{ type: string; name: string; monthly: number; basis: string; priced: boolean }> };

let injected: EstimateMonthlyCost | undefined;

/** Replaces the estimator (tests, benchmarks); `undefined` restores the real one. */
export function useCostEstimator(estimator: EstimateMonthlyCost | undefined): void {
    injected = estimator;
}

/** The estimator in use: the injected stand-in, else components/cost's. */
export function costEstimator(): EstimateMonthlyCost {
    return injected ?? estimateMonthlyCost;
}
