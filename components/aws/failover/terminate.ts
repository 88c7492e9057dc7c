/**
 * EC2_INSTANCE_TERMINATING: snapshot the attached data volume before the
 * instance goes, then let the termination continue whatever happens (the
 * instance is going either way; holding it only delays the replacement).
 *
 * The instance is still running here (Terminating:Wait): its own quiesce
 * service reads the target lifecycle state from instance metadata, stops the
 * app, unmounts the data volume and tags itself QUIESCED. The snapshot is
 * taken after that (or after QUIESCE_WAIT_SECONDS without it, crash-consistent),
 * so it normally holds the final data. It is a restore point for the case the
 * AZ dies next; the replacement never relies on it (it copies the volume's
 * final snapshot, taken once the instance is gone).
 *
 * An EBS snapshot's point in time is when it starts, so once CreateSnapshot
 * returns the data is captured; waiting for completion only tells us it
 * worked. So the wait is short.
 *
 * Copies made for this instance that never became live (an abandoned launch)
 * are deleted: their data is their source snapshot's.
 */
import { NEVER_ATTACHED, SNAPSHOT_ORIGIN, TAG } from "./contract";
import {
    LifecycleDetail,
    completeLifecycle,
    createDataSnapshot,
    deleteUnusedCopy,
    describeInstance,
    notify,
    waitSnapshotCompleted,
} from "./actions";
import { isPending, lastAttached, listDataSnapshots, listDataVolumes } from "./inventory";
import type { HandlerResult } from "./launch";
import { pruneHandlerSnapshots } from "./retention";
import { ActionGone, Ctx, POLL_MS, WaitTimeout, errorCode, errorMessage, waitFor } from "./runtime";

export function terminationWaitMs(ctx: Ctx): number {
    const s = ctx.settings;
    return Math.min(s.snapshotWaitTimeoutSeconds, s.volumeWaitTimeoutSeconds / 2) * 1000;
}

export async function onTerminate(ctx: Ctx, d: LifecycleDetail): Promise<HandlerResult> {
    let result: HandlerResult = { outcome: "CONTINUE" };
    try {
        const volumes = await listDataVolumes(ctx);
        for (const v of volumes.filter((x) => x.tags[TAG.instanceId] === d.EC2InstanceId && x.attachedTo === undefined)) {
            if ((isPending(v) || v.state === "error") && lastAttached(v) === NEVER_ATTACHED) await deleteUnusedCopy(ctx, v, "its launch was abandoned");
        }
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
            const quiesced = existing === undefined && (await waitQuiesced(ctx, d.EC2InstanceId));
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
                    `termination of ${d.EC2InstanceId}${quiesced ? " (quiesced)" : " (crash-consistent)"}`,
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
        if (err instanceof ActionGone) {
            ctx.log("warn", "lifecycle action closed while working; stopping", { reason: err.message });
            return { outcome: "NONE", reason: err.message };
        }
        const reason = errorMessage(err);
        ctx.log("error", "termination snapshot failed; continuing termination", { reason, code: errorCode(err) });
        await notify(ctx, "termination snapshot failed", { instanceId: d.EC2InstanceId, reason });
        result = { outcome: "CONTINUE", reason };
    }
    await completeLifecycle(ctx, d, "CONTINUE");
    return result;
}

/**
 * Waits (bounded) for the instance to say its app is stopped and the volume
 * unmounted (its tag), or until it can write no more (gone, or no longer
 * running). True only for the first: a copy taken from an instance that
 * stopped without quiescing is crash-consistent, and says so.
 */
async function waitQuiesced(ctx: Ctx, instanceId: string): Promise<boolean> {
    const wait = ctx.settings.quiesceWaitSeconds * 1000;
    if (wait <= 0) return false;
    try {
        return await waitFor(ctx, `instance ${instanceId} quiesced`, wait, POLL_MS.instance, async () => {
            const i = await describeInstance(ctx, instanceId);
            if (i !== undefined && i.tags[TAG.quiesced] !== undefined) return { done: true, value: true };
            if (i === undefined || i.state !== "running") return { done: true, value: false };
            return { done: false, why: i.state };
        });
    } catch (err) {
        if (!(err instanceof WaitTimeout)) throw err;
        ctx.log("warn", "instance did not report quiesced; snapshotting crash-consistent", { instanceId });
        return false;
    }
}
