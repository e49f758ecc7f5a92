import { route } from "@/lib/http/route";
import { describeStrategies } from "@/lib/strategies/describe";

export const GET = route("user", async () => ({ strategies: describeStrategies() }));
