/**
 * The provider preflight: every planned resource's inputs against the rules
 * the real providers apply (rules/*, each with its source), so the offline
 * plan refuses what `pulumi up` would fail on half-way. Pure.
 */
import { awsComputeRules } from "./rules/aws-compute";
import { awsNetworkRules } from "./rules/aws-network";
import { awsServiceRules } from "./rules/aws-services";
import { azureNetworkRules } from "./rules/azure-network";
import type { PreflightResource, PreflightResult, PreflightRule } from "./types";

export * from "./types";
export * from "./limits";

export const PREFLIGHT_RULES: readonly PreflightRule[] = [...awsNetworkRules, ...awsComputeRules, ...awsServiceRules, ...azureNetworkRules];

function applies(rule: PreflightRule, type: string): boolean {
    return rule.types.some((t) => t === type || (t.endsWith(":*") && type.startsWith(t.slice(0, -1))));
}

export function runPreflight(resources: readonly PreflightResource[], rules: readonly PreflightRule[] = PREFLIGHT_RULES): PreflightResult {
    const violations: PreflightResult["violations"] = [];
    for (const resource of resources) {
        for (const rule of rules) {
            if (!applies(rule, resource.type)) continue;
            for (const finding of rule.check(resource, resources)) {
                violations.push({ rule: rule.id, resource: resource.name, input: finding.input, value: finding.value, source: rule.source, message: `${shortType(resource.type)} ${resource.name}: ${finding.message}` });
            }
        }
    }
    return { rules: rules.length, violations };
}

/** One line per violation, as the plan prints them on stderr. */
export function preflightLines(result: PreflightResult): string[] {
    return result.violations.map((v) => `preflight ${v.rule}: ${v.message} (${v.input} = ${JSON.stringify(v.value)}; ${v.source})`);
}

function shortType(type: string): string {
    return type.split(":").pop() ?? type;
}
