/** Socket.IO room and event names shared by the web server, the workers and the browser. */
export const runRoom = (runId: string) => `run:${runId}`;
export const EVENTS = {
  /** client -> server: start watching a run ({ runId }); answered with `run:state`. */
  watch: "run:watch",
  unwatch: "run:unwatch",
  /** server -> client: current state of a run (RunProgressDto), sent on watch and on every update. */
  state: "run:state",
  /** server -> client: the run cannot be watched ({ runId, message }). */
  denied: "run:denied",
} as const;

/** Import jobs (lib/imports): same pattern as runs, own room and event names. */
export const importRoom = (importJobId: string) => `import:${importJobId}`;
export const IMPORT_EVENTS = {
  /** client -> server: start watching an import job ({ importJobId }); answered with `import:state`. */
  watch: "import:watch",
  unwatch: "import:unwatch",
  /** server -> client: current state of an import job (ImportJobProgressDto), on watch and on every update. */
  state: "import:state",
  /** server -> client: the import cannot be watched ({ importJobId, message }). */
  denied: "import:denied",
} as const;
