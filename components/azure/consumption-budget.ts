/**
 * ConsumptionBudget (Azure): a Cost Management budget on the stack's resource
 * group, set to the same cap the cost policy enforces, e-mailing the alert
 * address at the thresholds of components/cost/budget-alerts.ts. Budgets are
 * free in Azure Cost Management.
 */
import * as consumption from "@pulumi/azure-native/consumption";
import * as pulumi from "@pulumi/pulumi";
import { BUDGET_ALERTS } from "../cost/budget-alerts";

/** Azure wants the first day of a month; a fixed date keeps the plan stable (the budget renews monthly from it). */
export const BUDGET_START_DATE = "2026-01-01T00:00:00Z";

export interface ConsumptionBudgetArgs {
    /** The scope: the stack's resource group id. Required. */
    scope: pulumi.Input<string>;
    /** The monthly cap in USD (the cost policy's cap; Azure bills in the account's currency). Required, positive. */
    amountUsd: number;
    /** Who is e-mailed at each threshold. Required. */
    alertEmail: string;
}

export class ConsumptionBudget extends pulumi.ComponentResource {
    readonly budgetId: pulumi.Output<string>;
    readonly amountUsd: number;

    constructor(name: string, args: ConsumptionBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:azure:ConsumptionBudget", name, {}, opts);
        if (!(args.amountUsd > 0)) throw new Error(`ConsumptionBudget ${name}: amountUsd must be positive, got ${args.amountUsd}`);
        const budget = new consumption.Budget(`${name}-budget`, {
            budgetName: `${name}-monthly-cap`,
            scope: args.scope,
            amount: args.amountUsd,
            category: "Cost",
            timeGrain: "Monthly",
            timePeriod: { startDate: BUDGET_START_DATE },
            notifications: Object.fromEntries(BUDGET_ALERTS.map((a) => [
                `${a.kind}-${a.percent}`,
                {
                    enabled: true,
                    operator: "GreaterThan",
                    threshold: a.percent,
                    thresholdType: a.kind === "forecast" ? "Forecasted" : "Actual",
                    contactEmails: [args.alertEmail],
                },
            ])),
        }, { parent: this });
        this.budgetId = budget.id;
        this.amountUsd = args.amountUsd;
        this.registerOutputs({ budgetId: this.budgetId });
    }
}
