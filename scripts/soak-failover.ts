/**
 * `npm run soak:failover [-- --minutes N] [-- --seed S]`: runs the failover
 * model (test/failover/model.ts) on random schedules, 200 per seed, with a new
 * seed each round, until the time is up. Prints each seed; a failure prints
 * its seed, counterexample and trace, and exits 1.
 */
import { runRandom } from "../test/failover/model";
import { display } from "../components/display";

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const flag = (name: string) => {
        const i = args.indexOf(`--${name}`);
        return i >= 0 ? (args[i + 1] ?? "") : undefined;
    };
    // A typo (NaN) would otherwise run no schedule at all and still report "no invariant broken".
    const number = (name: string, fallback: number, valid: (raw: string) => boolean, expected: string): number => {
        const raw = flag(name);
        if (raw === undefined) return fallback;
        if (!valid(raw)) usage(`--${name}: expected ${expected}, got "${raw}"`);
        return Number(raw);
    };
    const unknown = args.find((a, i) => a.startsWith("--") && a !== "--minutes" && a !== "--seed" && !(i > 0 && ["--minutes", "--seed"].includes(args[i - 1])));
    if (unknown !== undefined) usage(`unknown option ${unknown} (expected --minutes N, --seed S)`);
    const minutes = number("minutes", 5, (r) => /^\d+(\.\d+)?$/.test(r) && Number(r) > 0, "a positive number of minutes");
    let seed = number("seed", Date.now() % 1_000_000, (r) => /^\d+$/.test(r), "a non-negative integer");
    const until = Date.now() + minutes * 60_000;
    let runs = 0;
    let restores = 0;
    while (Date.now() < until) {
        process.stdout.write(`seed ${seed}: `);
        const r = await runRandom(200, seed);
        runs += 200;
        restores += r.restores;
        process.stdout.write(`200 schedules ok (${r.restores} decided restores, ${r.deletedSnapshots} snapshots pruned)\n`);
        seed++;
    }
    console.log(`soak: ${runs} schedules, ${restores} decided restores, no invariant broken`);
}

function usage(message: string): never {
    console.error(`soak:failover: ${message}`);
    process.exit(2);
}

main().catch((err) => {
    // fast-check's message has the seed and the shrunk counterexample; its cause has the broken invariant and the trace.
    console.error(err instanceof Error ? err.message : err);
    const cause = (err as { cause?: unknown }).cause;
    if (cause !== undefined) console.error(`caused by: ${cause instanceof Error ? cause.message : display(cause)}`);
    process.exit(1);
});
