// Preloaded into a child process (NODE_OPTIONS=--require …): when the process
// whose main script ends with LZ_LOADED_MODULES_OF exits, writes the files it
// loaded to LZ_LOADED_MODULES_OUT (npm's own process, which also sees
// NODE_OPTIONS, writes nothing).
"use strict";
const fs = require("fs");

process.on("exit", () => {
    const out = process.env.LZ_LOADED_MODULES_OUT;
    const main = process.env.LZ_LOADED_MODULES_OF;
    if (out && main && (process.argv[1] ?? "").endsWith(main)) fs.writeFileSync(out, JSON.stringify(Object.keys(require.cache)));
});
