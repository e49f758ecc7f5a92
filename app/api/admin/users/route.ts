import { json, parseBody, route } from "@/lib/http/route";
import { createUser, listUsers, newUserSchema } from "@/lib/auth/users";

export const GET = route("admin", async (_req, { ctx }) => ({ users: await listUsers(ctx.db) }));

export const POST = route("admin", async (req, { ctx }) => json(await createUser(ctx.db, await parseBody(req, newUserSchema)), 201));
