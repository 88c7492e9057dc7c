/**
 * Model-based failover tests: an Auto Scaling group of one, an app writing to
 * its data volume (also while its instance waits in Terminating:Wait, until
 * it quiesces), DLM snapshots within an hour of their schedule, and random,
 * reproducible interleavings of instance losses (the terminate hook and the
 * replacement's launch hook running side by side), AZ outages of both kinds,
 * duplicate and concurrent deliveries, Lambdas killed at any call, responses
 * lost after the call was applied, throttling, and failing snapshots, walked
 * through the real handler against the strict in-memory AWS (./fake-aws.ts).
 *
 * After every step:
 *   - no acknowledged write is lost, unless the handler restored a snapshot,
 *     and then only by decision: the old copy's AZ was down for the whole
 *     evidence window (or an operator accepted it), and only the writes after
 *     the restored snapshot;
 *   - never two copies attached to instances that may write;
 *   - no volume or snapshot deleted unless a newer copy holds all its writes
 *     (the fake judges every deletion on the write histories);
 *   - every lifecycle action whose handler ran to its end was completed
 *     before its heartbeat ran out;
 *   - the running instance has the live copy, tagged on it, the address and
 *     the AAAA record;
 * and at the end nothing leaks (no copy that never became live, no
 * superseded DLM target, superseded volumes and handler snapshots bounded).
 *
 * Used by ./simulation.spec.ts (a few hundred schedules in every test run) and
 * scripts/soak-failover.ts (`npm run soak:failover`: thousands, seeds printed).
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { ENV, TAG } from "../../components/aws/failover/contract";
import { HandlerResult, LAUNCHING, TERMINATING } from "../../components/aws/failover/handler";
import { HOUR, awsError, isPrefix } from "./fake-aws";
import { TIER, World, event, world } from "./harness";

export const SCHEDULE_HOURS = 4;
const SNAPSHOT_MS = 3 * 60_000;
const WINDOW_MIN = 30;
const HEARTBEAT_S = 600;
/** The smallest retention, so the handler prunes its snapshots as hard as it ever may. */
export const HANDLER_SNAPSHOT_RETENTION = 1;
const SUPERSEDED_RETENTION = 1;
const HOLDING = new Set(["pending", "running", "stopping", "stopped"]);

export type Step =
    | { kind: "write"; n: number }
    | { kind: "wait"; hours: number }
    | { kind: "loseInstance"; az: number; overlap: boolean }
    | { kind: "azOutage"; az: number }
    | { kind: "azRecover" }
    | { kind: "duplicate"; concurrent: boolean }
    | { kind: "throttle"; command: string; times: number }
    | { kind: "loseResponse"; command: string }
    | { kind: "kill"; command: string }
    | { kind: "failSnapshots"; n: number }
    | { kind: "acceptDataLoss" };

const COMMANDS = [
    "DescribeVolumes",
    "DescribeSnapshots",
    "DescribeInstances",
    "CreateSnapshot",
    "CreateVolume",
    "AttachVolume",
    "CreateTags",
    "DeleteTags",
    "DeleteVolume",
    "DeleteSnapshot",
    "CompleteLifecycleAction",
    "RecordLifecycleActionHeartbeat",
    "ChangeResourceRecordSets",
    "AssociateAddress",
];

export interface SimOptions {
    outageMode: "impaired" | "hang";
    /** Describe lag, quiesce behaviour and DLM window vary per run. */
    describeLagMs?: number;
    quiesceMs?: number;
    seed?: number;
}

export class Simulation {
    readonly w: World;
    current: string | undefined;
    lastLaunch: { instanceId: string; token: string } | undefined;
    /** What the app has written and seen acknowledged: the data that must survive. */
    truth: readonly number[] = [];
    /** When each AZ went down (continuously since). */
    readonly downSince = new Map<string, number>();
    /** Handler invocations that ran to their end, with their action tokens. */
    readonly finished: { token: string; result: HandlerResult }[] = [];
    restores = 0;
    readonly restoreCopies = new Set<string>();
    /** The AZ and time the live copy was lost in, while the tier is being replaced. */
    lost: { az: string; at: number } | undefined;
    acceptedBy: string | undefined;
    readonly trace: string[] = [];

    constructor(readonly opts: SimOptions) {
        this.w = world({
            fake: {
                outageMode: opts.outageMode,
                snapshotMs: SNAPSHOT_MS,
                dlm: { tier: TIER, everyMs: SCHEDULE_HOURS * HOUR, retain: 6, windowMs: HOUR },
                describeLagMs: opts.describeLagMs ?? 0,
                quiesceMs: opts.quiesceMs ?? 10_000,
                heartbeatTimeoutMs: HEARTBEAT_S * 1000,
                seed: opts.seed ?? 1,
            },
            plug: "direct",
            env: {
                [ENV.handlerSnapshotRetention]: String(HANDLER_SNAPSHOT_RETENTION),
                [ENV.supersededVolumeRetention]: String(SUPERSEDED_RETENTION),
                [ENV.restoreAfterUnreachableSeconds]: String(WINDOW_MIN * 60),
                [ENV.heartbeatTimeoutSeconds]: String(HEARTBEAT_S),
                [ENV.quiesceWaitSeconds]: "30",
                // Shorter bounded waits than the defaults: the same decisions, fewer polls per schedule.
                [ENV.volumeWaitTimeoutSeconds]: "90",
                [ENV.snapshotWaitTimeoutSeconds]: "240",
            },
        });
    }

    get fake() {
        return this.w.fake;
    }

    upAzs() {
        return this.fake.azs.filter((az) => !this.fake.downAzs.has(az));
    }

    /** One delivery of an event; a killed Lambda (a call that never returns) ends after its timeout. */
    async deliver(transition: string, instanceId: string, token: string): Promise<HandlerResult | "killed"> {
        const KILLED = "killed" as const;
        const run = this.w.handle(event(transition, instanceId, token), 900_000).then((r) => {
            this.finished.push({ token, result: r });
            return r;
        });
        // The handler never returns once a call hangs: notice it when the call log stops growing.
        const timer = (async (): Promise<typeof KILLED> => {
            for (;;) {
                const before = this.fake.calls.length;
                await new Promise((resolve) => setImmediate(resolve));
                if (this.fake.calls.length === before) return KILLED;
            }
        })();
        const r: HandlerResult | typeof KILLED = await Promise.race([run, timer]);
        if (r === KILLED) {
            this.trace.push(`  ${transition === LAUNCHING ? "launch" : "terminate"} handler for ${instanceId} killed`);
            return "killed";
        }
        return r;
    }

    /** The group replaces its instance: launch attempts until one is InService, or the time budget runs out. */
    async relaunch(azHint: number, budgetMs = 20 * 60_000, duplicate = false): Promise<"ok" | "down"> {
        const until = this.fake.now + budgetMs;
        for (let attempt = 0; this.fake.now < until && attempt < 40; attempt++) {
            const up = this.upAzs();
            if (up.length === 0) {
                this.fake.advance(10 * 60_000);
                continue;
            }
            const az = up[(azHint + attempt) % up.length];
            const i = this.fake.addInstance(az, "pending");
            const token = this.fake.openLifecycleAction(i.id, "launch");
            const runs = duplicate ? [this.deliver(LAUNCHING, i.id, token), this.deliver(LAUNCHING, i.id, token)] : [this.deliver(LAUNCHING, i.id, token)];
            const results = await Promise.all(runs);
            const action = this.fake.lifecycle.get(token)!;
            if (action.result === undefined) this.fake.advance(HEARTBEAT_S * 1000 + 1000); // the hook times out: its default result
            this.trace.push(`launch ${i.id} in ${az}: ${action.result} (${results.map((r) => (r === "killed" ? r : `${r.outcome} ${r.branch ?? r.reason ?? ""}`)).join(" | ")})`);
            if (action.result === "CONTINUE") {
                this.current = i.id;
                this.lastLaunch = { instanceId: i.id, token };
                this.countRestores();
                return "ok";
            }
            await this.retire(i.id, false);
            this.fake.advance(5 * 60_000);
        }
        this.current = undefined;
        return "down";
    }

    /**
     * Restores are read off the world, not the handler's answers: a run
     * killed after it committed a restore has still decided one.
     */
    countRestores(): void {
        for (const id of this.fake.committedRestores) {
            if (this.restoreCopies.has(id)) continue;
            this.restoreCopies.add(id);
            this.restores++;
        }
    }

    /** Auto Scaling terminates an instance: Terminating:Wait, the terminate hook, then EC2 terminates it. */
    async retire(instanceId: string, writeDuring: boolean): Promise<void> {
        this.fake.beginTermination(instanceId);
        if (writeDuring) this.writeSome(2, 3_000);
        const token = this.fake.openLifecycleAction(instanceId, "terminate");
        await this.deliver(TERMINATING, instanceId, token);
        if (this.fake.lifecycle.get(token)!.result === undefined) this.fake.advance(HEARTBEAT_S * 1000 + 1000);
        this.fake.terminate(instanceId);
    }

    attached() {
        return this.current === undefined ? undefined : this.fake.volumeAttachedTo(this.current);
    }

    writeSome(n: number, gapMs: number): void {
        if (this.current === undefined) return;
        for (let k = 0; k < n; k++) {
            if (this.fake.write(this.current) !== undefined) this.truth = this.attached()!.history;
            this.fake.advance(gapMs);
        }
    }

    /** Loses the running instance; with `overlap` the replacement launches before the terminate hook ends. */
    async replace(azHint: number, overlap: boolean): Promise<void> {
        const old = this.current!;
        this.lost = { az: this.attached()!.az, at: this.fake.now };
        const retiring = this.retire(old, true);
        const launching = overlap ? this.relaunch(azHint) : retiring.then(() => this.relaunch(azHint));
        const restoresBefore = this.restores;
        const [, outcome] = await Promise.all([retiring, launching]);
        if (outcome === "ok") this.recovered(restoresBefore);
    }

    /** While the tier is down the group keeps launching; check what a recovery brought back. */
    async keepTrying(budgetMs: number): Promise<void> {
        if (this.current !== undefined || this.lost === undefined) return;
        const restoresBefore = this.restores;
        if ((await this.relaunch(0, budgetMs)) === "ok") this.recovered(restoresBefore);
    }

    recovered(restoresBefore: number): void {
        const h = this.attached()!.history;
        if (this.restores > restoresBefore) {
            // The decision is about the copy the restore replaced (a killed run may have moved the data since the loss).
            const parent = this.fake.restoreParents.get([...this.restoreCopies].at(-1)!);
            const az = (parent ? this.fake.volumeAzs.get(parent) : undefined) ?? this.lost!.az;
            this.checkRestoreDecision(az, h, this.lost!.at);
        } else assert.deepEqual(h, this.truth, "newest data carried over (every acknowledged write)");
        this.truth = h;
        this.lost = undefined;
    }

    /**
     * A restore loses data only by decision: its AZ down for the window (the
     * handler cannot see it, only its evidence; the model knows), or an
     * operator's accept; and only writes after a snapshot of the lineage.
     */
    checkRestoreDecision(az: string, history: readonly number[], lostAt: number): void {
        const down = this.downSince.get(az);
        const accepted = this.acceptedBy !== undefined;
        this.trace.push(`  restore decided: ${accepted ? "operator" : `${az} down since ${down}`}`);
        assert.ok(
            accepted || (down !== undefined && this.fake.now - down >= WINDOW_MIN * 60_000),
            `restored (losing data) although ${az} was ${down === undefined ? "up" : `down only ${Math.round((this.fake.now - down) / 60_000)} min`}`,
        );
        assert.ok(isPrefix(history, this.truth), `restored data ${history.join()} is not a prefix of ${this.truth.join()}`);
        const lost = this.truth.slice(history.length);
        const oldestAllowed = Math.min(lostAt, down ?? lostAt) - SCHEDULE_HOURS * HOUR - HOUR - 2 * SNAPSHOT_MS;
        for (const w of lost) {
            assert.ok(this.fake.writeTimes.get(w)! > oldestAllowed, `write ${w} lost although older than the schedule`);
        }
        this.acceptedBy = undefined;
    }

    async step(s: Step): Promise<void> {
        this.trace.push(JSON.stringify(s));
        switch (s.kind) {
            case "write":
                return this.writeSome(s.n, 60_000);
            case "wait":
                if (this.current === undefined) return this.keepTrying(s.hours * HOUR);
                this.fake.advance(s.hours * HOUR);
                return;
            case "loseInstance":
                if (this.current === undefined) return;
                return this.replace(s.az, s.overlap);
            case "azOutage": {
                // Half the outages hit the instance's own AZ (the case that matters), the rest any AZ.
                const here = this.current !== undefined && s.az % 2 === 0 ? this.fake.instances.get(this.current)!.az : undefined;
                const az = here ?? this.fake.azs[s.az % this.fake.azs.length];
                if (this.fake.downAzs.has(az) || this.fake.downAzs.size >= 2) return;
                const hitsInstance = this.current !== undefined && this.fake.instances.get(this.current)!.az === az;
                this.fake.azDown(az);
                this.downSince.set(az, this.fake.now);
                if (hitsInstance) await this.replace(s.az + 1, false);
                return;
            }
            case "azRecover": {
                const az = [...this.fake.downAzs][0];
                if (az === undefined) return;
                this.fake.azUp(az);
                this.downSince.delete(az);
                return this.keepTrying(2 * HOUR);
            }
            case "duplicate": {
                if (this.lastLaunch === undefined || this.lastLaunch.instanceId !== this.current) return;
                const before = this.creations();
                const runs = s.concurrent ? 2 : 1;
                const results = await Promise.all(
                    Array.from({ length: runs }, () => this.deliver(LAUNCHING, this.lastLaunch!.instanceId, this.lastLaunch!.token)),
                );
                for (const r of results) {
                    if (r !== "killed") assert.equal(r.outcome, "NONE", "a late duplicate finds its action closed and does nothing");
                }
                assert.deepEqual(this.creations(), before, "a duplicate creates, attaches and deletes nothing");
                return;
            }
            case "throttle":
                this.fake.failNext(s.command, ...Array.from({ length: s.times }, () => awsError("RequestLimitExceeded")));
                return;
            case "loseResponse":
                this.fake.loseNext.add(s.command);
                return;
            case "kill":
                this.fake.hangNext.add(s.command);
                return;
            case "failSnapshots":
                this.fake.failSnapshots += s.n;
                return;
            case "acceptDataLoss": {
                // Only ever done by an operator during an outage, on the live copy stuck in the lost AZ.
                const live = [...this.fake.volumes.values()].find((v) => v.tags[TAG.state] === "active");
                if (this.current !== undefined || live === undefined || !this.fake.downAzs.has(live.az)) return;
                live.tags[TAG.acceptDataLoss] = new Date(this.fake.now).toISOString();
                this.acceptedBy = live.id;
                return this.keepTrying(20 * 60_000);
            }
        }
    }

    /** (DeleteSnapshot is left out: a retried event may prune what has become prunable since.) */
    creations() {
        const calls = this.fake.calls;
        return ["CreateSnapshot", "CreateVolume", "AttachVolume", "DeleteVolume"].map((c) => calls.filter((x) => x === c).length);
    }

    /** Invariants that hold between any two steps. */
    check(): void {
        this.fake.refresh();
        assert.deepEqual(this.fake.violations, [], "deleted data without a newer copy");
        // Never two copies attached to instances that may write.
        const writable = [...this.fake.volumes.values()].filter((v) => {
            const h = v.attachment && this.fake.instances.get(v.attachment.instanceId);
            return h !== undefined && HOLDING.has(h.state);
        });
        assert.ok(writable.length <= 1, `two writable copies: ${writable.map((v) => `${v.id}@${v.attachment!.instanceId}`).join(", ")}`);
        // Every action whose handler ran to its end was completed in time (no default result for it).
        for (const f of this.finished) {
            const a = this.fake.lifecycle.get(f.token)!;
            if (f.result.outcome === "NONE") continue;
            assert.ok(a.result !== undefined && !a.expired, `action ${f.token} (${a.kind} of ${a.instanceId}) ran out: ${f.result.outcome} ${f.result.reason ?? ""}`);
        }
        if (this.current === undefined) return;
        const v = this.attached();
        assert.ok(v !== undefined && v.attachment!.state === "attached", "the running instance has its data volume");
        const active = [...this.fake.volumes.values()].filter((x) => x.tags[TAG.state] === "active");
        assert.deepEqual(active.map((x) => x.id), [v.id], "exactly one active volume: the attached one");
        assert.equal(v.tags[TAG.backup], TIER, "the active volume is the DLM target");
        const i = this.fake.instances.get(this.current)!;
        assert.equal(i.tags[TAG.dataVolumeId], v.id);
        assert.deepEqual(v.history, this.truth);
    }

    /** What may be left after the run: nothing that only a killed run could explain and no repair fixed. */
    checkNoLeaks(): void {
        if (this.current === undefined || this.fake.downAzs.size > 0) return;
        const i = this.fake.instances.get(this.current)!;
        assert.equal(this.fake.addresses.get("eipalloc-0abc")!.instanceId, i.id, "the address follows the instance");
        assert.equal(this.fake.dns.get("AAAA"), i.ipv6, "AAAA points at the instance");
        const vols = [...this.fake.volumes.values()];
        const staleTarget = vols.filter((v) => v.tags[TAG.state] !== "active" && v.tags[TAG.backup] !== undefined);
        assert.deepEqual(staleTarget.map((v) => v.id), [], "a superseded volume is still a DLM target");
    }

    async run(steps: Step[]): Promise<void> {
        assert.equal(await this.relaunch(0), "ok");
        assert.equal(this.attached()!.tags[TAG.origin], "empty");
        this.check();
        for (const s of steps) {
            await this.step(s);
            this.check();
        }
        // One clean failover at the end repairs what killed runs left, then nothing may leak.
        this.fake.hangNext.clear();
        this.fake.loseNext.clear();
        this.fake.faults.clear();
        for (let k = 0; k < 2 && this.fake.downAzs.size > 0; k++) await this.step({ kind: "azRecover" });
        await this.keepTrying(4 * HOUR);
        if (this.current !== undefined) {
            await this.step({ kind: "loseInstance", az: 1, overlap: false });
            this.check();
            this.checkNoLeaks();
        }
    }

    close() {
        this.w.close();
    }
}

export async function simulate(opts: SimOptions, steps: Step[]): Promise<Simulation> {
    const sim = new Simulation(opts);
    try {
        await sim.run(steps);
        return sim;
    } catch (err) {
        (err as Error).message += `\ntrace:\n  ${sim.trace.join("\n  ")}`;
        throw err;
    } finally {
        sim.close();
    }
}

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("write" as const), n: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("wait" as const), hours: fc.integer({ min: 1, max: 9 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("loseInstance" as const), az: fc.nat(5), overlap: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("azOutage" as const), az: fc.nat(5) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("azRecover" as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), concurrent: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("throttle" as const), command: fc.constantFrom(...COMMANDS), times: fc.integer({ min: 1, max: 12 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("loseResponse" as const), command: fc.constantFrom(...COMMANDS) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("kill" as const), command: fc.constantFrom(...COMMANDS) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("failSnapshots" as const), n: fc.integer({ min: 1, max: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("acceptDataLoss" as const) }) },
);

export const optionsArb: fc.Arbitrary<SimOptions> = fc.record({
    outageMode: fc.constantFrom("impaired" as const, "hang" as const),
    describeLagMs: fc.constantFrom(0, 2_000, 20_000),
    quiesceMs: fc.constantFrom(5_000, 60_000, Infinity),
    seed: fc.nat(1000),
});

/** Runs `numRuns` random schedules; the seed is printed by fast-check on failure (and here, to reproduce). */
export async function runRandom(numRuns: number, seed: number): Promise<{ deletedSnapshots: number; restores: number }> {
    let deletedSnapshots = 0;
    let restores = 0;
    // Thousands of AWS errors are thrown and caught per run; their stack traces are never read.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        await fc.assert(
            fc.asyncProperty(optionsArb, fc.array(stepArb, { maxLength: 14 }), async (opts, steps) => {
                const sim = await simulate(opts, steps);
                deletedSnapshots += sim.fake.deletedSnapshots.length;
                restores += sim.restores;
            }),
            { numRuns, seed, endOnFailure: numRuns > 500 },
        );
    } finally {
        Error.stackTraceLimit = limit;
    }
    return { deletedSnapshots, restores };
}
