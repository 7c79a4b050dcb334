import { useEffect, useId, useRef, useState } from "react";
import { countOf } from "../../format/counts";
import { matchesFilter } from "../../format/matchText";
import { DateTime } from "../../components/DateTime";
import { focusFirstItem, focusItemById } from "../../components/listNavigation";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordList } from "../../components/RecordList";
import { useClients } from "../../data/caseQueries";
import { UpcomingDeadlines } from "../deadlines/UpcomingDeadlines";
import { EmptyState } from "../EmptyState";
import { NewClientForm } from "./NewClientForm";

interface ClientListPageProps {
  /** The client to focus once the list is in, e.g. the one the user just came back from. */
  focusClientId: number | undefined;
  onOpenClient: (clientId: number) => void;
  onOpenMatter: (matterId: number) => void;
}

/**
 * The landing page: the next open deadlines, then every client with a filter box that narrows
 * them by name as you type, and "New client".
 */
export function ClientListPage({ focusClientId, onOpenClient, onOpenMatter }: ClientListPageProps) {
  const clients = useClients();
  const filterId = useId();
  const [filter, setFilter] = useState("");
  const [creating, setCreating] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const newClientRef = useRef<HTMLButtonElement>(null);
  const focusWhenListed = useRef<number | null>(focusClientId ?? null);

  const all = clients.state === "ready" ? clients.data : null;
  useEffect(() => {
    const id = focusWhenListed.current;
    if (all === null || id === null) return;
    focusWhenListed.current = null;
    if (!focusItemById(listRef, id)) filterRef.current?.focus();
  }, [all]);

  const shown = all?.filter((client) =>
    matchesFilter(`${client.name} ${client.aNumber ?? ""}`, filter),
  );

  return (
    <>
      <UpcomingDeadlines onOpenMatter={onOpenMatter} />
      <h2 className="visually-hidden">All clients</h2>
      <div className="toolbar">
        <div className="field toolbar__grow">
          <label className="field__label" htmlFor={filterId}>
            Filter clients by name
          </label>
          <input
            id={filterId}
            ref={filterRef}
            className="field__input"
            type="text"
            autoComplete="off"
            spellCheck={false}
            data-testid="client-filter"
            aria-keyshortcuts="ArrowDown"
            value={filter}
            onChange={(event) => {
              setFilter(event.target.value);
            }}
            onKeyDown={(event) => {
              if (event.key === "ArrowDown") {
                if (focusFirstItem(listRef)) event.preventDefault();
              } else if (event.key === "Escape" && filter !== "") {
                event.preventDefault();
                setFilter("");
              }
            }}
          />
        </div>
        <button
          ref={newClientRef}
          type="button"
          className="button button--primary"
          data-testid="new-client"
          aria-expanded={creating}
          onClick={() => {
            setCreating(true);
          }}
        >
          New client
        </button>
      </div>

      {creating && (
        <NewClientForm
          onSaved={(client) => {
            setCreating(false);
            setFilter("");
            focusWhenListed.current = client.id;
            clients.reload();
          }}
          onCancel={() => {
            setCreating(false);
            newClientRef.current?.focus();
          }}
        />
      )}

      {clients.state !== "ready" && <QueryStatus query={clients} what="clients" />}

      {all?.length === 0 && (
        <EmptyState title="No clients yet">
          Each client you add will appear here with their cases and case notes, which stay
          encrypted on this computer.
        </EmptyState>
      )}

      {shown?.length === 0 && all !== null && all.length > 0 && (
        <p className="quiet" role="status">
          No clients match “{filter.trim()}”.
        </p>
      )}

      {shown !== undefined && (
        <RecordList
          ref={listRef}
          aria-label="Clients"
          data-testid="client-list"
          items={shown}
          itemKey={(client) => client.id}
          itemTestId="client-item"
          itemAttributes={(client) => ({ "data-id": client.id })}
          onOpen={(client) => {
            onOpenClient(client.id);
          }}
          onExitTop={() => filterRef.current?.focus()}
          renderItem={(client) => (
            <>
              <span className="record__title">{client.name}</span>
              <span className="record__meta">
                {client.aNumber !== null && <span>{client.aNumber}</span>}
                <span>{countOf(client.matters, "matter")}</span>
                <span>
                  Updated <DateTime iso={client.updatedAt} />
                </span>
              </span>
            </>
          )}
        />
      )}
    </>
  );
}
