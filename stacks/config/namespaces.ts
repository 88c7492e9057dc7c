/**
 * Every top-level key of a stack file must belong to a namespace the program
 * reads: `landing-zone:` (and there, a key the schema knows) or a provider's
 * own (`aws:`, `azure-native:`, `pulumi:`). Anything else would be ignored
 * without a word: `server:` or `lz:server:` instead of `landing-zone:server:`
 * plans a stack with no server tier. Pure, so the program and the offline
 * plan share it.
 */
import { closest, NAMESPACE } from "./resolve";
import { rootSchema } from "./schema";

/** Namespaces whose keys someone reads: this program, its providers, the engine. */
export const KNOWN_NAMESPACES: readonly string[] = [NAMESPACE, "aws", "azure-native", "pulumi"];

/** The `landing-zone:` keys the schema knows. */
export const LANDING_ZONE_KEYS: readonly string[] = Object.keys(rootSchema.shape);

/**
 * One line per key nobody would read, with the most likely intended key.
 * `keys` are full config keys as the engine passes them (`landing-zone:aws`).
 */
export function namespaceProblems(keys: Iterable<string>): string[] {
    const problems: string[] = [];
    for (const key of keys) {
        const colon = key.indexOf(":");
        const namespace = colon < 0 ? "" : key.slice(0, colon);
        const name = colon < 0 ? key : key.slice(colon + 1);
        if (namespace === NAMESPACE) {
            // The schema reports unknown landing-zone keys itself (with its own hint); nested colons it cannot see.
            if (name.includes(":")) problems.push(`${key}: nested namespaces are not config keys; did you mean "${NAMESPACE}:${name.split(":").pop()}"?`);
            continue;
        }
        if (KNOWN_NAMESPACES.includes(namespace)) continue;
        const intended = LANDING_ZONE_KEYS.includes(name) ? name : closest(name, [...LANDING_ZONE_KEYS]);
        const hint = intended
            ? `did you mean "${NAMESPACE}:${intended}"?`
            : namespace
              ? `did you mean the namespace "${closest(namespace, [...KNOWN_NAMESPACES]) ?? NAMESPACE}"?`
              : `write it as "${NAMESPACE}:${name}"`;
        const what = namespace ? `unknown namespace "${namespace}"` : "a config key without a namespace";
        problems.push(`${key}: ${what}, so nothing reads it; ${hint} (known namespaces: ${KNOWN_NAMESPACES.join(", ")})`);
    }
    return problems;
}
