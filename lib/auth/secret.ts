/**
 * The session-signing secret: AUTH_SECRET when configured, otherwise one generated on first use
 * and stored in app_settings so every web instance sharing the database signs alike.
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../db/prisma";

export async function resolveAuthSecret(db: Db, configured?: string): Promise<string> {
  if (configured) return configured;
  const fresh = randomBytes(32).toString("base64url");
  await db.appSetting.upsert({ where: { key: "auth_secret" }, create: { key: "auth_secret", value: fresh }, update: {} });
  const row = await db.appSetting.findUniqueOrThrow({ where: { key: "auth_secret" } });
  return row.value;
}
