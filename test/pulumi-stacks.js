// Pulumi's SDK formats a stack trace for every internal promise it creates
// (`debuggablePromise`, kept for leak reports at exit) and one for every
// resource (its source position). Under mocks nothing reads them, and
// formatting them, through the source maps, was most of a mock run's time
// (200 subnets: 3.3 s with them, 0.5 s without). The specs' processes skip
// them; the tests' own stack traces are untouched.
"use strict";
const debuggable = require("@pulumi/pulumi/runtime/debuggable");
const { Resource } = require("@pulumi/pulumi/resource");

function withoutStack(fn) {
    return function (...args) {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return fn.apply(this, args);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
}

debuggable.debuggablePromise = withoutStack(debuggable.debuggablePromise);
// callsites() raises the limit to Infinity itself; under mocks no source position is used.
Resource.callsites = () => [];
