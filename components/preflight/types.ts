/**
 * The provider preflight: rules the real providers and APIs apply to a
 * resource's inputs, checked offline on the planned resources. Pure.
 */

/** A planned resource as the preflight sees it (the plan's collector gives these). */
export interface PreflightResource {
    type: string;
    name: string;
    /** Inputs as the provider would receive them; secrets are "[secret]", unknowns "[unknown]". */
    inputs: Record<string, unknown>;
    /** Length of each secret string by input path, for rules on key length. */
    secretLengths?: Record<string, number>;
}

/** One input a rule refuses. */
export interface Finding {
    /** Input path, e.g. `initialLifecycleHooks[0].heartbeatTimeout`. */
    input: string;
    value: unknown;
    message: string;
}

export interface PreflightRule {
    /** Stable id, e.g. `aws-vpc-cidr-size`. */
    id: string;
    /** Resource types the rule applies to. */
    types: readonly string[];
    /** Where the rule comes from: the provider validator, API reference or documented limit. */
    source: string;
    check(resource: PreflightResource, all: readonly PreflightResource[]): Finding[];
}

/** One violation, as the plan JSON's `preflight.violations[]` carries it. */
export interface PreflightViolation {
    rule: string;
    /** The resource's logical name (its type is in the message). */
    resource: string;
    input: string;
    value: unknown;
    source: string;
    message: string;
}

export interface PreflightResult {
    /** Rules checked. */
    rules: number;
    violations: PreflightViolation[];
}
