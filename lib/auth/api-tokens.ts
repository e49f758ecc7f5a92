/**
 * Personal API tokens for scripts (`Authorization: Bearer tb_...`). The secret is shown once;
 * only its SHA-256 is stored, so a database leak does not leak usable tokens.
 */
import { randomBytes } from "node:crypto";
import { hashToken } from "./token-hash";
import type { Db } from "../db/prisma";
import type { Principal, Role } from "./roles";

const PREFIX = "tb_";


export async function createApiToken(
  db: Db,
  userId: string,
  name = "cli",
  expiresAt?: Date,
): Promise<{ id: string; token: string; prefix: string }> {
  const token = PREFIX + randomBytes(32).toString("base64url");
  const row = await db.apiToken.create({
    data: { userId, name, tokenHash: hashToken(token), prefix: token.slice(0, 10), expiresAt },
    select: { id: true, prefix: true },
  });
  return { id: row.id, token, prefix: row.prefix };
}

export async function authenticateToken(db: Db, token: string): Promise<Principal | null> {
  if (!token.startsWith(PREFIX)) return null;
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, revokedAt: true, expiresAt: true, user: { select: { id: true, email: true, name: true, role: true } } },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
  await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  const { user } = row;
  return { userId: user.id, email: user.email, name: user.name, role: user.role as Role, via: "token" };
}

export async function revokeApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const { count } = await db.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return count > 0;
}
