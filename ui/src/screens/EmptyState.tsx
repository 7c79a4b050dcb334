import type { ReactNode } from "react";

/** A quiet panel that says what a section will hold once there is something in it. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty-state">
      <h2 className="empty-state__title">{title}</h2>
      <p className="empty-state__text">{children}</p>
    </div>
  );
}
