import { strict as assert } from "assert";
import {
    HEARTBEAT_MARGIN_SECONDS,
    RECOVERY_ALLOWANCES as A,
    RecoverySettings,
    estimateRecovery,
    handlerTimeBoundSeconds,
    lifecycleHeartbeatSeconds,
} from "../../components/aws/server-recovery";

const base: RecoverySettings = {
    healthCheckGracePeriodSeconds: 300,
    snapshots: { intervalHours: 4 },
    failover: { snapshotWaitTimeoutSeconds: 600, volumeWaitTimeoutSeconds: 300 },
};
const with_ = (o: { grace?: number; hours?: RecoverySettings["snapshots"]["intervalHours"]; snap?: number; vol?: number }): RecoverySettings => ({
    healthCheckGracePeriodSeconds: o.grace ?? base.healthCheckGracePeriodSeconds,
    snapshots: { intervalHours: o.hours ?? base.snapshots.intervalHours },
    failover: { snapshotWaitTimeoutSeconds: o.snap ?? 600, volumeWaitTimeoutSeconds: o.vol ?? 300 },
});

describe("server recovery estimate (RTO / RPO)", () => {
    it("adds up detection, launch, the handler's path and app start for each failover path", () => {
        const e = estimateRecovery(base);
        assert.equal(e.rtoSeconds.sameAz, A.detectInstanceLoss + A.launch + A.handlerStart + A.attach + 300);
        assert.equal(e.rtoSeconds.otherAz, A.detectInstanceLoss + A.launch + A.handlerStart + A.releaseVolume + A.snapshot + A.createVolume + A.attach + 300);
        assert.equal(e.rtoSeconds.azLoss, A.detectAzLoss + A.launch + A.handlerStart + A.createVolume + A.attach + 300);
        // With the documented allowances: 8, 14.5 and 12.5 minutes.
        assert.deepEqual(e.rtoSeconds, { sameAz: 480, otherAz: 870, azLoss: 750 });
        assert.equal(e.estimatedRtoSeconds, 870);
        assert.ok(e.rtoSeconds.sameAz < e.rtoSeconds.otherAz, "moving across AZs costs a snapshot");
    });

    it("grows every path's RTO one for one with the grace period", () => {
        const a = estimateRecovery(with_({ grace: 120 }));
        const b = estimateRecovery(with_({ grace: 600 }));
        for (const k of ["sameAz", "otherAz", "azLoss"] as const) assert.equal(b.rtoSeconds[k] - a.rtoSeconds[k], 480);
        assert.equal(b.worstCaseRtoSeconds - a.worstCaseRtoSeconds, 480);
    });

    it("worst-case RTO lets the handler use its whole (Lambda-capped) bound", () => {
        const e = estimateRecovery(base);
        assert.equal(handlerTimeBoundSeconds(base), 900, "600 + 4 × 300 s exceeds the Lambda's 900 s");
        assert.equal(e.worstCaseRtoSeconds, A.detectAzLoss + A.launch + A.handlerStart + 900 + 300);
        assert.ok(e.worstCaseRtoSeconds >= e.estimatedRtoSeconds);
        const quick = with_({ snap: 60, vol: 30 });
        assert.equal(handlerTimeBoundSeconds(quick), 60 + 4 * 30);
        assert.equal(estimateRecovery(quick).worstCaseRtoSeconds, A.detectAzLoss + A.launch + A.handlerStart + 180 + 300);
    });

    it("RPO: nothing lost when the old AZ is reachable; the interval plus DLM's start window and completion when it is not", () => {
        for (const hours of [1, 4, 24] as const) {
            const e = estimateRecovery(with_({ hours }));
            assert.equal(e.rpoSeconds.oldAzReachable, 0);
            assert.equal(e.rpoSeconds.azLoss, hours * 3600 + 3600 + 900);
            assert.equal(e.worstCaseRpoSeconds, e.rpoSeconds.azLoss);
        }
        const diff = estimateRecovery(with_({ hours: 12 })).worstCaseRpoSeconds - estimateRecovery(with_({ hours: 6 })).worstCaseRpoSeconds;
        assert.equal(diff, 6 * 3600);
    });

    it("sizes the lifecycle heartbeat to the handler's bound plus a margin, within Auto Scaling's limits", () => {
        assert.equal(lifecycleHeartbeatSeconds(base), 900 + HEARTBEAT_MARGIN_SECONDS);
        assert.equal(lifecycleHeartbeatSeconds(with_({ snap: 100, vol: 50 })), 100 + 4 * 50 + HEARTBEAT_MARGIN_SECONDS);
        assert.ok(lifecycleHeartbeatSeconds(with_({ snap: 900, vol: 900 })) <= 7200);
        assert.ok(lifecycleHeartbeatSeconds(with_({ snap: 1, vol: 1 })) >= 30);
    });

    it("summarises in minutes", () => {
        assert.equal(
            estimateRecovery(base).summary,
            "RTO about 15 min (worst case 27 min); RPO 0 when the old AZ is reachable, up to 315 min when it is lost (snapshots every 4 h)",
        );
    });
});
