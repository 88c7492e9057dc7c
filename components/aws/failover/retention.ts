/**
 * Retention of the snapshots the handler makes itself (failover and
 * termination): Data Lifecycle Manager only expires its own scheduled ones,
 * so without this they would pile up forever. Which ones may go is the pure
 * rule snapshotPruneCandidates (./inventory); this only lists and deletes.
 */
import { DeleteSnapshotCommand } from "@aws-sdk/client-ec2";
import { TAG } from "./contract";
import { DataVolume, listDataSnapshots, snapshotPruneCandidates } from "./inventory";
import { Ctx, errorCode, errorMessage, send } from "./runtime";

/**
 * Best effort, after the live copy is attached (a launch) or its termination
 * snapshot completed: deletes this tier's handler-made snapshots beyond the
 * newest HANDLER_SNAPSHOT_RETENTION completed ones that are safe to delete.
 * A failure is logged and never changes the lifecycle outcome; the next
 * event tries again. Deleting is idempotent (a gone snapshot is not listed).
 */
export async function pruneHandlerSnapshots(ctx: Ctx, live: DataVolume, volumes: readonly DataVolume[]): Promise<string[]> {
    const deleted: string[] = [];
    try {
        const snapshots = await listDataSnapshots(ctx);
        for (const s of snapshotPruneCandidates(snapshots, volumes, live, ctx.settings.handlerSnapshotRetention)) {
            try {
                await send(ctx, ctx.clients.ec2, new DeleteSnapshotCommand({ SnapshotId: s.id }));
                deleted.push(s.id);
                ctx.log("info", "handler snapshot deleted", { snapshotId: s.id, volumeId: s.volumeId, origin: s.tags[TAG.origin] });
            } catch (err) {
                // e.g. InvalidSnapshot.InUse (an AMI or a volume being created from it): keep going with the others.
                ctx.log("warn", "could not delete handler snapshot", { snapshotId: s.id, code: errorCode(err), error: errorMessage(err) });
            }
        }
    } catch (err) {
        ctx.log("warn", "pruning handler snapshots failed", { code: errorCode(err), error: errorMessage(err) });
    }
    return deleted;
}
