/**
 * This tier's data volumes and snapshots, read by tag, and the pure rules that
 * pick which one to use and which may go. Everything that decides "is data
 * safe" lives here, apart from the AWS calls, so it reads in one place.
 */
import {
    DescribeSnapshotsCommand,
    DescribeVolumesCommand,
    Filter,
    Snapshot,
    Tag,
    Volume,
} from "@aws-sdk/client-ec2";
import { HANDLER_SNAPSHOT_ORIGINS, NEVER_ATTACHED, ROLE_DATA, SNAPSHOT_ORIGIN, TAG, VOLUME_STATE } from "./contract";
import { Ctx, notFoundAsUndefined, send } from "./runtime";

export interface DataVolume {
    id: string;
    az: string;
    /** EC2's state: creating | available | in-use | deleting | deleted | error. */
    state: string;
    sizeGiB: number;
    createTime: number;
    /** The instance it is attached (or attaching/detaching) to. */
    attachedTo?: string;
    attachmentState?: string;
    tags: Record<string, string>;
}

export interface DataSnapshot {
    id: string;
    volumeId: string;
    /** EC2's state: pending | completed | error | recoverable | recovering. */
    state: string;
    startTime: number;
    sizeGiB: number;
    progress: string;
    tags: Record<string, string>;
}

export function tagMap(tags: readonly Tag[] | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? "";
    return out;
}

export function toTags(map: Record<string, string>): Tag[] {
    return Object.entries(map).map(([Key, Value]) => ({ Key, Value }));
}

export function toDataVolume(v: Volume): DataVolume {
    const a = v.Attachments?.find((x) => x.State !== "detached");
    return {
        id: v.VolumeId ?? "",
        az: v.AvailabilityZone ?? "",
        state: v.State ?? "unknown",
        sizeGiB: v.Size ?? 0,
        createTime: v.CreateTime?.getTime() ?? 0,
        ...(a?.InstanceId !== undefined ? { attachedTo: a.InstanceId, attachmentState: a.State ?? "unknown" } : {}),
        tags: tagMap(v.Tags),
    };
}

export function toDataSnapshot(s: Snapshot): DataSnapshot {
    return {
        id: s.SnapshotId ?? "",
        volumeId: s.VolumeId ?? "",
        state: s.State ?? "unknown",
        startTime: s.StartTime?.getTime() ?? 0,
        sizeGiB: s.VolumeSize ?? 0,
        progress: s.Progress ?? "",
        tags: tagMap(s.Tags),
    };
}

export function tierFilters(tierName: string, extra: Record<string, string> = {}): Filter[] {
    const tags = { [TAG.tier]: tierName, [TAG.role]: ROLE_DATA, ...extra };
    return Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] }));
}

/** Every volume of this tier, in any state. */
export async function listDataVolumes(ctx: Ctx): Promise<DataVolume[]> {
    const out: DataVolume[] = [];
    let NextToken: string | undefined;
    do {
        const page = await send(
            ctx,
            ctx.clients.ec2,
            new DescribeVolumesCommand({ Filters: tierFilters(ctx.settings.tierName), NextToken }),
        );
        out.push(...(page.Volumes ?? []).map(toDataVolume));
        NextToken = page.NextToken;
    } while (NextToken);
    return out.filter((v) => v.state !== "deleted");
}

export async function describeVolume(ctx: Ctx, id: string): Promise<DataVolume | undefined> {
    const r = await notFoundAsUndefined(send(ctx, ctx.clients.ec2, new DescribeVolumesCommand({ VolumeIds: [id] })));
    const v = r?.Volumes?.[0];
    return v === undefined ? undefined : toDataVolume(v);
}

/** Every snapshot of this tier (the handler's and DLM's), optionally narrowed by more tags. */
export async function listDataSnapshots(ctx: Ctx, extraTags: Record<string, string> = {}): Promise<DataSnapshot[]> {
    const out: DataSnapshot[] = [];
    let NextToken: string | undefined;
    do {
        const page = await send(
            ctx,
            ctx.clients.ec2,
            new DescribeSnapshotsCommand({
                OwnerIds: ["self"],
                Filters: tierFilters(ctx.settings.tierName, extraTags),
                NextToken,
            }),
        );
        out.push(...(page.Snapshots ?? []).map(toDataSnapshot));
        NextToken = page.NextToken;
    } while (NextToken);
    return out;
}

export async function describeSnapshot(ctx: Ctx, id: string): Promise<DataSnapshot | undefined> {
    const r = await notFoundAsUndefined(send(ctx, ctx.clients.ec2, new DescribeSnapshotsCommand({ SnapshotIds: [id] })));
    const s = r?.Snapshots?.[0];
    return s === undefined ? undefined : toDataSnapshot(s);
}

// ── pure rules ─────────────────────────────────────────────────────────────

const GONE = new Set(["deleting", "deleted"]);

export const isActive = (v: DataVolume) => v.tags[TAG.state] === VOLUME_STATE.active && !GONE.has(v.state);
export const isSuperseded = (v: DataVolume) => v.tags[TAG.state] === VOLUME_STATE.superseded && !GONE.has(v.state);
export const lastAttached = (v: DataVolume) => v.tags[TAG.lastAttachedInstanceId] ?? NEVER_ATTACHED;

export const isPending = (v: DataVolume) => v.tags[TAG.state] === VOLUME_STATE.pending && !GONE.has(v.state);
export const sequenceOf = (v: DataVolume) => {
    const n = Number(v.tags[TAG.sequence]);
    return Number.isInteger(n) && n > 0 ? n : 0;
};

/**
 * Could this volume be the live copy? Committed (tagged active) or known to
 * have held the data (attached now, or ever), and neither superseded nor a
 * copy still pending. A live volume whose state tag was removed stays a
 * candidate: losing a tag never makes the handler restore an older snapshot.
 * A copy that failed while being created and was never attached holds nothing.
 */
export function isLiveCandidate(v: DataVolume): boolean {
    const state = v.tags[TAG.state];
    if (GONE.has(v.state) || state === VOLUME_STATE.superseded || state === VOLUME_STATE.pending) return false;
    if (v.state === "error" && lastAttached(v) === NEVER_ATTACHED) return false;
    return state === VOLUME_STATE.active || v.attachedTo !== undefined || lastAttached(v) !== NEVER_ATTACHED;
}

export type LiveChoice =
    | { kind: "live"; volume: DataVolume }
    | { kind: "none" }
    /** Several copies at the top of the lineage: one is not this handler's (a hand restore with copied tags?). */
    | { kind: "conflict"; volumes: DataVolume[] };

/**
 * The live copy, by lineage: the candidate with the highest sequence. A copy
 * is committed (and its predecessor superseded) before it is attached, so a
 * half-finished commit leaves the newer copy one step ahead, never a tie. A
 * tie means a copy this handler did not make: refuse rather than guess.
 * Creation time decides nothing.
 */
export function chooseLive(volumes: readonly DataVolume[]): LiveChoice {
    const candidates = volumes.filter(isLiveCandidate);
    if (candidates.length === 0) return { kind: "none" };
    const top = Math.max(...candidates.map(sequenceOf));
    const atTop = candidates.filter((v) => sequenceOf(v) === top);
    return atTop.length === 1 ? { kind: "live", volume: atTop[0] } : { kind: "conflict", volumes: atTop };
}

/** The live copy and its ancestors, by their parent tags (as far as they still exist, plus the first missing one). */
export function lineageIds(live: DataVolume, volumes: readonly DataVolume[]): Set<string> {
    const ids = new Set<string>();
    let v: DataVolume | undefined = live;
    while (v !== undefined && !ids.has(v.id)) {
        ids.add(v.id);
        const parent: string | undefined = v.tags[TAG.parentVolumeId];
        if (parent === undefined) break;
        ids.add(parent);
        v = volumes.find((x) => x.id === parent);
    }
    return ids;
}

/**
 * A snapshot of volume V is a valid restore point only if the lineage went
 * through it: it was started no later than the data the next volume began
 * with. After that V is a fork left behind (e.g. the old copy of an AZ that
 * came back after a restore from an older snapshot), and restoring its later
 * snapshots would swap the live history for the abandoned one.
 */
export function isLineageSnapshot(s: DataSnapshot, volumes: readonly DataVolume[]): boolean {
    const source = volumes.find((v) => v.id === s.volumeId);
    if (source === undefined) return true; // a deleted volume: only preserved, superseded ones are deleted (pruneCandidates)
    const recorded = Date.parse(source.tags[TAG.lineageUntil] ?? "");
    if (!Number.isNaN(recorded)) return s.startTime <= recorded;
    if (source.tags[TAG.sequence] !== undefined) return !isPending(source) || s.id === source.tags[TAG.sourceSnapshotId];
    // A volume from before lineage tags: fall back to its successor by creation time.
    const successor = volumes
        .filter((v) => v.createTime > source.createTime)
        .sort((a, b) => a.createTime - b.createTime)[0];
    if (successor === undefined) return true;
    const cutoff = Date.parse(successor.tags[TAG.dataAsOf] ?? "") || successor.createTime;
    return s.startTime <= cutoff;
}

/**
 * The newest completed snapshot that is a valid restore point of `live`'s
 * data: taken of a volume in its lineage (never of a foreign copy or a fork)
 * while that volume was in the lineage. Without lineage tags (volumes made
 * before them, or no live copy left) any lineage snapshot of the tier.
 */
export function restoreCandidate(
    snapshots: readonly DataSnapshot[],
    volumes: readonly DataVolume[],
    live?: DataVolume,
): DataSnapshot | undefined {
    const lineage = live !== undefined && live.tags[TAG.sequence] !== undefined ? lineageIds(live, volumes) : undefined;
    return snapshots
        .filter((s) => s.state === "completed" && isLineageSnapshot(s, volumes) && (lineage === undefined || lineage.has(s.volumeId)))
        .sort((a, b) => b.startTime - a.startTime)[0];
}

/** Failover snapshots of `source` taken since its last attachment (so they hold its final data). */
export function failoverSnapshotsOf(snapshots: readonly DataSnapshot[], source: DataVolume): DataSnapshot[] {
    return snapshots.filter(
        (s) =>
            s.volumeId === source.id &&
            s.tags[TAG.origin] === SNAPSHOT_ORIGIN.failover &&
            s.tags[TAG.generation] === lastAttached(source),
    );
}

/**
 * Were the volume's writes carried forward? Only a volume superseded by a
 * copy made from its final snapshot (taken after its last instance was gone,
 * recorded at commit) is preserved, and only while that snapshot is there
 * and completed. A volume left behind by a restore (an outage, an operator's
 * decision) is a fork: its writes exist nowhere else, so it is never deleted.
 */
export function isPreserved(v: DataVolume, snapshots: readonly DataSnapshot[]): boolean {
    const id = v.tags[TAG.finalSnapshotId];
    if (id === undefined) return false;
    return snapshots.some((s) => s.id === id && s.volumeId === v.id && s.state === "completed" && s.tags[TAG.generation] === lastAttached(v));
}

/**
 * Superseded volumes that may be deleted, given that `attached` is the live
 * copy and is attached: beyond the newest `retention` superseded ones, and
 * only if released, no longer a DLM target, and their final data is in a
 * completed snapshot. A volume left behind by an AZ outage (never snapshotted
 * after its last write) is never deleted here: it may hold writes that exist
 * nowhere else, and an operator should look at it.
 */
export function pruneCandidates(
    volumes: readonly DataVolume[],
    snapshots: readonly DataSnapshot[],
    attached: DataVolume,
    retention: number,
): DataVolume[] {
    if (attached.attachmentState !== "attached" || !isActive(attached)) return [];
    const supersededAt = (v: DataVolume) => Date.parse(v.tags[TAG.supersededAt] ?? "") || v.createTime;
    return volumes
        .filter((v) => isSuperseded(v) && v.id !== attached.id)
        .sort((a, b) => supersededAt(b) - supersededAt(a))
        .slice(retention)
        .filter(
            (v) =>
                v.state === "available" &&
                v.attachedTo === undefined &&
                v.tags[TAG.backup] === undefined &&
                v.createTime < attached.createTime &&
                isPreserved(v, snapshots),
        );
}

/** A snapshot the handler took (failover or termination); DLM's (origin schedule, or untagged) are never the handler's to delete. */
export const isHandlerMade = (s: DataSnapshot) => HANDLER_SNAPSHOT_ORIGINS.includes(s.tags[TAG.origin] ?? "");

/**
 * Handler-made snapshots that may be deleted, given that `live` is the live
 * copy and is attached: those beyond the newest `retention` completed
 * handler-made ones, and only if deleting one can lose nothing. It must be:
 *   - completed (a pending one is never counted nor deleted) and handler-made;
 *   - not the tier's newest completed snapshot (scheduled ones included);
 *   - a lineage snapshot started strictly before the restore point (the
 *     newest completed lineage snapshot), which therefore holds all its data.
 *     A fork's snapshots may hold writes that exist nowhere else: kept for an
 *     operator, like the volumes an outage left behind. A snapshot of a
 *     volume still present counts as lineage only if that volume is the live
 *     one or records its lineage-until (superseded by this handler version);
 *     a missing volume is one pruneCandidates deleted, all of whose snapshots
 *     are lineage;
 *   - not the source of a volume that is being created or was never attached
 *     (a launch may be using it right now), nor of the live volume until a
 *     completed snapshot of the live volume itself exists;
 *   - not the failover snapshot that shows a superseded volume still present
 *     is safe to delete (pruneCandidates needs it to ever delete that volume).
 */
export function snapshotPruneCandidates(
    snapshots: readonly DataSnapshot[],
    volumes: readonly DataVolume[],
    live: DataVolume,
    retention: number,
): DataSnapshot[] {
    if (live.attachmentState !== "attached" || !isActive(live)) return [];
    const newestFirst = (a: DataSnapshot, b: DataSnapshot) => b.startTime - a.startTime || (a.id < b.id ? 1 : -1);
    const completed = snapshots.filter((s) => s.state === "completed").sort(newestFirst);
    const restorePoint = restoreCandidate(completed, volumes, live);
    if (restorePoint === undefined) return [];
    const present = volumes.filter((v) => !GONE.has(v.state));
    const liveHasOwnSnapshot = completed.some((s) => s.volumeId === live.id);
    const pinned = new Set<string>();
    for (const v of present) {
        const source = v.tags[TAG.sourceSnapshotId];
        const inUse =
            v.state === "creating" || lastAttached(v) === NEVER_ATTACHED || (v.id === live.id && !liveHasOwnSnapshot);
        if (source !== undefined && inUse) pinned.add(source);
        if (isSuperseded(v)) {
            for (const s of failoverSnapshotsOf(completed, v)) pinned.add(s.id);
            const final = v.tags[TAG.finalSnapshotId];
            if (final !== undefined) pinned.add(final);
        }
    }
    // Lineage proven by the source volume's own tags (not only by a successor that may itself be deleted by now).
    const proven = (s: DataSnapshot) => {
        const source = present.find((v) => v.id === s.volumeId);
        return source === undefined || source.id === live.id || source.tags[TAG.lineageUntil] !== undefined;
    };
    return completed
        .filter(isHandlerMade)
        .slice(retention)
        .filter(
            (s) =>
                s.id !== completed[0].id &&
                s.id !== restorePoint.id &&
                s.startTime < restorePoint.startTime &&
                proven(s) &&
                isLineageSnapshot(s, volumes) &&
                !pinned.has(s.id),
        );
}
