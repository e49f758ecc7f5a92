/**
 * Calling Next route handlers directly in integration tests, as a given user (Bearer token).
 * The handlers run for real: zod validation, authorization, error mapping, the database.
 */
import type { TestDatabase } from "../db";
import { createUser } from "../../lib/auth/users";
import { createApiToken } from "../../lib/auth/api-tokens";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type RouteModules = Record<string, Record<string, Handler>>;

export interface CallOptions<U extends string> {
  as?: U;
  body?: unknown;
  /** A raw request body (e.g. malformed JSON). */
  raw?: string;
  params?: Record<string, string>;
  query?: string;
}

export function routeCaller<U extends string>(routes: () => RouteModules, tokens: Record<U, string>) {
  return async (route: string, method: string, opts: CallOptions<U> = {}) => {
    const headers = new Headers({ "content-type": "application/json" });
    if (opts.as) headers.set("authorization", `Bearer ${tokens[opts.as]}`);
    const req = new Request(`http://localhost/api/${route}${opts.query ?? ""}`, {
      method,
      headers,
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const res = await routes()[route][method](req, { params: Promise.resolve(opts.params ?? {}) });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions address the JSON freely
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* a text body (metrics, CSV) */
    }
    return { status: res.status, body, headers: res.headers };
  };
}

/** Analysts with personal API tokens, e.g. `await analysts(db, "share.test", ["ana", "bob"])`. */
export async function analysts<U extends string>(db: TestDatabase, domain: string, names: readonly U[]) {
  const out = {} as Record<U, { id: string; email: string; name: string; token: string }>;
  for (const name of names) {
    const user = await createUser(db.prisma, { email: `${name}@${domain}`, password: `password-${name}` });
    out[name] = { id: user.id, email: user.email, name: user.name, token: (await createApiToken(db.prisma, user.id)).token };
  }
  return out;
}
