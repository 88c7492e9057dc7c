/**
 * ConsumptionBudget (Azure): a Cost Management budget on the stack's resource
 * group, set to the same cap the cost policy enforces, e-mailing the alert
 * address at the thresholds of components/cost/budget-alerts.ts. Budgets are
 * free in Azure Cost Management.
 */
import * as consumption from "@pulumi/azure-native/consumption";
import * as pulumi from "@pulumi/pulumi";
import { BUDGET_ALERTS } from "../cost/budget-alerts";

/**
 * The first day of `now`'s month (UTC), ISO. Azure wants a Cost budget to
 * start on the first of a month, and a past start date within the current
 * month (the time grain): so the start is the month of the first deployment.
 */
export function firstOfMonthUtc(now: Date): string {
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().replace(/\.000Z$/, "Z");
}

export interface ConsumptionBudgetArgs {
    /** The scope: the stack's resource group id. Required. */
    scope: pulumi.Input<string>;
    /** The monthly cap in USD (the cost policy's cap; Azure bills in the account's currency). Required, positive. */
    amountUsd: number;
    /** Who is e-mailed at each threshold. Required. */
    alertEmail: string;
    /** First day of the budget's first month, ISO (firstOfMonthUtc). Default: this month. Kept after creation (later months renew from it). */
    startDate?: string;
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
            timePeriod: { startDate: args.startDate ?? firstOfMonthUtc(new Date()) },
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
        }, {
            parent: this,
            // The start is set once: a later deployment in another month must not move it (Azure refuses past months anyway).
            ignoreChanges: ["timePeriod"],
        });
        this.budgetId = budget.id;
        this.amountUsd = args.amountUsd;
        this.registerOutputs({ budgetId: this.budgetId });
    }
}
