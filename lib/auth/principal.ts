/** Resolves the caller of a request: a Bearer API token first, else the better-auth session. */
import type { Auth } from "./auth";
import { authenticateToken } from "./api-tokens";
import type { Db } from "../db/prisma";
import type { Principal, Role } from "./roles";

export async function resolvePrincipal(db: Db, auth: Auth, headers: Headers): Promise<Principal | null> {
  const authorization = headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) {
    return authenticateToken(db, authorization.slice(7).trim());
  }
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const user = session.user as { id: string; email: string; name: string; role?: string };
  return { userId: user.id, email: user.email, name: user.name, role: (user.role ?? "analyst") as Role, via: "session" };
}
