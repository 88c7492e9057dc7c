/**
 * The program as a function: read and validate the config (before any
 * resource is declared), plan the addresses, confirm the account's
 * Availability Zones with the provider, build the landing zone, return
 * the stack outputs. `stacks/index.ts` runs it under the engine; the offline
 * plan runs the same function under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { planAddresses } from "../components/addressing";
import { ConfigError, addressingInputOf, loadConfig } from "./config";
import { confirmAvailabilityZones } from "./availability-zones";
import { CostCapError, POLICY_CONFIG_ENV, costCapFromFile, policyConfigPath, stackCapDisagreement } from "./config/cost-cap";
import { buildLandingZone, createProviders } from "./landing-zone";

export async function landingZoneProgram(): Promise<Record<string, unknown>> {
    let config;
    try {
        config = loadConfig();
    } catch (err) {
        // RunError prints just the message (one line per problem), not a stack trace.
        if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
        throw err;
    }
    // The one cap (the policy config the pack enforces): the cloud budgets take it. A stack that
    // still sets the old second cap must agree with it.
    const stack = pulumi.getStack();
    let cap;
    try {
        cap = costCapFromFile(process.env[POLICY_CONFIG_ENV] ?? policyConfigPath(stack), stack);
    } catch (err) {
        if (err instanceof CostCapError) throw new pulumi.RunError(err.message);
        throw err;
    }
    if (config.monthlyCostCapUsd !== undefined) {
        const line = stackCapDisagreement(config.monthlyCostCapUsd, cap, `Pulumi.${stack}.yaml`);
        if (line) throw new pulumi.RunError(line);
    }
    const plan = planAddresses(addressingInputOf(config));
    const providers = createProviders(config);
    // The account's zones, before any cloud resource is declared (declarations stay outside apply).
    await confirmAvailabilityZones(config, providers.aws);
    return buildLandingZone({ ...config, monthlyCostCapUsd: cap.monthlyCapUsd }, plan, undefined, providers).outputs;
}
