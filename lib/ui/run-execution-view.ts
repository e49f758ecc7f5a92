/**
 * The execution settings of a stored run, described the way the guided workflow's summary does
 * (lib/ui/workflow-execution.ts): latency legs, fill sizes, session handling. Keys the run did not
 * set show the defaults the engine applied (the workflow's defaults are the run schema's).
 */
import { describeFills, describeLatency, describeSession, executionFromConfig } from "./workflow-execution";
import { DEFAULT_STATE } from "./workflow-state";

export interface RunExecutionView {
  latency: string;
  fills: string;
  session: string;
}

export function describeRunExecution(config: Record<string, unknown>): RunExecutionView {
  const fill = typeof config.fillModel === "string" ? config.fillModel : "l1-trades";
  const state = { ...DEFAULT_STATE, fill, ...executionFromConfig(config, DEFAULT_STATE) };
  return { latency: describeLatency(state), fills: describeFills(state), session: describeSession(state) };
}
