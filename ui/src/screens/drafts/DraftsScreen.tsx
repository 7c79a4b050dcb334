import { DateTime } from "../../components/DateTime";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordList } from "../../components/RecordList";
import { SelectField } from "../../components/SelectField";
import { TextField } from "../../components/TextField";
import { useAllDrafts, useTemplates } from "../../data/caseQueries";
import { useProviderProfiles } from "../../data/settingsQueries";
import type { ClientsRoute } from "../clients/routes";
import { EmptyState } from "../EmptyState";
import { KIND_LABELS, KINDS } from "../settings/kinds";
import { DraftStatusBadge } from "./DraftStatusBadge";
import { STATUS_CHOICES } from "./draftStatus";
import { templateChoices } from "./templateChoices";
import { ANY_DRAFT, type DraftsFilter, isFiltered, toDraftFilter } from "./draftsFilter";

interface DraftsScreenProps {
  /** Held by the app, so the filters are still set when the user comes back from a draft. */
  filter: DraftsFilter;
  onFilterChange: (filter: DraftsFilter) => void;
  onOpen: (route: ClientsRoute) => void;
}

const KIND_CHOICES = KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }));

/**
 * Every draft, newest first, narrowed by status, template, the day it was made, and the AI
 * profile and provider kind that drafted it; each opens its page.
 */
export function DraftsScreen({ filter, onFilterChange, onOpen }: DraftsScreenProps) {
  const templates = useTemplates();
  const profiles = useProviderProfiles();
  const drafts = useAllDrafts(toDraftFilter(filter));
  const filtered = isFiltered(filter);
  const set = <K extends keyof DraftsFilter>(key: K) =>
    (value: DraftsFilter[K]) => {
      onFilterChange({ ...filter, [key]: value });
    };

  return (
    <>
      <div className="toolbar drafts-filters" role="group" aria-label="Show drafts">
        <SelectField
          label="Status"
          placeholder="Any status"
          testId="drafts-filter-status"
          value={filter.status}
          onChange={set("status")}
          choices={STATUS_CHOICES}
        />
        <SelectField
          label="Template"
          placeholder="Any template"
          testId="drafts-filter-template"
          value={filter.template}
          onChange={set("template")}
          choices={
            templates.state === "ready"
              ? templateChoices(templates.data.templates)
              : []
          }
        />
        <TextField
          label="Made from"
          type="date"
          testId="drafts-filter-from"
          value={filter.from}
          onChange={set("from")}
        />
        <TextField
          label="Made until"
          type="date"
          testId="drafts-filter-to"
          value={filter.to}
          onChange={set("to")}
        />
        <SelectField
          label="AI profile"
          placeholder="Any profile"
          testId="drafts-filter-profile"
          value={filter.profile}
          onChange={set("profile")}
          choices={
            profiles.state === "ready"
              ? profiles.data.map((p) => ({ value: p.name, label: p.display_name ?? p.name }))
              : []
          }
        />
        <SelectField
          label="Provider"
          placeholder="Any provider"
          testId="drafts-filter-provider"
          value={filter.providerKind}
          onChange={set("providerKind")}
          choices={KIND_CHOICES}
        />
        {filtered && (
          <button
            type="button"
            className="button"
            data-testid="drafts-filter-clear"
            onClick={() => {
              onFilterChange(ANY_DRAFT);
            }}
          >
            Clear filters
          </button>
        )}
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
