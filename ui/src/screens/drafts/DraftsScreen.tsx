import { useState } from "react";
import type { DraftStatus } from "../../bindings";
import { DateTime } from "../../components/DateTime";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordList } from "../../components/RecordList";
import { SelectField } from "../../components/SelectField";
import { useAllDrafts, useTemplates } from "../../data/caseQueries";
import type { ClientsRoute } from "../clients/routes";
import { EmptyState } from "../EmptyState";
import { DraftStatusBadge } from "./DraftStatusBadge";
import { STATUS_CHOICES } from "./draftStatus";

interface DraftsScreenProps {
  onOpen: (route: ClientsRoute) => void;
}

/** Every draft, newest first, narrowed by status and template; each opens its page. */
export function DraftsScreen({ onOpen }: DraftsScreenProps) {
  const [status, setStatus] = useState<DraftStatus | "">("");
  const [template, setTemplate] = useState("");
  const templates = useTemplates();
  const drafts = useAllDrafts({
    clientId: null,
    matterId: null,
    status: status === "" ? null : status,
    template: template === "" ? null : template,
  });
  const filtered = status !== "" || template !== "";

  return (
    <>
      <div className="toolbar" role="group" aria-label="Show drafts">
        <SelectField
          label="Status"
          placeholder="Any status"
          testId="drafts-filter-status"
          value={status}
          onChange={setStatus}
          choices={STATUS_CHOICES}
        />
        <SelectField
          label="Template"
          placeholder="Any template"
          testId="drafts-filter-template"
          value={template}
          onChange={setTemplate}
          choices={
            templates.state === "ready"
              ? templates.data.templates.map((t) => ({
                  value: t.name,
                  label: t.pinned ? `${t.title} (pinned by your IT provider)` : t.title,
                }))
              : []
          }
        />
      </div>
      {drafts.state !== "ready" && <QueryStatus query={drafts} what="drafts" />}
      {drafts.state === "ready" && (
        <RecordList
          aria-label="Drafts"
          items={drafts.data}
          itemKey={(listing) => listing.draft.id}
          itemTestId="all-drafts-item"
          itemAttributes={(listing) => ({ "data-id": listing.draft.id })}
          onOpen={(listing) => {
            onOpen({ page: "draft", draftId: listing.draft.id });
          }}
          empty={
            filtered ? (
              <p className="quiet" data-testid="drafts-none-match">
                No drafts match these filters.
              </p>
            ) : (
              <EmptyState title="No drafts yet">
                Open a matter and choose “New draft” to fill a case summary, an RFE response or
                a letter from its record. Every draft, its versions and its approval are kept here
                for review, with or without a network.
              </EmptyState>
            )
          }
          renderItem={(listing) => (
            <>
              <span className="record__title">{listing.draft.title}</span>
              <span className="record__preview">
                {listing.clientName} · {listing.matterTitle}
              </span>
              <span className="record__meta">
                <DraftStatusBadge draft={listing.draft} />
                <span>
                  Made <DateTime iso={listing.draft.createdAt} />
                </span>
              </span>
            </>
          )}
        />
      )}
    </>
  );
}
