/**
 * Failover simulation: an Auto Scaling group of one, an app writing to its
 * data volume, DLM snapshots every few hours, and a sequence of instance
 * losses and AZ outages, walked through the real handler against the
 * in-memory EC2. After every step:
 *   - nothing was deleted without a newer copy: no volume, and no snapshot
 *     that is pending, DLM's, the newest, a running instance's restore point
 *     or whose data no newer completed snapshot holds (the fake judges on the
 *     write histories); the live data's newest restore point never goes away;
 *   - when the old volume's AZ was reachable, the new instance has exactly
 *     the newest data;
 *   - when it was not, the data lost is only what was written since the last
 *     snapshot the schedule could have completed (schedule + snapshot time);
 *   - one active volume, attached to the running instance, tagged on it,
 *     with the address and the AAAA record pointing at it.
 * Hand-written sequences first, then random ones from fast-check.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { ENV, HANDLER_SNAPSHOT_ORIGINS, TAG } from "../../components/aws/failover/contract";
import { LAUNCHING } from "../../components/aws/failover/handler";
import { FSnapshot, HOUR, awsError, isPrefix } from "./fake-aws";
import { TIER, World, event, world } from "./harness";

const SCHEDULE_HOURS = 4;
const SNAPSHOT_MS = 3 * 60_000;
/** The smallest retention, so the handler prunes its snapshots as hard as it ever may. */
const HANDLER_SNAPSHOT_RETENTION = 1;

type Step =
    | { kind: "write"; n: number }
    | { kind: "wait"; hours: number }
    | { kind: "loseInstance"; az: number }
    | { kind: "azOutage"; az: number }
    | { kind: "azRecover" }
    | { kind: "duplicate" }
    | { kind: "throttle"; command: string; times: number };

const THROTTLED_COMMANDS = ["DescribeVolumes", "DescribeSnapshots", "CreateSnapshot", "CreateVolume", "AttachVolume", "CreateTags"];

class Simulation {
    readonly w: World;
    current: string | undefined;
    lastLaunch: { instanceId: string; token: string } | undefined;
    /** What the app has written and seen acknowledged: the data that must survive. */
    truth: readonly number[] = [];
    /** When the tier went down with no restore point (its data's AZ was lost). */
    downSince: number | undefined;
    /** The newest completed snapshot holding a prefix of `truth`, as of the last check. */
    restorePoint: FSnapshot | undefined;
    readonly trace: string[] = [];

    constructor(outageMode: "impaired" | "hang") {
        this.w = world({
            fake: {
                outageMode,
                snapshotMs: SNAPSHOT_MS,
                dlm: { tier: TIER, everyMs: SCHEDULE_HOURS * HOUR, retain: 6 },
            },
            plug: "direct",
            env: { [ENV.handlerSnapshotRetention]: String(HANDLER_SNAPSHOT_RETENTION) },
        });
    }

    get fake() {
        return this.w.fake;
    }

    upAzs() {
        return this.fake.azs.filter((az) => !this.fake.downAzs.has(az));
    }

    /** The group replaces its instance: launch attempts until one completes (abandoned ones are terminated). */
    async relaunch(azHint: number): Promise<"ok" | "down"> {
        for (let attempt = 0; attempt < 6; attempt++) {
            const up = this.upAzs();
            if (up.length === 0) break;
            const az = up[(azHint + attempt) % up.length]!;
            const i = this.fake.addInstance(az);
            const token = this.fake.openLifecycleAction(i.id);
            const r = await this.w.handle(event(LAUNCHING, i.id, token));
            this.trace.push(`launch ${i.id} in ${az}: ${r.outcome} ${r.branch ?? r.reason ?? ""}`);
            if (r.outcome === "CONTINUE") {
                this.current = i.id;
                this.lastLaunch = { instanceId: i.id, token };
                return "ok";
            }
            await this.w.terminate(i.id);
            this.fake.terminate(i.id);
            this.fake.advance(2 * 60_000);
        }
        this.current = undefined;
        return "down";
    }

    attached() {
        return this.current === undefined ? undefined : this.fake.volumeAttachedTo(this.current);
    }

    /** Loses the running instance (its AZ may be down), runs the termination hook, and replaces it. */
    async replace(azHint: number, lostAt: number): Promise<void> {
        const old = this.current!;
        const oldVolume = this.attached()!;
        const reachable = !this.fake.downAzs.has(oldVolume.az);
        await this.w.terminate(old);
        this.fake.terminate(old);
        const outcome = await this.relaunch(azHint);
        const now = this.attached();
        if (reachable) {
            assert.equal(outcome, "ok", "with the old AZ reachable, the replacement must succeed");
            assert.deepEqual(now!.history, this.truth, "newest data carried over");
        } else if (outcome === "ok") {
            this.checkBoundedLoss(now!.history, lostAt);
        } else {
            this.downSince = lostAt;
            // No restore point yet: refusing is right; nothing may have been created from nothing.
            assert.ok(
                ![...this.fake.volumes.values()].some((v) => v.tags[TAG.origin] === "empty" && v.createTime > lostAt),
                "no empty volume after data existed",
            );
        }
    }

    checkBoundedLoss(history: readonly number[], lostAt: number) {
        assert.ok(isPrefix(history, this.truth), `restored data ${history} is not a prefix of ${this.truth}`);
        const lost = this.truth.slice(history.length);
        const oldestAllowed = lostAt - SCHEDULE_HOURS * HOUR - SNAPSHOT_MS;
        for (const w of lost) {
            assert.ok(this.fake.writeTimes.get(w)! > oldestAllowed, `write ${w} lost although older than the schedule`);
        }
        this.truth = history;
    }

    async step(s: Step): Promise<void> {
        this.trace.push(JSON.stringify(s));
        switch (s.kind) {
            case "write":
                if (this.current === undefined) return;
                for (let k = 0; k < s.n; k++) {
                    this.fake.write(this.current);
                    this.fake.advance(60_000);
                }
                this.truth = this.attached()!.history;
                return;
            case "wait":
                this.fake.advance(s.hours * HOUR);
                return;
            case "loseInstance":
                if (this.current === undefined) return;
                return this.replace(s.az, this.fake.now);
            case "azOutage": {
                const az = this.fake.azs[s.az % this.fake.azs.length]!;
                const hitsInstance = this.current !== undefined && this.fake.instances.get(this.current)!.az === az;
                this.fake.azDown(az);
                if (hitsInstance) await this.replace(s.az + 1, this.fake.now);
                return;
            }
            case "azRecover": {
                const az = [...this.fake.downAzs][0];
                if (az === undefined) return;
                this.fake.azUp(az);
                if (this.current === undefined) {
                    // The group keeps trying; now the old data may be reachable again.
                    const outcome = await this.relaunch(0);
                    if (outcome === "ok") this.checkBoundedLoss(this.attached()!.history, this.downSince!);
                }
                return;
            }
            case "duplicate": {
                if (this.lastLaunch === undefined || this.lastLaunch.instanceId !== this.current) return;
                const before = this.creations();
                const r = await this.w.handle(event(LAUNCHING, this.lastLaunch.instanceId, this.lastLaunch.token));
                assert.equal(r.outcome, "CONTINUE");
                assert.equal(r.branch, "resume");
                assert.deepEqual(this.creations(), before, "a duplicate creates, attaches and deletes nothing");
                return;
            }
            case "throttle":
                this.fake.failNext(s.command, ...Array.from({ length: s.times }, () => awsError("RequestLimitExceeded")));
                return;
        }
    }

    restorePointOfTruth(): FSnapshot | undefined {
        return [...this.fake.snapshots.values()]
            .filter((s) => s.state === "completed" && isPrefix(s.history, this.truth))
            .sort((a, b) => b.startTime - a.startTime)[0];
    }

    /** Completed snapshots the handler made that are still there. */
    handlerSnapshots(): FSnapshot[] {
        return [...this.fake.snapshots.values()].filter(
            (s) => s.state === "completed" && HANDLER_SNAPSHOT_ORIGINS.includes(s.tags[TAG.origin] ?? ""),
        );
    }

    /** (DeleteSnapshot is left out: a retried event may prune what has become prunable since.) */
    creations() {
        const calls = this.fake.calls;
        return ["CreateSnapshot", "CreateVolume", "AttachVolume", "DeleteVolume"].map((c) => calls.filter((x) => x === c).length);
    }

    /** Invariants that hold between any two steps. */
    check(): void {
        assert.deepEqual(this.fake.violations, [], "deleted data without a newer copy");
        // The live data's newest restore point only ever moves forward (while it still holds a prefix of the data).
        const best = this.restorePointOfTruth();
        if (this.restorePoint !== undefined && isPrefix(this.restorePoint.history, this.truth)) {
            assert.ok(
                best !== undefined && best.startTime >= this.restorePoint.startTime,
                `restore point ${this.restorePoint.id} of the live data was deleted (now ${best?.id ?? "none"})`,
            );
        }
        this.restorePoint = best;
        if (this.current === undefined) return;
        const v = this.attached();
        assert.ok(v !== undefined && v.attachment!.state === "attached", "the running instance has its data volume");
        const active = [...this.fake.volumes.values()].filter((x) => x.tags[TAG.state] === "active");
        assert.deepEqual(active.map((x) => x.id), [v.id], "exactly one active volume: the attached one");
        assert.equal(v.tags[TAG.backup], TIER, "the active volume is the DLM target");
        const i = this.fake.instances.get(this.current)!;
        assert.equal(i.tags[TAG.dataVolumeId], v.id);
        assert.equal(this.fake.addresses.get("eipalloc-0abc")!.instanceId, i.id);
        assert.equal(this.fake.dns.get("AAAA"), i.ipv6);
        assert.deepEqual(v.history, this.truth);
    }

    async run(steps: Step[]): Promise<void> {
        assert.equal(await this.relaunch(0), "ok");
        assert.equal(this.attached()!.tags[TAG.origin], "empty");
        this.check();
        for (const s of steps) {
            await this.step(s);
            this.check();
        }
    }

    close() {
        this.w.close();
    }
}

async function simulate(outageMode: "impaired" | "hang", steps: Step[]): Promise<Simulation> {
    const sim = new Simulation(outageMode);
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

describe("failover simulation", () => {
    it("walks instance losses in every AZ without losing a write", async () => {
        const sim = await simulate("impaired", [
            { kind: "write", n: 3 },
            { kind: "loseInstance", az: 1 },
            { kind: "write", n: 2 },
            { kind: "loseInstance", az: 2 },
            { kind: "wait", hours: 5 },
            { kind: "write", n: 1 },
            { kind: "loseInstance", az: 2 },
            { kind: "duplicate" },
        ]);
        assert.deepEqual(sim.truth, [1, 2, 3, 4, 5, 6]);
        // Handler snapshots were pruned down to the retention as the tier moved, without a violation.
        assert.ok(sim.fake.deletedSnapshots.length >= 2, `deleted ${sim.fake.deletedSnapshots.join(", ")}`);
        assert.ok(sim.handlerSnapshots().length <= HANDLER_SNAPSHOT_RETENTION + 1, sim.handlerSnapshots().map((x) => x.id).join());
        // Each cross-AZ move went through a fresh snapshot.
        assert.ok(sim.trace.filter((t) => t.includes("CONTINUE copy")).length >= 2, sim.trace.join("\n"));
    });

    it("survives an AZ outage (volumes impaired) with at most the schedule lost, then more failovers", async () => {
        const sim = await simulate("impaired", [
            { kind: "write", n: 2 },
            { kind: "wait", hours: SCHEDULE_HOURS + 1 },
            { kind: "write", n: 2 },
            { kind: "azOutage", az: 0 },
            { kind: "write", n: 1 },
            { kind: "azRecover" },
            { kind: "loseInstance", az: 0 },
            { kind: "write", n: 1 },
        ]);
        assert.ok(sim.trace.some((t) => t.includes("CONTINUE restore")), sim.trace.join("\n"));
        assert.deepEqual(sim.truth, [1, 2, 5, 6], "writes 3 and 4 were after the last snapshot");
    });

    it("survives an AZ outage where everything hangs (no impaired status, stuck detach, stuck snapshots)", async () => {
        const sim = await simulate("hang", [
            { kind: "write", n: 1 },
            { kind: "wait", hours: SCHEDULE_HOURS },
            { kind: "write", n: 1 },
            { kind: "azOutage", az: 0 },
            { kind: "azRecover" },
            { kind: "loseInstance", az: 2 },
            { kind: "azOutage", az: 2 },
            { kind: "wait", hours: SCHEDULE_HOURS },
        ]);
        assert.ok(sim.trace.some((t) => t.includes("CONTINUE restore")), sim.trace.join("\n"));
    });

    it("never resurrects the writes a restore left behind, even when their snapshot completes later", async () => {
        // The lost volume's termination snapshot hangs during the outage and completes when the AZ
        // returns: newer than the restore point, but a fork. A second outage before the next DLM
        // run must restore the lineage's snapshot, not the fork's.
        const sim = await simulate("hang", [
            { kind: "write", n: 1 },
            { kind: "wait", hours: SCHEDULE_HOURS },
            { kind: "write", n: 2 },
            { kind: "azOutage", az: 0 },
            { kind: "azRecover" },
            { kind: "write", n: 1 },
            { kind: "azOutage", az: 2 }, // the AZ the first restore landed in
        ]);
        assert.equal(sim.trace.filter((t) => t.includes("CONTINUE restore")).length, 2, sim.trace.join("\n"));
        assert.deepEqual(sim.truth, [1]);
    });

    it("refuses while no restore point exists, then recovers the full data when the AZ returns", async () => {
        const sim = await simulate("impaired", [
            { kind: "write", n: 2 },
            { kind: "azOutage", az: 0 },
            { kind: "azRecover" },
        ]);
        assert.ok(sim.trace.some((t) => t.includes("ABANDON") && t.includes("no completed snapshot")), sim.trace.join("\n"));
        assert.deepEqual(sim.truth, [1, 2], "nothing lost: the old volume came back");
    });

    it("prunes handler snapshots, but never a fork's (writes a restore left behind) nor a pending one", async () => {
        // The lost volume's termination snapshot hangs in the downed AZ; the restored lineage moves on and
        // makes newer handler snapshots, so by count the stuck one (and later, once completed, the fork) are
        // beyond retention.
        const sim = await simulate("hang", [
            { kind: "write", n: 1 },
            { kind: "wait", hours: SCHEDULE_HOURS },
            { kind: "write", n: 2 },
            { kind: "azOutage", az: 0 },
            { kind: "write", n: 1 },
            { kind: "wait", hours: SCHEDULE_HOURS },
            { kind: "loseInstance", az: 1 },
            { kind: "write", n: 1 },
            { kind: "loseInstance", az: 0 },
            { kind: "azRecover" },
            { kind: "wait", hours: 1 },
            { kind: "loseInstance", az: 1 },
            { kind: "write", n: 1 },
            { kind: "loseInstance", az: 0 },
        ]);
        assert.ok(sim.fake.deletedSnapshots.length > 0, sim.trace.join("\n"));
        const fork = [...sim.fake.snapshots.values()].filter((s) => s.tags[TAG.origin] === "termination" && !isPrefix(s.history, sim.truth));
        assert.equal(fork.length, 1, "the left-behind writes stay in their snapshot");
    });

    it("would catch a wrong snapshot deletion: a DLM one, a pending one, the live data's restore point", async () => {
        const steps: Step[] = [
            { kind: "write", n: 2 },
            { kind: "loseInstance", az: 1 },
            { kind: "wait", hours: SCHEDULE_HOURS },
            { kind: "write", n: 1 },
        ];
        const wrong = (pick: (sim: Simulation) => FSnapshot | undefined, why: RegExp) => async () => {
            const sim = await simulate("impaired", steps);
            const s = pick(sim);
            assert.ok(s !== undefined, sim.trace.join("\n"));
            sim.fake.deleteSnapshot({ SnapshotId: s.id });
            assert.throws(() => sim.check(), /deleted data without a newer copy|restore point/);
            assert.match(sim.fake.violations.join("\n"), why);
        };
        await wrong((sim) => [...sim.fake.snapshots.values()].find((s) => s.tags[TAG.origin] === "schedule"), /not handler-made/)();
        await wrong((sim) => sim.restorePointOfTruth(), /restore point of|newest completed/)();
        await wrong((sim) => {
            sim.fake.snapshotsNeverComplete = true;
            sim.fake.addSnapshot({ volumeId: sim.attached()!.id, tags: { [TAG.origin]: "termination" } });
            return [...sim.fake.snapshots.values()].find((s) => s.state === "pending");
        }, /it is pending/)();
    });

    it("holds for random sequences of writes, waits, instance losses, AZ outages, duplicates and throttling", async () => {
        const step: fc.Arbitrary<Step> = fc.oneof(
            { weight: 4, arbitrary: fc.record({ kind: fc.constant("write" as const), n: fc.integer({ min: 1, max: 3 }) }) },
            { weight: 3, arbitrary: fc.record({ kind: fc.constant("wait" as const), hours: fc.integer({ min: 1, max: 9 }) }) },
            { weight: 3, arbitrary: fc.record({ kind: fc.constant("loseInstance" as const), az: fc.nat(5) }) },
            { weight: 2, arbitrary: fc.record({ kind: fc.constant("azOutage" as const), az: fc.nat(5) }) },
            { weight: 2, arbitrary: fc.record({ kind: fc.constant("azRecover" as const) }) },
            { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate" as const) }) },
            {
                weight: 1,
                arbitrary: fc.record({
                    kind: fc.constant("throttle" as const),
                    command: fc.constantFrom(...THROTTLED_COMMANDS),
                    times: fc.integer({ min: 1, max: 3 }),
                }),
            },
        );
        let deleted = 0;
        await fc.assert(
            fc.asyncProperty(fc.constantFrom("impaired" as const, "hang" as const), fc.array(step, { maxLength: 16 }), async (mode, steps) => {
                deleted += (await simulate(mode, steps)).fake.deletedSnapshots.length;
            }),
            { numRuns: 80, seed: 20300101 },
        );
        assert.ok(deleted > 0, "the random runs exercised snapshot pruning");
    });
});
