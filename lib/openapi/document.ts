/**
 * The OpenAPI 3.1 document of Tickbench's JSON API, built from the zod schemas the route handlers
 * validate with (requests: input side) and the response schemas of ./schemas.ts (output side),
 * via zod 4's z.toJSONSchema (JSON Schema 2020-12, OpenAPI 3.1's dialect). Served at
 * GET /api/openapi.json and rendered at /api-docs. test/openapi.test.ts walks app/api and fails
 * when a route handler has no operation here, so the document cannot drift from the routes.
 */
import { z } from "zod";
import { createRunSchema } from "../runs/run-config";
import { listRunsQuerySchema, updateRunSchema } from "../runs/run-service";
import { createShareLinkSchema } from "../runs/share-links";
import { newUserSchema } from "../auth/users";
import { compareQuerySchema } from "../runs/compare";
import { tradesQuerySchema } from "../runs/trades-query";
import { quarantineQuerySchema } from "../data/import/import-report";
import { EXPORT_FORMATS } from "../runs/exports";
import { updateDatasetSchema } from "../data/datasets";
import { referenceQuerySchema } from "../data/reference-data";
import { listImportJobsQuerySchema } from "../imports/import-jobs";
import { tradeChartQuerySchema } from "../runs/trade-chart-data";
import * as s from "./schemas";

export type HttpMethod = "get" | "post" | "patch" | "delete";
export type Access = "public" | "user" | "admin";

export interface Operation {
  method: HttpMethod;
  /** OpenAPI path, `{name}` for path parameters. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Media type of the body; JSON unless set (uploads are multipart/form-data). */
  bodyContentType?: string;
  /** Status -> response; `schema` JSON unless `contentType` says otherwise. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

const list = <K extends string>(key: K, item: z.ZodType) => z.object({ [key]: z.array(item) } as Record<K, z.ZodArray<z.ZodType>>);
const deleted = z.object({ deleted: z.string() });

/** Every operation of the API. Keep in the order of the README's HTTP API table. */
export const OPERATIONS: readonly Operation[] = [
  { method: "get", path: "/api/health", operationId: "getHealth", tag: "System", summary: "Database, queue and live workers", access: "public", responses: { 200: { description: "Healthy or degraded", schema: s.healthSchema }, 503: { description: "Down", schema: s.healthSchema } } },
  { method: "get", path: "/api/metrics", operationId: "getMetrics", tag: "System", summary: "Prometheus metrics (keep on a private network)", access: "public", responses: { 200: { description: "Prometheus text format", contentType: "text/plain" } } },
  { method: "get", path: "/api/openapi.json", operationId: "getOpenApi", tag: "System", summary: "This OpenAPI 3.1 document", access: "public", responses: { 200: { description: "The document" } } },
  { method: "post", path: "/api/auth/sign-in/email", operationId: "signIn", tag: "Auth", summary: "Sign in with email and password (better-auth; sets the session cookie)", access: "public", body: z.object({ email: z.string(), password: z.string() }), responses: { 200: { description: "Signed in" }, 401: { description: "Wrong credentials" } } },
  { method: "post", path: "/api/auth/sign-out", operationId: "signOut", tag: "Auth", summary: "Sign out (better-auth)", access: "user", responses: { 200: { description: "Signed out" } } },
  { method: "get", path: "/api/auth/get-session", operationId: "getSession", tag: "Auth", summary: "The current session (better-auth; its other endpoints live under /api/auth/)", access: "public", responses: { 200: { description: "Session or null" } } },
  { method: "get", path: "/api/me", operationId: "getMe", tag: "Account", summary: "The caller", access: "user", responses: { 200: { description: "The caller", schema: s.meSchema } } },
  { method: "get", path: "/api/tokens", operationId: "listTokens", tag: "Account", summary: "Own API tokens", access: "user", responses: { 200: { description: "Tokens (never the secret)", schema: list("tokens", s.tokenSchema) } } },
  { method: "post", path: "/api/tokens", operationId: "createToken", tag: "Account", summary: "Create a personal API token (the secret is in this response only)", access: "user", body: s.createTokenBodySchema, responses: { 201: { description: "Created", schema: s.createdTokenSchema } } },
  { method: "get", path: "/api/runs", operationId: "listRuns", tag: "Runs", summary: "Own run history, newest first, with search and filters", access: "user", query: listRunsQuerySchema, responses: { 200: { description: "Runs", schema: list("runs", s.runSchema) } } },
  { method: "post", path: "/api/runs", operationId: "createRun", tag: "Runs", summary: "Validate, store and enqueue a run (never runs it)", access: "user", body: createRunSchema, responses: { 202: { description: "Accepted, queued", schema: s.runSchema }, 404: { description: "Unknown dataset", schema: s.errorBodySchema }, 409: { description: "Dataset not ready", schema: s.errorBodySchema }, 422: { description: "Unknown strategy, invalid parameters, or a fill model the dataset cannot drive (e.g. l3-fifo on MBP data)", schema: s.errorBodySchema } } },
  { method: "get", path: "/api/runs/{id}", operationId: "getRun", tag: "Runs", summary: "A run (owner, or anyone for team runs)", access: "user", responses: { 200: { description: "The run", schema: s.runSchema } } },
  { method: "patch", path: "/api/runs/{id}", operationId: "updateRun", tag: "Runs", summary: "Rename, tag or annotate a run (owner)", access: "user", body: updateRunSchema, responses: { 200: { description: "Updated", schema: s.runSchema } } },
  { method: "delete", path: "/api/runs/{id}", operationId: "deleteRun", tag: "Runs", summary: "Delete a finished run and its results (owner or admin)", access: "user", responses: { 200: { description: "Deleted", schema: deleted }, 409: { description: "Still queued or running", schema: s.errorBodySchema } } },
  { method: "get", path: "/api/runs/{id}/result", operationId: "getRunResult", tag: "Runs", summary: "The result: metrics, statistics, equity, first trades", access: "user", responses: { 200: { description: "Result", schema: s.runResultSchema } } },
  { method: "get", path: "/api/runs/{id}/trades", operationId: "getRunTrades", tag: "Runs", summary: "One page of the round trips, sorted and filtered (also with an x-share-token header)", access: "public", query: tradesQuerySchema, responses: { 200: { description: "A page of trades", schema: s.tradesPageSchema } } },
  { method: "get", path: "/api/runs/{id}/trades/distribution", operationId: "getPnlDistribution", tag: "Runs", summary: "Histogram of every round trip's net P&L (same access as the trades)", access: "public", responses: { 200: { description: "Histogram", schema: s.looseRecordSchema } } },
  { method: "get", path: "/api/runs/{id}/trades/{n}/chart", operationId: "getTradeChart", tag: "Runs", summary: "Price bars around round trip n (its seq) with entry/exit markers and the fills in the window, each with its audit fields", access: "public", query: tradeChartQuerySchema, responses: { 200: { description: "Bars and markers", schema: s.looseRecordSchema } } },
  { method: "post", path: "/api/runs/{id}/cancel", operationId: "cancelRun", tag: "Runs", summary: "Cancel a queued or running run", access: "user", responses: { 200: { description: "The run", schema: s.runSchema }, 409: { description: "Already finished", schema: s.errorBodySchema } } },
  { method: "get", path: "/api/runs/{id}/export", operationId: "exportRun", tag: "Runs", summary: "Download trades, fills, equity or the full result", access: "user", query: z.object({ format: z.enum(EXPORT_FORMATS) }), responses: { 200: { description: "CSV, JSON or a self-contained HTML report", contentType: "application/octet-stream" } } },
  { method: "post", path: "/api/runs/{id}/share", operationId: "createShareLink", tag: "Sharing", summary: "Create a read-only share link (token returned once)", access: "user", body: createShareLinkSchema, responses: { 201: { description: "Created", schema: s.createdShareLinkSchema } } },
  { method: "get", path: "/api/share-links", operationId: "listShareLinks", tag: "Sharing", summary: "My share links", access: "user", responses: { 200: { description: "Links", schema: list("shareLinks", s.shareLinkSchema) } } },
  { method: "delete", path: "/api/share-links/{id}", operationId: "revokeShareLink", tag: "Sharing", summary: "Revoke a share link", access: "user", responses: { 200: { description: "Revoked", schema: s.shareLinkSchema } } },
  { method: "get", path: "/api/shared/{token}", operationId: "getSharedRun", tag: "Sharing", summary: "The results behind a share link (404 if revoked, expired or unknown)", access: "public", responses: { 200: { description: "Shared run", schema: s.sharedRunSchema } } },
  { method: "get", path: "/api/compare", operationId: "compareRuns", tag: "Runs", summary: "Compare 2-10 finished runs", access: "user", query: compareQuerySchema, responses: { 200: { description: "Comparison", schema: s.comparisonSchema } } },
  { method: "get", path: "/api/datasets", operationId: "listDatasets", tag: "Datasets", summary: "Datasets", access: "user", responses: { 200: { description: "Datasets", schema: list("datasets", s.datasetSchema) } } },
  { method: "get", path: "/api/datasets/{name}", operationId: "getDataset", tag: "Datasets", summary: "A dataset with its coverage calendar (a continuous one also with its components and roll dates)", access: "user", responses: { 200: { description: "Dataset", schema: s.datasetDetailSchema } } },
  { method: "delete", path: "/api/datasets/{name}", operationId: "deleteDataset", tag: "Datasets", summary: "Delete a dataset and its ticks (admin)", access: "admin", responses: { 200: { description: "Deleted", schema: deleted } } },
  { method: "patch", path: "/api/datasets/{name}", operationId: "updateDataset", tag: "Datasets", summary: "Set the dataset's validation rules for later imports (admin)", access: "admin", body: updateDatasetSchema, responses: { 200: { description: "Updated", schema: s.datasetSchema } } },
  { method: "get", path: "/api/datasets/{name}/reference", operationId: "getDatasetReference", tag: "Datasets", summary: "Reference data of a dataset: Databento definitions and statistics held, the contract's definition checked against the spec, latest statistics, and the daily series of one statistic (settlement prices by default)", access: "user", query: referenceQuerySchema, responses: { 200: { description: "Reference data", schema: s.referenceDataSchema } } },
  { method: "get", path: "/api/datasets/{name}/imports", operationId: "listImports", tag: "Datasets", summary: "Import runs of a dataset", access: "user", responses: { 200: { description: "Imports", schema: list("imports", s.importRunSchema) } } },
  { method: "get", path: "/api/imports/{id}", operationId: "getImport", tag: "Datasets", summary: "One import report", access: "user", responses: { 200: { description: "Report", schema: s.importRunSchema } } },
  { method: "get", path: "/api/imports/{id}/quarantine", operationId: "getQuarantine", tag: "Datasets", summary: "Quarantined records of an import (paged JSON, or CSV with format=csv)", access: "user", query: quarantineQuerySchema.extend({ format: z.enum(["json", "csv"]).default("json") }), responses: { 200: { description: "A page of records, or the CSV" } } },
  { method: "get", path: "/api/imports/jobs", operationId: "listImportJobs", tag: "Datasets", summary: "Import jobs, newest first", access: "user", query: listImportJobsQuerySchema, responses: { 200: { description: "Jobs", schema: list("jobs", s.importJobSchema) } } },
  {
    method: "post",
    path: "/api/imports/jobs",
    operationId: "createImportJob",
    tag: "Datasets",
    summary: "Upload files and enqueue their import (admin)",
    access: "admin",
    body: s.importUploadSchema,
    bodyContentType: "multipart/form-data",
    responses: { 202: { description: "Accepted, queued", schema: s.importJobSchema } },
  },
  { method: "get", path: "/api/imports/jobs/{id}", operationId: "getImportJob", tag: "Datasets", summary: "One import job: status, live counts, report id", access: "user", responses: { 200: { description: "The job", schema: s.importJobSchema } } },
  { method: "post", path: "/api/imports/jobs/{id}/cancel", operationId: "cancelImportJob", tag: "Datasets", summary: "Cancel an import job (admin)", access: "admin", responses: { 200: { description: "The job", schema: s.importJobSchema } } },
  { method: "get", path: "/api/strategies", operationId: "listStrategies", tag: "Strategies", summary: "Built-in strategies with the JSON Schema of their parameters", access: "user", responses: { 200: { description: "Strategies", schema: list("strategies", s.strategySchema) } } },
  { method: "get", path: "/api/admin/users", operationId: "listUsers", tag: "Admin", summary: "Users (admin)", access: "admin", responses: { 200: { description: "Users", schema: list("users", s.userSchema) } } },
  { method: "post", path: "/api/admin/users", operationId: "createUser", tag: "Admin", summary: "Create a user (admin)", access: "admin", body: newUserSchema, responses: { 201: { description: "Created", schema: s.userSchema } } },
];

type Json = Record<string, unknown>;

/** JSON Schema of a zod schema; named subschemas (meta id) go to components.schemas. */
function toJson(schema: z.ZodType, io: "input" | "output", components: Record<string, unknown>): Json {
  const raw = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
  const { $defs, $schema: _dialect, ...rest } = raw;
  const relink = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
  for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, unknown>)) components[id] = relink(def);
  return relink(rest);
}

const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

function queryParameters(schema: z.ZodType, components: Record<string, unknown>): Json[] {
  const json = toJson(schema, "input", components) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    ...(typeof prop.description === "string" ? { description: prop.description } : {}),
    schema: prop,
  }));
}

const ERROR_RESPONSES: Record<Access, Record<number, string>> = {
  public: { 400: "Invalid input", 404: "Not found" },
  user: { 400: "Invalid input", 401: "Not signed in", 404: "Not found, or not yours" },
  admin: { 400: "Invalid input", 401: "Not signed in", 403: "Administrators only", 404: "Not found" },
};

/** The whole OpenAPI 3.1 document. `serverUrl` is the base URL clients call. */
export function buildOpenApiDocument(serverUrl = "/"): Json {
  const components: Record<string, unknown> = {};
  const paths: Record<string, Record<string, Json>> = {};
  const errorRef = { $ref: "#/components/schemas/Error" };
  toJson(s.errorBodySchema, "output", components);
  for (const op of OPERATIONS) {
    const parameters = [
      ...pathParams(op.path).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
      ...(op.query ? queryParameters(op.query, components) : []),
    ];
    const responses: Record<string, Json> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      const type = r.contentType ?? "application/json";
      responses[status] = { description: r.description, ...(r.schema || r.contentType ? { content: { [type]: r.schema ? { schema: toJson(r.schema, "output", components) } : {} } } : {}) };
    }
    for (const [status, description] of Object.entries(ERROR_RESPONSES[op.access])) {
      responses[status] ??= { description, content: { "application/json": { schema: errorRef } } };
    }
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(op.access === "public" ? { security: [] } : {}),
      ...(op.access === "admin" ? { "x-tickbench-access": "admin" } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { [op.bodyContentType ?? "application/json"]: { schema: toJson(op.body, "input", components) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Tickbench API",
      version: "1",
      description:
        "Tick-level backtesting for CME futures. JSON over HTTP; authenticate with the session cookie of a browser sign-in or `Authorization: Bearer tb_...` (personal API token). Errors are `{ error: { code, message, issues?, details? } }`.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "Personal API token (tb_...)" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "better-auth.session_token" },
      },
    },
  };
}
