/**
 * The offline plan: runs the real program under Pulumi's mock runtime with a
 * stack's config, and collects every registered resource (type, name,
 * parent, resolved inputs, which inputs were secret) plus the stack outputs.
 *
 * The resource tree comes from the registration requests themselves: the
 * mock monitor's `registerResource` is wrapped to read each request's parent
 * URN and its serialized inputs (where secrets still carry their marker),
 * because the mocks' own callback sees neither.
 */
import * as pulumi from "@pulumi/pulumi";
import { AddressPlan } from "../../components/addressing";
import { LandingZoneConfig, namespaceConfig, NAMESPACE, resolveConfig } from "../config/resolve";
import { namespaceProblems } from "../config/namespaces";
import { clearTextSecretProblems } from "../config/secrets-hygiene";
import { LandingZoneMocks } from "./mocks";
import { StackConfig } from "./stack-file";

export const SECRET = "[secret]";
/** Pulumi's wire marker for a secret value. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface PlannedResource {
    type: string;
    name: string;
    urn: string;
    /** The parent's URN, or null for top-level resources. */
    parent: string | null;
    custom: boolean;
    /** Inputs as the provider would receive them, secrets replaced by "[secret]". */
    inputs: Record<string, unknown>;
    /** Length of each redacted secret string by input path (e.g. "vpnLinkConnections[0].sharedKey"), for policies that check key length. */
    secretLengths: Record<string, number>;
    /** URNs this resource depends on, and per input property. */
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** The resource's `ignoreChanges` option: input paths the engine does not diff (e.g. the server group's seeded hooks). */
    ignoreChanges: string[];
}

export interface PlanRun {
    stack: string;
    config: LandingZoneConfig;
    addressPlan: AddressPlan;
    resources: PlannedResource[];
    /** Stack outputs, secrets replaced by "[secret]". */
    outputs: Record<string, unknown>;
}

export type PlanResult = { ok: true; run: PlanRun } | { ok: false; problems: string[] };

/** Runs the program for one stack under mocks. Config problems come back as lines, not exceptions. */
export async function runPlan(stack: string, stackConfig: StackConfig, project = "landing-zone"): Promise<PlanResult> {
    const raw = namespaceConfig(stackConfig.config);
    const secretPaths = new Set(stackConfig.secretPaths);
    const hygiene = [
        ...namespaceProblems(Object.keys(stackConfig.config)),
        ...clearTextSecretProblems(raw, (p) => secretPaths.has(`${NAMESPACE}:${p}`), stack),
    ];
    const validated = resolveConfig(raw);
    if (hygiene.length > 0 || !validated.ok) return { ok: false, problems: [...hygiene, ...(validated.ok ? [] : validated.problems)] };

    const region = validated.config.aws.region;
    pulumi.runtime.setAllConfig(stackConfig.config, stackConfig.secretKeys);
    await pulumi.runtime.setMocks(new LandingZoneMocks(region), project, stack, false);

    const resources: PlannedResource[] = [];
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, callback: (err: unknown, res: unknown) => void): void;
    };
    const register = monitor.registerResource.bind(monitor);
    const redact = redactor(stackConfig.secretValues);
    // The program runs in a root stack resource, as under `pulumi up`; the plan lists what it declares.
    const stackUrn = stackUrnOf(project, stack);
    monitor.registerResource = (req, callback) => {
        const type = req.getType();
        if (type === STACK_TYPE) return register(req, callback);
        // The engine leaves the stack's type out of a top-level resource's URN; the mock
        // monitor would prefix it. Registered without the parent, both agree.
        if (req.getParent() === stackUrn) req.setParent("");
        const name = req.getName();
        const parent = req.getParent() || null;
        const secretLengths: Record<string, number> = {};
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((value, key) => {
            propertyDependencies[key] = value.getUrnsList();
        });
        resources.push({
            type,
            name,
            urn: urnOf(project, stack, parent, type, name),
            parent,
            custom: req.getCustom(),
            inputs: redact(unwrapWire(req.getObject()?.toJavaScript() ?? {}, "", secretLengths)) as Record<string, unknown>,
            secretLengths,
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            ignoreChanges: req.getIgnorechangesList(),
        });
        return register(req, callback);
    };

    // The SDK records a stack trace for every internal promise (for leak
    // reports a mock run never prints); formatting them dominated plan time.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let resolvedOutputs: Record<string, unknown>;
    try {
        // Imported here, after the mocks are in place, so provider modules bind to them.
        const { landingZoneProgram } = await import("../program");
        const outputs = await runInPlanStack(landingZoneProgram);
        resolvedOutputs = redact(await resolveDeep(outputs)) as Record<string, unknown>;
        await whenSettled(() => resources.length);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
    // The program planned the addresses once and exports the plan; reuse it rather than plan again.
    const addressPlan = resolvedOutputs.addressPlan as AddressPlan;
    return { ok: true, run: { stack, config: validated.config, addressPlan, resources, outputs: resolvedOutputs } };
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Runs resource-declaring code as the plan runs the program: in a root stack
 * resource (as under `pulumi up`) whose resources are declared without
 * aliases. Returns what `declare` returned, awaited.
 */
export async function runInPlanStack<T>(declare: () => T | Promise<T>): Promise<Awaited<T>> {
    let result: Awaited<T> | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(withoutAliases);
        result = await declare();
        return undefined;
    });
    return result as Awaited<T>;
}

/**
 * The URN the mock monitor gives the root stack: a resource registered with
 * it as parent is top-level (the engine leaves the stack's type out of its
 * URN; registered without the parent, the mock monitor does too).
 */
export function stackUrnOf(project: string, stack: string): string {
    return urnOf(project, stack, null, STACK_TYPE, `${project}-${stack}`);
}

/**
 * Drops a resource's aliases. They only let the engine match a resource to
 * state recorded under an earlier name or type, and an offline plan has no
 * state; yet the SDK turns each into URN outputs, and azure-native lists one
 * per API version (60 on a VirtualNetwork): more than half the plan's time.
 */
export function withoutAliases(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
    if (!args.opts.aliases?.length) return undefined;
    const { aliases: _aliases, ...opts } = args.opts;
    return { props: args.props, opts };
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    setParent(urn: string): void;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getIgnorechangesList(): string[];
    getPropertydependenciesMap(): { forEach(f: (value: { getUrnsList(): string[] }, key: string) => void): void };
}

function urnOf(project: string, stack: string, parentUrn: string | null, type: string, name: string): string {
    // Mirrors the mock monitor: the parent's type chain, then this type.
    const parentType = parentUrn ? parentUrn.split("::")[2] : undefined;
    const qualified = parentType && !parentType.startsWith("pulumi:pulumi:Stack") ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * Turns wire-format values into plain JSON, secrets into "[secret]" (noting
 * a secret string's length by its path), unknowns into "[unknown]".
 */
function unwrapWire(value: unknown, path: string, secretLengths: Record<string, number>): unknown {
    if (Array.isArray(value)) return value.map((v, i) => unwrapWire(v, `${path}[${i}]`, secretLengths));
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SECRET_SIG_KEY] === SECRET_SIG) {
            if (typeof record.value === "string") secretLengths[path] = record.value.length;
            return SECRET;
        }
        if (SECRET_SIG_KEY in record) return `[${typeof (record.urn ?? record.value) === "string" ? String(record.urn ?? record.value) : "reference"}]`;
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapWire(v, path ? `${path}.${k}` : k, secretLengths)]));
    }
    if (value === "04da6b54-80e4-46f7-96ec-b56ff0331ba9") return "[unknown]";
    return value;
}

/**
 * Replaces any string that contains a known secret value. One regular
 * expression over all secrets, so a stack with hundreds of site keys does not
 * scan every string once per key.
 */
function redactor(secrets: readonly string[]) {
    const present = secrets.filter((s) => s.length > 0);
    const pattern = present.length ? new RegExp(present.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")) : undefined;
    const walk = (value: unknown): unknown => {
        if (typeof value === "string") return pattern?.test(value) ? SECRET : value;
        if (Array.isArray(value)) return value.map(walk);
        if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
        return value;
    };
    return walk;
}

/** Resolves every Output inside a value; secret outputs become "[secret]". */
async function resolveDeep(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        const output = value;
        if (await pulumi.isSecret(output)) return SECRET;
        const inner = await new Promise<unknown>((resolve) => output.apply((v) => { resolve(v); return v; }));
        return resolveDeep(inner);
    }
    if (value instanceof Promise) return resolveDeep(await value);
    if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
    if (value && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const));
        return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
    }
    return value;
}

/**
 * Waits until registrations stop arriving (resources declared late, e.g.
 * inside an apply). Under mocks every step of a registration is a promise
 * (no timer, no I/O: the mock monitor is in-process and the program's file
 * work is synchronous), so once a check-phase callback runs the microtask
 * queue has drained; a count unchanged over three such turns is final. (Timer
 * ticks waited at least a millisecond each: a second of idle per test run.)
 */
export async function whenSettled(count: () => number): Promise<void> {
    let last = -1;
    let stableTurns = 0;
    while (stableTurns < 3) {
        await new Promise((resolve) => setImmediate(resolve));
        const now = count();
        stableTurns = now === last ? stableTurns + 1 : 0;
        last = now;
    }
}
