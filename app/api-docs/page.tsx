import type { Metadata } from "next";
import { buildOpenApiDocument } from "@/lib/openapi/document";

export const metadata: Metadata = { title: "API reference" };

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: Json;
}

const METHOD_CLASS: Record<string, string> = {
  get: "border-sky-700 text-sky-300",
  post: "border-emerald-700 text-emerald-300",
  patch: "border-amber-700 text-amber-300",
  delete: "border-red-700 text-red-300",
};

/** "integer ≥ 1", "one of a, b", "string"... from a JSON Schema, for a compact table. */
function typeOf(schema: Json | undefined): string {
  if (!schema) return "";
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.join(", ")}`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(typeOf).join(" | ");
  if (typeof schema.$ref === "string") return schema.$ref.split("/").at(-1)!;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : String(schema.type ?? "any");
  const bounds = [schema.minimum !== undefined && `≥ ${schema.minimum}`, schema.maximum !== undefined && `≤ ${schema.maximum}`, schema.format as string]
    .filter((b) => b && !/9007199254740991/.test(String(b)))
    .join(", ");
  return bounds ? `${type} (${bounds})` : type;
}

/**
 * A readable, offline API reference: every operation of the OpenAPI document (the same one
 * GET /api/openapi.json serves), grouped by tag, with parameters, body fields and responses.
 */
export default function ApiDocsPage() {
  const doc = buildOpenApiDocument() as { info: { title: string; description: string }; tags: { name: string }[]; paths: Record<string, Record<string, Json>> };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <h1 className="text-lg font-semibold text-zinc-100">{doc.info.title}</h1>
        <p className="max-w-3xl text-sm text-zinc-400">{doc.info.description}</p>
        <p className="text-sm">
          <a href="/api/openapi.json" className="text-accent hover:underline">
            OpenAPI 3.1 document (JSON)
          </a>
        </p>
      </header>
      {doc.tags.map(({ name }) => (
        <section key={name} aria-labelledby={`tag-${name}`} className="panel">
          <div className="panel-header">
            <h2 id={`tag-${name}`} className="panel-title">
              {name}
            </h2>
          </div>
          <div className="divide-y divide-zinc-800">
            {operations
              .filter(({ op }) => (op.tags as string[])[0] === name)
              .map(({ path, method, op }) => {
                const parameters = (op.parameters ?? []) as Parameter[];
                const body = (op.requestBody as { content: Record<string, { schema: Json }> } | undefined)?.content["application/json"]?.schema;
                const bodyProps = Object.entries((body?.properties ?? {}) as Record<string, Json>);
                const required = new Set((body?.required ?? []) as string[]);
                const access = Array.isArray(op.security) ? "public" : op["x-tickbench-access"] === "admin" ? "admin" : "signed in";
                return (
                  <article key={`${method} ${path}`} id={String(op.operationId)} className="space-y-2 px-3 py-3" data-testid="api-operation">
                    <h3 className="flex flex-wrap items-center gap-2 text-sm">
                      <span className={`w-16 rounded border px-1.5 text-center font-mono text-[11px] uppercase ${METHOD_CLASS[method]}`}>{method}</span>
                      <code className="font-mono text-zinc-100">{path}</code>
                      <span className="text-zinc-400">{String(op.summary)}</span>
                      <span className="ml-auto text-[11px] text-zinc-500">{access}</span>
                    </h3>
                    {parameters.length > 0 && (
                      <table className="data-table text-xs" aria-label={`Parameters of ${method.toUpperCase()} ${path}`}>
                        <thead>
                          <tr>
                            <th scope="col">Parameter</th>
                            <th scope="col">In</th>
                            <th scope="col">Type</th>
                            <th scope="col">Description</th>
                          </tr>
                        </thead>
                        <tbody>
                          {parameters.map((p) => (
                            <tr key={`${p.in}-${p.name}`}>
                              <td className="font-mono">
                                {p.name}
                                {p.required && <span className="text-down"> *</span>}
                              </td>
                              <td>{p.in}</td>
                              <td className="font-mono">{typeOf(p.schema)}</td>
                              <td className="text-zinc-400">{p.description ?? ""}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                    {bodyProps.length > 0 && (
                      <table className="data-table text-xs" aria-label={`Body of ${method.toUpperCase()} ${path}`}>
                        <thead>
                          <tr>
                            <th scope="col">Body field</th>
                            <th scope="col">Type</th>
                            <th scope="col">Description</th>
                          </tr>
                        </thead>
                        <tbody>
                          {bodyProps.map(([field, schema]) => (
                            <tr key={field}>
                              <td className="font-mono">
                                {field}
                                {required.has(field) && schema.default === undefined && <span className="text-down"> *</span>}
                              </td>
                              <td className="font-mono">{typeOf(schema)}</td>
                              <td className="text-zinc-400">{typeof schema.description === "string" ? schema.description : ""}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                    <p className="text-xs text-zinc-500">
                      Responses:{" "}
                      {Object.entries(op.responses as Record<string, { description: string }>)
                        .map(([status, r]) => `${status} ${r.description}`)
                        .join(" · ")}
                    </p>
                  </article>
                );
              })}
          </div>
        </section>
      ))}
    </div>
  );
}
