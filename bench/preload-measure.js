// Preloaded with `node -r` by the benchmarks: on exit, appends the process's
// wall time since start and its peak RSS to the file named by LZ_MEASURE_OUT.
const fs = require("fs");
const start = process.hrtime.bigint();
process.on("exit", () => {
    const out = process.env.LZ_MEASURE_OUT;
    if (!out) return;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const usage = process.resourceUsage();
    fs.writeFileSync(out, JSON.stringify({ ms, maxRssMiB: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
});
