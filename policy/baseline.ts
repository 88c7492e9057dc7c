/**
 * The landing-zone baseline, as CrossGuard rules: an audit trail that
 * records every region and can be validated, log buckets that are private,
 * encrypted and TLS-only, a flow log on every VPC and VNet, an alert on every
 * VPN connection. (The cloud budgets are checked by cost-monthly-cap, which
 * holds the cap they must equal: see checkCloudBudgets.)
 *
 * Resources are matched by the engine's property dependencies where known,
 * else by their ids or names (resolveReference), as in the other policies.
 */
import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { BUDGET_ALERTS } from "../components/cost/budget-alerts";
import { display } from "../components/display";
import { asArray, azureNameMatches, checkKnown, label, peek, policyStatements, resolveReference, UNKNOWN } from "./lib";

export const TYPES = {
    trail: "aws:cloudtrail/trail:Trail",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    awsFlowLog: "aws:ec2/flowLog:FlowLog",
    vpc: "aws:ec2/vpc:Vpc",
    awsVpn: "aws:ec2/vpnConnection:VpnConnection",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    awsBudget: "aws:budgets/budget:Budget",
    vnet: "azure-native:network:VirtualNetwork",
    azureFlowLog: "azure-native:network:FlowLog",
    azureVpn: "azure-native:network:VpnConnection",
    metricAlert: "azure-native:monitor:MetricAlert",
    azureBudget: "azure-native:consumption:Budget",
} as const;

const ofType = (resources: readonly PolicyResource[], type: string) => resources.filter((r) => r.type === type);
const props = (r: PolicyResource) => r.props;

export const auditTrail: StackValidationPolicy = {
    name: "baseline-audit-trail",
    description: "A CloudTrail trail records every region (multi-region, global-service events) with log file validation on.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        if (!args.resources.some((r) => r.type.startsWith("aws:"))) args.notApplicable("no AWS resources");
        const trails = ofType(args.resources, TYPES.trail);
        if (trails.length === 0) {
            report("The stack has no CloudTrail trail: nothing records who did what. Add an AuditTrail (components/aws/audit-trail.ts) into the log archive.");
            return;
        }
        const good = trails.filter((t) => peek(() => {
            const p = props(t);
            return p.isMultiRegionTrail === true && p.enableLogFileValidation === true && p.includeGlobalServiceEvents !== false && p.enableLogging !== false;
        }) === true);
        if (good.length > 0) return;
        for (const t of trails) {
            checkKnown(report, label(t), () => {
                const p = props(t);
                const missing = [
                    p.isMultiRegionTrail !== true ? "isMultiRegionTrail" : "",
                    p.enableLogFileValidation !== true ? "enableLogFileValidation" : "",
                    p.includeGlobalServiceEvents === false ? "includeGlobalServiceEvents" : "",
                    p.enableLogging === false ? "enableLogging" : "",
                ].filter(Boolean);
                report(`${label(t)} does not record the whole account verifiably: set ${missing.join(", ")} to true.`, t.urn);
            }, t.urn);
        }
    },
};

/** The buckets the trails and flow logs write to. */
export function logBuckets(resources: readonly PolicyResource[]): PolicyResource[] {
    const buckets = ofType(resources, TYPES.bucket);
    const found = new Set<PolicyResource>();
    for (const t of ofType(resources, TYPES.trail)) {
        const hit = resolveReference(peek((): unknown => props(t).s3BucketName), buckets, t, "s3BucketName") ?? byBucketName(buckets, peek((): unknown => props(t).s3BucketName));
        if (hit) found.add(hit);
    }
    for (const f of ofType(resources, TYPES.awsFlowLog)) {
        const destination = peek((): unknown => props(f).logDestination);
        const hit = resolveReference(destination, buckets, f, "logDestination")
            ?? (typeof destination === "string" ? byBucketName(buckets, /^arn:[^:]+:s3:::([^/]+)/.exec(destination)?.[1]) : undefined);
        if (hit) found.add(hit);
    }
    return [...found];
}

function byBucketName(buckets: readonly PolicyResource[], name: unknown): PolicyResource | undefined {
    if (typeof name !== "string") return undefined;
    return buckets.find((b) => peek((): unknown => props(b).bucket) === name || name === b.name || (name.startsWith(`${b.name}-`) && /^[0-9a-f]{7}$/.test(name.slice(b.name.length + 1))));
}

/** Configuration resources (public-access block, encryption, policy) that point at `bucket`. */
function configsOf(resources: readonly PolicyResource[], type: string, bucket: PolicyResource): PolicyResource[] {
    return ofType(resources, type).filter((c) => {
        const deps = c.propertyDependencies?.bucket ?? [];
        if (deps.length > 0) return deps.some((d) => d.urn === bucket.urn);
        return resolveReference(peek((): unknown => props(c).bucket), [bucket], c, "bucket") !== undefined;
    });
}

export const logBucketsSecure: StackValidationPolicy = {
    name: "baseline-log-bucket-secure",
    description: "Every bucket a trail or flow log writes to blocks all public access, is encrypted at rest and refuses requests without TLS.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const buckets = logBuckets(args.resources);
        if (buckets.length === 0) args.notApplicable("no log bucket (no trail or flow log writes to an S3 bucket of this stack)");
        for (const bucket of buckets) {
            const blocks = configsOf(args.resources, TYPES.publicAccessBlock, bucket);
            const allBlocked = blocks.some((b) => peek(() => ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => props(b)[k] === true)) === true);
            if (!allBlocked) report(`Log bucket ${label(bucket)} is not private: it needs an aws.s3.BucketPublicAccessBlock with all four blocks (blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets) true.`, bucket.urn);
            const encryption = configsOf(args.resources, TYPES.encryption, bucket);
            const encrypted = encryption.some((e) => peek(() => asArray(props(e).rules as Array<{ applyServerSideEncryptionByDefault?: { sseAlgorithm?: unknown } } | null> | undefined).some((r) => typeof r?.applyServerSideEncryptionByDefault?.sseAlgorithm === "string")) === true);
            if (!encrypted) report(`Log bucket ${label(bucket)} has no default encryption: add an aws.s3.BucketServerSideEncryptionConfiguration (AES256 or aws:kms).`, bucket.urn);
            const policies = configsOf(args.resources, TYPES.bucketPolicy, bucket);
            const tlsOnly = policies.some((p) => {
                const doc = peek((): unknown => props(p).policy);
                if (doc === UNKNOWN) return true; // computed at deploy: checked again at `pulumi up`
                return deniesInsecureTransport(doc);
            });
            if (!tlsOnly) report(`Log bucket ${label(bucket)} accepts requests without TLS: its bucket policy needs a Deny of s3:* for every principal when aws:SecureTransport is false.`, bucket.urn);
        }
    },
};

/** A bucket policy statement as read: any part may be missing or of another shape. */
type BucketPolicyStatement = { Action?: unknown; Principal?: unknown; Condition?: { Bool?: Record<string, unknown> }; Effect?: unknown } | null;

/** Whether a bucket policy (JSON text or object) denies every request made without TLS. */
export function deniesInsecureTransport(policy: unknown): boolean {
    return ((policyStatements(policy) ?? []) as BucketPolicyStatement[]).some((s) => {
        const actions: unknown[] = Array.isArray(s?.Action) ? s.Action as unknown[] : [s?.Action];
        const principal = s?.Principal === "*" || (s?.Principal as { AWS?: unknown } | undefined)?.AWS === "*";
        const cond = s?.Condition?.Bool?.["aws:SecureTransport"];
        return s?.Effect === "Deny" && principal && actions.some((a: unknown) => a === "s3:*" || a === "*") && (cond === "false" || cond === false);
    });
}

export const flowLogsEverywhere: StackValidationPolicy = {
    name: "baseline-flow-logs",
    description: "Every VPC has a VPC flow log and every VNet a VNet flow log.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const vpcs = ofType(args.resources, TYPES.vpc);
        const vnets = ofType(args.resources, TYPES.vnet);
        if (vpcs.length === 0 && vnets.length === 0) args.notApplicable("no VPC or VNet");
        const awsLogs = ofType(args.resources, TYPES.awsFlowLog);
        for (const vpc of vpcs) {
            const logged = awsLogs.some((f) => resolveReference(peek((): unknown => props(f).vpcId), [vpc], f, "vpcId") === vpc);
            if (!logged) report(`VPC ${label(vpc)} has no flow log: add an aws.ec2.FlowLog with its vpcId (components/aws/vpc-flow-log.ts).`, vpc.urn);
        }
        const azureLogs = ofType(args.resources, TYPES.azureFlowLog);
        for (const vnet of vnets) {
            const logged = azureLogs.some((f) => peek((): unknown => props(f).enabled) !== false && resolveReference(peek((): unknown => props(f).targetResourceId), [vnet], f, "targetResourceId") === vnet);
            if (!logged) report(`VNet ${label(vnet)} has no VNet flow log: add an azure-native network.FlowLog with targetResourceId the VNet's id (components/azure/vnet-flow-logs.ts).`, vnet.urn);
        }
    },
};

/** A metric alert's criteria as read: any part may be missing. */
interface AlertCriteria {
    allOf?: Array<{ dimensions?: Array<{ name?: unknown; values?: unknown[] } | null> } | null>;
}

export const vpnAlerts: StackValidationPolicy = {
    name: "baseline-vpn-alerts",
    description: "Every VPN connection has an alert: a CloudWatch TunnelState alarm on each AWS connection, an Azure Monitor metric alert on each Virtual WAN connection.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const awsVpns = ofType(args.resources, TYPES.awsVpn);
        const azureVpns = ofType(args.resources, TYPES.azureVpn);
        if (awsVpns.length === 0 && azureVpns.length === 0) args.notApplicable("no VPN connection");
        const alarms = ofType(args.resources, TYPES.alarm).filter((a) => peek(() => props(a).namespace === "AWS/VPN" && props(a).metricName === "TunnelState") === true);
        for (const vpn of awsVpns) {
            const watched = alarms.some((a) => resolveReference(peek((): unknown => (props(a) as { dimensions?: { VpnId?: unknown } }).dimensions?.VpnId), [vpn], a, "dimensions") === vpn);
            if (!watched) report(`VPN connection ${label(vpn)} has no alarm: add a CloudWatch alarm on AWS/VPN TunnelState with dimension VpnId (components/aws/tunnel-alarms.ts).`, vpn.urn);
        }
        const alerts = ofType(args.resources, TYPES.metricAlert);
        const connectionNames = alerts.flatMap((a) => {
            const names = peek(() => asArray((props(a) as { criteria?: AlertCriteria }).criteria?.allOf).flatMap((c) => asArray(c?.dimensions).filter((d) => d?.name === "ConnectionName").flatMap((d) => asArray(d?.values))));
            return names === UNKNOWN ? [] : names.filter((n): n is string => typeof n === "string");
        });
        for (const vpn of azureVpns) {
            const watched = connectionNames.some((n) => azureNameMatches(vpn, n));
            if (!watched) report(`VPN connection ${label(vpn)} has no alert: add an Azure Monitor metric alert on its gateway with dimension ConnectionName = the connection's name (components/azure/vpn-alerts.ts).`, vpn.urn);
        }
    },
};

/**
 * The cloud budgets against the cap (called by cost-monthly-cap, which holds
 * the cap): an AWS Budgets monthly cost budget when the stack has AWS
 * resources, an Azure consumption budget when it has Azure ones, each for
 * exactly the cap, each alerting at a forecast of 100 % and actual 80 % and
 * 100 % (components/cost/budget-alerts.ts).
 */
export function checkCloudBudgets(resources: readonly PolicyResource[], cap: number, report: ReportViolation): void {
    const money = (n: number) => `$${n.toFixed(2)}`;
    if (resources.some((r) => r.type.startsWith("aws:"))) {
        const budgets = ofType(resources, TYPES.awsBudget).filter((b) => peek(() => props(b).budgetType === "COST" && props(b).timeUnit === "MONTHLY") === true);
        if (budgets.length === 0) report(`No AWS Budgets monthly cost budget: the cap of ${money(cap)} is only predicted, never watched in AWS. Add one for exactly the cap (components/aws/budget.ts).`);
        for (const b of budgets) {
            checkKnown(report, label(b), () => {
                const p = props(b);
                const amount = Number(p.limitAmount);
                if (amount !== cap || (p.limitUnit ?? "USD") !== "USD") report(`${label(b)} is for ${p.limitAmount} ${p.limitUnit ?? ""}, not the cap of ${money(cap)} USD the cost policy enforces: set limitAmount to "${cap.toFixed(2)}".`, b.urn);
                const have = asArray(p.notifications as Array<{ notificationType?: unknown; threshold?: unknown; thresholdType?: unknown } | null> | undefined).map((n) => `${n?.notificationType === "FORECASTED" ? "forecast" : "actual"}:${display(n?.threshold)}:${display(n?.thresholdType)}`);
                const missing = BUDGET_ALERTS.filter((a) => !have.includes(`${a.kind}:${a.percent}:PERCENTAGE`)).map((a) => `${a.kind} ${a.percent} %`);
                if (missing.length > 0) report(`${label(b)} does not alert at ${missing.join(", ")} of the cap.`, b.urn);
            }, b.urn);
        }
    }
    if (resources.some((r) => r.type.startsWith("azure-native:"))) {
        const budgets = ofType(resources, TYPES.azureBudget).filter((b) => peek(() => props(b).category === "Cost" && props(b).timeGrain === "Monthly") === true);
        if (budgets.length === 0) report(`No Azure consumption budget: the cap of ${money(cap)} is only predicted, never watched in Azure. Add one for exactly the cap (components/azure/consumption-budget.ts).`);
        for (const b of budgets) {
            checkKnown(report, label(b), () => {
                const p = props(b);
                if (Number(p.amount) !== cap) report(`${label(b)} is for ${p.amount}, not the cap of ${money(cap)} the cost policy enforces.`, b.urn);
                const have = Object.values((p.notifications ?? {}) as Record<string, { thresholdType?: unknown; threshold?: unknown } | null>).map((n) => `${n?.thresholdType === "Forecasted" ? "forecast" : "actual"}:${display(n?.threshold)}`);
                const missing = BUDGET_ALERTS.filter((a) => !have.includes(`${a.kind}:${a.percent}`)).map((a) => `${a.kind} ${a.percent} %`);
                if (missing.length > 0) report(`${label(b)} does not alert at ${missing.join(", ")} of the cap.`, b.urn);
            }, b.urn);
        }
    }
}

export const baselinePolicies = [auditTrail, logBucketsSecure, flowLogsEverywhere, vpnAlerts];
