/**
 * Rules for the AWS services around the server tier: Lambda, CloudWatch
 * (logs, events, alarms), SNS, IAM and Data Lifecycle Manager. Sources: the
 * Terraform AWS provider's validators and the services' API limits.
 */
import { at, asNumber, each, oneOf, range, text } from "../check";
import { DLM_INTERVAL_HOURS } from "../../aws/server-settings";
import type { PreflightRule } from "../types";

const TF = "hashicorp/terraform-provider-aws";
const LOG_RETENTION = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export const awsServiceRules: PreflightRule[] = [
    {
        id: "aws-lambda-function",
        types: ["aws:lambda/function:Function"],
        source: `Lambda quotas: timeout 1–900 s, memory 128–10240 MB; ${TF} internal/service/lambda/function.go: function_name (validFunctionName: 1–64 of a-zA-Z0-9-_), description 0–256, architectures arm64|x86_64`,
        check: (r) => [
            ...range(r.inputs, "timeout", 1, 900, "the timeout (s)"),
            ...range(r.inputs, "memorySize", 128, 10240, "the memory (MB)"),
            ...text(r.inputs, "name", 64, "the function name", /^[a-zA-Z0-9-_]+$/, "must be letters, digits, - and _"),
            ...text(r.inputs, "description", 256, "the description"),
            ...each(r.inputs, "architectures").flatMap(([path, a]) => (["arm64", "x86_64"].includes(a as string) ? [] : [{ input: path, value: a, message: "architecture must be arm64 or x86_64" }])),
        ],
    },
    {
        id: "aws-lambda-environment-size",
        types: ["aws:lambda/function:Function"],
        source: "Lambda quotas: environment variables, 4 KB in total (InvalidParameterValueException: Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit)",
        check: (r) => {
            const variables = at(r.inputs, "environment.variables");
            if (!variables || typeof variables !== "object") return [];
            // Lambda measures the JSON of the map.
            const size = Buffer.byteLength(JSON.stringify(variables));
            return size > 4096 ? [{ input: "environment.variables", value: `${size} bytes`, message: `the environment is ${size} bytes; Lambda allows 4096` }] : [];
        },
    },
    {
        id: "aws-lambda-async-config",
        types: ["aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"],
        source: `${TF} internal/service/lambda/function_event_invoke_config.go: maximum_event_age_in_seconds 60–21600, maximum_retry_attempts 0–2`,
        check: (r) => [...range(r.inputs, "maximumEventAgeInSeconds", 60, 21600, "the maximum event age (s)"), ...range(r.inputs, "maximumRetryAttempts", 0, 2, "the retry attempts")],
    },
    {
        id: "aws-log-group",
        types: ["aws:cloudwatch/logGroup:LogGroup"],
        source: `${TF} internal/service/logs/group.go: name ≤ 512 of [.\\-_/#A-Za-z0-9], retention_in_days one of CloudWatch Logs' periods (validation.IntInSlice)`,
        check: (r) => [...text(r.inputs, "name", 512, "the log group name", /^[.\-_/#A-Za-z0-9]+$/, "must be letters, digits and . - _ / #"), ...oneOf(r.inputs, "retentionInDays", LOG_RETENTION, "retentionInDays")],
    },
    {
        id: "aws-event-rule",
        types: ["aws:cloudwatch/eventRule:EventRule"],
        source: `${TF} internal/service/events/rule.go: name ≤ 64 of [.\\-_A-Za-z0-9] (validateRuleName), description ≤ 512, event pattern ≤ 4096 characters (validateEventPatternValue)`,
        check: (r) => [
            ...text(r.inputs, "name", 64, "the rule name", /^[.\-_A-Za-z0-9]+$/, "must be letters, digits and . - _"),
            ...text(r.inputs, "description", 512, "the description"),
            ...text(r.inputs, "eventPattern", 4096, "the event pattern"),
        ],
    },
    {
        id: "aws-metric-alarm",
        types: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
        source: "CloudWatch PutMetricAlarm: Period 10, 20, 30 or a multiple of 60; EvaluationPeriods ≥ 1; AlarmDescription ≤ 1024; " + `${TF} internal/service/cloudwatch/metric_alarm.go (treat_missing_data, statistic enums)`,
        check: (r) => {
            const period = asNumber(r.inputs.period);
            return [
                ...(period !== undefined && ![10, 20, 30].includes(period) && period % 60 !== 0 ? [{ input: "period", value: period, message: "the period must be 10, 20, 30 or a multiple of 60 seconds" }] : []),
                ...range(r.inputs, "evaluationPeriods", 1, Number.MAX_SAFE_INTEGER, "evaluationPeriods"),
                ...text(r.inputs, "alarmDescription", 1024, "the description"),
                ...oneOf(r.inputs, "treatMissingData", ["missing", "ignore", "breaching", "notBreaching"], "treatMissingData"),
                ...oneOf(r.inputs, "statistic", ["SampleCount", "Average", "Sum", "Minimum", "Maximum"], "statistic"),
            ];
        },
    },
    {
        id: "aws-sns-topic-name",
        types: ["aws:sns/topic:Topic"],
        source: `${TF} internal/service/sns/topic.go name (1–256 of A-Za-z0-9_-, .fifo suffix for FIFO); SNS CreateTopic`,
        check: (r) => text(r.inputs, "name", 256, "the topic name", /^[A-Za-z0-9_-]+(\.fifo)?$/, "must be letters, digits, - and _"),
    },
    {
        id: "aws-iam-names",
        types: ["aws:iam/role:Role", "aws:iam/instanceProfile:InstanceProfile", "aws:iam/rolePolicy:RolePolicy"],
        source: `IAM quotas and ${TF} internal/service/iam: role name ≤ 64, instance profile name ≤ 128, inline policy name ≤ 128, of [\\w+=,.@-]; role description ≤ 1000; inline policy document ≤ 10240 characters per role`,
        check: (r) => {
            const max = r.type === "aws:iam/role:Role" ? 64 : 128;
            return [
                ...text(r.inputs, "name", max, "the name", /^[\w+=,.@-]+$/, "must be letters, digits and + = , . @ - _"),
                ...text(r.inputs, "description", 1000, "the description"),
                ...text(r.inputs, "policy", 10240, "the inline policy"),
            ];
        },
    },
    {
        id: "aws-dlm-policy",
        types: ["aws:dlm/lifecyclePolicy:LifecyclePolicy"],
        source: `${TF} internal/service/dlm/lifecycle_policy.go: description 1–500 of [0-9A-Za-z _-], schedule name 0–120, create_rule interval one of 1, 2, 3, 4, 6, 8, 12, 24 (HOURS), times hh:mm, retain_rule count 1–1000`,
        check: (r) => [
            ...text(r.inputs, "description", 500, "the description", /^[0-9A-Za-z _-]+$/, "must be letters, digits, spaces, - and _"),
            ...each(r.inputs, "policyDetails.schedules").flatMap(([path, schedule]) => [
                ...text(schedule, "name", 120, "the schedule name"),
                ...oneOf(schedule, "createRule.interval", [...DLM_INTERVAL_HOURS], "the interval"),
                ...oneOf(schedule, "createRule.intervalUnit", ["HOURS"], "the interval unit"),
                ...text(schedule, "createRule.times", 5, "the start time", /^([01]\d|2[0-3]):[0-5]\d$/, "must be hh:mm"),
                ...range(schedule, "retainRule.count", 1, 1000, "the retain count"),
            ].map((f) => ({ ...f, input: `${path}.${f.input}` }))),
        ],
    },
];
