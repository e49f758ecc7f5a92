import { defineConfig } from "prisma/config";

// Only `prisma generate` is used: migrations are the SQL files in prisma/migrations, applied by
// node-pg-migrate (lib/db/migrate.ts), because Prisma's schema engine cannot be installed offline.
export default defineConfig({
  schema: "prisma/schema.prisma",
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/unused" },
});
