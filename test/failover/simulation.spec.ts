/**
 * The model-based failover suite (see ./model.ts for the model and the
 * invariants checked after every step): named scenarios for the defect
 * classes, then random schedules. FAILOVER_RUNS and FAILOVER_SEED override
 * the defaults; `npm run soak:failover` runs thousands.
 */
import { strict as assert } from "assert";
import { HANDLER_SNAPSHOT_ORIGINS, TAG } from "../../components/aws/failover/contract";
import { FSnapshot } from "./fake-aws";
import { HANDLER_SNAPSHOT_RETENTION, SCHEDULE_HOURS, Simulation, runRandom, simulate } from "./model";

const handlerSnapshots = (sim: Simulation): FSnapshot[] =>
    [...sim.fake.snapshots.values()].filter((s) => s.state === "completed" && HANDLER_SNAPSHOT_ORIGINS.includes(s.tags[TAG.origin] ?? ""));

describe("failover model", () => {
    it("walks instance losses in every AZ, with overlapping hooks, without losing an acknowledged write", async () => {
        const sim = await simulate({ outageMode: "impaired" }, [
            { kind: "write", n: 3 },
            { kind: "loseInstance", az: 1, overlap: true },
            { kind: "write", n: 2 },
            { kind: "loseInstance", az: 2, overlap: false },
            { kind: "wait", hours: 5 },
            { kind: "write", n: 1 },
            { kind: "loseInstance", az: 2, overlap: true },
            { kind: "duplicate", concurrent: true },
        ]);
        assert.ok(sim.truth.length >= 6, `writes kept: ${sim.truth.join()}`);
        assert.equal(sim.restores, 0);
        assert.ok(sim.fake.deletedSnapshots.length >= 1, `deleted ${sim.fake.deletedSnapshots.join(", ")}`);
        assert.ok(handlerSnapshots(sim).length <= HANDLER_SNAPSHOT_RETENTION + 2, handlerSnapshots(sim).map((x) => x.id).join());
    });

    it("waits the evidence window during an outage, then restores at most the schedule's loss", async () => {
        for (const outageMode of ["impaired", "hang"] as const) {
            const sim = await simulate({ outageMode }, [
                { kind: "write", n: 2 },
                { kind: "wait", hours: SCHEDULE_HOURS + 1 },
                { kind: "write", n: 2 },
                { kind: "azOutage", az: 0 },
                { kind: "wait", hours: 1 },
                { kind: "write", n: 1 },
            ]);
            assert.ok(sim.trace.some((t) => /ABANDON.*restores its newest snapshot after 30 min/.test(t)), sim.trace.join("\n"));
            assert.equal(sim.restores, 1, sim.trace.join("\n"));
        }
    });

    it("an outage shorter than the window loses nothing: the old copy comes back whole", async () => {
        const sim = await simulate({ outageMode: "hang" }, [
            { kind: "write", n: 2 },
            { kind: "wait", hours: SCHEDULE_HOURS + 1 },
            { kind: "write", n: 2 },
            { kind: "azOutage", az: 0 },
            { kind: "azRecover" },
        ]);
        assert.equal(sim.restores, 0, sim.trace.join("\n"));
        assert.ok(sim.truth.length >= 4, sim.trace.join("\n"));
    });

    it("an operator's accept-data-loss restores at once", async () => {
        const sim = await simulate({ outageMode: "hang" }, [
            { kind: "write", n: 1 },
            { kind: "wait", hours: SCHEDULE_HOURS + 1 },
            { kind: "write", n: 1 },
            { kind: "azOutage", az: 0 },
            { kind: "acceptDataLoss" },
        ]);
        assert.ok(sim.trace.some((t) => t.includes("restore decided: operator")), sim.trace.join("\n"));
    });

    it("holds for random schedules of losses, outages, duplicates, kills, lost responses, throttling and failing snapshots", async function () {
        const runs = Number(process.env.FAILOVER_RUNS ?? 200);
        const seed = Number(process.env.FAILOVER_SEED ?? 20301129);
        this.timeout(Math.max(60_000, runs * 1_000));
        const r = await runRandom(runs, seed);
        assert.ok(r.deletedSnapshots > 0, "the random runs exercised snapshot pruning");
        assert.ok(r.restores > 0, "the random runs exercised a decided restore");
    });
});
