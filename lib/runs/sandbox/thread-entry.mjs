// Bootstrap of a run's sandbox thread (thread-source.ts starts it with no execArgv): registers tsx
// in this thread, so the thread loads the same TypeScript sources under `node --import tsx`
// (workers, npm start), under vitest and from the CLI, then runs the thread's code.
import { register } from "tsx/esm/api";

register();
await import("./thread.ts");
