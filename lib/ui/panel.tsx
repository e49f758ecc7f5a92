import type { ReactNode } from "react";

/** A titled section: the one panel layout of every page (heading wired to aria-labelledby). */
export function Panel({
  id,
  title,
  actions,
  children,
  className,
  testId,
}: {
  id: string;
  title: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={className ? `panel ${className}` : "panel"} aria-labelledby={id} data-testid={testId}>
      <div className="panel-header">
        <h2 id={id} className="panel-title">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
