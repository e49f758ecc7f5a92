export const ROLES = ["admin", "analyst"] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller of a request: from a session cookie or a personal API token. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  role: Role;
  via: "session" | "token";
}

export const isAdmin = (p: Principal) => p.role === "admin";
