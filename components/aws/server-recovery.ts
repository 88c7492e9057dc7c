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
 *   azLoss   the volume's AZ is down: create the new volume from the newest
 *            completed snapshot, attach. Data since that snapshot is lost.
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
    failover: Pick<ServerSettings["failover"], "snapshotWaitTimeoutSeconds" | "volumeWaitTimeoutSeconds">;
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
    /** Typical recovery time per failover path, seconds. */
    rtoSeconds: { sameAz: number; otherAz: number; azLoss: number };
    /** The slowest typical path: the figure to quote. */
    estimatedRtoSeconds: number;
    /** Detection + launch + the handler's whole time bound + app start: beyond it the launch is abandoned and retried. */
    worstCaseRtoSeconds: number;
    /** Data lost per path, seconds of writes. The old AZ reachable: nothing written to disk is lost. */
    rpoSeconds: { oldAzReachable: number; azLoss: number };
    /** The snapshot interval, plus DLM's start window, plus the time the snapshot takes to complete. */
    worstCaseRpoSeconds: number;
    /** The lifecycle hooks' heartbeat timeout. */
    lifecycleHeartbeatSeconds: number;
    /** One line for reports and outputs. */
    summary: string;
}

export function estimateRecovery(s: RecoverySettings): RecoveryEstimate {
    const a = RECOVERY_ALLOWANCES;
    const start = a.launch + a.handlerStart;
    const appStart = s.healthCheckGracePeriodSeconds;
    const rtoSeconds = {
        sameAz: a.detectInstanceLoss + start + a.attach + appStart,
        otherAz: a.detectInstanceLoss + start + a.releaseVolume + a.snapshot + a.createVolume + a.attach + appStart,
        azLoss: a.detectAzLoss + start + a.createVolume + a.attach + appStart,
    };
    const estimatedRtoSeconds = Math.max(rtoSeconds.sameAz, rtoSeconds.otherAz, rtoSeconds.azLoss);
    const worstCaseRtoSeconds = Math.max(a.detectInstanceLoss, a.detectAzLoss) + start + handlerTimeBoundSeconds(s) + appStart;
    const azLossRpo = s.snapshots.intervalHours * 3600 + a.dlmStartWindow + a.scheduledSnapshotCompletion;
    const estimate = {
        rtoSeconds,
        estimatedRtoSeconds,
        worstCaseRtoSeconds,
        rpoSeconds: { oldAzReachable: 0, azLoss: azLossRpo },
        worstCaseRpoSeconds: azLossRpo,
        lifecycleHeartbeatSeconds: lifecycleHeartbeatSeconds(s),
    };
    return {
        ...estimate,
        summary:
            `RTO about ${minutes(estimatedRtoSeconds)} min (worst case ${minutes(worstCaseRtoSeconds)} min); ` +
            `RPO 0 when the old AZ is reachable, up to ${minutes(azLossRpo)} min when it is lost ` +
            `(snapshots every ${s.snapshots.intervalHours} h)`,
    };
}

function minutes(seconds: number): number {
    return Math.ceil(seconds / 60);
}
