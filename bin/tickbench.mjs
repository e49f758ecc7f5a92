#!/usr/bin/env node
// The `tickbench` command: loads the TypeScript CLI through tsx (same code and configuration
// as the app; no separate build step).
import { register } from "tsx/esm/api";

register();
await import("../lib/cli/main.ts");
