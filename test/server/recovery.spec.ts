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
    failover: { snapshotWaitTimeoutSeconds: 600, volumeWaitTimeoutSeconds: 300, restoreAfterUnreachableMinutes: 30 },
};
const with_ = (o: { grace?: number; hours?: RecoverySettings["snapshots"]["intervalHours"]; snap?: number; vol?: number; window?: number }): RecoverySettings => ({
    healthCheckGracePeriodSeconds: o.grace ?? base.healthCheckGracePeriodSeconds,
    snapshots: { intervalHours: o.hours ?? base.snapshots.intervalHours },
    failover: { snapshotWaitTimeoutSeconds: o.snap ?? 600, volumeWaitTimeoutSeconds: o.vol ?? 300, restoreAfterUnreachableMinutes: o.window ?? 30 },
});
const START = A.launch + A.handlerStart;

describe("server recovery estimate (RTO / RPO)", () => {
    it("adds up detection, launch, the handler's path and app start for each failover path; a lost AZ also waits out the window", () => {
        const e = estimateRecovery(base);
        assert.equal(e.rtoSeconds.sameAz, A.detectInstanceLoss + START + A.attach + 300);
        assert.equal(e.rtoSeconds.otherAz, A.detectInstanceLoss + START + A.releaseVolume + A.snapshot + A.createVolume + A.attach + 300);
        // The restore happens in a launch after the 30 min window: one more launch and cold start.
        assert.equal(e.rtoSeconds.azLoss, A.detectAzLoss + START + 30 * 60 + START + A.createVolume + A.attach + 300);
        // With the documented allowances: 8, 14.5 and 44.2 minutes.
        assert.deepEqual(e.rtoSeconds, { sameAz: 480, otherAz: 870, azLoss: 2650 });
        assert.equal(e.estimatedRtoSeconds, 2650, "the window dominates");
        assert.equal(e.restoreAfterUnreachableSeconds, 1800);
        assert.ok(e.rtoSeconds.sameAz < e.rtoSeconds.otherAz, "moving across AZs costs a snapshot");
    });

    it("a window of 0 restores in the first launch: the lost-AZ path is detection + boot + restore", () => {
        const e = estimateRecovery(with_({ window: 0 }));
        assert.equal(e.rtoSeconds.azLoss, A.detectAzLoss + START + A.createVolume + A.attach + 300);
        assert.equal(e.rtoSeconds.azLoss, 750);
        assert.equal(e.estimatedRtoSeconds, 870, "then the cross-AZ copy is the slowest path");
        assert.equal(e.worstCaseRtoSeconds, A.detectAzLoss + START + 900 + 300);
        assert.equal(e.restoreAfterUnreachableSeconds, 0);
        assert.match(e.explanation[1], /restores at once/);
    });

    it("the window adds one for one to the lost-AZ RTO and changes neither the instance-loss paths nor the RPO", () => {
        const a = estimateRecovery(with_({ window: 10 }));
        const b = estimateRecovery(with_({ window: 70 }));
        assert.equal(b.rtoSeconds.azLoss - a.rtoSeconds.azLoss, 60 * 60);
        assert.equal(b.worstCaseRtoSeconds - a.worstCaseRtoSeconds, 60 * 60);
        assert.equal(a.rtoSeconds.sameAz, b.rtoSeconds.sameAz);
        assert.equal(a.rtoSeconds.otherAz, b.rtoSeconds.otherAz);
        assert.deepEqual(a.rpoSeconds, b.rpoSeconds);
        assert.equal(a.worstCaseRpoSeconds, b.worstCaseRpoSeconds);
    });

    it("grows every path's RTO one for one with the grace period", () => {
        const a = estimateRecovery(with_({ grace: 120 }));
        const b = estimateRecovery(with_({ grace: 600 }));
        for (const k of ["sameAz", "otherAz", "azLoss"] as const) assert.equal(b.rtoSeconds[k] - a.rtoSeconds[k], 480);
        assert.equal(b.worstCaseRtoSeconds - a.worstCaseRtoSeconds, 480);
    });

    it("worst-case RTO lets the handler use its whole (Lambda-capped) bound, twice when a window ends mid-attempt", () => {
        const e = estimateRecovery(base);
        assert.equal(handlerTimeBoundSeconds(base), 900, "600 + 4 × 300 s exceeds the Lambda's 900 s");
        assert.equal(e.worstCaseRtoSeconds, A.detectAzLoss + START + 1800 + 900 + START + 900 + 300);
        assert.ok(e.worstCaseRtoSeconds >= e.estimatedRtoSeconds);
        const quick = with_({ snap: 60, vol: 30, window: 0 });
        assert.equal(handlerTimeBoundSeconds(quick), 60 + 4 * 30);
        assert.equal(estimateRecovery(quick).worstCaseRtoSeconds, A.detectAzLoss + START + 180 + 300);
    });

    it("RPO: nothing lost when the old AZ can serve the data; the interval plus DLM's start window and completion when it cannot", () => {
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

    it("summarises in minutes and says what the window means in plain words", () => {
        const e = estimateRecovery(base);
        assert.equal(
            e.summary,
            "RTO about 45 min (worst case 74 min); RPO 0 when the old AZ can serve the data, up to 315 min when it cannot (snapshots every 4 h, restore after 30 min of evidence)",
        );
        assert.deepEqual(e.explanation, [
            "old AZ can serve the data: nothing acknowledged is lost (RPO 0); RTO = detection + boot + copy, about 8 min in the same AZ, 15 min into another",
            "old AZ cannot serve it: the tier waits until its AZ has been seen unable to serve it for 30 min in a row (failover.restoreAfterUnreachableMinutes), " +
                "or an operator accepts the data loss (npm run failover -- accept-data-loss), then restores the newest completed snapshot; " +
                "RPO = the snapshot interval + snapshot time, up to 315 min of writes lost; RTO = detection + window + restore, about 45 min",
        ]);
        assert.match(estimateRecovery(with_({ window: 0 })).summary, /restore at once\)$/);
    });
});
