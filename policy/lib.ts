/**
 * Helpers shared by the policies. Pure: no PolicyPack here (constructing one
 * starts a gRPC server), so tests and the offline engine import freely.
 */
import * as policySdk from "@pulumi/policy";
import { PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";

/** A resource's props as a policy sees them: the provider's args type with every Input unwrapped. */
export type PropsOf<TArgs> = Unwrap<NonNullable<TArgs>>;

/**
 * The error @pulumi/policy's property proxy throws when a policy reads a
 * value that is unknown during preview. Its typings hide the class (it is
 * `@internal`), so it is typed here; at run time it is the SDK's own class,
 * which the CrossGuard server and the offline engine both recognise.
 */
export interface UnknownValueErrorLike extends Error {
    /** The property path that was unknown, e.g. ["ingress", "0", "cidrBlocks"]. */
    props: Array<string | symbol>;
}
export const UnknownValueError = (policySdk as unknown as { UnknownValueError: new (sentinel: unknown, props: string[]) => UnknownValueErrorLike }).UnknownValueError;

export function isUnknownValueError(e: unknown): e is UnknownValueErrorLike {
    return e instanceof UnknownValueError;
}

/** The property path of an unknown-value error, as ".a.b.0". */
export function unknownPath(e: UnknownValueErrorLike): string {
    return `.${e.props.map(String).join(".")}`;
}

/** Prefix of every "value unknown at preview" message; the offline engine and reports rely on it. */
export const CANNOT_CHECK_YET = "cannot check yet:";

/**
 * Reports an advisory "cannot check yet" finding, whatever the policy's own
 * enforcement level: a value unknown at preview is neither a pass nor a
 * failure. Uses the object form of reportViolation, which the CrossGuard
 * server (and the offline engine) accept with a per-violation level.
 */
export function reportCannotCheck(report: ReportViolation, message: string, urn?: string): void {
    reportAdvisory(report, message.startsWith(CANNOT_CHECK_YET) ? message : `${CANNOT_CHECK_YET} ${message}`, urn);
}

/** Reports an advisory finding whatever the policy's own enforcement level (the object form of reportViolation). */
export function reportAdvisory(report: ReportViolation, message: string, urn?: string): void {
    (report as unknown as (info: { message: string; urn?: string; enforcementLevel: "advisory" }) => void)({ message, urn, enforcementLevel: "advisory" });
}

/**
 * Runs `check`; if it reads a value unknown at preview, reports "cannot
 * check yet" (advisory) for that resource instead of failing the whole
 * policy, so a stack policy keeps checking the other resources.
 */
export function checkKnown(report: ReportViolation, what: string, check: () => void, urn?: string): void {
    try {
        check();
    } catch (e) {
        if (!isUnknownValueError(e)) throw e;
        reportCannotCheck(report, `${what}: ${unknownPath(e)} is computed during the deployment; the policy checks it again at \`pulumi up\``, urn);
    }
}

/** The policy's config with defaults for missing keys (CrossGuard passes only what the config file sets). */
export function configOf<T extends object>(args: ResourceValidationArgs | StackValidationArgs, defaults: T): T {
    return { ...defaults, ...args.getConfig<Partial<T>>() };
}

/**
 * Extra inputs the offline engine passes on the args object; absent under
 * CrossGuard. Kept optional so a policy behaves identically without them.
 */
export interface OfflineHints {
    /** True: secret inputs arrive as "[secret]" and a clear string was never a secret. */
    secretsRedacted: boolean;
    /** The length of a redacted secret at `path` of this resource, if the caller knows it. */
    secretLength(path: string): number | undefined;
}

export function offlineHints(args: ResourceValidationArgs): OfflineHints | undefined {
    return (args as ResourceValidationArgs & { offline?: OfflineHints }).offline;
}

/** The placeholder the offline plan puts where a secret value was. */
export const SECRET_PLACEHOLDER = "[secret]";

/** `true` / `"true"` (launch template EBS flags are strings in the provider schema). */
export function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

export function asArray<T>(value: T[] | undefined | null): T[] {
    return Array.isArray(value) ? value : [];
}

/**
 * The statements of an IAM or S3 policy document, given as JSON text or an
 * object; `Statement` may be one statement or a list (both are valid policy
 * grammar). Undefined when the text is not JSON; empty when there is nothing
 * to read.
 */
export function policyStatements(document: unknown): unknown[] | undefined {
    let doc = document;
    if (typeof document === "string") {
        try {
            doc = JSON.parse(document);
        } catch {
            return undefined;
        }
    }
    const statement = doc && typeof doc === "object" ? (doc as { Statement?: unknown }).Statement : undefined;
    return Array.isArray(statement) ? (statement as unknown[]) : statement ? [statement] : [];
}

/** Shell-style glob ("t4g.*", "m7?.large") to a case-insensitive RegExp. */
export function globToRegExp(glob: string): RegExp {
    const body = glob.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("");
    return new RegExp(`^${body}$`, "i");
}

export function matchesAny(value: string, globs: readonly string[]): boolean {
    return globs.some((g) => globToRegExp(g).test(value));
}

/** Prefix length of a CIDR, or undefined when it is not one. */
export function prefixLength(cidr: string): number | undefined {
    const m = /\/(\d{1,3})$/.exec(cidr.trim());
    return m ? Number(m[1]) : undefined;
}

export function isIpv6Cidr(cidr: unknown): cidr is string {
    return typeof cidr === "string" && cidr.includes(":") && prefixLength(cidr) !== undefined;
}

/** Tags as a plain record (absent → empty). */
export function tagsOf(props: Record<string, unknown>): Record<string, string> {
    const tags = props.tags;
    return tags && typeof tags === "object" && !Array.isArray(tags) ? (tags as Record<string, string>) : {};
}

/** "type::name" for messages. */
export function label(resource: { type: string; name: string }): string {
    return `${resource.type.split(":").pop()} "${resource.name}"`;
}

export { IPV4_ONLY_TAG } from "./platform";

/**
 * Finds which of `candidates` a reference points at: by the engine's
 * property dependencies when known (CrossGuard, or the offline plan when it
 * records them), else by comparing the reference to the candidate's id-like
 * outputs, else by Azure resource-id name segment against the candidate's
 * name input or its Pulumi auto-name (logical name + 8 hex characters).
 */
export function resolveReference(
    reference: unknown,
    candidates: readonly PolicyResource[],
    referrer?: PolicyResource,
    property?: string,
): PolicyResource | undefined {
    if (referrer && property) {
        const deps = referrer.propertyDependencies?.[property] ?? [];
        const hit = candidates.filter((c) => deps.some((d) => d.urn === c.urn));
        if (hit.length === 1) return hit[0];
    }
    if (typeof reference !== "string" || reference.length === 0) return undefined;
    for (const c of candidates) {
        if (c.urn === reference) return c;
        for (const key of ["id", "allocationId", "arn"]) {
            if (peek((): unknown => c.props[key]) === reference) return c;
        }
    }
    const azureName = /\/([^/]+)$/.exec(reference)?.[1];
    if (azureName && reference.includes("/providers/")) {
        for (const c of candidates) {
            if (azureNameMatches(c, azureName)) return c;
        }
    }
    return undefined;
}

/** Whether an Azure resource called `azureName` is this candidate. */
export function azureNameMatches(candidate: PolicyResource, azureName: string): boolean {
    const [, , resource] = candidate.type.split(":");
    const nameKey = resource ? `${resource[0].toLowerCase()}${resource.slice(1)}Name` : "";
    const explicit = peek((): unknown => candidate.props[nameKey]);
    if (typeof explicit === "string") return explicit === azureName;
    if (peek((): unknown => candidate.props.name) === azureName) return true;
    // Azure Native auto-names: the logical name plus a random 8-hex suffix.
    return azureName === candidate.name || (azureName.startsWith(candidate.name) && /^[0-9a-f]{8}$/.test(azureName.slice(candidate.name.length)));
}

/** Reads a value safely from a props proxy: an unknown value comes back as the UNKNOWN marker. */
export const UNKNOWN = Symbol("unknown");
export function peek<T>(read: () => T): T | typeof UNKNOWN {
    try {
        return read();
    } catch (e) {
        if (isUnknownValueError(e)) return UNKNOWN;
        throw e;
    }
}
