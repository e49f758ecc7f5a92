import { json, parseBody, route } from "@/lib/http/route";
import { deleteDataset, getDatasetDetail, updateDataset, updateDatasetSchema } from "@/lib/data/datasets";

/** A dataset with its coverage calendar (any signed-in user: datasets are browsable read-only). */
export const GET = route<{ name: string }>("user", async (_req, { ctx, params }) => getDatasetDetail(ctx.db, ctx.pool, params.name));

/** Deletes a dataset and its ticks (admins). Runs computed from it keep their results. */
export const DELETE = route<{ name: string }>("admin", async (_req, { ctx, params }) => {
  await deleteDataset(ctx.db, ctx.pool, params.name);
  return json({ deleted: params.name });
});

/** Sets the dataset's validation rules (admins): `{ validationRules: {...} }`; later imports use them. */
export const PATCH = route<{ name: string }>("admin", async (req, { ctx, params }) => updateDataset(ctx.db, params.name, await parseBody(req, updateDatasetSchema)));
