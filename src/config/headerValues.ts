/** Looks up the value of a `${secret:NAME}` reference; the extension passes VS Code's SecretStorage. */
export type SecretLookup = (name: string) => Promise<string | undefined>;

const REFERENCE = /\$\{(env|secret):([^}]+)\}/g;

/** Whether any of these header values reads the secret `name`. */
export function referencesSecret(headers: Record<string, string>, name: string): boolean {
  return Object.values(headers).some((value) => [...value.matchAll(REFERENCE)].some(([, kind, key]) => kind === 'secret' && key === name));
}

/**
 * Resolves `${env:NAME}` and `${secret:NAME}` inside header values. Called per request, so a secret
 * is read only when a request is made. A missing reference is an error that names it (never a value).
 */
export async function resolveHeaderValues(
  headers: Record<string, string>,
  lookupSecret: SecretLookup,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const [name, template] of Object.entries(headers)) {
    const replacements: string[] = [];
    for (const [, kind, key] of template.matchAll(REFERENCE)) {
      const replacement = kind === 'env' ? env[key] : await lookupSecret(key);
      if (replacement === undefined) {
        throw new Error(
          kind === 'env'
            ? `Header "${name}" uses \${env:${key}}, but the environment variable ${key} is not set.`
            : `Header "${name}" uses \${secret:${key}}, but no secret named "${key}" is stored — run "MCP: Set Secret".`,
        );
      }
      replacements.push(replacement);
    }
    // One pass over the template, with a replacer function: a value is inserted literally ("$&" in a
    // password stays "$&") and is never searched for references itself.
    let index = 0;
    resolved[name] = template.replace(REFERENCE, () => replacements[index++]);
  }
  return resolved;
}
