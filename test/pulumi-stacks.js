// Pulumi's SDK wraps every internal promise it creates (`debuggablePromise`)
// to record a formatted stack trace and track it for a leak report at exit,
// and formats one stack trace per resource for its source position. Under
// mocks nothing reads them, and they were most of a mock run's time (200
// subnets: 3.3 s with them, 0.5 s without; the whole suite 2.5 s more on
// top). The specs' processes skip them: no leak report at exit (the offline
// plan does not ask for one either), and no source positions (the mock
// monitor ignores them). The tests' own stack traces are untouched.
"use strict";
const debuggable = require("@pulumi/pulumi/runtime/debuggable");
const { Resource } = require("@pulumi/pulumi/resource");

debuggable.debuggablePromise = (promise) => promise;
Resource.callsites = () => [];
