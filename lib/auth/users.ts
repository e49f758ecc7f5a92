/** Account administration used by the CLI, first start and admin pages. */
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { conflict, notFound } from "../errors";
import type { Db } from "../db/prisma";
import { hashPassword } from "./password";
import { ROLES, type Role } from "./roles";

export const newUserSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(8, "Password must have at least 8 characters").max(256),
  role: z.enum(ROLES).default("analyst"),
  name: z.string().trim().min(1).max(100).optional(),
});
export type NewUser = z.input<typeof newUserSchema>;

export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

const toDto = (u: { id: string; email: string; name: string; role: string; createdAt: Date }): UserDto => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role as Role,
  createdAt: u.createdAt.toISOString(),
});

export async function createUser(db: Db, input: NewUser): Promise<UserDto> {
  const { email, password, role, name } = newUserSchema.parse(input);
  const existing = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw conflict(`A user with email ${email} already exists`);
  const id = randomUUID();
  const hashed = await hashPassword(password);
  const user = await db.user.create({
    data: {
      id,
      email,
      name: name ?? email.split("@")[0],
      role,
      accounts: { create: { id: randomUUID(), accountId: id, providerId: "credential", password: hashed } },
    },
    select: { id: true, email: true, name: true, role: true, createdAt: true },
  });
  return toDto(user);
}

export async function listUsers(db: Db): Promise<UserDto[]> {
  const users = await db.user.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, email: true, name: true, role: true, createdAt: true },
  });
  return users.map(toDto);
}

export async function findUserByEmail(db: Db, email: string): Promise<UserDto> {
  const user = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true, name: true, role: true, createdAt: true },
  });
  if (!user) throw notFound(`User ${email}`);
  return toDto(user);
}

/**
 * On first start with no users: creates an admin from ADMIN_EMAIL / ADMIN_PASSWORD, or with a
 * generated password that the caller prints once. Returns null when users already exist.
 */
export async function ensureInitialAdmin(
  db: Db,
  configured: { email?: string; password?: string },
): Promise<{ email: string; password: string | null; generated: boolean } | null> {
  if ((await db.user.count()) > 0) return null;
  const email = configured.email ?? "admin@tickbench.local";
  const generated = !configured.password;
  const password = configured.password ?? randomBytes(12).toString("base64url");
  try {
    await createUser(db, { email, password, role: "admin", name: "Administrator" });
  } catch (error) {
    // Another process created it concurrently.
    if ((await db.user.count()) > 0) return null;
    throw error;
  }
  return { email, password: generated ? password : null, generated };
}
