"use client";
import Link from "next/link";
import type { ReactNode } from "react";
import { Breadcrumb } from "@/lib/ui/breadcrumb";

/**
 * The top of an import's page (an import job or an import run): the breadcrumb
 * Datasets / <dataset> / import <id>, and the title "Import into <dataset>" followed by `children`.
 */
export function ImportPageHeader({ dataset, id, children }: { dataset: string; id: string; children?: ReactNode }) {
  const datasetPath = `/datasets/${encodeURIComponent(dataset)}`;
  return (
    <>
      <Breadcrumb
        crumbs={[
          { label: "Datasets", href: "/datasets" },
          { label: dataset, href: datasetPath, mono: true },
          { label: `import ${id.slice(0, 8)}`, mono: true },
        ]}
      />
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold text-zinc-100">
          Import into{" "}
          <Link href={datasetPath} className="hover:text-accent hover:underline">
            {dataset}
          </Link>
        </h1>
        {children}
      </header>
    </>
  );
}
