/**
 * `landing-zone:baseline`: the landing-zone baseline every stack gets (log
 * archive, audit trail, flow logs, activity log, budgets, link alerts). The
 * schema, the per-profile defaults and the cross-field checks, pure: no
 * Pulumi imports, so the program, the plan and the tests share it.
 */
import { z } from "zod";
import { COLD_STORAGE_CLASSES, ColdStorageClass, FLOW_LOG_TRAFFIC_TYPES, FlowLogTrafficType } from "../../components/aws/log-archive-policy";

const days = (what: string) => z.number().int(`${what} must be a whole number of days`).min(1, `${what} must be at least 1 day`).max(36500, `${what} must be at most 36500 days`);

/** `landing-zone:baseline`. Every key is optional; the defaults depend on the profile (BASELINE_DEFAULTS). */
export const baselineSchema = z.strictObject({
    /** Who budgets and link alerts e-mail. Default: server.alertEmail, else the owner when it is an e-mail address. */
    alertEmail: z.email("must be an email address").optional(),
    /** The S3 log archive (CloudTrail and VPC flow logs). */
    logArchive: z.strictObject({
        /** Days before logs move to colder storage. Default: budget 30, production 90. */
        coldAfterDays: days("coldAfterDays").optional(),
        /** The colder class: STANDARD_IA, GLACIER_IR (default), GLACIER or DEEP_ARCHIVE. */
        coldStorageClass: z.enum(Object.keys(COLD_STORAGE_CLASSES) as [ColdStorageClass, ...ColdStorageClass[]]).default("GLACIER_IR"),
        /** Days before logs are deleted. Default: budget 365, production 2557 (7 years). */
        expireAfterDays: days("expireAfterDays").optional(),
        /** Let `pulumi destroy` delete the bucket and every log in it. Default false: destroy leaves the bucket (and its logs) in the account. */
        deleteOnDestroy: z.boolean().default(false),
    }).prefault({}),
    /** VPC flow logs (to the archive) and Azure VNet flow logs (to the log storage account). */
    flowLogs: z.strictObject({
        /** AWS traffic type: ACCEPT, REJECT or ALL. Default: budget REJECT (smallest volume), production ALL. */
        trafficType: z.enum(FLOW_LOG_TRAFFIC_TYPES).optional(),
        /** Days Azure keeps VNet flow logs in the storage account. Default: budget 30, production 365. */
        azureRetentionDays: days("azureRetentionDays").max(365, "Azure flow-log retention is at most 365 days").optional(),
        /** Create the region's Network Watcher in the stack's resource group. Default false: use the one Azure creates (NetworkWatcherRG), as only one per region is allowed. */
        createNetworkWatcher: z.boolean().default(false),
    }).prefault({}),
    /** Days the subscription's activity log is kept in the log storage account. Default: budget 90, production 365. */
    activityLogRetentionDays: days("activityLogRetentionDays").optional(),
    /** TLS on the server tier (when server.dns is set): the ACME directory, production (default) or staging (test stacks). */
    tls: z.strictObject({ acmeDirectory: z.enum(["production", "staging"]).default("production") }).prefault({}),
});

export type RawBaselineConfig = z.infer<typeof baselineSchema>;

/** The baseline with every default applied. */
export interface BaselineConfig {
    /** Who the budgets and link alerts e-mail. */
    alertEmail: string;
    logArchive: { coldAfterDays: number; coldStorageClass: ColdStorageClass; expireAfterDays: number; deleteOnDestroy: boolean };
    flowLogs: { trafficType: FlowLogTrafficType; azureRetentionDays: number; createNetworkWatcher: boolean };
    activityLogRetentionDays: number;
    tls: { acmeDirectory: "production" | "staging" };
}

export const BASELINE_DEFAULTS: Record<"budget" | "production", {
    coldAfterDays: number;
    expireAfterDays: number;
    trafficType: FlowLogTrafficType;
    azureRetentionDays: number;
    activityLogRetentionDays: number;
}> = {
    // Rejected traffic only (what an investigation of a blocked connection needs), logs gone after a year.
    budget: { coldAfterDays: 30, expireAfterDays: 365, trafficType: "REJECT", azureRetentionDays: 30, activityLogRetentionDays: 90 },
    // Everything, kept seven years (a common audit retention).
    production: { coldAfterDays: 90, expireAfterDays: 2557, trafficType: "ALL", azureRetentionDays: 365, activityLogRetentionDays: 365 },
};

/** The same test as baseline.alertEmail's own (z.email), so a fallback is never an address the key would refuse. */
const EMAIL = z.email();

/**
 * Defaults and cross-field checks. `fallbackEmails` are tried in order when
 * baseline.alertEmail is not set (server.alertEmail, then the owner).
 */
export function resolveBaseline(
    raw: RawBaselineConfig,
    profile: "budget" | "production",
    fallbackEmails: ReadonlyArray<string | undefined>,
): { problems: string[]; config?: BaselineConfig } {
    const key = (k: string) => `landing-zone:baseline.${k}`;
    const d = BASELINE_DEFAULTS[profile];
    const problems: string[] = [];
    const coldAfterDays = raw.logArchive.coldAfterDays ?? d.coldAfterDays;
    const expireAfterDays = raw.logArchive.expireAfterDays ?? d.expireAfterDays;
    const cls = raw.logArchive.coldStorageClass;
    if (cls === "STANDARD_IA" && coldAfterDays < 30) {
        problems.push(`${key("logArchive.coldAfterDays")}: S3 moves objects to STANDARD_IA no sooner than 30 days after creation; got ${coldAfterDays}`);
    }
    const minimum = COLD_STORAGE_CLASSES[cls];
    if (expireAfterDays < coldAfterDays + minimum) {
        problems.push(`${key("logArchive.expireAfterDays")}: ${expireAfterDays} days deletes logs before their ${minimum}-day minimum in ${cls} (moved at day ${coldAfterDays}) ends, which is billed anyway; use at least ${coldAfterDays + minimum} or move them later`);
    }
    const alertEmail = raw.alertEmail ?? fallbackEmails.find((e): e is string => e !== undefined && EMAIL.safeParse(e).success);
    if (!alertEmail) {
        problems.push(`${key("alertEmail")}: budgets and link alerts need an e-mail address; set baseline.alertEmail (or server.alertEmail, or an e-mail address as owner)`);
    }
    if (problems.length > 0) return { problems };
    return {
        problems,
        config: {
            alertEmail: alertEmail!,
            logArchive: { coldAfterDays, coldStorageClass: cls, expireAfterDays, deleteOnDestroy: raw.logArchive.deleteOnDestroy },
            flowLogs: {
                trafficType: raw.flowLogs.trafficType ?? d.trafficType,
                azureRetentionDays: raw.flowLogs.azureRetentionDays ?? d.azureRetentionDays,
                createNetworkWatcher: raw.flowLogs.createNetworkWatcher,
            },
            activityLogRetentionDays: raw.activityLogRetentionDays ?? d.activityLogRetentionDays,
            tls: raw.tls,
        },
    };
}

/**
 * The monthly cap the cloud budgets are set to: the one number the cost
 * policy enforces, which the program (stacks/program.ts) reads from the
 * stack's policy config (stacks/config/cost-cap.ts) into the config.
 */
export function budgetCapUsd(config: { monthlyCostCapUsd?: number }): number | undefined {
    return config.monthlyCostCapUsd;
}
