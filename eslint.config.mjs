// `npm run lint`: ESLint (flat config) with typescript-eslint's type-aware rules (floating and
// misused promises, Outputs in strings), the Pulumi plugin, and the house format checked by
// @stylistic rules (see README: Habits of the house).
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import stylistic from "@stylistic/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", "**/*.d.ts", "components/cost/sources/**/fixtures/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { "@pulumi": pulumi, "@stylistic": stylistic },
        rules: {
            // Outputs: an Output in a template literal or string conversion prints "Calling [toString] on an Output".
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-base-to-string": "error",
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-misused-promises": "error",
            // `const { a: _a, ...rest } = x` omits a property on purpose.
            "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^_", argsIgnorePattern: "^_", ignoreRestSiblings: true }],
            // The house format.
            "@stylistic/indent": ["error", 4, { SwitchCase: 1, ignoredNodes: ["ConditionalExpression *"] }],
            "@stylistic/quotes": ["error", "double", { avoidEscape: true, allowTemplateLiterals: "always" }],
            "@stylistic/semi": ["error", "always"],
            "@stylistic/comma-dangle": ["error", "always-multiline"],
            "@stylistic/eol-last": "error",
            "@stylistic/no-trailing-spaces": "error",
            "@stylistic/no-multiple-empty-lines": ["error", { max: 1, maxEOF: 0 }],
            "@stylistic/brace-style": ["error", "1tbs", { allowSingleLine: true }],
            "@stylistic/keyword-spacing": "error",
            "@stylistic/space-before-blocks": "error",
            "@stylistic/space-infix-ops": "error",
            "@stylistic/object-curly-spacing": ["error", "always"],
            "@stylistic/arrow-parens": ["error", "always"],
            "@stylistic/comma-spacing": "error",
            "@stylistic/key-spacing": "error",
            "@stylistic/no-tabs": "error",
        },
    },
    {
        // Specs read plan documents and provider inputs as `any` on purpose: their assertions are the type check.
        files: ["test/**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-return": "off",
            // Fakes and mock callbacks implement async interfaces (fetch, sleep, lookups) without awaiting anything.
            "@typescript-eslint/require-await": "off",
        },
    },
    {
        // Plain CommonJS scripts (the plan launcher, the test runner, the bench preload): no types to check.
        files: ["**/*.js", "**/*.mjs"],
        ...tseslint.configs.disableTypeChecked,
        languageOptions: {
            ...tseslint.configs.disableTypeChecked.languageOptions,
            sourceType: "commonjs",
            globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly", console: "readonly", setTimeout: "readonly" },
        },
        rules: {
            ...tseslint.configs.disableTypeChecked.rules,
            "@pulumi/no-output-in-template-literal": "off",
            "@pulumi/no-output-instance-in-template-literal": "off",
            // These files are CommonJS by design (run by node directly, before any TypeScript loads).
            "@typescript-eslint/no-require-imports": "off",
        },
    },
    { files: ["**/*.mjs"], languageOptions: { sourceType: "module" } },
);
