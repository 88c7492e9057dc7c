/**
 * A deliberately small IAM evaluator for identity policies: enough of the
 * real rules (action and resource wildcards, the condition operators the
 * server tier uses, fail-closed on any other) to ask "would this call on this
 * resource be allowed?" in tests. Allow statements only; no Deny, no NotAction.
 */

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface Request {
    action: string;
    resource: string;
    /** Tags on the resource (aws:ResourceTag/…). */
    resourceTags?: Record<string, string>;
    /** Tags in the request (aws:RequestTag/…, aws:TagKeys). */
    requestTags?: Record<string, string>;
    /** Other context keys, e.g. ec2:CreateAction, route53:ChangeResourceRecordSetsNormalizedRecordNames. */
    context?: Record<string, string | string[]>;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
    const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\?/g, ".")).join(".*")}$`, caseInsensitive ? "i" : "");
    return re.test(value);
}

function contextValues(key: string, req: Request): string[] | undefined {
    const resourceTag = /^aws:ResourceTag\/(.+)$/.exec(key);
    if (resourceTag) return req.resourceTags?.[resourceTag[1]] !== undefined ? [req.resourceTags[resourceTag[1]]] : undefined;
    const requestTag = /^aws:RequestTag\/(.+)$/.exec(key);
    if (requestTag) return req.requestTags?.[requestTag[1]] !== undefined ? [req.requestTags[requestTag[1]]] : undefined;
    if (key === "aws:TagKeys") return req.requestTags ? Object.keys(req.requestTags) : undefined;
    const v = req.context?.[key];
    return v === undefined ? undefined : list(v);
}

function conditionHolds(operator: string, block: Record<string, string | string[]>, req: Request): boolean {
    return Object.entries(block).every(([key, expected]) => {
        const values = contextValues(key, req);
        const wanted = list(expected);
        switch (operator) {
            case "StringEquals":
            case "ArnEquals":
            case "Bool":
                return values !== undefined && values.some((v) => wanted.includes(v));
            case "ForAllValues:StringEquals":
                return (values ?? []).every((v) => wanted.includes(v));
            case "ForAllValues:StringNotEquals":
                return (values ?? []).every((v) => !wanted.includes(v));
            case "Null":
                // "true": the key must be absent; "false": present.
                return wanted.length === 1 && (wanted[0] === "true" ? values === undefined : wanted[0] === "false" && values !== undefined);
            default:
                return false; // unknown operator: fail closed
        }
    });
}

export function statementAllows(s: Statement, req: Request): boolean {
    if (s.Effect !== "Allow") return false;
    if (!list(s.Action).some((a) => globMatch(a, req.action, true))) return false;
    if (!list(s.Resource).some((r) => globMatch(r, req.resource))) return false;
    return Object.entries(s.Condition ?? {}).every(([op, block]) => conditionHolds(op, block, req));
}

export function isAllowed(policy: { Statement: Statement[] }, req: Request): boolean {
    return policy.Statement.some((s) => statementAllows(s, req));
}
