/** Looks up the value of a `${secret:NAME}` reference; the extension passes VS Code's SecretStorage. */
export type SecretLookup = (name: string) => Promise<string | undefined>;

/** Resolves a server's configured header values (env and secret references) for one request. */
export type HeaderSource = (headers: Record<string, string>) => Promise<Record<string, string>>;

const REFERENCE = /\$\{(env|secret):([^}]+)\}/g;

/**
 * The key `oauth.clientSecret` is resolved under, through the same HeaderSource as header values (so it reads the
 * same secrets and environment). A space makes it no header name.
 */
export const CLIENT_SECRET_KEY = 'oauth clientSecret';

function subjectOf(name: string): string {
  return name === CLIENT_SECRET_KEY ? '"oauth.clientSecret"' : `Header "${name}"`;
}

/** Where the value of `${secret:NAME}` lives in VS Code's Secret Storage. */
export function secretStorageKey(name: string): string {
  return `mcpConnections.secret.${name}`;
}

/** A header reference that cannot be resolved; the message names it (never a value) and the fix. */
export class HeaderValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeaderValueError';
  }
}

/** Whether any of these header values reads the secret `name`. */
export function referencesSecret(headers: Record<string, string>, name: string): boolean {
  return Object.values(headers).some((value) => [...value.matchAll(REFERENCE)].some(([, kind, key]) => kind === 'secret' && key === name));
}

/** A header source reading secrets through `lookupSecret` and environment references from `env`. */
export function createHeaderSource(lookupSecret: SecretLookup, env: NodeJS.ProcessEnv = process.env): HeaderSource {
  return (headers) => resolveHeaderValues(headers, lookupSecret, env);
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
        throw new HeaderValueError(
          kind === 'env'
            ? `${subjectOf(name)} uses \${env:${key}}, but the environment variable ${key} is not set.`
            : `${subjectOf(name)} uses \${secret:${key}}, but no secret named "${key}" is stored — run "MCP Connections: Set Secret…".`,
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
