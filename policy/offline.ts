/**
 * The offline policy run: evaluates the pack's own policy objects (not
 * copies) against resources collected under Pulumi mocks, the way the
 * CrossGuard analyzer would during a preview:
 *
 * - resource policies per resource, with an args object shaped like
 *   @pulumi/policy's ResourceValidationArgs (type, props, urn, name, opts,
 *   getConfig, isType/asType, notApplicable);
 * - stack policies once, on PolicyResource-shaped resources (parent,
 *   dependencies and property dependencies filled in when given);
 * - the environment's policy config (policy/config/<env>.json), validated
 *   against each policy's config schema;
 * - values unknown at preview ("[unknown]" from the plan) become the
 *   engine's unknown sentinel behind the SDK's own unknown-checking proxy,
 *   so a policy that reads one yields an advisory "cannot check yet", never
 *   a crash and never a false pass.
 */
import * as fs from "fs";
import * as path from "path";
import * as policySdk from "@pulumi/policy";
import {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { CANNOT_CHECK_YET, isUnknownValueError, OfflineHints, unknownPath } from "./lib";
import { allPolicies } from "./policies";
import { display } from "../components/display";

/** A resource as stacks/plan/run.ts collects it (PlannedResource), plus optional dependency data. */
export interface OfflineResource {
    type: string;
    name: string;
    urn: string;
    parent: string | null;
    inputs: Record<string, unknown>;
    custom?: boolean;
    /** URNs this resource depends on (RegisterResourceRequest.dependencies), when recorded. */
    dependencies?: readonly string[];
    /** Per-input URNs (RegisterResourceRequest.propertyDependencies), when recorded. */
    propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface PolicyViolation {
    policy: string;
    level: "mandatory" | "advisory";
    /** The resource's URN, or null for a stack-wide finding. */
    resource: string | null;
    message: string;
}

export interface PolicyNotApplicable {
    policy: string;
    resource: string | null;
    reason: string;
}

export interface OfflinePolicyResult {
    violations: PolicyViolation[];
    /** Policies that declared themselves not applicable, with the reason (e.g. the Virtual WAN IPv4-only exemption). */
    notApplicable: PolicyNotApplicable[];
}

export interface OfflinePolicyOptions {
    /** Reads policy/config/<env>.json. Ignored when `config` is given. */
    env?: string;
    /** The policy pack config to use instead of a file. */
    config?: PolicyPackConfig;
    /** Merged over the config per policy, e.g. { "cost-monthly-cap": { monthlyCapUsd: 400 } } from the stack config. */
    configOverrides?: PolicyPackConfig;
    /** Default: the whole pack. */
    policies?: Policies;
    /**
     * The length of a secret the plan redacted to "[secret]", if the caller
     * knows it (e.g. from the stack's decrypted config). `path` is the input
     * path the policy asks about, e.g. "vpnLinkConnections[0].sharedKey".
     */
    secretLength?: (resource: OfflineResource, path: string) => number | undefined;
    stackTags?: Readonly<Record<string, string>>;
}

export class PolicyConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
    }
}

const CONFIG_DIR = path.join(__dirname, "config");

/** The engine's sentinel for an unknown value (the same string @pulumi/pulumi uses on the wire). */
const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PLAN_UNKNOWN = "[unknown]";
const unknownCheckingProxy = (policySdk as unknown as { unknownCheckingProxy: <T>(value: T) => T }).unknownCheckingProxy;

/** Reads and validates policy/config/<env>.json. Throws PolicyConfigError with one line per problem. */
export function loadPolicyConfig(env: string, policies: Policies = allPolicies, dir = CONFIG_DIR): PolicyPackConfig {
    const file = path.join(dir, `${env}.json`);
    const shown = path.relative(process.cwd(), file) || file;
    if (!fs.existsSync(file)) throw new PolicyConfigError([`${shown}: no policy config for environment "${env}"`]);
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new PolicyConfigError([`${shown}: not valid JSON (${(e as Error).message})`]);
    }
    const problems = validatePolicyConfig(parsed, policies).map((p) => `${shown}: ${p}`);
    if (problems.length > 0) throw new PolicyConfigError(problems);
    return parsed as PolicyPackConfig;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Problems with a policy pack config: unknown policies, bad levels, values that break the config schemas. */
export function validatePolicyConfig(config: unknown, policies: Policies = allPolicies): string[] {
    if (!config || typeof config !== "object" || Array.isArray(config)) return ["must be an object keyed by policy name"];
    const byName = new Map(policies.map((p) => [p.name, p]));
    const problems: string[] = [];
    for (const [name, value] of Object.entries(config as Record<string, unknown>)) {
        const policy = byName.get(name);
        if (!policy) {
            problems.push(`${name}: no such policy (known: ${[...byName.keys()].join(", ")})`);
            continue;
        }
        if (typeof value === "string") {
            if (!LEVELS.includes(value as EnforcementLevel)) problems.push(`${name}: enforcement level must be one of ${LEVELS.join(", ")}`);
            continue;
        }
        if (!value || typeof value !== "object" || Array.isArray(value)) {
            problems.push(`${name}: must be an enforcement level or an object`);
            continue;
        }
        const { enforcementLevel, ...properties } = value as Record<string, unknown>;
        if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel as EnforcementLevel)) {
            problems.push(`${name}.enforcementLevel: must be one of ${LEVELS.join(", ")}`);
        }
        const schema = policy.configSchema;
        for (const [key, v] of Object.entries(properties)) {
            const prop = schema?.properties[key];
            if (!prop) {
                problems.push(`${name}.${key}: not a setting of this policy${schema ? ` (settings: ${Object.keys(schema.properties).join(", ")})` : " (it has none)"}`);
                continue;
            }
            problems.push(...checkSchema(v, prop, `${name}.${key}`));
        }
        for (const key of schema?.required ?? []) {
            if (!(key in properties)) problems.push(`${name}.${key}: required`);
        }
    }
    return problems;
}

/** The subset of JSON Schema the pack's config schemas use. */
function checkSchema(value: unknown, schema: PolicyConfigJSONSchema, where: string): string[] {
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    const typeOk = types.length === 0 || types.some((t) => t === actual || (t === "integer" && Number.isInteger(value)) || (t === "number" && actual === "number"));
    if (!typeOk) return [`${where}: must be ${types.join(" or ")}`];
    const problems: string[] = [];
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) problems.push(`${where}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${where}: must be at least ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${where}: must be at most ${schema.maximum}`);
        if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) problems.push(`${where}: must be more than ${schema.exclusiveMinimum}`);
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${where}: needs at least ${schema.minItems} item(s)`);
        if (schema.items && typeof schema.items === "object" && !Array.isArray(schema.items)) {
            const items = schema.items;
            value.forEach((item, i) => problems.push(...checkSchema(item, items, `${where}[${i}]`)));
        }
    }
    return problems;
}

/** Deep copy with the plan's "[unknown]" replaced by the engine's unknown sentinel. */
function toEngineValue(value: unknown): unknown {
    if (value === PLAN_UNKNOWN) return UNKNOWN_SENTINEL;
    if (Array.isArray(value)) return value.map(toEngineValue);
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toEngineValue(v);
        return out;
    }
    return value;
}

class OfflineNotApplicable extends Error {
    constructor(readonly reason: string | undefined) {
        super(reason ?? "not applicable");
    }
}
const notApplicable = (reason?: string): never => {
    throw new OfflineNotApplicable(reason);
};

function pulumiTypeOf(x: unknown): string | undefined {
    return (x as { __pulumiType?: string } | undefined)?.__pulumiType;
}
const isTypeOf = (type: string) => (resourceClass: unknown) => pulumiTypeOf(resourceClass) === type;

const defaultOptions = (parent: string | null): PolicyResourceOptions => ({
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(parent ? { parent } : {}),
});

function levelOf(policy: { name: string; enforcementLevel?: EnforcementLevel }, config: PolicyPackConfig): EnforcementLevel {
    const entry = config[policy.name];
    const configured = typeof entry === "string" ? entry : entry?.enforcementLevel;
    return configured ?? policy.enforcementLevel ?? "advisory";
}

function configFor(name: string, config: PolicyPackConfig): Record<string, unknown> {
    const entry = config[name];
    if (!entry || typeof entry === "string") return {};
    const { enforcementLevel: _level, ...rest } = entry;
    return rest;
}

function mergeConfig(base: PolicyPackConfig, overrides: PolicyPackConfig | undefined): PolicyPackConfig {
    if (!overrides) return base;
    const out: PolicyPackConfig = { ...base };
    for (const [name, value] of Object.entries(overrides)) {
        const current = out[name];
        const asObject = (v: typeof current) => (v === undefined ? {} : typeof v === "string" ? { enforcementLevel: v } : v);
        out[name] = { ...asObject(current), ...asObject(value) };
    }
    return out;
}

type Collector = (message: unknown, urn?: string) => void;

/**
 * Evaluates the policies against the resources. Resources are evaluated in
 * the order given; violations come back per policy in pack order.
 */
export async function runPoliciesOffline(resources: readonly OfflineResource[], options: OfflinePolicyOptions = {}): Promise<OfflinePolicyResult> {
    const policies = options.policies ?? allPolicies;
    const baseConfig = options.config ?? (options.env ? loadPolicyConfig(options.env, policies) : {});
    const config = mergeConfig(baseConfig, options.configOverrides);
    // Config may also name pack policies left out of `policies` (a subset run).
    const problems = validatePolicyConfig(config, [...policies, ...allPolicies.filter((p) => !policies.some((q) => q.name === p.name))]);
    if (problems.length > 0) throw new PolicyConfigError(problems.map((p) => `policy config: ${p}`));
    const stackTags: ReadonlyMap<string, string> = new Map(Object.entries(options.stackTags ?? {}));
    const result: OfflinePolicyResult = { violations: [], notApplicable: [] };

    // One engine-shaped copy of each resource's props, shared by every policy (policies only read).
    const props = resources.map((r) => unknownCheckingProxy(toEngineValue(r.inputs) as Record<string, unknown>));
    // Built once, on the first stack policy, and shared by all of them.
    let stackResources: PolicyResource[] | undefined;

    const collector = (policy: string, level: "mandatory" | "advisory", defaultUrn: string | null, forceUrn: boolean): Collector => (message, urn) => {
        const info = typeof message === "object" && message !== null ? (message as { message?: string; urn?: string; enforcementLevel?: EnforcementLevel }) : { message: display(message ?? "") };
        const text = info.message ?? "";
        const advisory = info.enforcementLevel === "advisory" || text.startsWith(CANNOT_CHECK_YET) || level === "advisory";
        result.violations.push({
            policy,
            level: advisory ? "advisory" : "mandatory",
            // Resource policies always report against the resource they validate (as CrossGuard does).
            resource: forceUrn ? defaultUrn : (info.urn ?? urn ?? defaultUrn),
            message: text,
        });
    };

    const handle = (policy: string, resource: string | null, e: unknown, report: Collector) => {
        if (e instanceof OfflineNotApplicable) {
            result.notApplicable.push({ policy, resource, reason: e.reason ?? "not applicable" });
        } else if (isUnknownValueError(e)) {
            report(`${CANNOT_CHECK_YET} ${unknownPath(e)} is computed during the deployment; the policy checks it again at \`pulumi up\``);
        } else {
            const err = e as Error;
            throw new Error(`policy ${policy} failed on ${resource ?? "the stack"}: ${err.message}`, { cause: err });
        }
    };

    for (const policy of policies) {
        const level = levelOf(policy, config);
        if (level === "disabled") continue;
        const reportLevel = level === "advisory" ? "advisory" : "mandatory";
        const policyConfig = configFor(policy.name, config);
        const getConfig = <T extends object>() => ({ ...policyConfig }) as T;

        const validate = (policy as ResourceValidationPolicy).validateResource;
        if (validate) {
            const validations: ResourceValidation[] = Array.isArray(validate) ? validate : [validate];
            for (let i = 0; i < resources.length; i++) {
                const r = resources[i];
                // Same fast path as the CrossGuard server: typed validations skip other types.
                const applicable = validations.filter((v) => {
                    const t = pulumiTypeOf(v);
                    return t === undefined || t === r.type;
                });
                if (applicable.length === 0) continue;
                const report = collector(policy.name, reportLevel, r.urn, true);
                const hints: OfflineHints = {
                    secretsRedacted: true,
                    secretLength: (p) => options.secretLength?.(r, p),
                };
                const args: ResourceValidationArgs & { offline: OfflineHints } = {
                    type: r.type,
                    props: props[i],
                    urn: r.urn,
                    name: r.name,
                    opts: defaultOptions(r.parent),
                    stackTags,
                    isType: isTypeOf(r.type),
                    asType: ((resourceClass: unknown) => (isTypeOf(r.type)(resourceClass) ? props[i] : undefined)) as ResourceValidationArgs["asType"],
                    getConfig,
                    notApplicable,
                    offline: hints,
                };
                for (const v of applicable) {
                    try {
                        await v(args, report);
                    } catch (e) {
                        handle(policy.name, r.urn, e, report);
                    }
                }
            }
        }

        const validateStack = (policy as StackValidationPolicy).validateStack;
        if (validateStack) {
            const report = collector(policy.name, reportLevel, null, false);
            const args: StackValidationArgs = {
                resources: (stackResources ??= policyResources(resources, props)),
                stackTags,
                getConfig,
                notApplicable,
            };
            try {
                await validateStack(args, report);
            } catch (e) {
                handle(policy.name, null, e, report);
            }
        }
    }
    return result;
}

/** PolicyResource objects (as CrossGuard's analyzeStack builds them), sharing the proxied props. */
function policyResources(resources: readonly OfflineResource[], props: ReadonlyArray<Record<string, unknown>>): PolicyResource[] {
    const out: PolicyResource[] = resources.map((r, i) => ({
        type: r.type,
        props: props[i],
        urn: r.urn,
        name: r.name,
        opts: defaultOptions(r.parent),
        dependencies: [],
        propertyDependencies: {},
        isType: isTypeOf(r.type),
        asType: ((resourceClass: unknown) => (isTypeOf(r.type)(resourceClass) ? props[i] : undefined)) as PolicyResource["asType"],
    }));
    const byUrn = new Map(out.map((r) => [r.urn, r]));
    resources.forEach((r, i) => {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) out[i].parent = parent;
        out[i].dependencies = (r.dependencies ?? []).map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
            out[i].propertyDependencies[k] = urns.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
        }
    });
    return out;
}

/** True when any violation is mandatory (the plan exits 1). */
export function hasMandatory(result: OfflinePolicyResult): boolean {
    return result.violations.some((v) => v.level === "mandatory");
}
