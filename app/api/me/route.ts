import { route } from "@/lib/http/route";

export const GET = route("user", async (_req, { principal }) => ({
  id: principal.userId,
  email: principal.email,
  name: principal.name,
  role: principal.role,
}));
