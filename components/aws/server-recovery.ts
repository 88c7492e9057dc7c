/**
 * The multi-AZ server tier's recovery time (RTO) and worst-case data loss
 * (RPO), estimated from its settings. Pure arithmetic over documented
 * allowances, so the plan report, the stack outputs and the README quote the
 * same numbers, and a test pins them.
 *
 * The model: a replacement is detected, launched, held in Pending:Wait while
 * the failover handler brings the data volume (and address), then serves once
 * the app has started (the health-check grace period, which AWS starts only
 * after the lifecycle hook completes). The three ways a failover can go:
 *
 *   sameAz   the instance is lost, the replacement lands in the volume's AZ:
 *            attach the volume.
 *   otherAz  the instance is lost, the replacement lands in another AZ and the
 *            old AZ is reachable: wait for the old instance to release the
 *            volume, snapshot it (only blocks changed since the last snapshot),
 *            create the new volume from that snapshot, attach.
 *   azLoss   the volume's AZ cannot serve it: the handler restores an older
 *            copy only after it has seen that for `restoreAfterUnreachableMinutes`
 *            of continuous evidence, across attempts (or at once when an
 *            operator accepts the data loss); then it creates the new volume
 *            from the newest completed snapshot and attaches it in the launch
 *            after the window. Data since that snapshot is lost.
 *
 * Typical times use the allowances below; the worst case lets the handler use
 * its whole time bound (past it, the launch is abandoned and the group tries
 * again, so a failover that keeps failing is not bounded: the alarm says so).
 */
import { launchHandlerBudgetSeconds } from "./failover/contract";
import { ServerSettings } from "./server-settings";

/** Allowances (seconds) behind the estimate; each is a typical figure, not a guarantee. */
export const RECOVERY_ALLOWANCES = {
    /**
     * Failure to replacement start when the instance is gone (terminated,
     * Spot-reclaimed, stopped): Auto Scaling notices within its health check
     * cycle, about a minute.
     */
    detectInstanceLoss: 60,
    /**
     * Failure to replacement start when the instance is impaired or its AZ is
     * down: EC2 status checks (run every minute) must fail a few times before
     * Auto Scaling marks the instance unhealthy.
     */
    detectAzLoss: 300,
    /** RunInstances until the launching hook fires and the instance is running. */
    launch: 90,
    /** EventBridge delivery and the Lambda's cold start. */
    handlerStart: 10,
    /** The terminating instance's handler starts its snapshot, then EC2 detaches the volume. */
    releaseVolume: 60,
    /** An incremental snapshot of the blocks changed since the last one. */
    snapshot: 300,
    /** CreateVolume (empty, or from a snapshot: blocks load lazily on first read) until available. */
    createVolume: 30,
    /** AttachVolume until attached, then the Elastic IP and DNS updates. */
    attach: 20,
    /** Data Lifecycle Manager starts each scheduled snapshot within an hour of its time (CreateRule.Times). */
    dlmStartWindow: 3600,
    /** A scheduled snapshot completes (becomes restorable) after it starts. */
    scheduledSnapshotCompletion: 900,
} as const;

/** Added to the handler's time bound for the lifecycle hooks' heartbeat: event delivery, cold start, completing the action. */
export const HEARTBEAT_MARGIN_SECONDS = 120;
/** Auto Scaling's limits on a lifecycle hook's heartbeat timeout. */
export const HEARTBEAT_MIN_SECONDS = 30;
export const HEARTBEAT_MAX_SECONDS = 7200;

export type RecoverySettings = Pick<ServerSettings, "healthCheckGracePeriodSeconds"> & {
    snapshots: Pick<ServerSettings["snapshots"], "intervalHours">;
    failover: Pick<ServerSettings["failover"], "snapshotWaitTimeoutSeconds" | "volumeWaitTimeoutSeconds" | "restoreAfterUnreachableMinutes">;
};

/** The longest the launch handler can take: the contract's cross-AZ bound, capped by the Lambda timeout. */
export function handlerTimeBoundSeconds(s: RecoverySettings): number {
    // The cross-AZ path is the longest, and the contract already caps it at the Lambda timeout.
    return launchHandlerBudgetSeconds(s.failover).crossAz;
}

/**
 * The lifecycle hooks' heartbeat: long enough for the handler to finish its
 * slowest path, so Auto Scaling never applies the default result to a launch
 * the handler is still working on.
 */
export function lifecycleHeartbeatSeconds(s: RecoverySettings): number {
    const seconds = handlerTimeBoundSeconds(s) + HEARTBEAT_MARGIN_SECONDS;
    return Math.min(HEARTBEAT_MAX_SECONDS, Math.max(HEARTBEAT_MIN_SECONDS, seconds));
}

export interface RecoveryEstimate {
    /** Typical recovery time per failover path, seconds. azLoss includes the restore window. */
    rtoSeconds: { sameAz: number; otherAz: number; azLoss: number };
    /** The slowest typical path: the figure to quote. */
    estimatedRtoSeconds: number;
    /**
     * Detection + launch + the handler's whole time bound + app start (beyond
     * it the launch is abandoned and retried); for a lost AZ also the window,
     * an attempt in flight when it ends, and a new launch.
     */
    worstCaseRtoSeconds: number;
    /** Data lost per path, seconds of writes. The old AZ can serve the data: nothing acknowledged is lost. */
    rpoSeconds: { oldAzReachable: number; azLoss: number };
    /** The snapshot interval, plus DLM's start window, plus the time the snapshot takes to complete. */
    worstCaseRpoSeconds: number;
    /**
     * How long the live copy's AZ must be seen unable to serve it, across
     * attempts, before the handler restores the newest snapshot (the
     * `failover.restoreAfterUnreachableMinutes` setting, in seconds); 0: at once.
     */
    restoreAfterUnreachableSeconds: number;
    /** The lifecycle hooks' heartbeat timeout. */
    lifecycleHeartbeatSeconds: number;
    /** One line for reports and outputs. */
    summary: string;
    /** What the two cases mean, in plain words, one line each (the plan report prints them). */
    explanation: string[];
}

export function estimateRecovery(s: RecoverySettings): RecoveryEstimate {
    const a = RECOVERY_ALLOWANCES;
    const start = a.launch + a.handlerStart;
    const appStart = s.healthCheckGracePeriodSeconds;
    const window = s.failover.restoreAfterUnreachableMinutes * 60;
    // With a window, the attempt that first sees the AZ unable to serve the data waits or is abandoned, and the
    // restore happens in a launch after the window: one more launch and cold start. Without one, in the first.
    const afterWindow = window > 0 ? window + start : 0;
    const bound = handlerTimeBoundSeconds(s);
    const rtoSeconds = {
        sameAz: a.detectInstanceLoss + start + a.attach + appStart,
        otherAz: a.detectInstanceLoss + start + a.releaseVolume + a.snapshot + a.createVolume + a.attach + appStart,
        azLoss: a.detectAzLoss + start + afterWindow + a.createVolume + a.attach + appStart,
    };
    const estimatedRtoSeconds = Math.max(rtoSeconds.sameAz, rtoSeconds.otherAz, rtoSeconds.azLoss);
    const worstCaseRtoSeconds = Math.max(
        Math.max(a.detectInstanceLoss, a.detectAzLoss) + start + bound + appStart,
        // An attempt in flight when the window ends may use its whole bound before the next launch restores.
        a.detectAzLoss + start + (window > 0 ? window + bound + start : 0) + bound + appStart,
    );
    const azLossRpo = s.snapshots.intervalHours * 3600 + a.dlmStartWindow + a.scheduledSnapshotCompletion;
    const estimate = {
        rtoSeconds,
        estimatedRtoSeconds,
        worstCaseRtoSeconds,
        rpoSeconds: { oldAzReachable: 0, azLoss: azLossRpo },
        worstCaseRpoSeconds: azLossRpo,
        restoreAfterUnreachableSeconds: window,
        lifecycleHeartbeatSeconds: lifecycleHeartbeatSeconds(s),
    };
    const waits = window > 0
        ? `waits until its AZ has been seen unable to serve it for ${minutes(window)} min in a row (failover.restoreAfterUnreachableMinutes), or an operator accepts the data loss (npm run failover -- accept-data-loss)`
        : "restores at once (failover.restoreAfterUnreachableMinutes is 0)";
    return {
        ...estimate,
        summary:
            `RTO about ${minutes(estimatedRtoSeconds)} min (worst case ${minutes(worstCaseRtoSeconds)} min); ` +
            `RPO 0 when the old AZ can serve the data, up to ${minutes(azLossRpo)} min when it cannot ` +
            `(snapshots every ${s.snapshots.intervalHours} h${window > 0 ? `, restore after ${minutes(window)} min of evidence` : ", restore at once"})`,
        explanation: [
            `old AZ can serve the data: nothing acknowledged is lost (RPO 0); RTO = detection + boot + copy, ` +
                `about ${minutes(rtoSeconds.sameAz)} min in the same AZ, ${minutes(rtoSeconds.otherAz)} min into another`,
            `old AZ cannot serve it: the tier ${waits}, then restores the newest completed snapshot; ` +
                `RPO = the snapshot interval + snapshot time, up to ${minutes(azLossRpo)} min of writes lost; ` +
                `RTO = detection + window + restore, about ${minutes(rtoSeconds.azLoss)} min`,
        ],
    };
}

function minutes(seconds: number): number {
    return Math.ceil(seconds / 60);
}
