/**
 * better-auth configured for Tickbench: email + password only, sessions stored in PostgreSQL
 * (tables users / sessions / accounts / verifications, snake_case columns), Argon2id hashes,
 * public sign-up disabled (accounts are created by an admin or the CLI).
 */
import { randomUUID } from "node:crypto";
import { betterAuth } from "better-auth";
import type pg from "pg";
import { hashPassword, verifyPassword } from "./password";

export interface AuthOptions {
  pool: pg.Pool;
  secret: string;
  baseURL?: string;
  /** Sign-in attempts allowed per client IP per minute (brute-force protection). */
  signInAttemptsPerMinute?: number;
}

const timestamps = { createdAt: "created_at", updatedAt: "updated_at" } as const;

export function createAuth({ pool, secret, baseURL, signInAttemptsPerMinute = 10 }: AuthOptions) {
  return betterAuth({
    database: pool,
    secret,
    baseURL,
    basePath: "/api/auth",
    telemetry: { enabled: false },
    // In-memory per web instance; enough against brute force from one address.
    rateLimit: { enabled: true, window: 60, max: 300, customRules: { "/sign-in/email": { window: 60, max: signInAttemptsPerMinute } } },
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: 8,
      password: {
        hash: hashPassword,
        verify: ({ hash, password }) => verifyPassword(hash, password),
      },
    },
    session: {
      modelName: "sessions",
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
      fields: { userId: "user_id", expiresAt: "expires_at", ipAddress: "ip_address", userAgent: "user_agent", ...timestamps },
    },
    user: {
      modelName: "users",
      fields: { emailVerified: "email_verified", ...timestamps },
      additionalFields: { role: { type: "string", required: false, defaultValue: "analyst", input: false } },
    },
    account: {
      modelName: "accounts",
      fields: {
        userId: "user_id",
        accountId: "account_id",
        providerId: "provider_id",
        accessToken: "access_token",
        refreshToken: "refresh_token",
        idToken: "id_token",
        accessTokenExpiresAt: "access_token_expires_at",
        refreshTokenExpiresAt: "refresh_token_expires_at",
        ...timestamps,
      },
    },
    verification: { modelName: "verifications", fields: { expiresAt: "expires_at", ...timestamps } },
    advanced: { database: { generateId: () => randomUUID() } },
    trustedOrigins: (request) => (request ? [new URL(request.url).origin] : []),
  });
}

export type Auth = ReturnType<typeof createAuth>;
