/**
 * When the cloud budgets alert, the same on both clouds: at a forecast of
 * 100 % of the cap (spend is on course to exceed it this month) and at actual
 * spend of 80 % and 100 %. Pure data, shared by the AWS and Azure budget
 * components, the policies and the tests.
 */
export interface BudgetAlert {
    /** forecast: the cloud's month-end forecast; actual: spend so far this month. */
    kind: "forecast" | "actual";
    /** Percent of the budget amount. */
    percent: number;
}

export const BUDGET_ALERTS: readonly BudgetAlert[] = [
    { kind: "forecast", percent: 100 },
    { kind: "actual", percent: 80 },
    { kind: "actual", percent: 100 },
];
