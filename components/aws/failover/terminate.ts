/**
 * EC2_INSTANCE_TERMINATING: snapshot the attached data volume before the
 * instance goes, then let the termination continue whatever happens (the
 * instance is going either way; holding it only delays the replacement).
 *
 * An EBS snapshot's point in time is when it starts, so once CreateSnapshot
 * returns the data is captured; waiting for completion only tells us it
 * worked. So the wait is short: at most half the volume wait, because a
 * replacement launching meanwhile waits that long for this instance to
 * release the volume and would give up first.
 */
import { SNAPSHOT_ORIGIN, TAG } from "./contract";
import {
    LifecycleDetail,
    completeLifecycle,
    createDataSnapshot,
    notify,
    waitSnapshotCompleted,
} from "./actions";
import { listDataSnapshots, listDataVolumes } from "./inventory";
import type { HandlerResult } from "./launch";
import { pruneHandlerSnapshots } from "./retention";
import { Ctx, WaitTimeout, errorCode, errorMessage } from "./runtime";

export function terminationWaitMs(ctx: Ctx): number {
    const s = ctx.settings;
    return Math.min(s.snapshotWaitTimeoutSeconds, s.volumeWaitTimeoutSeconds / 2) * 1000;
}

export async function onTerminate(ctx: Ctx, d: LifecycleDetail): Promise<HandlerResult> {
    let result: HandlerResult = { outcome: "CONTINUE" };
    try {
        const volumes = await listDataVolumes(ctx);
        const volume = volumes.find((v) => v.attachedTo === d.EC2InstanceId);
        if (volume === undefined) {
            ctx.log("info", "no data volume attached; nothing to snapshot");
        } else {
            // Idempotent: one termination snapshot per instance and volume.
            const existing = (
                await listDataSnapshots(ctx, {
                    [TAG.origin]: SNAPSHOT_ORIGIN.termination,
                    [TAG.instanceId]: d.EC2InstanceId,
                    [TAG.sourceVolumeId]: volume.id,
                })
            ).find((s) => s.state === "pending" || s.state === "completed");
            const snapshot =
                existing ??
                (await createDataSnapshot(
                    ctx,
                    volume,
                    {
                        [TAG.origin]: SNAPSHOT_ORIGIN.termination,
                        [TAG.instanceId]: d.EC2InstanceId,
                        [TAG.lifecycleToken]: d.LifecycleActionToken,
                    },
                    `termination of ${d.EC2InstanceId}`,
                ));
            result = { outcome: "CONTINUE", volumeId: volume.id, snapshotId: snapshot.id };
            let completed = snapshot.state === "completed";
            if (!completed) {
                try {
                    await waitSnapshotCompleted(ctx, snapshot.id, terminationWaitMs(ctx));
                    completed = true;
                    ctx.log("info", "termination snapshot completed", { snapshotId: snapshot.id });
                } catch (err) {
                    if (!(err instanceof WaitTimeout)) throw err;
                    ctx.log("warn", "termination snapshot still pending; continuing (its data is already captured)", {
                        snapshotId: snapshot.id,
                    });
                }
            }
            // Only once a newer completed copy exists; the volume is still attached (the hook holds the instance).
            if (completed) await pruneHandlerSnapshots(ctx, volume, volumes);
        }
    } catch (err) {
        const reason = errorMessage(err);
        ctx.log("error", "termination snapshot failed; continuing termination", { reason, code: errorCode(err) });
        await notify(ctx, "termination snapshot failed", { instanceId: d.EC2InstanceId, reason });
        result = { outcome: "CONTINUE", reason };
    }
    await completeLifecycle(ctx, d, "CONTINUE");
    return result;
}
