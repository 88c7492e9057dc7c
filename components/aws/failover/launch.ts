/**
 * EC2_INSTANCE_LAUNCHING: bring the data (and the address) to the new
 * instance's AZ, then let the launch continue. When the data cannot be
 * brought safely yet, abandon (the group tries again) and say why.
 *
 * Which copy of the data the new instance gets:
 *   1. the copy already attached to / made for this instance (a retried or duplicate event);
 *   2. the live copy (chosen by lineage, see chooseLive), if it is in this AZ;
 *   3. a copy of it made from its final snapshot, taken once its last
 *      instance is terminated and has released it, if it is in another AZ;
 *   4. the newest snapshot of its lineage: only by decision, never by
 *      timeout. Either the live copy's AZ has been seen unable to serve it
 *      (a dead holder that never releases it, a snapshot that makes no
 *      progress, snapshots refused) continuously for
 *      RESTORE_AFTER_UNREACHABLE_SECONDS across attempts, or an operator
 *      tagged it accept-data-loss. Until then every attempt waits, abandons
 *      and alerts;
 *   5. an empty volume, only if the tier has never had data.
 *
 * Fencing: a copy is attached only while no other copy of the data is
 * attached to an instance that could still write to it.
 * Commit before attach: a new copy becomes the live one (and its predecessor
 * superseded) before it is attached, so an instance never writes to a copy
 * that is not the live one.
 */
import { CreateOrUpdateTagsCommand, DescribeTagsCommand } from "@aws-sdk/client-auto-scaling";
import { AssociateAddressCommand, DeleteSnapshotCommand, DeleteVolumeCommand, DescribeAddressesCommand } from "@aws-sdk/client-ec2";
import { Change, ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, RRType } from "@aws-sdk/client-route-53";
import { NEVER_ATTACHED, SNAPSHOT_ORIGIN, TAG, VOLUME_ORIGIN, VOLUME_STATE } from "./contract";
import {
    InstanceInfo,
    LifecycleDetail,
    NewCopy,
    SnapshotFailed,
    VolumeFailed,
    attachDataVolume,
    completeLifecycle,
    createDataSnapshot,
    createDataVolume,
    deleteUnusedCopy,
    describeInstance,
    notify,
    tagResources,
    untagResources,
    waitAttached,
    waitInstanceRunning,
    waitSnapshotCompleted,
    waitVolumeAvailable,
} from "./actions";
import {
    DataSnapshot,
    DataVolume,
    chooseLive,
    describeSnapshot,
    describeVolume,
    failoverSnapshotsOf,
    isActive,
    isPending,
    isSuperseded,
    lastAttached,
    listDataSnapshots,
    listDataVolumes,
    pruneCandidates,
    restoreCandidate,
    sequenceOf,
} from "./inventory";
import { pruneHandlerSnapshots } from "./retention";
import { ActionGone, Ctx, LogFields, POLL_MS, Refusal, WaitTimeout, errorCode, errorMessage, isRetryable, send, waitFor } from "./runtime";

export type LaunchBranch = "resume" | "attach" | "copy" | "restore" | "empty";

export interface HandlerResult {
    outcome: "CONTINUE" | "ABANDON" | "NONE";
    branch?: LaunchBranch;
    volumeId?: string;
    snapshotId?: string;
    reason?: string;
}

interface Target {
    branch: LaunchBranch;
    volume: DataVolume;
    notes: LogFields;
}

/** Instance states in which an instance still owns its volumes and may write: never taken from. */
const HOLDING_STATES = new Set(["pending", "running", "stopping", "stopped"]);

export async function onLaunch(ctx: Ctx, d: LifecycleDetail): Promise<HandlerResult> {
    try {
        const r = await launch(ctx, d);
        await completeLifecycle(ctx, d, "CONTINUE");
        return { outcome: "CONTINUE", ...r };
    } catch (err) {
        if (err instanceof ActionGone) {
            ctx.log("warn", "lifecycle action closed while working; stopping", { reason: err.message });
            return { outcome: "NONE", reason: err.message };
        }
        const reason = errorMessage(err);
        const fields = err instanceof Refusal ? err.fields : {};
        // A parallel delivery may have finished the job meanwhile: never abandon an instance that has its data.
        const done = await hasItsData(ctx, d.EC2InstanceId).catch(() => undefined);
        if (done !== undefined) {
            ctx.log("warn", "this run failed, but the instance has the live copy attached (a parallel delivery)", { reason, volumeId: done });
            await completeLifecycle(ctx, d, "CONTINUE");
            return { outcome: "CONTINUE", branch: "resume", volumeId: done, reason };
        }
        ctx.log("error", "launch abandoned", { reason, code: errorCode(err), ...fields });
        await notify(ctx, "failover waiting: launch abandoned", { instanceId: d.EC2InstanceId, reason, ...fields });
        await completeLifecycle(ctx, d, "ABANDON");
        return { outcome: "ABANDON", reason };
    }
}

/** The live copy's id when it is attached to this instance. */
async function hasItsData(ctx: Ctx, instanceId: string): Promise<string | undefined> {
    const volumes = await listDataVolumes(ctx);
    const choice = chooseLive(volumes);
    const v = choice.kind === "live" ? choice.volume : undefined;
    return v !== undefined && v.attachedTo === instanceId && v.attachmentState === "attached" ? v.id : undefined;
}

async function launch(ctx: Ctx, d: LifecycleDetail): Promise<Omit<HandlerResult, "outcome">> {
    const instance = await waitInstanceRunning(ctx, d.EC2InstanceId);
    const volumes = await listDataVolumes(ctx);
    await repair(ctx, volumes, instance.id);
    const target = await chooseTarget(ctx, d, instance, volumes);
    ctx.log("info", "data volume chosen", { branch: target.branch, volumeId: target.volume.id, az: instance.az, ...target.notes });

    const attached = await ensureAttached(ctx, target.volume, instance);
    // The instance has its data: nothing below may abandon the launch.
    await afterAttach(ctx, d, attached);
    const ipv4 = await bestEffort(ctx, "moving the Elastic IP", () => moveAddress(ctx, instance));
    await bestEffort(ctx, "updating DNS", () => updateDns(ctx, instance, ipv4));
    await notify(ctx, `replacement ready in ${instance.az}`, {
        instanceId: instance.id,
        az: instance.az,
        branch: target.branch,
        volumeId: attached.id,
        ipv4,
        ipv6: instance.ipv6,
        ...target.notes,
    });
    return {
        branch: target.branch,
        volumeId: attached.id,
        ...(typeof target.notes.snapshotId === "string" ? { snapshotId: target.notes.snapshotId } : {}),
    };
}

/** Pruning and the initialized marker: best effort, once the live copy is attached. */
async function afterAttach(ctx: Ctx, d: LifecycleDetail, attached: DataVolume): Promise<void> {
    const volumes = await bestEffort(ctx, "listing volumes", () => listDataVolumes(ctx));
    if (volumes !== undefined) {
        const live = volumes.find((v) => v.id === attached.id) ?? attached;
        const remaining = await prune(ctx, live, volumes);
        await pruneHandlerSnapshots(ctx, live, remaining);
    }
    await markInitialized(ctx, d);
}

/** Runs a step whose failure must not undo a launch that has its data: alert and go on. */
async function bestEffort<T>(ctx: Ctx, what: string, step: () => Promise<T>): Promise<T | undefined> {
    try {
        return await step();
    } catch (err) {
        if (err instanceof ActionGone) throw err;
        ctx.log("error", `${what} failed; the instance has its data, continuing`, { code: errorCode(err), error: errorMessage(err) });
        await notify(ctx, `${what} failed`, { code: errorCode(err), error: errorMessage(err) });
        return undefined;
    }
}

// ── choosing the data ──────────────────────────────────────────────────────

async function chooseTarget(ctx: Ctx, d: LifecycleDetail, inst: InstanceInfo, volumes: DataVolume[]): Promise<Target> {
    const resumed = await resume(ctx, inst, volumes);
    if (resumed !== undefined) return resumed;

    const choice = chooseLive(volumes);
    if (choice.kind === "conflict") {
        throw new Refusal(
            `several copies claim to be the live data (${choice.volumes.map((v) => `${v.id} in ${v.az}`).join(", ")}); ` +
                "one was not made by this handler (a restore with copied tags?): untag or delete the wrong one",
            { volumeIds: choice.volumes.map((v) => v.id) },
        );
    }
    // Copies for this instance that failed while being created: the next one needs a fresh client token.
    const errors = volumes.filter((v) => v.tags[TAG.instanceId] === inst.id && v.state === "error").length;
    if (choice.kind === "none") return firstOrRestore(ctx, d, inst, volumes, errors);
    const live = choice.volume;

    if (live.tags[TAG.acceptDataLoss] !== undefined) {
        return restore(ctx, d, inst, volumes, live, errors, `an operator accepted data loss on ${live.id} (${live.tags[TAG.acceptDataLoss]})`);
    }
    const released = await waitReleased(ctx, live);
    if (released.kind === "stalled") return decideOrWait(ctx, d, inst, volumes, live, errors, released.evidence);
    if (released.volume.az === inst.az) {
        await clearEvidence(ctx, released.volume);
        return { branch: "attach", volume: released.volume, notes: {} };
    }
    const snap = await finalSnapshot(ctx, d, released.volume);
    if (snap.kind === "stalled") return decideOrWait(ctx, d, inst, volumes, live, errors, snap.evidence);
    await clearEvidence(ctx, released.volume);
    const copy = await makeCopy(ctx, {
        az: inst.az,
        instanceId: inst.id,
        token: d.LifecycleActionToken,
        origin: VOLUME_ORIGIN.copy,
        snapshot: snap.snapshot,
        parent: released.volume,
        sequence: sequenceOf(released.volume) + 1,
        attempt: errors,
    });
    const committed = await commit(ctx, copy, volumes);
    return {
        branch: "copy",
        volume: committed,
        notes: { fromVolumeId: released.volume.id, fromAz: released.volume.az, snapshotId: snap.snapshot.id },
    };
}

/**
 * A retried or duplicate event: the copy attached to this instance, or the
 * one made for it (pending: finish and commit it). A copy that failed while
 * being created holds nothing: deleted, and the choice is made afresh.
 */
async function resume(ctx: Ctx, inst: InstanceInfo, volumes: DataVolume[]): Promise<Target | undefined> {
    const attached = volumes.find((v) => v.attachedTo === inst.id);
    if (attached !== undefined) {
        const volume = isPending(attached) ? await commit(ctx, attached, volumes) : attached;
        return { branch: "resume", volume, notes: {} };
    }
    const live = chooseLive(volumes);
    for (const v of volumes.filter((x) => x.tags[TAG.instanceId] === inst.id && x.attachedTo === undefined)) {
        if (v.state === "error") {
            await deleteUnusedCopy(ctx, v, "failed while being created");
            continue;
        }
        if (v.state === "deleting" || v.state === "deleted") continue;
        // Pending: made by an earlier delivery; active: committed, then the run was cut before attaching.
        if (isPending(v) || (live.kind === "live" && live.volume.id === v.id)) {
            try {
                const ready = v.state === "available" ? v : await waitVolumeAvailable(ctx, v.id);
                const volume = isPending(ready) ? await commit(ctx, ready, volumes) : ready;
                return { branch: "resume", volume, notes: {} };
            } catch (err) {
                if (!(err instanceof VolumeFailed)) throw err;
                await deleteUnusedCopy(ctx, v, "failed while being created");
            }
        }
    }
    return undefined;
}

type Released = { kind: "released"; volume: DataVolume } | { kind: "stalled"; evidence: Evidence };

/**
 * Waits until the live copy is free: available, and its last instance
 * terminated (fencing). A holder that may still write (pending, running,
 * stopping, stopped: e.g. one waiting in Terminating:Wait while its
 * replacement launches) keeps it: wait and abandon, never take it and never
 * count it as an outage. A holder that is going or gone yet never lets go is
 * evidence that the AZ cannot serve the volume.
 */
async function waitReleased(ctx: Ctx, volume: DataVolume): Promise<Released> {
    if (volume.state === "available" && volume.attachedTo === undefined) {
        await assertFenced(ctx, volume, lastAttached(volume));
        return { kind: "released", volume };
    }
    let last = volume;
    try {
        const v = await waitFor(
            ctx,
            `volume ${volume.id} released`,
            ctx.settings.volumeWaitTimeoutSeconds * 1000,
            POLL_MS.volume,
            async () => {
                const v = await describeVolume(ctx, volume.id);
                if (v === undefined) return { done: false, why: "not visible" };
                last = v;
                if (v.state === "available" && v.attachedTo === undefined) {
                    await assertFenced(ctx, v, lastAttached(v));
                    return { done: true, value: v };
                }
                if (v.state === "creating") return { done: false, why: "creating" };
                return { done: false, why: `${v.state} ${v.attachmentState ?? ""}`.trim() };
            },
        );
        return { kind: "released", volume: v };
    } catch (err) {
        if (!(err instanceof WaitTimeout)) throw err;
        const holder = last.attachedTo;
        const h = holder === undefined ? undefined : await describeInstance(ctx, holder);
        const holderState = holder === undefined ? "none" : (h?.state ?? "not found");
        if (HOLDING_STATES.has(holderState)) {
            throw new Refusal(`volume ${volume.id} is still attached to ${holder} (${holderState}); waiting for it to be released`, {
                volumeId: volume.id,
                holder,
                holderState,
            });
        }
        return {
            kind: "stalled",
            evidence: {
                key: "release",
                text: `volume ${volume.id} in ${volume.az} is ${last.state}${last.attachmentState !== undefined ? `/${last.attachmentState}` : ""} with its instance ${holder ?? "-"} ${holderState}`,
            },
        };
    }
}

/** Refuses while the volume's last instance could still write to it (a released volume may be re-attached to a live instance by hand). */
async function assertFenced(ctx: Ctx, v: DataVolume, holder: string): Promise<void> {
    if (holder === NEVER_ATTACHED) return;
    const h = await describeInstance(ctx, holder);
    if (h !== undefined && HOLDING_STATES.has(h.state)) {
        throw new Refusal(`volume ${v.id}'s last instance ${holder} is ${h.state}; waiting for it to terminate`, { volumeId: v.id, holder });
    }
}

type Final = { kind: "final"; snapshot: DataSnapshot } | { kind: "stalled"; evidence: Evidence };

/**
 * The final snapshot of the released live copy (its last instance is gone,
 * so it holds every write). Reuses one from an earlier attempt while the
 * volume has not been attached since. A failed one is deleted (it holds
 * nothing) and taken again; one still in progress abandons the attempt (the
 * next one resumes it); one that makes no progress, or snapshots refused
 * until the deadline, are evidence.
 */
async function finalSnapshot(ctx: Ctx, d: LifecycleDetail, source: DataVolume): Promise<Final> {
    const earlier = failoverSnapshotsOf(
        await listDataSnapshots(ctx, { [TAG.sourceVolumeId]: source.id, [TAG.origin]: SNAPSHOT_ORIGIN.failover }),
        source,
    );
    for (const s of earlier.filter((x) => x.state === "error")) {
        await bestEffort(ctx, "deleting a failed snapshot", () => send(ctx, ctx.clients.ec2, new DeleteSnapshotCommand({ SnapshotId: s.id })));
    }
    let snapshot: DataSnapshot | undefined = earlier
        .filter((s) => s.state === "completed" || s.state === "pending")
        .sort((a, b) => Number(b.state === "completed") - Number(a.state === "completed") || b.startTime - a.startTime)[0];
    for (let tries = 0; ; tries++) {
        if (snapshot === undefined) {
            try {
                snapshot = await createDataSnapshot(
                    ctx,
                    source,
                    {
                        [TAG.origin]: SNAPSHOT_ORIGIN.failover,
                        [TAG.instanceId]: d.EC2InstanceId,
                        [TAG.lifecycleToken]: d.LifecycleActionToken,
                        [TAG.generation]: lastAttached(source),
                    },
                    `final snapshot of ${source.id} for ${d.EC2InstanceId}`,
                );
            } catch (err) {
                // IncorrectState: "an earlier snapshot request still incomplete", or a volume EBS cannot read: evidence, not a verdict.
                if (!isRetryable(err) && errorCode(err) !== "IncorrectState") throw err;
                return { kind: "stalled", evidence: { key: "snapshot-refused", text: `CreateSnapshot of ${source.id} in ${source.az} keeps failing: ${errorCode(err)}` } };
            }
        }
        if (snapshot.state === "completed") return { kind: "final", snapshot };
        try {
            return { kind: "final", snapshot: await waitSnapshotCompleted(ctx, snapshot.id, ctx.settings.snapshotWaitTimeoutSeconds * 1000) };
        } catch (err) {
            if (err instanceof SnapshotFailed && tries < 1) {
                await bestEffort(ctx, "deleting a failed snapshot", () => send(ctx, ctx.clients.ec2, new DeleteSnapshotCommand({ SnapshotId: snapshot!.id })));
                snapshot = undefined;
                continue;
            }
            if (err instanceof SnapshotFailed) {
                return { kind: "stalled", evidence: { key: "snapshot-failed", text: `final snapshots of ${source.id} in ${source.az} fail` } };
            }
            if (!(err instanceof WaitTimeout)) throw err;
            const now = await describeSnapshot(ctx, snapshot.id);
            const progress = now?.progress ?? snapshot.progress;
            const evidence = { key: `snapshot ${snapshot.id} ${progress}`, text: `final snapshot ${snapshot.id} of ${source.id} in ${source.az} at ${progress || "0%"}` };
            const recorded = source.tags[TAG.unreachableEvidence];
            if (recorded === undefined || !recorded.startsWith(`${evidence.key}:`)) {
                // Progress since the last attempt (or a first look): the AZ is serving the volume. Wait, never restore.
                await recordEvidence(ctx, source, evidence, true);
                throw new Refusal(`final snapshot ${snapshot.id} of ${source.id} still in progress (${progress || "0%"}); the next attempt resumes it`, {
                    snapshotId: snapshot.id,
                });
            }
            return { kind: "stalled", evidence };
        }
    }
}

// ── evidence and the restore decision ──────────────────────────────────────

/** What an attempt saw that says the live copy's AZ cannot serve it; `key` changes when progress is made. */
interface Evidence {
    key: string;
    text: string;
}

async function recordEvidence(ctx: Ctx, v: DataVolume, e: Evidence, restart: boolean): Promise<number> {
    const since = Date.parse(v.tags[TAG.unreachableSince] ?? "");
    const sameKind = (v.tags[TAG.unreachableEvidence] ?? "").startsWith(`${e.key}:`);
    const start = !restart && sameKind && !Number.isNaN(since) ? since : ctx.now();
    await tagResources(ctx, [v.id], {
        [TAG.unreachableSince]: new Date(start).toISOString(),
        [TAG.unreachableEvidence]: `${e.key}: ${e.text}`.slice(0, 255),
    });
    return start;
}

async function clearEvidence(ctx: Ctx, v: DataVolume): Promise<void> {
    if (v.tags[TAG.unreachableSince] === undefined && v.tags[TAG.unreachableEvidence] === undefined) return;
    await bestEffort(ctx, "clearing outage evidence", () => untagResources(ctx, [v.id], [TAG.unreachableSince, TAG.unreachableEvidence]));
}

/**
 * The live copy cannot be brought now. Restore (losing the writes after the
 * newest snapshot) only once the same evidence has held for the whole
 * window, across attempts; otherwise record it, abandon and alert.
 */
async function decideOrWait(
    ctx: Ctx,
    d: LifecycleDetail,
    inst: InstanceInfo,
    volumes: DataVolume[],
    live: DataVolume,
    errors: number,
    evidence: Evidence,
): Promise<Target> {
    const since = await recordEvidence(ctx, live, evidence, false);
    const windowMs = ctx.settings.restoreAfterUnreachableSeconds * 1000;
    const seenMs = ctx.now() - since;
    if (seenMs >= windowMs) {
        return restore(ctx, d, inst, volumes, live, errors, `${evidence.text}, seen for ${Math.round(seenMs / 60_000)} min (window ${Math.round(windowMs / 60_000)} min)`);
    }
    throw new Refusal(
        `${evidence.text}; seen since ${new Date(since).toISOString()}: the tier restores its newest snapshot after ` +
            `${Math.round(windowMs / 60_000)} min of this, or at once with accept-data-loss on ${live.id}`,
        { volumeId: live.id, unreachableSince: new Date(since).toISOString(), evidence: evidence.text },
    );
}

/**
 * Restores the newest completed snapshot of the live copy's lineage into a
 * new copy, by decision (evidence window, operator). The old copy is kept (a
 * fork: its later writes exist nowhere else) and never deleted by the handler.
 * Without a live copy (`lost` undefined: the data volume went missing), the
 * newest lineage snapshot of the tier.
 */
async function restore(
    ctx: Ctx,
    d: LifecycleDetail,
    inst: InstanceInfo,
    volumes: DataVolume[],
    lost: DataVolume | undefined,
    errors: number,
    reason: string,
    snapshots?: DataSnapshot[],
): Promise<Target> {
    // Fencing: its instance must be gone or going (shutting-down: its app was told to stop), never one that may write.
    if (lost?.attachedTo !== undefined) {
        const h = await describeInstance(ctx, lost.attachedTo);
        if (h !== undefined && HOLDING_STATES.has(h.state)) {
            throw new Refusal(`${reason}; but ${lost.id} is still attached to ${h.id} (${h.state}): terminate it first`, { volumeId: lost.id, holder: h.id });
        }
    }
    const snapshot = restoreCandidate(snapshots ?? (await listDataSnapshots(ctx)), volumes, lost);
    if (snapshot === undefined) {
        throw new Refusal(`${reason}, and this data has no completed snapshot to restore; not starting empty`, { unreachableVolumeId: lost?.id });
    }
    const dataAsOf = new Date(snapshot.startTime).toISOString();
    const lostNotes = lost !== undefined ? { unreachableVolumeId: lost.id, unreachableAz: lost.az } : {};
    ctx.log("warn", "restoring from snapshot: writes after it stay on the old copy, which is kept", { reason, snapshotId: snapshot.id, dataAsOf, ...lostNotes });
    const top = lost ?? [...volumes].sort((a, b) => sequenceOf(b) - sequenceOf(a))[0];
    const copy = await makeCopy(ctx, {
        az: inst.az,
        instanceId: inst.id,
        token: d.LifecycleActionToken,
        origin: VOLUME_ORIGIN.restore,
        snapshot,
        ...(lost !== undefined ? { parent: lost } : {}),
        sequence: (top !== undefined ? sequenceOf(top) : 0) + 1,
        attempt: errors,
    });
    const volume = await commit(ctx, copy, volumes);
    await notify(ctx, "DATA RESTORED FROM SNAPSHOT: writes after it are only on the old copy", {
        reason,
        snapshotId: snapshot.id,
        dataAsOf,
        ...lostNotes,
        newVolumeId: volume.id,
    });
    return { branch: "restore", volume, notes: { reason, snapshotId: snapshot.id, dataAsOf, ...lostNotes } };
}

/** No live copy: restore if the tier has any history, start empty only if it has none at all. */
async function firstOrRestore(ctx: Ctx, d: LifecycleDetail, inst: InstanceInfo, volumes: DataVolume[], errors: number): Promise<Target> {
    const snapshots = await listDataSnapshots(ctx);
    if (volumes.length > 0 || snapshots.length > 0) return restore(ctx, d, inst, volumes, undefined, errors, "no live data volume", snapshots);
    if (await isInitialized(ctx, d.AutoScalingGroupName)) {
        throw new Refusal(
            "this tier has had data (the group is marked initialized) but no data volume and no snapshot exist; refusing to start empty",
            { group: d.AutoScalingGroupName },
        );
    }
    const copy = await makeCopy(ctx, {
        az: inst.az,
        instanceId: inst.id,
        token: d.LifecycleActionToken,
        origin: VOLUME_ORIGIN.empty,
        sequence: 1,
        attempt: errors,
    });
    return { branch: "empty", volume: await commit(ctx, copy, volumes), notes: {} };
}

/** Creates a copy; one that fails while being created is deleted and made once more with a fresh token. */
async function makeCopy(ctx: Ctx, c: NewCopy): Promise<DataVolume> {
    try {
        return await createDataVolume(ctx, c);
    } catch (err) {
        if (errorCode(err) === "IdempotentParameterMismatch") return theirCopy(ctx, c);
        if (!(err instanceof VolumeFailed)) throw err;
        const failed = await describeVolume(ctx, err.volumeId);
        if (failed !== undefined) await deleteUnusedCopy(ctx, failed, "failed while being created");
        return createDataVolume(ctx, { ...c, attempt: c.attempt + 1 });
    }
}

/**
 * A parallel delivery of the same event made this instance's copy from
 * another (equally final) snapshot: use theirs once it is visible.
 */
async function theirCopy(ctx: Ctx, c: NewCopy): Promise<DataVolume> {
    ctx.log("info", "a parallel delivery is making this instance's copy; using it");
    const id = await waitFor(ctx, `the parallel delivery's copy for ${c.instanceId}`, ctx.settings.volumeWaitTimeoutSeconds * 1000, POLL_MS.volume, async () => {
        const mine = (await listDataVolumes(ctx)).find((v) => v.tags[TAG.instanceId] === c.instanceId && v.state !== "error" && v.state !== "deleting");
        return mine === undefined ? { done: false, why: "not visible yet" } : { done: true, value: mine.id };
    });
    return waitVolumeAvailable(ctx, id);
}

// ── commit, attach ─────────────────────────────────────────────────────────

/**
 * Makes `copy` the live copy, before it is attached: it becomes active and
 * the DLM target, then its predecessor (and any older copy still active)
 * is superseded, with what makes its later deletion safe or forbidden:
 *   - made from the predecessor's final snapshot (a copy): that snapshot
 *     holds all its writes, so it is recorded (finalSnapshotId);
 *   - otherwise (a restore) it is a fork: its snapshots after the restore
 *     point are cut off from the lineage (lineageUntil) and it is never deleted.
 * Derived from the copy's own tags, so a retry finishes a half-done commit.
 */
async function commit(ctx: Ctx, copyAsRead: DataVolume, volumes: readonly DataVolume[]): Promise<DataVolume> {
    const tier = ctx.settings.tierName;
    if (copyAsRead.tags[TAG.state] !== VOLUME_STATE.active || copyAsRead.tags[TAG.backup] !== tier) {
        await tagResources(ctx, [copyAsRead.id], { [TAG.state]: VOLUME_STATE.active, [TAG.backup]: tier });
    }
    const copy: DataVolume = { ...copyAsRead, tags: { ...copyAsRead.tags, [TAG.state]: VOLUME_STATE.active, [TAG.backup]: tier } };
    await supersedeOlder(ctx, copy, volumes);
    return copy;
}

/** Supersedes every other active (or attached, untagged) copy older in the lineage than `live`. */
async function supersedeOlder(ctx: Ctx, live: DataVolume, volumes: readonly DataVolume[]): Promise<void> {
    const older = volumes.filter(
        (v) =>
            v.id !== live.id &&
            !isSuperseded(v) &&
            !isPending(v) &&
            v.state !== "deleting" &&
            v.state !== "deleted" &&
            (isActive(v) || lastAttached(v) !== NEVER_ATTACHED) &&
            sequenceOf(v) < sequenceOf(live),
    );
    if (older.length === 0) return;
    const lineageUntil = live.tags[TAG.dataAsOf] ?? new Date(live.createTime).toISOString();
    const parent = live.tags[TAG.parentVolumeId];
    const source = live.tags[TAG.sourceSnapshotId];
    for (const v of older) {
        const carried = v.id === parent && live.tags[TAG.origin] === VOLUME_ORIGIN.copy && source !== undefined;
        await tagResources(ctx, [v.id], {
            [TAG.state]: VOLUME_STATE.superseded,
            [TAG.supersededAt]: v.tags[TAG.supersededAt] ?? new Date(ctx.now()).toISOString(),
            [TAG.supersededBy]: live.id,
            [TAG.lineageUntil]: lineageUntil,
            ...(carried ? { [TAG.finalSnapshotId]: source } : {}),
        });
    }
    await untagResources(ctx, older.map((v) => v.id), [TAG.backup]);
    ctx.log("info", "volumes superseded", { volumeIds: older.map((v) => v.id), by: live.id });
}

/**
 * Leaks a killed run can leave, fixed on every launch: a superseded volume
 * still carrying the DLM tag; an older copy still active after its successor
 * was committed; copies made for other instances that never became live
 * (their instance is gone: the data is their source snapshot's).
 */
async function repair(ctx: Ctx, volumes: DataVolume[], self: string): Promise<void> {
    const stale = volumes.filter((v) => isSuperseded(v) && v.tags[TAG.backup] !== undefined).map((v) => v.id);
    if (stale.length > 0) await bestEffort(ctx, "untagging superseded volumes", () => untagResources(ctx, stale, [TAG.backup]));
    const choice = chooseLive(volumes);
    if (choice.kind === "live" && choice.volume.tags[TAG.sequence] !== undefined) {
        await bestEffort(ctx, "finishing a commit", () => supersedeOlder(ctx, choice.volume, volumes));
    }
    for (const v of volumes.filter((x) => (isPending(x) || x.state === "error") && x.attachedTo === undefined && x.tags[TAG.instanceId] !== self)) {
        if (lastAttached(v) !== NEVER_ATTACHED) continue;
        const owner = v.tags[TAG.instanceId];
        const h = owner === undefined ? undefined : await describeInstance(ctx, owner);
        if (!(h === undefined || h.state === "terminated" || v.state === "error")) continue;
        // Its data must be its source snapshot's, still there (tags can read stale: never trust "pending" alone).
        const source = v.tags[TAG.sourceSnapshotId];
        const kept = source === undefined ? v.tags[TAG.origin] === VOLUME_ORIGIN.empty : (await describeSnapshot(ctx, source))?.state === "completed";
        if (kept || v.state === "error") await deleteUnusedCopy(ctx, v, `its instance ${owner ?? "-"} is gone`);
    }
}

async function ensureAttached(ctx: Ctx, volume: DataVolume, inst: InstanceInfo): Promise<DataVolume> {
    if (volume.attachedTo !== inst.id) return attachDataVolume(ctx, volume, inst.id);
    if (inst.tags[TAG.dataVolumeId] !== volume.id) await tagResources(ctx, [inst.id], { [TAG.dataVolumeId]: volume.id });
    return volume.attachmentState === "attached" ? volume : waitAttached(ctx, volume.id, inst.id);
}

/**
 * Best effort: deletes superseded volumes beyond retention whose data is safe
 * elsewhere (see pruneCandidates). Returns the volumes still there.
 */
async function prune(ctx: Ctx, attached: DataVolume, volumes: DataVolume[]): Promise<DataVolume[]> {
    if (volumes.filter(isSuperseded).length <= ctx.settings.supersededVolumeRetention) return volumes;
    const deleted = new Set<string>();
    try {
        const snapshots = await listDataSnapshots(ctx, { [TAG.origin]: SNAPSHOT_ORIGIN.failover });
        for (const v of pruneCandidates(volumes, snapshots, attached, ctx.settings.supersededVolumeRetention)) {
            await send(ctx, ctx.clients.ec2, new DeleteVolumeCommand({ VolumeId: v.id }));
            deleted.add(v.id);
            ctx.log("info", "superseded volume deleted", { volumeId: v.id, az: v.az });
        }
    } catch (err) {
        ctx.log("warn", "pruning superseded volumes failed", { code: errorCode(err), error: errorMessage(err) });
    }
    return volumes.filter((v) => !deleted.has(v.id));
}

async function isInitialized(ctx: Ctx, group: string): Promise<boolean> {
    const r = await send(
        ctx,
        ctx.clients.autoscaling,
        new DescribeTagsCommand({
            Filters: [
                { Name: "auto-scaling-group", Values: [group] },
                { Name: "key", Values: [TAG.dataInitialized] },
            ],
        }),
    );
    return (r.Tags ?? []).length > 0;
}

/** Every successful launch re-asserts the marker, so losing it once does no harm. Best effort. */
async function markInitialized(ctx: Ctx, d: LifecycleDetail): Promise<void> {
    await bestEffort(ctx, "marking the group initialized", () =>
        send(
            ctx,
            ctx.clients.autoscaling,
            new CreateOrUpdateTagsCommand({
                Tags: [
                    {
                        ResourceId: d.AutoScalingGroupName,
                        ResourceType: "auto-scaling-group",
                        Key: TAG.dataInitialized,
                        Value: "true",
                        PropagateAtLaunch: false,
                    },
                ],
            }),
        ),
    );
}

/** Moves the Elastic IP (if any) to the instance; returns the public IPv4 the instance answers on. */
async function moveAddress(ctx: Ctx, inst: InstanceInfo): Promise<string | undefined> {
    const allocationId = ctx.settings.elasticIpAllocationId;
    if (allocationId === undefined) return inst.publicIpv4;
    await send(
        ctx,
        ctx.clients.ec2,
        new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: inst.id, AllowReassociation: true }),
    );
    if (ctx.settings.dns === undefined) return undefined;
    const r = await send(ctx, ctx.clients.ec2, new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
    return r.Addresses?.[0]?.PublicIp;
}

/**
 * Points A (when the instance has a public IPv4) and AAAA (when it has IPv6)
 * at the instance, and deletes the other record if it exists: a replacement
 * without IPv6 must not leave AAAA pointing at the old instance.
 */
async function updateDns(ctx: Ctx, inst: InstanceInfo, ipv4: string | undefined): Promise<void> {
    const dns = ctx.settings.dns;
    if (dns === undefined) return;
    const wanted: Partial<Record<"A" | "AAAA", string>> = {
        ...(ipv4 !== undefined ? { A: ipv4 } : {}),
        ...(inst.ipv6 !== undefined ? { AAAA: inst.ipv6 } : {}),
    };
    const changes: Change[] = [];
    for (const type of ["A", "AAAA"] as const) {
        const value = wanted[type];
        if (value !== undefined) {
            changes.push({ Action: "UPSERT", ResourceRecordSet: { Name: dns.recordName, Type: type, TTL: dns.ttl, ResourceRecords: [{ Value: value }] } });
            continue;
        }
        const stale = await currentRecord(ctx, dns.hostedZoneId, dns.recordName, type);
        if (stale !== undefined) changes.push({ Action: "DELETE", ResourceRecordSet: stale });
    }
    if (changes.length === 0) {
        ctx.log("warn", "no public IPv4 or IPv6 on the instance; DNS left unchanged", { record: dns.recordName });
        return;
    }
    await send(
        ctx,
        ctx.clients.route53,
        new ChangeResourceRecordSetsCommand({
            HostedZoneId: dns.hostedZoneId,
            ChangeBatch: { Comment: `failover to ${inst.id}`, Changes: changes },
        }),
    );
}

/** The record set as it is now (a DELETE must match it exactly), if there is one. */
async function currentRecord(ctx: Ctx, zone: string, name: string, type: RRType) {
    const r = await send(
        ctx,
        ctx.clients.route53,
        new ListResourceRecordSetsCommand({ HostedZoneId: zone, StartRecordName: name, StartRecordType: type, MaxItems: 1 }),
    );
    const found = r.ResourceRecordSets?.[0];
    const norm = (n: string | undefined) => (n ?? "").replace(/\.$/, "").toLowerCase();
    return found !== undefined && found.Type === type && norm(found.Name) === norm(name) ? found : undefined;
}
