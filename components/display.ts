/**
 * A value read untyped (provider inputs, config, errors) as a template literal prints it:
 * `String(value)`. Taking `unknown` keeps the lint's string checks for typed values, where
 * an object or an Output in a string is a mistake.
 */
export function display(value: unknown): string {
    return String(value);
}
