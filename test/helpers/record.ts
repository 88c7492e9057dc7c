/**
 * Runs resource-declaring code under Pulumi mocks (the plan's provider-like
 * LandingZoneMocks) and returns every resource registered, with its inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { LandingZoneMocks } from "../../stacks/plan/mocks";
import { runInPlanStack, whenSettled } from "../../stacks/plan/run";

export interface Recorded {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

export async function recordResources<T>(build: () => T, region = "us-east-1"): Promise<{ resources: Recorded[]; built: T }> {
    const mocks = new LandingZoneMocks(region);
    const resources: Recorded[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                resources.push({ type: args.type, name: args.name, inputs: args.inputs });
                return mocks.newResource(args);
            },
            call: (args) => mocks.call(args),
        },
        "landing-zone",
        "test",
        false,
    );
    // Pulumi records a stack trace per internal promise; skipping them makes mock runs several times faster.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        // As the offline plan runs the program: in a root stack, without aliases.
        let built: T | undefined;
        await runInPlanStack(() => {
            built = build();
        });
        await whenSettled(() => resources.length);
        return { resources: resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), built: built as T };
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
}

export function ofType(resources: Recorded[], type: string): Recorded[] {
    return resources.filter((r) => r.type === type);
}

/** The resolved value of an output. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}
