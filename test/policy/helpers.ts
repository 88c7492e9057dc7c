/**
 * Test helpers: declare resources with the real provider SDK classes under
 * Pulumi mocks and capture their inputs exactly as the engine would send
 * them (the shape CrossGuard and the offline plan give the policies), with
 * the dependency URNs the engine records. Then run policies offline.
 */
import * as pulumi from "@pulumi/pulumi";
import { Policies, PolicyPackConfig } from "@pulumi/policy";
import { OfflinePolicyOptions, OfflinePolicyResult, OfflineResource, runPoliciesOffline } from "../../policy/offline";
import { LandingZoneMocks } from "../../stacks/plan/mocks";
import { runInPlanStack, stackUrnOf, whenSettled } from "../../stacks/plan/run";
import { display } from "../../components/display";

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    setParent(urn: string): void;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(f: (v: { getUrnsList(): string[] }, k: string) => void): void };
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Wire values to plain JSON the way stacks/plan/run.ts does: secrets → "[secret]", unknowns → "[unknown]". */
function unwrap(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrap);
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (SECRET_SIG_KEY in record) return record[SECRET_SIG_KEY] === SECRET_SIG ? "[secret]" : `[${display(record.urn ?? "reference")}]`;
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrap(v)]));
    }
    return value === UNKNOWN_WIRE ? "[unknown]" : value;
}

/**
 * Runs `build` under mocks and returns every resource it registered, in
 * order. `withDependencies: false` drops dependency data (as the offline
 * plan does today) to test the policies' fallbacks.
 */
export async function declare(build: () => void, options: { withDependencies?: boolean } = {}): Promise<OfflineResource[]> {
    const resources: OfflineResource[] = [];
    await pulumi.runtime.setMocks(new LandingZoneMocks("us-east-1"), "landing-zone", "test", false);
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: (e: unknown, r: unknown) => void): void };
    const register = monitor.registerResource.bind(monitor);
    const stackUrn = stackUrnOf("landing-zone", "test");
    monitor.registerResource = (req, cb) => {
        if (req.getType() === "pulumi:pulumi:Stack") return register(req, cb);
        if (req.getParent() === stackUrn) req.setParent("");
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => {
            if (v.getUrnsList().length > 0) propertyDependencies[k] = v.getUrnsList();
        });
        resources.push({
            type: req.getType(),
            name: req.getName(),
            urn: `urn:pulumi:test::landing-zone::${req.getType()}::${req.getName()}`,
            parent: req.getParent() || null,
            inputs: unwrap(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
            ...(options.withDependencies === false ? {} : { dependencies: req.getDependenciesList(), propertyDependencies }),
        });
        return register(req, cb);
    };
    // As the offline plan runs the program: in a root stack, without aliases.
    await runInPlanStack(build);
    // Registrations arrive asynchronously; wait until the count stops changing.
    await whenSettled(() => resources.length);
    return resources;
}

/** Runs one policy (or a few) offline and returns the result. */
export async function check(policies: Policies | Policies[number], resources: readonly OfflineResource[], config: PolicyPackConfig = {}, options: Omit<OfflinePolicyOptions, "policies" | "config"> = {}): Promise<OfflinePolicyResult> {
    return runPoliciesOffline(resources, { ...options, policies: Array.isArray(policies) ? policies : [policies], config });
}

export const mandatory = (r: OfflinePolicyResult) => r.violations.filter((v) => v.level === "mandatory");
export const advisory = (r: OfflinePolicyResult) => r.violations.filter((v) => v.level === "advisory");

/** Replaces one input of one captured resource (to stand in for an "[unknown]" or "[secret]" the plan would show). */
export function setInput(resources: OfflineResource[], name: string, path: string[], value: unknown): OfflineResource[] {
    return resources.map((r) => {
        if (r.name !== name) return r;
        const inputs = JSON.parse(JSON.stringify(r.inputs)) as Record<string, unknown>;
        let node = inputs;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
        node[path[path.length - 1]] = value;
        return { ...r, inputs };
    });
}
