/**
 * The plan report's baseline block (stack output `baseline`): where the logs
 * go, how long they stay, the budgets and the link alerts, in a few lines.
 */
export function renderBaseline(baseline: unknown): string[] {
    if (!baseline || typeof baseline !== "object") return [];
    const b = baseline as {
        alertEmail: string;
        logArchive: { bucketName: string; lifecycle: { coldAfterDays: number; coldStorageClass: string; expireAfterDays: number }; deleteOnDestroy: boolean };
        auditTrail: { name: string; logLocation: string };
        vpcFlowLog: { trafficType: string };
        azureLogs: { storageAccountName: string; retention: { activityLogDays: number; flowLogDays: number }; vnetFlowLogIds: Record<string, string> };
        budgets: { monthlyCapUsd: number | null };
        linkAlerts: { awsTunnelAlarms?: Record<string, string>; azureTunnelAlerts?: Record<string, string>; azureBgpAlerts?: Record<string, string> };
    };
    const l = b.logArchive.lifecycle;
    const alerts = Object.keys(b.linkAlerts.awsTunnelAlarms ?? {}).length + Object.keys(b.linkAlerts.azureTunnelAlerts ?? {}).length + Object.keys(b.linkAlerts.azureBgpAlerts ?? {}).length;
    return [
        `Baseline (stack output baseline; alerts to ${b.alertEmail})`,
        `  audit trail ${b.auditTrail.name}: all regions, log file validation, into ${b.auditTrail.logLocation}`,
        `  log archive ${b.logArchive.bucketName}: ${l.coldStorageClass} after ${l.coldAfterDays} days, deleted after ${l.expireAfterDays}; ${b.logArchive.deleteOnDestroy ? "deleted by pulumi destroy" : "kept by pulumi destroy"}`,
        `  flow logs: VPC ${b.vpcFlowLog.trafficType} to the archive; VNets ${Object.keys(b.azureLogs.vnetFlowLogIds).join(", ")} to ${b.azureLogs.storageAccountName} (${b.azureLogs.retention.flowLogDays} days); activity log ${b.azureLogs.retention.activityLogDays} days`,
        `  budgets: ${b.budgets.monthlyCapUsd !== null ? `AWS and Azure, $${b.budgets.monthlyCapUsd.toFixed(2)} a month (the cost policy's cap), at forecast 100 % and actual 80 %, 100 %` : "none (no monthly cap)"}`,
        `  link alerts: ${alerts === 0 ? "none (no VPN)" : `${alerts} (${[
            b.linkAlerts.awsTunnelAlarms ? `${Object.keys(b.linkAlerts.awsTunnelAlarms).length} AWS tunnel` : "",
            b.linkAlerts.azureTunnelAlerts ? `${Object.keys(b.linkAlerts.azureTunnelAlerts).length} Azure connection` : "",
            b.linkAlerts.azureBgpAlerts && Object.keys(b.linkAlerts.azureBgpAlerts).length ? `${Object.keys(b.linkAlerts.azureBgpAlerts).length} BGP peer` : "",
        ].filter(Boolean).join(", ")})`}`,
        "",
    ];
}
