// Defers three parts of @pulumi/pulumi that it loads eagerly and that an
// offline plan (and the specs) never use: the Automation API (with npm's
// arborist and pacote) and the TypeScript compiler behind function
// serialization. Measured: loading @pulumi/pulumi 1.25 s → 0.28 s, most of
// a second off `npm run plan` and off every test process.
//
// Each is replaced by a stand-in that loads the real module on first use, so
// code that does use them still works, a second later. If a Pulumi release
// moves these requires, nothing matches and everything loads as before.
"use strict";
const Module = require("module");
const path = require("path");

/** Requests made from inside @pulumi/pulumi that are deferred. */
const DEFERRED = new Set(["./automation", "@npmcli/arborist", "../../typescript-shim"]);
const PULUMI_SDK = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

/** A module object that loads the real one on first use; marked as an ES module so TypeScript's import helpers keep it as it is. */
function deferred(load) {
    let real;
    const module = () => (real ??= load());
    return new Proxy({}, {
        get: (_, key) => (key === "__esModule" ? true : module()[key]),
        has: (_, key) => key in module(),
        ownKeys: () => Reflect.ownKeys(module()),
        getOwnPropertyDescriptor: (_, key) => {
            const descriptor = Object.getOwnPropertyDescriptor(module(), key);
            return descriptor && { ...descriptor, configurable: true };
        },
    });
}

if (!Module._load.landingZoneDeferred) {
    const load = Module._load;
    const patched = function (request, parent, isMain) {
        if (DEFERRED.has(request) && parent && parent.filename && parent.filename.includes(PULUMI_SDK)) {
            return deferred(() => load.call(this, request, parent, isMain));
        }
        return load.call(this, request, parent, isMain);
    };
    patched.landingZoneDeferred = true;
    Module._load = patched;
}
