/**
 * The program as a function: read and validate the config (before any
 * resource is declared), plan the addresses, build the landing zone, return
 * the stack outputs. `stacks/index.ts` runs it under the engine; the offline
 * plan runs the same function under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { planAddresses } from "../components/addressing";
import { ConfigError, addressingInputOf, loadConfig } from "./config";
import { CostCapError, costCapOf, stackCapDisagreement } from "./config/cost-cap";
import { buildLandingZone } from "./landing-zone";

export function landingZoneProgram(): Record<string, unknown> {
    let config;
    try {
        config = loadConfig();
    } catch (err) {
        // RunError prints just the message (one line per problem), not a stack trace.
        if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
        throw err;
    }
    // A stack that still sets the old second cap must agree with the policy file (the one source).
    if (config.monthlyCostCapUsd !== undefined) {
        const stack = pulumi.getStack();
        try {
            const line = stackCapDisagreement(config.monthlyCostCapUsd, costCapOf(stack), `Pulumi.${stack}.yaml`);
            if (line) throw new pulumi.RunError(line);
        } catch (err) {
            if (err instanceof CostCapError) throw new pulumi.RunError(err.message);
            throw err;
        }
    }
    const plan = planAddresses(addressingInputOf(config));
    return buildLandingZone(config, plan).outputs;
}
