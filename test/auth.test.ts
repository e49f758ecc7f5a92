import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { createAuth, type Auth } from "../lib/auth/auth";
import { createUser, ensureInitialAdmin } from "../lib/auth/users";
import { authenticateToken, createApiToken, revokeApiToken } from "../lib/auth/api-tokens";
import { resolvePrincipal } from "../lib/auth/principal";
import { resolveAuthSecret } from "../lib/auth/secret";

describe("accounts, sessions and API tokens (real PostgreSQL)", () => {
  let db: TestDatabase;
  let auth: Auth;

  beforeAll(async () => {
    db = await createTestDatabase();
    auth = createAuth({ pool: db.pool, secret: await resolveAuthSecret(db.prisma), baseURL: "http://localhost:3000" });
  });
  afterAll(() => db.drop());

  it("creates the first admin once, with a generated password when none is configured", async () => {
    const first = await ensureInitialAdmin(db.prisma, {});
    expect(first?.generated).toBe(true);
    expect(first?.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await ensureInitialAdmin(db.prisma, {})).toBeNull();
    const admin = await db.prisma.user.findUniqueOrThrow({ where: { email: first!.email } });
    expect(admin.role).toBe("admin");
    const account = await db.prisma.account.findFirstOrThrow({ where: { userId: admin.id } });
    expect(account.password).toMatch(/^\$argon2id\$/);
  });

  it("signs in with email and password through better-auth and resolves the session cookie", async () => {
    await createUser(db.prisma, { email: "Ana@Example.com", password: "correct horse", role: "analyst" });
    const response = await auth.api.signInEmail({ body: { email: "ana@example.com", password: "correct horse" }, asResponse: true });
    expect(response.status).toBe(200);
    const cookie = response.headers.get("set-cookie")!.split(";")[0];
    const principal = await resolvePrincipal(db.prisma, auth, new Headers({ cookie }));
    expect(principal).toMatchObject({ email: "ana@example.com", role: "analyst", via: "session" });
    const stored = await db.pool.query("SELECT count(*)::int AS n FROM sessions");
    expect(stored.rows[0].n).toBe(1);
  });

  it("rejects a wrong password and a duplicate email", async () => {
    const response = await auth.api.signInEmail({ body: { email: "ana@example.com", password: "wrong password" }, asResponse: true });
    expect(response.status).toBe(401);
    await expect(createUser(db.prisma, { email: "ana@example.com", password: "another one" })).rejects.toThrow(/already exists/);
    await expect(createUser(db.prisma, { email: "not-an-email", password: "long enough" })).rejects.toThrow();
  });

  it("refuses public sign-up", async () => {
    const response = await auth.api.signUpEmail({ body: { email: "eve@example.com", password: "12345678", name: "Eve" }, asResponse: true });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await db.prisma.user.count({ where: { email: "eve@example.com" } })).toBe(0);
  });

  it("authenticates Bearer API tokens, stores only their hash, and stops accepting revoked ones", async () => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "ana@example.com" } });
    const { id, token } = await createApiToken(db.prisma, user.id, "script");
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).not.toContain(token);
    const principal = await resolvePrincipal(db.prisma, auth, new Headers({ authorization: `Bearer ${token}` }));
    expect(principal).toMatchObject({ userId: user.id, via: "token" });
    expect(await authenticateToken(db.prisma, `${token}x`)).toBeNull();
    expect(await revokeApiToken(db.prisma, user.id, id)).toBe(true);
    expect(await authenticateToken(db.prisma, token)).toBeNull();
  });
});
