import { getServerContext } from "@/lib/server/context";

// better-auth's own endpoints (sign-in/email, sign-out, get-session...).
async function handler(req: Request): Promise<Response> {
  const { auth } = await getServerContext();
  return auth.handler(req);
}

export { handler as GET, handler as POST };
