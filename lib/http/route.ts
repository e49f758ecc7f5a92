/**
 * Thin route handlers: `route(async (req, { principal, ctx, params }) => ...)` resolves the caller,
 * enforces the access level, and maps every error to a JSON response in one place.
 */
import { ZodError, type z } from "zod";
import { AppError, HTTP_STATUS, forbidden, unauthenticated, badRequest } from "../errors";
import { resolvePrincipal } from "../auth/principal";
import type { Principal } from "../auth/roles";
import { getServerContext, type ServerContext } from "../server/context";

type Access = "public" | "user" | "admin";

interface Args<P> {
  ctx: ServerContext;
  principal: Principal | null;
  params: P;
}
interface AuthedArgs<P> extends Args<P> {
  principal: Principal;
}

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return new Response(JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

export function errorResponse(error: unknown, log?: ServerContext["log"]): Response {
  if (error instanceof ZodError) {
    return json({ error: { code: "bad_request", message: "Invalid input", issues: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) } }, 400);
  }
  if (error instanceof AppError) {
    return json({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } }, HTTP_STATUS[error.code]);
  }
  log?.error({ err: error }, "unhandled error in route handler");
  return json({ error: { code: "internal", message: "Internal server error" } }, 500);
}

export function route<P = Record<string, string>>(
  access: "user" | "admin",
  handler: (req: Request, args: AuthedArgs<P>) => Promise<Response | unknown>,
): (req: Request, routeContext: { params: Promise<P> }) => Promise<Response>;
export function route<P = Record<string, string>>(
  access: "public",
  handler: (req: Request, args: Args<P>) => Promise<Response | unknown>,
): (req: Request, routeContext: { params: Promise<P> }) => Promise<Response>;
export function route<P>(access: Access, handler: (req: Request, args: never) => Promise<Response | unknown>) {
  return async (req: Request, routeContext: { params: Promise<P> }): Promise<Response> => {
    let ctx: ServerContext | undefined;
    try {
      ctx = await getServerContext();
      const principal = await resolvePrincipal(ctx.db, ctx.auth, req.headers);
      if (access !== "public" && !principal) throw unauthenticated();
      if (access === "admin" && principal?.role !== "admin") throw forbidden("Administrators only");
      const params = (await routeContext?.params) ?? ({} as P);
      const result = await (handler as (r: Request, a: Args<P>) => Promise<unknown>)(req, { ctx, principal, params });
      return result instanceof Response ? result : json(result);
    } catch (error) {
      return errorResponse(error, ctx?.log);
    }
  };
}

/** Parses a JSON body with a zod schema; a missing or malformed body is a 400, not a crash. */
export async function parseBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    const text = await req.text();
    body = text ? JSON.parse(text) : {};
  } catch {
    throw badRequest("Request body must be valid JSON");
  }
  return schema.parse(body);
}

export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  return schema.parse(Object.fromEntries(new URL(req.url).searchParams));
}
