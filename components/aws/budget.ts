/**
 * Budget (AWS): an AWS Budgets monthly cost budget for the stack, set to the
 * same cap the cost policy enforces in pull requests, so the cap is checked
 * twice: predicted before a change, actual in the cloud. E-mails the alert
 * address at the thresholds of components/cost/budget-alerts.ts. Budgets and
 * their e-mail alerts cost nothing (AWS price list, 2020-10-01).
 *
 * Scope: costs tagged `environment = <env>` (the provider's default tag), so
 * two stacks in one account each see their own spend. AWS counts a tag only
 * after it is activated as a cost allocation tag (Billing console, once per
 * account; see the README); a stack alone in its account may pass
 * `scopeTag: undefined` to budget the whole account instead.
 */
import * as budgets from "@pulumi/aws/budgets";
import * as pulumi from "@pulumi/pulumi";
import { BUDGET_ALERTS } from "../cost/budget-alerts";

export interface BudgetArgs {
    /** The monthly cap in USD: the cost policy's cap. Required, positive. */
    amountUsd: number;
    /** Who is e-mailed at each threshold. Required. */
    alertEmail: string;
    /** Budget only costs carrying this tag (a cost allocation tag). Default: the whole account. */
    scopeTag?: { key: string; value: string };
    /** Extra tags (the provider adds the default tags). */
    tags?: Record<string, string>;
}

export class Budget extends pulumi.ComponentResource {
    readonly budgetName: pulumi.Output<string>;
    readonly amountUsd: number;

    constructor(name: string, args: BudgetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:aws:Budget", name, {}, opts);
        if (!(args.amountUsd > 0)) throw new Error(`Budget ${name}: amountUsd must be positive, got ${args.amountUsd}`);
        const budget = new budgets.Budget(`${name}-budget`, {
            name: `${name}-monthly-cap`,
            budgetType: "COST",
            limitAmount: args.amountUsd.toFixed(2),
            limitUnit: "USD",
            timeUnit: "MONTHLY",
            ...(args.scopeTag ? { costFilters: [{ name: "TagKeyValue", values: [`user:${args.scopeTag.key}$${args.scopeTag.value}`] }] } : {}),
            notifications: BUDGET_ALERTS.map((a) => ({
                notificationType: a.kind === "forecast" ? "FORECASTED" : "ACTUAL",
                comparisonOperator: "GREATER_THAN",
                threshold: a.percent,
                thresholdType: "PERCENTAGE",
                subscriberEmailAddresses: [args.alertEmail],
            })),
            tags: { Name: `${name}-monthly-cap`, ...args.tags },
        }, { parent: this });
        this.budgetName = budget.name;
        this.amountUsd = args.amountUsd;
        this.registerOutputs({ budgetName: this.budgetName });
    }
}
