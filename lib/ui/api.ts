/**
 * Browser-side access to Tickbench's JSON API. Every non-2xx answer becomes an `ApiError` carrying
 * the server's `{ error: { code, message, issues?, details? } }` so forms can show it as is.
 * Response types mirror the API's DTOs; they are declared here because the server modules that
 * define them import database code that must not reach the browser bundle.
 */
import type { RunDto } from "../runs/run-dto";
import type { DatasetDto, StoredRecords } from "../data/datasets";
import type { Coverage } from "../data/coverage";
import type { ShareLinkDto } from "../runs/share-links";
import type { UserDto } from "../auth/users";
import type { StrategyDescription } from "../strategies/describe";
import type { ResultMetricsDto, RunResultDto, TradeDto } from "../runs/run-dto";
import type { ImportRunDto, QuarantinePage } from "../data/import/import-report";
import type { ImportJobDto } from "../imports/import-job-dto";
import type { ValidationRules } from "../data/import/trade-validation";

export interface ApiIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[];
  readonly details: unknown;

  constructor(status: number, body: { code?: string; message?: string; issues?: ApiIssue[]; details?: unknown } | undefined) {
    super(body?.message || `Request failed (HTTP ${status})`);
    this.name = "ApiError";
    this.status = status;
    this.code = body?.code ?? "http_error";
    this.issues = Array.isArray(body?.issues) ? body.issues : [];
    this.details = body?.details;
  }
}

/** Field issues of an error: zod `issues`, plus `details` when it is a list of `{ path, message }`. */
export function apiIssues(error: ApiError): ApiIssue[] {
  const details = Array.isArray(error.details) && error.details.every(isIssue) ? (error.details as ApiIssue[]) : [];
  return [...error.issues, ...details];
}

export function isIssue(value: unknown): value is ApiIssue {
  return !!value && typeof value === "object" && typeof (value as ApiIssue).message === "string";
}

async function readError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } ; message?: string };
    // Tickbench routes answer { error: {...} }; better-auth answers { message }.
    return new ApiError(res.status, body.error ?? { message: body.message });
  } catch {
    return new ApiError(res.status, undefined);
  }
}

export async function apiFetch<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { credentials: "same-origin", cache: "no-store", ...init, headers: { accept: "application/json", ...init?.headers } });
  if (!res.ok) throw await readError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export function apiPost<T>(path: string, body: unknown = {}): Promise<T> {
  return apiFetch<T>(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

// ----- Response shapes -----------------------------------------------------------------------

export type DatasetSummary = DatasetDto;
export type DatasetDetail = DatasetDto & { coverage: Coverage; validationRuleDefaults: ValidationRules; storedRecords?: StoredRecords };

export type StrategySummary = StrategyDescription;

/** The JSON Schema of a strategy's parameters. */
export const strategyParamsSchema = (s: StrategySummary | undefined): unknown => s?.paramsJsonSchema;

export type UserSummary = UserDto;

export type RunMetrics = ResultMetricsDto;
export type TradeRow = TradeDto;
export type RunResult = RunResultDto;

export const api = {
  datasets: () => apiFetch<{ datasets: DatasetSummary[] }>("/api/datasets"),
  dataset: (name: string) => apiFetch<DatasetDetail>(`/api/datasets/${encodeURIComponent(name)}`),
  deleteDataset: (name: string) => apiFetch<{ deleted: string }>(`/api/datasets/${encodeURIComponent(name)}`, { method: "DELETE" }),
  strategies: () => apiFetch<{ strategies: StrategySummary[] }>("/api/strategies"),
  runs: (filters: Record<string, string> = {}) => {
    const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== "")).toString();
    return apiFetch<{ runs: RunDto[] }>(`/api/runs${query ? `?${query}` : ""}`);
  },
  updateRun: (id: string, body: { name?: string; tags?: string[]; notes?: string | null }) =>
    apiFetch<RunDto>(`/api/runs/${encodeURIComponent(id)}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  deleteRun: (id: string) => apiFetch<{ deleted: string }>(`/api/runs/${encodeURIComponent(id)}`, { method: "DELETE" }),
  run: (id: string) => apiFetch<RunDto>(`/api/runs/${encodeURIComponent(id)}`),
  runResult: (id: string) => apiFetch<RunResult>(`/api/runs/${encodeURIComponent(id)}/result`),
  cancelRun: (id: string) => apiPost<RunDto>(`/api/runs/${encodeURIComponent(id)}/cancel`),
  shareRun: (id: string, body: { expiresInDays?: number }) =>
    apiPost<ShareLinkDto & { token: string; path: string }>(`/api/runs/${encodeURIComponent(id)}/share`, body),
  shareLinks: () => apiFetch<{ shareLinks: ShareLinkDto[] }>("/api/share-links"),
  revokeShareLink: (id: string) => apiFetch<ShareLinkDto>(`/api/share-links/${encodeURIComponent(id)}`, { method: "DELETE" }),
  createRun: (body: unknown) => apiPost<RunDto>("/api/runs", body),
  users: () => apiFetch<{ users: UserSummary[] }>("/api/admin/users"),
  createUser: (body: { email: string; password: string; role: string }) => apiPost<UserSummary>("/api/admin/users", body),
  datasetImports: (name: string) => apiFetch<{ imports: ImportRunDto[] }>(`/api/datasets/${encodeURIComponent(name)}/imports`),
  importReport: (id: string) => apiFetch<ImportRunDto>(`/api/imports/${encodeURIComponent(id)}`),
  updateDataset: (name: string, body: { validationRules: ValidationRules }) =>
    apiFetch<DatasetSummary>(`/api/datasets/${encodeURIComponent(name)}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  importJobs: (query: { dataset?: string; active?: boolean } = {}) =>
    apiFetch<{ jobs: ImportJob[] }>(`/api/imports/jobs?${new URLSearchParams({ dataset: query.dataset ?? "", active: query.active ? "true" : "" })}`),
  importJob: (id: string) => apiFetch<ImportJob>(`/api/imports/jobs/${encodeURIComponent(id)}`),
  cancelImportJob: (id: string) => apiPost<ImportJob>(`/api/imports/jobs/${encodeURIComponent(id)}/cancel`),
  quarantine: (id: string, query: { page: number; pageSize: number; reason?: string }) =>
    apiFetch<QuarantinePage>(`${quarantinePath(id)}?${new URLSearchParams({ page: String(query.page), pageSize: String(query.pageSize), reason: query.reason ?? "" })}`),
};

/** The quarantine of an import; with `?format=csv` the CSV download (a plain link, not a fetch). */
export const quarantinePath = (id: string) => `/api/imports/${encodeURIComponent(id)}/quarantine`;
export const quarantineCsvPath = (id: string) => `${quarantinePath(id)}?format=csv`;

/** Query keys shared by the pages, so one invalidation refreshes every view of the same data. */
export const queryKeys = {
  datasets: ["datasets"] as const,
  shareLinks: ["share-links"] as const,
  dataset: (name: string) => ["datasets", name] as const,
  strategies: ["strategies"] as const,
  runs: ["runs"] as const,
  run: (id: string) => ["runs", id] as const,
  runResult: (id: string) => ["runs", id, "result"] as const,
  users: ["admin", "users"] as const,
  datasetImports: (name: string) => ["datasets", name, "imports"] as const,
  importReport: (id: string) => ["imports", id] as const,
  importJobs: (dataset: string) => ["import-jobs", dataset] as const,
  importJob: (id: string) => ["import-jobs", "job", id] as const,
  quarantine: (id: string, page: number, pageSize: number, reason: string) => ["imports", id, "quarantine", page, pageSize, reason] as const,
};

export type ImportRun = ImportRunDto;
export type QuarantineRecords = QuarantinePage;
export type ImportJob = ImportJobDto;

/**
 * Uploads files for import (multipart, one request) with XMLHttpRequest, the one browser API that
 * reports upload progress. Resolves with the queued import job; `abort()` stops the upload.
 */
export function uploadImport(form: FormData, onProgress: (loaded: number, total: number) => void): { done: Promise<ImportJob>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<ImportJob>((resolve, reject) => {
    xhr.open("POST", "/api/imports/jobs");
    xhr.responseType = "text";
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onload = () => {
      let body: { error?: { code?: string; message?: string; issues?: ApiIssue[]; details?: unknown } } | undefined;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status === 202 || xhr.status === 200) resolve(body as unknown as ImportJob);
      else reject(new ApiError(xhr.status, body?.error));
    };
    xhr.onerror = () => reject(new ApiError(0, { code: "network", message: "The upload failed: the connection was lost" }));
    xhr.onabort = () => reject(new ApiError(0, { code: "aborted", message: "Upload cancelled" }));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
