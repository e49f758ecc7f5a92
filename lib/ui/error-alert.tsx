import { ApiError, apiIssues, isIssue } from "./api";

/**
 * Shows an error for the user: the message, then each field issue (zod `issues`, or `details`
 * in the same `{ path, message }` shape) on its own line. Other `details` are shown as JSON.
 */
export function ErrorAlert({ error, title, testId }: { error: unknown; title?: string; testId?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const apiError = error instanceof ApiError ? error : null;
  const issues = apiError ? apiIssues(apiError) : [];
  const detailsAreIssues = Array.isArray(apiError?.details) && apiError.details.every(isIssue);
  const otherDetails = apiError?.details !== undefined && !detailsAreIssues ? apiError.details : undefined;
  return (
    <div role="alert" data-testid={testId} className="rounded border border-red-900 bg-red-950/60 px-3 py-2 text-sm text-red-200">
      <p className="font-medium">
        {title ? `${title}: ` : ""}
        {message}
      </p>
      {issues.length > 0 && (
        <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs text-red-300">
          {issues.map((issue, i) => (
            <li key={`${issue.path}-${i}`}>
              {issue.path && <code className="font-mono text-red-100">{issue.path}</code>}
              {issue.path && ": "}
              {issue.message}
            </li>
          ))}
        </ul>
      )}
      {otherDetails !== undefined && (
        <pre className="mt-1 overflow-x-auto font-mono text-xs whitespace-pre-wrap text-red-300">
          {typeof otherDetails === "string" ? otherDetails : JSON.stringify(otherDetails, null, 2)}
        </pre>
      )}
    </div>
  );
}

