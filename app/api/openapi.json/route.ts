import { json, route } from "@/lib/http/route";
import { buildOpenApiDocument } from "@/lib/openapi/document";

/** The OpenAPI 3.1 document of the JSON API (public: it describes, it reveals no data). */
export const GET = route("public", async (req) => json(buildOpenApiDocument(new URL(req.url).origin), 200, { "cache-control": "public, max-age=300" }));
